/// What a spliced-in stream (an ad) must match so that players keep playing across the splice:
/// the decoder-facing properties of a packaged HLS title, one entry per video rung plus the
/// audio, the segment container and the segment timing.
///
/// A pure value: the packager measures it from a package folder (`PackageTemplate.read`), tests
/// build it by hand, and `StitchPreflight.check(content:ad:)` compares two of them.
public struct SpliceTemplate: Sendable, Hashable, Codable {
    /// The segment container of a package.
    public enum Container: String, Sendable, Hashable, Codable, CaseIterable {
        /// MPEG-2 transport stream segments (`.ts`).
        case ts
        /// Fragmented MP4 segments with an initialization segment (EXT-X-MAP).
        case fmp4
    }

    /// TS or fMP4.
    public var format: Container
    /// EXT-X-TARGETDURATION in whole seconds (the largest over the package's media playlists).
    public var targetDuration: Int
    /// The longest EXTINF of any segment of any media playlist of the package.
    public var longestSegment: MediaTime
    /// The video rungs, in the multivariant playlist's order (empty for audio-only packages).
    public var video: [VideoTrack]
    /// The default audio (muxed into the video rendition for TS, its own rendition for fMP4);
    /// nil when the package has no audio.
    public var audio: AudioTrack?

    /// A template with the given values.
    public init(format: Container, targetDuration: Int, longestSegment: MediaTime, video: [VideoTrack],
                audio: AudioTrack?) {
        self.format = format
        self.targetDuration = targetDuration
        self.longestSegment = longestSegment
        self.video = video
        self.audio = audio
    }

    /// One video rendition (rung) of a package, measured from its first segment.
    public struct VideoTrack: Sendable, Hashable, Codable {
        /// The rendition's folder in the package, e.g. `"v720p"`.
        public var id: String
        /// Coded picture width in pixels (after cropping), from the bitstream.
        public var width: Int
        /// Coded picture height in pixels (after cropping), from the bitstream.
        public var height: Int
        /// The RFC 6381 codec string the multivariant playlist advertises (CODECS), e.g.
        /// `"avc1.64001f"`.
        public var codecString: String
        /// FFmpeg's codec name: `"h264"`, `"hevc"`.
        public var codecName: String
        /// The profile's name as FFmpeg gives it (`"High"`, `"Main"`, `"Constrained Baseline"`,
        /// `"Main 10"`); nil when unknown.
        public var profile: String?
        /// `level_idc` as in the SPS: 10 × level for H.264 (31 = 3.1), 30 × level for HEVC
        /// (93 = 3.1); nil when unknown.
        public var level: Int?
        /// The decoded pixel format, FFmpeg's name (`"yuv420p"`, `"yuv420p10le"`); nil when unknown.
        public var pixelFormat: String?
        /// Frames per second as an exact fraction (24/1, 30000/1001); nil when unknown.
        public var frameRate: FrameRate?
        /// Ticks per second of the track's timestamps: the `mdhd` timescale of the init segment
        /// for fMP4, 90 000 for TS.
        public var timescale: Int32
        /// Whether the first picture of the rendition's first segment is an IDR (H.264
        /// nal_unit_type 5, HEVC 19 or 20).
        public var startsWithIDR: Bool

        /// A video track with the given values.
        public init(id: String, width: Int, height: Int, codecString: String, codecName: String,
                    profile: String?, level: Int?, pixelFormat: String?, frameRate: FrameRate?,
                    timescale: Int32, startsWithIDR: Bool) {
            self.id = id
            self.width = width
            self.height = height
            self.codecString = codecString
            self.codecName = codecName
            self.profile = profile
            self.level = level
            self.pixelFormat = pixelFormat
            self.frameRate = frameRate
            self.timescale = timescale
            self.startsWithIDR = startsWithIDR
        }

        /// `"WIDTHxHEIGHT"`, the rung's key when matching content and ad rungs.
        public var resolution: String { "\(width)x\(height)" }

        /// The level as people write it: `"3.1"` (from 31 for H.264, 93 for HEVC), or the raw
        /// number for other codecs; nil when unknown.
        public var levelText: String? {
            guard let level else { return nil }
            switch codecName {
            case "h264": return "\(level / 10).\(level % 10)"
            case "hevc":
                // level_idc = 30 × level: 93 → 3.1, 120 → 4, 153 → 5.1.
                let tenths = level / 3
                return tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)"
            default: return String(level)
            }
        }

        private enum CodingKeys: String, CodingKey {
            case id, width, height, codecString, codecName, profile, level, pixelFormat, frameRate, timescale,
                 startsWithIDR
        }

