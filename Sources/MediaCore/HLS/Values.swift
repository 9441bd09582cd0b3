/// Bounds on the input the HLS parser accepts, so that hostile input costs bounded memory and
/// time. All limits are checked before the offending part is parsed.
public struct PlaylistLimits: Sendable, Hashable {
    /// Longest accepted line in UTF-8 bytes, excluding the line terminator. Default 65 536.
    public var maxLineLength: Int
    /// Largest accepted playlist in UTF-8 bytes. Default 16 MiB.
    public var maxBytes: Int
    /// Most lines accepted (a final line terminator does not start a new line). Default 1 000 000.
    public var maxLines: Int

    /// Limits with the given values (defaults as documented on each property).
    public init(maxLineLength: Int = 65_536, maxBytes: Int = 16 << 20, maxLines: Int = 1_000_000) {
        self.maxLineLength = maxLineLength
        self.maxBytes = maxBytes
        self.maxLines = maxLines
    }

    /// 64 KiB lines, 16 MiB, one million lines.
    public static let `default` = PlaylistLimits()
}

/// A video resolution in pixels, written `WIDTHxHEIGHT` (e.g. `1920x1080`), as in the
/// RESOLUTION attribute (RFC 8216 §4.2 decimal-resolution).
public struct Resolution: Sendable, Hashable, CustomStringConvertible {
    /// Horizontal pixels.
    public var width: Int
    /// Vertical pixels.
    public var height: Int

    /// A `width` × `height` resolution.
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// Parses `"1920x1080"`: two decimal integers (at most 18 digits each, no sign, no spaces)
    /// separated by a lowercase `x`. Returns nil otherwise.
    public init?<S: StringProtocol>(_ text: S) {
        let parts = text.split(separator: "x", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let w = HLSNumber.decimalInteger(parts[0]),
              let h = HLSNumber.decimalInteger(parts[1]) else { return nil }
        self.init(width: Int(truncatingIfNeeded: w), height: Int(truncatingIfNeeded: h))
    }

    /// `"WIDTHxHEIGHT"`.
    public var text: String { "\(width)x\(height)" }
    /// Same as `text`.
    public var description: String { text }
}

/// A sub-range of a resource: `length` bytes starting at `offset` (EXT-X-BYTERANGE, and the
/// BYTERANGE attribute of EXT-X-MAP). A nil `offset` means "immediately after the previous
/// sub-range of the same resource" and is written as just `length`.
public struct ByteRange: Sendable, Hashable, CustomStringConvertible {
    /// Number of bytes.
    public var length: Int64
    /// Byte offset from the start of the resource, if written.
    public var offset: Int64?

    /// A range of `length` bytes at `offset` (nil = continue after the previous range).
    public init(length: Int64, offset: Int64? = nil) {
        self.length = length
        self.offset = offset
    }

    /// Parses `"len"` or `"len@off"` (decimal integers of at most 18 digits). Leading zeros are
    /// accepted here; the playlist parser additionally requires canonical digits so that the tag
    /// writes back unchanged. Returns nil otherwise.
    public init?<S: StringProtocol>(_ text: S) {
        let parts = text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first, let length = HLSNumber.decimalInteger(first) else { return nil }
        var offset: Int64?
        if parts.count == 2 {
            guard let o = HLSNumber.decimalInteger(parts[1]) else { return nil }
            offset = o
        }
        self.init(length: length, offset: offset)
    }

    /// `"len"` or `"len@off"`.
    public var text: String { offset.map { "\(length)@\($0)" } ?? "\(length)" }
    /// Same as `text`.
    public var description: String { text }
}

/// A frame rate as an exact fraction (frames per second = numerator / denominator).
///
/// Equality compares the rational values (30/1 == 30000/1000) when both denominators are
/// positive; otherwise the fields. HLS writes FRAME-RATE with 3 decimals (`30000/1001` →
/// `"29.970"`), so a parsed value is `29970/1000`, not `30000/1001`.
public struct FrameRate: Sendable, Hashable, CustomStringConvertible {
    /// Frames per `denominator` seconds.
    public var numerator: Int64
    /// Seconds unit; should be > 0 (a non-positive one writes as `"0.000"`).
    public var denominator: Int64

    /// `numerator / denominator` frames per second.
    public init(numerator: Int64, denominator: Int64 = 1) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// Parses a decimal-floating-point frame rate exactly (`"29.970"` → 29970/1000, `"25"` →
    /// 25/1). Returns nil for anything else, including negative values.
    public init?<S: StringProtocol>(_ text: S) {
        guard text.first != "-", let t = MediaTime(decimal: text) else { return nil }
        self.init(numerator: t.value, denominator: Int64(t.timescale))
    }

