import FoundationEssentials

/// A bitrate ladder: the renditions a title is transcoded to, their encoder settings, the GOP
/// they share, and the audio they carry. Built in: `tv` (16:9 1080p/720p/540p) and `mobile`
/// (9:16 1080x1920/720x1280/540x960). Custom ladders come from JSON (see `Ladder.parse`).
public struct Ladder: Sendable, Hashable, Codable {
    /// A name for messages and reports.
    public var name: String
    public var rungs: [LadderRung]
    /// GOP length: an IDR every `gop` (and at every cue), the same instants in every rung.
    public var gop: MediaTime
    /// How a picture of another aspect ratio fits a rung's box.
    public var fit: FitMode
    /// Encoder speed preset (x264/x265 names: ultrafast ... veryslow).
    public var preset: String
    public var audio: LadderAudio
    /// fMP4 video track timescale (nil: 90 kHz). Ad conditioning sets the content's, so the
    /// splice keeps one timescale.
    public var videoTimescale: Int32?

    public init(name: String, rungs: [LadderRung], gop: MediaTime = MediaTime(seconds: 2), fit: FitMode = .fit,
                preset: String = "veryfast", audio: LadderAudio = LadderAudio(), videoTimescale: Int32? = nil) {
        self.name = name
        self.rungs = rungs
        self.gop = gop
        self.fit = fit
        self.preset = preset
        self.audio = audio
        self.videoTimescale = videoTimescale
    }

    /// Living-room TV, 16:9: 1080p 5 Mb/s, 720p 3 Mb/s, 540p 1.6 Mb/s.
    public static let tv = Ladder(name: "tv", rungs: [
        LadderRung(width: 1920, height: 1080, bitrate: 5_000_000, maxrate: 7_500_000, bufsize: 10_000_000, profile: "high", level: "4.0"),
        LadderRung(width: 1280, height: 720, bitrate: 3_000_000, maxrate: 4_500_000, bufsize: 6_000_000, profile: "high", level: "3.1"),
        LadderRung(width: 960, height: 540, bitrate: 1_600_000, maxrate: 2_400_000, bufsize: 3_200_000, profile: "main", level: "3.1"),
    ])

    /// Phones, 9:16 vertical: 1080x1920 4.5 Mb/s, 720x1280 2.5 Mb/s, 540x960 1.2 Mb/s.
    public static let mobile = Ladder(name: "mobile", rungs: [
        LadderRung(width: 1080, height: 1920, bitrate: 4_500_000, maxrate: 6_750_000, bufsize: 9_000_000, profile: "high", level: "4.0"),
        LadderRung(width: 720, height: 1280, bitrate: 2_500_000, maxrate: 3_750_000, bufsize: 5_000_000, profile: "high", level: "3.1"),
        LadderRung(width: 540, height: 960, bitrate: 1_200_000, maxrate: 1_800_000, bufsize: 2_400_000, profile: "main", level: "3.1"),
    ])

    /// The built-in ladder named `name`, if any.
    public static func builtIn(_ name: String) -> Ladder? {
        switch name {
        case "tv": return tv
        case "mobile": return mobile
        default: return nil
        }
    }

    // MARK: JSON

    enum CodingKeys: String, CodingKey { case name, rungs, gop, fit, preset, audio, videoTimescale = "video_timescale" }

