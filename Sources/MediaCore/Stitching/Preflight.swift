/// One difference between a content template and an ad template that breaks (error) or may
/// upset (warning) players at a splice.
public struct Mismatch: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A stable code for scripts and tests (the raw value, e.g. `"audio-sample-rate"`).
    public struct Code: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        /// The stable code text.
        public var rawValue: String
        /// Wraps a code text.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The raw value.
        public var description: String { rawValue }

        /// TS content and fMP4 ad, or the reverse.
        public static let format = Code(rawValue: "format")
        /// An ad segment longer than the content's EXT-X-TARGETDURATION allows.
        public static let segmentDuration = Code(rawValue: "segment-duration")
        /// A content rung (resolution) the ad does not have.
        public static let rungMissing = Code(rawValue: "rung-missing")
        /// An ad rung (resolution) the content does not have (warning: it would go unused).
        public static let rungExtra = Code(rawValue: "rung-extra")
        /// Another video codec (H.264 vs HEVC).
        public static let videoCodec = Code(rawValue: "video-codec")
        /// Another video profile (High vs Main).
        public static let videoProfile = Code(rawValue: "video-profile")
        /// Another video level.
        public static let videoLevel = Code(rawValue: "video-level")
        /// Another CODECS string for the rung where codec, profile and level agree (constraint
        /// flags, tier, sample entry avc1/avc3, hvc1/hev1).
        public static let videoCodecString = Code(rawValue: "video-codec-string")
        /// Another pixel format (8 vs 10 bit, 4:2:0 vs 4:2:2).
        public static let videoPixelFormat = Code(rawValue: "video-pixel-format")
        /// Another frame rate (warning).
        public static let videoFrameRate = Code(rawValue: "video-frame-rate")
        /// Another fMP4 video track timescale.
        public static let videoTimescale = Code(rawValue: "video-timescale")
        /// The ad rung's first segment does not start with an IDR picture.
        public static let videoNotIDR = Code(rawValue: "video-not-idr")
        /// The content has audio and the ad has none.
        public static let audioMissing = Code(rawValue: "audio-missing")
        /// The ad has audio and the content has none.
        public static let audioExtra = Code(rawValue: "audio-extra")
        /// Another audio codec (AAC vs AC-3).
        public static let audioCodec = Code(rawValue: "audio-codec")
        /// Another AAC profile (HE-AAC vs LC).
        public static let audioProfile = Code(rawValue: "audio-profile")
        /// Another audio CODECS string where codec and profile agree.
        public static let audioCodecString = Code(rawValue: "audio-codec-string")
        /// Another audio sample rate.
        public static let audioSampleRate = Code(rawValue: "audio-sample-rate")
        /// Another channel count.
        public static let audioChannels = Code(rawValue: "audio-channels")
        /// Another fMP4 audio track timescale.
        public static let audioTimescale = Code(rawValue: "audio-timescale")
    }

    /// How bad it is.
    public enum Severity: String, Sendable, Hashable, Codable {
        /// Players are known to fail or glitch: do not stitch.
        case error
        /// Worth knowing; most players cope.
        case warning
    }

    /// What kind of difference.
    public var code: Code
    /// Error or warning.
    public var severity: Severity
    /// The template field, e.g. `"format"`, `"video[640x360].profile"`, `"audio.sampleRate"`.
    public var field: String
    /// The content's value as text; nil when the content has none (an extra rung).
    public var content: String?
    /// The ad's value as text; nil when the ad has none (a missing rung).
    public var ad: String?
    /// One line saying what differs and why it matters.
    public var message: String

    /// A mismatch with the given values.
    public init(code: Code, severity: Severity = .error, field: String, content: String?, ad: String?,
                message: String) {
        self.code = code
        self.severity = severity
        self.field = field
        self.content = content
        self.ad = ad
        self.message = message
    }

    private enum CodingKeys: String, CodingKey {
        case code, severity, field, content, ad, message
    }

    /// Encodes every field; an absent `content` or `ad` is written as null (not left out).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(code, forKey: .code)
        try c.encode(severity, forKey: .severity)
        try c.encode(field, forKey: .field)
        try c.encode(content, forKey: .content)
        try c.encode(ad, forKey: .ad)
        try c.encode(message, forKey: .message)
    }

    /// `"<code>: <message>"`, with `"warning: "` in front for warnings.
    public var description: String {
        (severity == .warning ? "warning: " : "") + "\(code): \(message)"
    }
}