        /// Decodes the fields; `frameRate` is a string `"num/den"` (or a decimal like `"29.97"`).
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(String.self, forKey: .id)
            width = try c.decode(Int.self, forKey: .width)
            height = try c.decode(Int.self, forKey: .height)
            codecString = try c.decode(String.self, forKey: .codecString)
            codecName = try c.decode(String.self, forKey: .codecName)
            profile = try c.decodeIfPresent(String.self, forKey: .profile)
            level = try c.decodeIfPresent(Int.self, forKey: .level)
            pixelFormat = try c.decodeIfPresent(String.self, forKey: .pixelFormat)
            if let text = try c.decodeIfPresent(String.self, forKey: .frameRate) {
                guard let rate = SpliceTemplate.frameRate(text) else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .frameRate, in: c, debugDescription: "'\(text)' is not a frame rate like 30000/1001")
                }
                frameRate = rate
            } else {
                frameRate = nil
            }
            timescale = try c.decode(Int32.self, forKey: .timescale)
            guard timescale > 0 else {
                throw DecodingError.dataCorruptedError(forKey: .timescale, in: c, debugDescription: "must be positive")
            }
            startsWithIDR = try c.decode(Bool.self, forKey: .startsWithIDR)
        }

        /// Encodes the fields; `frameRate` as `"num/den"`.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(width, forKey: .width)
            try c.encode(height, forKey: .height)
            try c.encode(codecString, forKey: .codecString)
            try c.encode(codecName, forKey: .codecName)
            try c.encodeIfPresent(profile, forKey: .profile)
            try c.encodeIfPresent(level, forKey: .level)
            try c.encodeIfPresent(pixelFormat, forKey: .pixelFormat)
            try c.encodeIfPresent(frameRate.map(SpliceTemplate.fractionText), forKey: .frameRate)
            try c.encode(timescale, forKey: .timescale)
            try c.encode(startsWithIDR, forKey: .startsWithIDR)
        }
    }

    /// The package's default audio, measured from its first segment.
    public struct AudioTrack: Sendable, Hashable, Codable {
        /// The folder of the rendition that carries it: its own (`"audio-eng"`) for fMP4, the
        /// video rendition's (`"v720p"`) when muxed into TS video segments.
        public var id: String
        /// The RFC 6381 codec string the multivariant playlist advertises, e.g. `"mp4a.40.2"`.
        public var codecString: String
        /// FFmpeg's codec name: `"aac"`, `"ac3"`, `"eac3"`, `"mp3"`.
        public var codecName: String
        /// For AAC: `"LC"`, `"HE"` (SBR, mp4a.40.5), `"HE-v2"` (SBR + PS, mp4a.40.29), `"Main"`,
        /// `"LTP"`, or `"AOT n"`; nil for other codecs.
        public var profile: String?
        /// Decoded samples per second (for HE-AAC the SBR output rate, twice the core rate).
        public var sampleRate: Int
        /// Decoded channel count.
        public var channels: Int
        /// Ticks per second of the track's timestamps: the `mdhd` timescale for fMP4 (usually the
        /// sample rate), 90 000 for TS.
        public var timescale: Int32

        /// An audio track with the given values.
        public init(id: String, codecString: String, codecName: String, profile: String?, sampleRate: Int,
                    channels: Int, timescale: Int32) {
            self.id = id
            self.codecString = codecString
            self.codecName = codecName
            self.profile = profile
            self.sampleRate = sampleRate
            self.channels = channels
            self.timescale = timescale
        }

        /// The profile name of an MPEG-4 audio object type: 2 → `"LC"`, 5 → `"HE"`,
        /// 29 → `"HE-v2"`, 1 → `"Main"`, 4 → `"LTP"`, other n → `"AOT n"`.
        public static func aacProfile(objectType: Int) -> String {
            switch objectType {
            case 1: return "Main"
            case 2: return "LC"
            case 4: return "LTP"
            case 5: return "HE"
            case 29: return "HE-v2"
            default: return "AOT \(objectType)"
            }
        }

        /// The profile named by an `mp4a.40.<n>` codec string (see `aacProfile(objectType:)`);
        /// nil for anything else.
        public static func aacProfile(codecString: String) -> String? {
            let prefix = "mp4a.40."
            guard codecString.lowercased().hasPrefix(prefix),
                  let n = Int(codecString.dropFirst(prefix.count)) else { return nil }
            return aacProfile(objectType: n)
        }
    }

    // MARK: Frame-rate text

    /// `"num/den"` (reduced), e.g. `"24/1"`, `"30000/1001"`.
    public static func fractionText(_ rate: FrameRate) -> String {
        guard rate.denominator > 0 else { return "\(rate.numerator)/\(rate.denominator)" }
        let g = MediaTime.gcd(rate.numerator, rate.denominator)
        return "\(rate.numerator / g)/\(rate.denominator / g)"
    }

    /// Parses `"num/den"` (both positive) or a decimal (`"25"`, `"29.97"`); nil otherwise.
    public static func frameRate(_ text: String) -> FrameRate? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 2 {
            guard let n = Int64(parts[0]), let d = Int64(parts[1]), n > 0, d > 0 else { return nil }
            return FrameRate(numerator: n, denominator: d)
        }
        guard parts.count == 1, let rate = FrameRate(text), rate.numerator > 0 else { return nil }
        return rate
    }
}