    /// Reads a ladder; `gop` is seconds (a number or a decimal string), optional fields default.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? "custom"
        rungs = try c.decode([LadderRung].self, forKey: .rungs)
        gop = try c.decodeIfPresent(Seconds.self, forKey: .gop)?.time ?? MediaTime(seconds: 2)
        fit = try c.decodeIfPresent(FitMode.self, forKey: .fit) ?? .fit
        preset = try c.decodeIfPresent(String.self, forKey: .preset) ?? "veryfast"
        audio = try c.decodeIfPresent(LadderAudio.self, forKey: .audio) ?? LadderAudio()
        videoTimescale = try c.decodeIfPresent(Int32.self, forKey: .videoTimescale)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(rungs, forKey: .rungs)
        try c.encode(gop.decimalSeconds, forKey: .gop)
        try c.encode(fit, forKey: .fit)
        try c.encode(preset, forKey: .preset)
        try c.encode(audio, forKey: .audio)
        try c.encodeIfPresent(videoTimescale, forKey: .videoTimescale)
    }

    /// Parses and checks a ladder file. A bad field is an error naming it, e.g.
    /// `rungs[1].bitrate: "fast" is not a bitrate (e.g. 3000000, 3000k or 3M)`.
    public static func parse(_ json: [UInt8]) throws(LadderError) -> Ladder {
        let ladder: Ladder
        do {
            ladder = try JSONDecoder().decode(Ladder.self, from: Data(json))
        } catch let e as LadderError {
            throw e
        } catch let DecodingError.keyNotFound(key, ctx) {
            throw LadderError(field: path(ctx.codingPath + [key]), message: "is required")
        } catch let DecodingError.typeMismatch(_, ctx) {
            throw LadderError(field: path(ctx.codingPath), message: ctx.debugDescription)
        } catch let DecodingError.valueNotFound(_, ctx) {
            throw LadderError(field: path(ctx.codingPath), message: "must not be null")
        } catch let DecodingError.dataCorrupted(ctx) {
            throw LadderError(field: ctx.codingPath.isEmpty ? "ladder" : path(ctx.codingPath),
                              message: ctx.codingPath.isEmpty ? "is not valid JSON" : ctx.debugDescription)
        } catch {
            throw LadderError(field: "ladder", message: "\(error)")
        }
        try ladder.check()
        return ladder
    }

    static func path(_ keys: [any CodingKey]) -> String {
        var out = ""
        for k in keys {
            if let i = k.intValue { out += "[\(i)]" } else { out += out.isEmpty ? k.stringValue : "." + k.stringValue }
        }
        return out
    }

    /// Checks every field's range; throws naming the first bad one.
    public func check() throws(LadderError) {
        guard !rungs.isEmpty else { throw LadderError(field: "rungs", message: "must list at least one rung") }
        guard rungs.count <= 12 else { throw LadderError(field: "rungs", message: "at most 12 rungs") }
        guard gop >= MediaTime(value: 1, timescale: 2), gop <= MediaTime(seconds: 10) else {
            throw LadderError(field: "gop", message: "\(gop.decimalSeconds) s is not between 0.5 and 10 seconds")
        }
        let presets = ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow"]
        guard presets.contains(preset) else { throw LadderError(field: "preset", message: "'\(preset)' is not one of \(presets.joined(separator: ", "))") }
        for (i, r) in rungs.enumerated() { try r.check(field: "rungs[\(i)]") }
        if let t = videoTimescale, !(1000...1_000_000).contains(t) {
            throw LadderError(field: "video_timescale", message: "\(t) is not between 1000 and 1000000")
        }
        try audio.check()
    }

    // MARK: Planning

    /// The rungs to encode for a source picture of `sourceWidth`×`sourceHeight` (display
    /// size, after the sample aspect ratio): each rung's output size by the fit mode (even
    /// numbers), and the rungs skipped because they would upscale the source.
    public func plan(sourceWidth: Int, sourceHeight: Int) -> (rungs: [PlannedRung], skipped: [String]) {
        var out: [PlannedRung] = []
        var skipped: [String] = []
        for r in rungs {
            let p = PlannedRung.fitting(r, sourceWidth: sourceWidth, sourceHeight: sourceHeight, fit: fit)
            if p.pictureWidth > sourceWidth + 1 || p.pictureHeight > sourceHeight + 1 {
                skipped.append("rung \(r.width)x\(r.height) is larger than the \(sourceWidth)x\(sourceHeight) source: skipped")
                continue
            }
            if out.contains(where: { $0.width == p.width && $0.height == p.height }) {
                skipped.append("rung \(r.width)x\(r.height) gives the same \(p.width)x\(p.height) picture as a larger rung: skipped")
                continue
            }
            out.append(p)
        }
        return (out, skipped)
    }
}

/// How a source of another aspect ratio fits a rung's box.
public enum FitMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Scale to fit inside the box, keep the aspect ratio; the output is the scaled size
    /// (a 4:3 source in a 1920x1080 rung becomes 1440x1080).
    case fit
    /// Scale to fit inside the box and pad with black to the box size (letterbox/pillarbox).
    case pad
}