/// Checks, before stitching, that an ad can be spliced into content without breaking players:
/// same container, segments that fit the content's target duration, an ad rung for every content
/// rung with the same codec, profile, level and pixel format (and timescale for fMP4) starting on
/// an IDR, and the same audio codec, profile, sample rate and channel count (Apple HLS Authoring
/// Specification; RFC 8216bis §4.4.3.1, §6.2.2).
public enum StitchPreflight {
    /// Every difference between `content` and `ad` that matters at a splice, in a fixed order:
    /// format, segment duration, rungs (missing, then extra), per content rung (codec, profile,
    /// level, codec string, pixel format, frame rate, timescale), ad rungs not starting with an
    /// IDR, then audio. Empty when content and ad match in everything checked; when only
    /// warnings remain (frame rate, ad rungs the content lacks) the ad is still stitchable, see
    /// `isStitchable`.
    ///
    /// Rungs are matched by resolution; each content rung is compared with the ad rung of the same
    /// resolution (preferring one with the same codec string). A codec difference hides the
    /// profile/level/codec-string checks of that rung (they would only repeat it), and a
    /// profile or level difference hides the codec-string check. Timescales are compared only
    /// when both packages are fMP4 (TS is always 90 kHz).
    public static func check(content: SpliceTemplate, ad: SpliceTemplate) -> [Mismatch] {
        var out: [Mismatch] = []
        let bothFMP4 = content.format == .fmp4 && ad.format == .fmp4

        if content.format != ad.format {
            out.append(Mismatch(
                code: .format, field: "format", content: content.format.rawValue, ad: ad.format.rawValue,
                message: "the content's segments are \(name(content.format)) but the ad's are \(name(ad.format)): players cannot switch containers at a splice"))
        }

        // EXTINF rounded to the nearest integer must stay ≤ TARGETDURATION, which never changes.
        let adLongest = ad.longestSegment.ticks(at: 1)
        if adLongest > Int64(content.targetDuration) {
            out.append(Mismatch(
                code: .segmentDuration, field: "longestSegment",
                content: "\(content.targetDuration)", ad: ad.longestSegment.decimalString(fractionDigits: 3),
                message: "the ad's longest segment is \(ad.longestSegment.decimalString(fractionDigits: 3)) s, over the content's EXT-X-TARGETDURATION of \(content.targetDuration) s: the stitched playlist would break its target duration (re-package the ad with --segment-duration \(content.targetDuration) or less)"))
        }

        // Rungs, by resolution.
        let adResolutions = Set(ad.video.map(\.resolution))
        let contentResolutions = Set(content.video.map(\.resolution))
        var reported: Set<String> = []
        for rung in content.video where !adResolutions.contains(rung.resolution) && reported.insert(rung.resolution).inserted {
            out.append(Mismatch(
                code: .rungMissing, field: "video[\(rung.resolution)]", content: rung.resolution, ad: nil,
                message: "the content's \(rung.resolution) rung (\(rung.id)) has no ad rung of the same resolution (the ad has \(list(ad.video.map(\.resolution))))"))
        }
        reported = []
        for rung in ad.video where !contentResolutions.contains(rung.resolution) && reported.insert(rung.resolution).inserted {
            out.append(Mismatch(
                code: .rungExtra, severity: .warning, field: "video[\(rung.resolution)]", content: nil, ad: rung.resolution,
                message: "the ad's \(rung.resolution) rung (\(rung.id)) matches no content rung (the content has \(list(content.video.map(\.resolution)))); it would go unused"))
        }

        for c in content.video {
            let candidates = ad.video.filter { $0.resolution == c.resolution }
            guard let a = candidates.first(where: { $0.codecString == c.codecString }) ?? candidates.first else { continue }
            out += compare(video: c, a, timescales: bothFMP4)
        }

        for a in ad.video where !a.startsWithIDR {
            out.append(Mismatch(
                code: .videoNotIDR, field: "video[\(a.resolution)].startsWithIDR", content: nil, ad: "false",
                message: "the ad's \(a.resolution) rung (\(a.id)) does not start with an IDR picture: players show garbage or stall after the splice"))
        }

        out += compare(audio: content.audio, ad.audio, timescales: bothFMP4)
        return out
    }