    /// The rate rounded to 3 decimals (ties away from zero), e.g. `"29.970"`, `"25.000"`.
    public var text: String {
        guard denominator > 0 else { return "0.000" }
        let scaled = MediaTime.scale(numerator, multiplier: 1000, divisor: denominator)
        let mag = scaled.magnitude
        let frac = String(mag % 1000)
        return (scaled < 0 ? "-" : "") + String(mag / 1000) + "."
            + String(repeating: "0", count: 3 - frac.count) + frac
    }

    /// Same as `text`.
    public var description: String { text }

    /// Rational equality (see the type's documentation).
    public static func == (lhs: FrameRate, rhs: FrameRate) -> Bool {
        guard lhs.denominator > 0, rhs.denominator > 0 else {
            return lhs.numerator == rhs.numerator && lhs.denominator == rhs.denominator
        }
        let l = lhs.numerator.multipliedFullWidth(by: rhs.denominator)
        let r = rhs.numerator.multipliedFullWidth(by: lhs.denominator)
        return l.high == r.high && l.low == r.low
    }

    /// Hashes the reduced fraction, consistent with `==`.
    public func hash(into hasher: inout Hasher) {
        guard denominator > 0 else {
            hasher.combine(numerator)
            hasher.combine(denominator)
            return
        }
        let g = HLSNumber.gcd(numerator.magnitude, denominator.magnitude)
        hasher.combine(numerator.magnitude / g)
        hasher.combine(numerator < 0)
        hasher.combine(denominator.magnitude / g)
    }
}

/// A playlist tag line as written: `#NAME` or `#NAME:VALUE`. Used for tags the model does not
/// type (vendor tags, SCTE-35 cue tags, LL-HLS tags, misplaced known tags), kept verbatim.
public struct Tag: Sendable, Hashable, CustomStringConvertible {
    /// The tag name without `#`, e.g. `"EXT-X-CUE-OUT"`: everything before the first `:`.
    public var name: String
    /// Everything after the first `:`; nil when the line has no `:` (`""` when it ends in `:`).
    public var value: String?

    /// A tag `#name` or `#name:value`.
    public init(name: String, value: String? = nil) {
        self.name = name
        self.value = value
    }

    /// The line: `"#" + name`, plus `":" + value` when value is non-nil.
    public var text: String { value.map { "#\(name):\($0)" } ?? "#\(name)" }
    /// Same as `text`.
    public var description: String { text }
}

/// EXT-X-PLAYLIST-TYPE values.
public enum PlaylistType: String, Sendable, Hashable {
    /// The playlist never changes.
    case vod = "VOD"
    /// Segments are only ever appended.
    case event = "EVENT"
}

/// EXT-X-MEDIA TYPE values.
public enum MediaType: String, Sendable, Hashable {
    /// An alternative audio rendition.
    case audio = "AUDIO"
    /// An alternative video rendition (e.g. another camera angle).
    case video = "VIDEO"
    /// A subtitles (WebVTT) rendition; RFC 8216 requires a URI.
    case subtitles = "SUBTITLES"
    /// Closed captions carried in the video (CEA-608/708); must not have a URI.
    case closedCaptions = "CLOSED-CAPTIONS"
}

/// Bounded number parsing shared by the HLS code. Never traps.
enum HLSNumber {
    /// Outcome of parsing a decimal-integer.
    enum IntegerResult {
        case value(Int64)
        case notInteger
        case tooLong
    }

    /// A decimal-integer: 1–18 ASCII digits, nothing else (no sign, no spaces). Leading zeros
    /// are accepted. More than 18 digits is rejected as out of range, so no overflow is possible.
    static func parseDecimalInteger<S: StringProtocol>(_ text: S) -> IntegerResult {
        var value: Int64 = 0
        var count = 0
        for byte in text.utf8 {
            guard byte >= 0x30, byte <= 0x39 else { return .notInteger }
            count += 1
            if count > 18 {
                // Keep scanning so that "123abc…" is reported as not an integer.
                continue
            }
            value = value * 10 + Int64(byte - 0x30)
        }
        if count == 0 { return .notInteger }
        if count > 18 { return .tooLong }
        return .value(value)
    }

    /// `parseDecimalInteger` as an optional.
    static func decimalInteger<S: StringProtocol>(_ text: S) -> Int64? {
        if case .value(let v) = parseDecimalInteger(text) { return v }
        return nil
    }

    /// Greatest common divisor of magnitudes; 1 when both are 0.
    static func gcd(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var x = a, y = b
        while y != 0 { (x, y) = (y, x % y) }
        return x == 0 ? 1 : x
    }

    /// `a × b` compared with `c × d` for non-negative values, exactly (128-bit). -1, 0 or 1.
    static func compareProducts(_ a: Int64, _ b: Int64, _ c: Int64, _ d: Int64) -> Int {
        let l = a.magnitude.multipliedFullWidth(by: b.magnitude)
        let r = c.magnitude.multipliedFullWidth(by: d.magnitude)
        if l.high != r.high { return l.high < r.high ? -1 : 1 }
        if l.low != r.low { return l.low < r.low ? -1 : 1 }
        return 0
    }
}