/// Video codecs a rung can use.
public enum LadderCodec: String, Sendable, Hashable, Codable, CaseIterable {
    case h264, hevc
}

/// One rendition of a ladder.
public struct LadderRung: Sendable, Hashable, Codable {
    /// The box: output width and height (`fit` may make the picture smaller in one dimension).
    public var width: Int
    public var height: Int
    /// Target average bitrate, bits/s.
    public var bitrate: Int
    /// VBV maximum rate and buffer size, bits/s and bits (default 1.5× and 2× the bitrate).
    public var maxrate: Int?
    public var bufsize: Int?
    /// Encoder profile: h264 baseline/main/high; hevc main/main10.
    public var profile: String?
    /// Level, e.g. "3.1", "4.0" (h264), "4" (hevc).
    public var level: String?
    /// Output frame rate; nil keeps the source's.
    public var fps: FrameRate?
    public var codec: LadderCodec

    public init(width: Int, height: Int, bitrate: Int, maxrate: Int? = nil, bufsize: Int? = nil,
                profile: String? = nil, level: String? = nil, fps: FrameRate? = nil, codec: LadderCodec = .h264) {
        self.width = width
        self.height = height
        self.bitrate = bitrate
        self.maxrate = maxrate
        self.bufsize = bufsize
        self.profile = profile
        self.level = level
        self.fps = fps
        self.codec = codec
    }

    enum CodingKeys: String, CodingKey { case width, height, resolution, bitrate, maxrate, bufsize, profile, level, fps, codec }

    /// Reads a rung: `width`+`height` or `resolution` ("1280x720"); bitrates as numbers or
    /// strings with k/M suffixes; `fps` as a number or "30000/1001".
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let res = try c.decodeIfPresent(String.self, forKey: .resolution) {
            let parts = res.lowercased().split(separator: "x")
            guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]) else {
                throw LadderError(field: Ladder.path(c.codingPath + [CodingKeys.resolution]), message: "'\(res)' is not WIDTHxHEIGHT")
            }
            width = w
            height = h
        } else {
            width = try c.decode(Int.self, forKey: .width)
            height = try c.decode(Int.self, forKey: .height)
        }
        func rate(_ key: CodingKeys) throws -> Int? {
            guard let v = try c.decodeIfPresent(Bitrate.self, forKey: key) else { return nil }
            guard let n = v.value else {
                throw LadderError(field: Ladder.path(c.codingPath + [key]), message: "'\(v.text)' is not a bitrate (e.g. 3000000, 3000k or 3M)")
            }
            return n
        }
        guard let b = try rate(.bitrate) else {
            throw LadderError(field: Ladder.path(c.codingPath + [CodingKeys.bitrate]), message: "is required")
        }
        bitrate = b
        maxrate = try rate(.maxrate)
        bufsize = try rate(.bufsize)
        profile = try c.decodeIfPresent(String.self, forKey: .profile)
        level = try c.decodeIfPresent(Level.self, forKey: .level)?.text
        if let f = try c.decodeIfPresent(Level.self, forKey: .fps) {
            guard let rate = FrameRate(fraction: f.text) else {
                throw LadderError(field: Ladder.path(c.codingPath + [CodingKeys.fps]), message: "'\(f.text)' is not a frame rate (e.g. 30, 29.97 or 30000/1001)")
            }
            fps = rate
        } else {
            fps = nil
        }
        codec = try c.decodeIfPresent(LadderCodec.self, forKey: .codec) ?? .h264
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(width, forKey: .width)
        try c.encode(height, forKey: .height)
        try c.encode(bitrate, forKey: .bitrate)
        try c.encodeIfPresent(maxrate, forKey: .maxrate)
        try c.encodeIfPresent(bufsize, forKey: .bufsize)
        try c.encodeIfPresent(profile, forKey: .profile)
        try c.encodeIfPresent(level, forKey: .level)
        try c.encodeIfPresent(fps.map { "\($0.numerator)/\($0.denominator)" }, forKey: .fps)
        try c.encode(codec, forKey: .codec)
    }

    func check(field: String) throws(LadderError) {
        guard (16...7680).contains(width) else { throw LadderError(field: field + ".width", message: "\(width) is not between 16 and 7680") }
        guard (16...7680).contains(height) else { throw LadderError(field: field + ".height", message: "\(height) is not between 16 and 7680") }
        guard (32_000...100_000_000).contains(bitrate) else {
            throw LadderError(field: field + ".bitrate", message: "\(bitrate) b/s is not between 32k and 100M")
        }
        if let m = maxrate, m < bitrate { throw LadderError(field: field + ".maxrate", message: "\(m) is below the bitrate \(bitrate)") }
        if let b = bufsize, b < 1000 { throw LadderError(field: field + ".bufsize", message: "\(b) is too small") }
        let profiles = codec == .h264 ? ["baseline", "main", "high"] : ["main", "main10"]
        if let p = profile, !profiles.contains(p) {
            throw LadderError(field: field + ".profile", message: "'\(p)' is not one of \(profiles.joined(separator: ", ")) for \(codec.rawValue)")
        }
        if let l = level {
            guard let v = MediaTime(decimal: l), v >= MediaTime(seconds: 1), v <= MediaTime(value: 62, timescale: 10) else {
                throw LadderError(field: field + ".level", message: "'\(l)' is not a level (e.g. 3.1, 4.0)")
            }
        }
        if let f = fps {
            guard f.numerator > 0, f.denominator > 0, f.numerator <= 240 * f.denominator, f.numerator * 2 >= f.denominator else {
                throw LadderError(field: field + ".fps", message: "\(f.numerator)/\(f.denominator) is not between 0.5 and 240")
            }
        }
    }

    /// `maxrate` or 1.5× the bitrate.
    public var effectiveMaxrate: Int { maxrate ?? bitrate * 3 / 2 }
    /// `bufsize` or 2× the bitrate.
    public var effectiveBufsize: Int { bufsize ?? bitrate * 2 }
}