    /// Whether `mismatches` (from `check`) hold no error (warnings allowed).
    public static func isStitchable(_ mismatches: [Mismatch]) -> Bool {
        !mismatches.contains { $0.severity == .error }
    }

    // MARK: Video

    private static func compare(video c: SpliceTemplate.VideoTrack, _ a: SpliceTemplate.VideoTrack,
                                timescales: Bool) -> [Mismatch] {
        var out: [Mismatch] = []
        let key = "video[\(c.resolution)]"
        let rung = "the \(c.resolution) rung"
        if c.codecName != a.codecName {
            out.append(Mismatch(
                code: .videoCodec, field: "\(key).codecName", content: c.codecName, ad: a.codecName,
                message: "\(rung): the content is \(codecLabel(c.codecName)) (\(c.codecString)) but the ad is \(codecLabel(a.codecName)) (\(a.codecString))"))
        } else {
            var explained = false
            if c.profile != a.profile {
                explained = true
                out.append(Mismatch(
                    code: .videoProfile, field: "\(key).profile", content: c.profile, ad: a.profile,
                    message: "\(rung): the content is \(codecLabel(c.codecName)) \(c.profile ?? "(unknown profile)") (\(c.codecString)) but the ad is \(a.profile ?? "(unknown profile)") (\(a.codecString))"))
            }
            if c.level != a.level {
                explained = true
                let higher = (a.level ?? 0) > (c.level ?? 0)
                out.append(Mismatch(
                    code: .videoLevel, field: "\(key).level", content: c.levelText, ad: a.levelText,
                    message: "\(rung): the content is level \(c.levelText ?? "unknown") but the ad is level \(a.levelText ?? "unknown")" + (higher ? " (higher than the variant's CODECS promise)" : "")))
            }
            if !explained && c.codecString.lowercased() != a.codecString.lowercased() {
                out.append(Mismatch(
                    code: .videoCodecString, field: "\(key).codecString", content: c.codecString, ad: a.codecString,
                    message: "\(rung): the content's CODECS is \(c.codecString) but the ad's is \(a.codecString)"))
            }
        }
        if c.pixelFormat != a.pixelFormat {
            out.append(Mismatch(
                code: .videoPixelFormat, field: "\(key).pixelFormat", content: c.pixelFormat, ad: a.pixelFormat,
                message: "\(rung): the content's pixel format is \(c.pixelFormat ?? "unknown") but the ad's is \(a.pixelFormat ?? "unknown")"))
        }
        if c.frameRate != a.frameRate {
            let ct = c.frameRate.map { $0.text } ?? "unknown"
            let at = a.frameRate.map { $0.text } ?? "unknown"
            out.append(Mismatch(
                code: .videoFrameRate, severity: .warning, field: "\(key).frameRate",
                content: c.frameRate.map(SpliceTemplate.fractionText), ad: a.frameRate.map(SpliceTemplate.fractionText),
                message: "\(rung): the content runs at \(ct) fps but the ad at \(at) fps (smart TVs may re-sync the display: a blink or judder at the splice)"))
        }
        if timescales && c.timescale != a.timescale {
            out.append(Mismatch(
                code: .videoTimescale, field: "\(key).timescale", content: "\(c.timescale)", ad: "\(a.timescale)",
                message: "\(rung): the content's fMP4 video timescale is \(c.timescale) but the ad's is \(a.timescale) (players that keep the content's init segment misread the ad's timestamps)"))
        }
        return out
    }

    // MARK: Audio