/// The audio every rung carries (encoded once).
public struct LadderAudio: Sendable, Hashable, Codable {
    /// Bits/s of the AAC-LC encode.
    public var bitrate: Int
    /// Output sample rate; nil keeps the source's.
    public var sampleRate: Int?
    /// Output channels; nil keeps the source's (at most 2).
    public var channels: Int?

    public init(bitrate: Int = 128_000, sampleRate: Int? = nil, channels: Int? = nil) {
        self.bitrate = bitrate
        self.sampleRate = sampleRate
        self.channels = channels
    }

    enum CodingKeys: String, CodingKey { case bitrate, sampleRate = "sample_rate", channels }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let b = try c.decodeIfPresent(Bitrate.self, forKey: .bitrate) {
            guard let v = b.value else {
                throw LadderError(field: Ladder.path(c.codingPath + [CodingKeys.bitrate]), message: "'\(b.text)' is not a bitrate (e.g. 128000 or 128k)")
            }
            bitrate = v
        } else {
            bitrate = 128_000
        }
        sampleRate = try c.decodeIfPresent(Int.self, forKey: .sampleRate)
        channels = try c.decodeIfPresent(Int.self, forKey: .channels)
    }

    func check() throws(LadderError) {
        guard (16_000...512_000).contains(bitrate) else { throw LadderError(field: "audio.bitrate", message: "\(bitrate) b/s is not between 16k and 512k") }
        if let r = sampleRate, ![8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 88200, 96000].contains(r) {
            throw LadderError(field: "audio.sample_rate", message: "\(r) Hz is not a standard AAC sample rate")
        }
        if let ch = channels, !(1...2).contains(ch) { throw LadderError(field: "audio.channels", message: "\(ch) is not 1 or 2") }
    }
}

/// A rung as it will be encoded for a given source: the output frame size and the picture
/// inside it (smaller than the frame only with `pad`), all even.
public struct PlannedRung: Sendable, Hashable {
    public var rung: LadderRung
    /// The encoded frame size.
    public var width: Int
    public var height: Int
    /// The scaled picture inside the frame (equal to the frame unless padded).
    public var pictureWidth: Int
    public var pictureHeight: Int
    /// Offsets of the picture inside the frame (padding on the left/top).
    public var padX: Int
    public var padY: Int