    private static func compare(audio content: SpliceTemplate.AudioTrack?, _ ad: SpliceTemplate.AudioTrack?,
                                timescales: Bool) -> [Mismatch] {
        switch (content, ad) {
        case (nil, nil):
            return []
        case (let c?, nil):
            return [Mismatch(
                code: .audioMissing, field: "audio", content: c.codecString, ad: nil,
                message: "the content has audio (\(c.codecString)) but the ad has none: players stall waiting for audio")]
        case (nil, let a?):
            return [Mismatch(
                code: .audioExtra, field: "audio", content: nil, ad: a.codecString,
                message: "the ad has audio (\(a.codecString)) but the content has none")]
        case (let c?, let a?):
            var out: [Mismatch] = []
            if c.codecName != a.codecName {
                out.append(Mismatch(
                    code: .audioCodec, field: "audio.codecName", content: c.codecName, ad: a.codecName,
                    message: "the content's audio is \(audioLabel(c)) (\(c.codecString)) but the ad's is \(audioLabel(a)) (\(a.codecString))"))
            } else if c.profile != a.profile {
                out.append(Mismatch(
                    code: .audioProfile, field: "audio.profile", content: c.profile, ad: a.profile,
                    message: "the content's audio is \(audioLabel(c)) (\(c.codecString)) but the ad's is \(audioLabel(a)) (\(a.codecString)): decoders configured for one do not switch to the other"))
            } else if c.codecString.lowercased() != a.codecString.lowercased() {
                out.append(Mismatch(
                    code: .audioCodecString, field: "audio.codecString", content: c.codecString, ad: a.codecString,
                    message: "the content's audio CODECS is \(c.codecString) but the ad's is \(a.codecString)"))
            }
            if c.sampleRate != a.sampleRate {
                out.append(Mismatch(
                    code: .audioSampleRate, field: "audio.sampleRate", content: "\(c.sampleRate)", ad: "\(a.sampleRate)",
                    message: "the content's audio is \(khz(c.sampleRate)) kHz but the ad's is \(khz(a.sampleRate)) kHz: players that do not reset the audio decoder play it at the wrong speed or drop it"))
            }
            if c.channels != a.channels {
                out.append(Mismatch(
                    code: .audioChannels, field: "audio.channels", content: "\(c.channels)", ad: "\(a.channels)",
                    message: "the content's audio has \(channelText(c.channels)) but the ad's has \(channelText(a.channels))"))
            }
            if timescales && c.timescale != a.timescale {
                out.append(Mismatch(
                    code: .audioTimescale, field: "audio.timescale", content: "\(c.timescale)", ad: "\(a.timescale)",
                    message: "the content's fMP4 audio timescale is \(c.timescale) but the ad's is \(a.timescale)"))
            }
            return out
        }
    }

    // MARK: Text

    private static func name(_ format: SpliceTemplate.Container) -> String {
        format == .ts ? "MPEG-TS" : "fragmented MP4"
    }

    private static func list(_ items: [String]) -> String {
        var seen: Set<String> = []
        let unique = items.filter { seen.insert($0).inserted }
        return unique.isEmpty ? "none" : unique.joined(separator: ", ")
    }

    private static func codecLabel(_ codecName: String) -> String {
        switch codecName {
        case "h264": return "H.264"
        case "hevc": return "HEVC"
        default: return codecName
        }
    }

    private static func audioLabel(_ a: SpliceTemplate.AudioTrack) -> String {
        switch a.codecName {
        case "aac":
            switch a.profile {
            case "LC"?: return "AAC-LC"
            case "HE"?: return "HE-AAC"
            case "HE-v2"?: return "HE-AACv2"
            case let p?: return "AAC \(p)"
            case nil: return "AAC"
            }
        case "ac3": return "AC-3"
        case "eac3": return "E-AC-3"
        case "mp3": return "MP3"
        default: return a.codecName
        }
    }

    /// 48000 → "48", 44100 → "44.1", 22050 → "22.05".
    private static func khz(_ rate: Int) -> String {
        var s = MediaTime(value: Int64(rate), timescale: 1000).decimalString(fractionDigits: 3)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    private static func channelText(_ n: Int) -> String {
        switch n {
        case 1: return "1 channel (mono)"
        case 2: return "2 channels (stereo)"
        case 6: return "6 channels (5.1)"
        default: return "\(n) channels"
        }
    }
}