    /// The rung's frame and picture for a source of `sourceWidth`×`sourceHeight`.
    public static func fitting(_ r: LadderRung, sourceWidth: Int, sourceHeight: Int, fit: FitMode) -> PlannedRung {
        // scale = min(W/w, H/h), in integers: compare W*h against H*w.
        let sw = max(1, sourceWidth), sh = max(1, sourceHeight)
        var pw: Int, ph: Int
        if r.width * sh <= r.height * sw {
            pw = r.width
            ph = (r.width * sh + sw / 2) / sw
        } else {
            ph = r.height
            pw = (r.height * sw + sh / 2) / sh
        }
        pw = even(pw)
        ph = even(ph)
        switch fit {
        case .fit:
            return PlannedRung(rung: r, width: pw, height: ph, pictureWidth: pw, pictureHeight: ph, padX: 0, padY: 0)
        case .pad:
            let w = even(r.width), h = even(r.height)
            let padX = max(0, (w - pw) / 2), padY = max(0, (h - ph) / 2)
            return PlannedRung(rung: r, width: w, height: h, pictureWidth: pw, pictureHeight: ph,
                               padX: padX - padX % 2, padY: padY - padY % 2)
        }
    }

    /// Rounded down to an even number, at least 2 (4:2:0 chroma needs even sizes).
    static func even(_ v: Int) -> Int { max(2, v - v % 2) }

    /// A folder name for the rendition, by its height as remuxed packages name theirs: "v720p"
    /// (a vertical 540x960 rung is "v960p").
    public var folder: String { "v\(height)p" }
}

/// A ladder file that does not make sense: which field, and why.
public struct LadderError: Error, Sendable, Hashable, CustomStringConvertible {
    public var field: String
    public var message: String
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
    public var description: String { "\(field): \(message)" }
}

/// A bitrate in JSON: a number, or text with a k or M suffix.
struct Bitrate: Decodable {
    var text: String
    var value: Int?

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let n = try? c.decode(Int.self) {
            text = String(n)
            value = n
            return
        }
        text = try c.decode(String.self)
        let lower = text.lowercased()
        var multiplier = 1
        var digits = Substring(lower)
        if lower.hasSuffix("k") { multiplier = 1000; digits = digits.dropLast() }
        if lower.hasSuffix("m") { multiplier = 1_000_000; digits = digits.dropLast() }
        if let t = MediaTime(decimal: digits), !t.isNegative {
            value = Int(MediaTime.scale(t.value, multiplier: Int64(multiplier), divisor: Int64(t.timescale)))
        }
    }
}

/// A JSON number or string kept as text (levels "4.0", frame rates "30000/1001").
struct Level: Decodable {
    var text: String
    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) {
            text = s
        } else if let i = try? c.decode(Int.self) {
            text = String(i)
        } else {
            text = String(try c.decode(Double.self))  // JSON numbers like 4.0 or 29.97, kept as text
        }
    }
}

/// Seconds in JSON as a number or decimal string, read exactly.
struct Seconds: Decodable {
    var time: MediaTime
    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text: String
        if let s = try? c.decode(String.self) {
            text = s
        } else if let i = try? c.decode(Int.self) {
            text = String(i)
        } else {
            text = String(try c.decode(Double.self))
        }
        guard let t = MediaTime(decimal: text) else {
            throw LadderError(field: Ladder.path(c.codingPath), message: "'\(text)' is not a number of seconds")
        }
        time = t
    }
}

extension FrameRate {
    /// Parses "30", "29.97" or "30000/1001".
    public init?(fraction text: String) {
        let parts = text.split(separator: "/")
        if parts.count == 2, let n = Int64(parts[0]), let d = Int64(parts[1]), n > 0, d > 0 {
            self.init(numerator: n, denominator: d)
            return
        }
        guard parts.count == 1, let t = MediaTime(decimal: text), t.value > 0 else { return nil }
        self.init(numerator: t.value, denominator: Int64(t.timescale))
    }
}
