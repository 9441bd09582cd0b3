/// A point or a span on a media timeline: an integer number of ticks at a timescale (ticks per
/// second). Never a floating-point number of seconds: arithmetic is exact, and conversion between
/// timescales rounds once, where the caller says.
///
/// Equality and ordering compare the instants, so `6 @ 1` equals `6000 @ 1000`; the hash uses the
/// reduced fraction to agree with that. Comparisons across timescales use 128-bit products and
/// never overflow.
public struct MediaTime: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Ticks since the timeline's origin (may be negative, e.g. before an edit list's start).
    public var value: Int64
    /// Ticks per second; always > 0.
    public var timescale: Int32

    /// The MPEG-2 systems clock: 90 kHz, the timescale of PTS/DTS in MPEG-TS and of SCTE-35.
    public static let mpegTimescale: Int32 = 90_000
    /// Zero seconds.
    public static let zero = MediaTime(value: 0, timescale: 1)

    /// `value` ticks at `timescale` ticks per second. A timescale ≤ 0 is a programming error.
    public init(value: Int64, timescale: Int32) {
        precondition(timescale > 0, "MediaTime timescale must be positive")
        self.value = value
        self.timescale = timescale
    }

    /// Whole seconds (timescale 1).
    public init(seconds: Int64) { self.init(value: seconds, timescale: 1) }

    /// Milliseconds (timescale 1000).
    public init(milliseconds: Int64) { self.init(value: milliseconds, timescale: 1000) }

    /// 90 kHz ticks.
    public init(ticks90k: Int64) { self.init(value: ticks90k, timescale: Self.mpegTimescale) }

    // MARK: Conversion

    /// The same instant at another timescale, rounded by `rule` when not exact
    /// (default: to nearest, ties away from zero). Saturates at Int64's range.
    public func converted(
        to newTimescale: Int32,
        rounding rule: FloatingPointRoundingRule = .toNearestOrAwayFromZero
    ) -> MediaTime {
        if newTimescale == timescale { return self }
        return MediaTime(
            value: Self.scale(value, multiplier: Int64(newTimescale), divisor: Int64(timescale), rule),
            timescale: newTimescale
        )
    }

    /// The tick count at `otherTimescale` (see `converted(to:rounding:)`).
    public func ticks(
        at otherTimescale: Int32,
        rounding rule: FloatingPointRoundingRule = .toNearestOrAwayFromZero
    ) -> Int64 {
        converted(to: otherTimescale, rounding: rule).value
    }

    /// Whole milliseconds, rounded to nearest.
    public var milliseconds: Int64 { ticks(at: 1000) }

    /// `value × multiplier / divisor` with a 128-bit intermediate and the given rounding.
    /// `divisor` must be > 0. Saturates to Int64.min/max when the result does not fit.
    public static func scale(
        _ value: Int64, multiplier: Int64, divisor: Int64,
        _ rule: FloatingPointRoundingRule = .toNearestOrAwayFromZero
    ) -> Int64 {
        precondition(divisor > 0, "divisor must be positive")
        let negative = (value < 0) != (multiplier < 0)
        let product = value.magnitude.multipliedFullWidth(by: multiplier.magnitude)
        // Quotient of a 128-bit magnitude by divisor, remainder kept for rounding.
        let d = divisor.magnitude
        if product.high >= d { return negative ? Int64.min : Int64.max }
        let (q, r) = d.dividingFullWidth((product.high, product.low))
        var mag = q
        if r != 0 {
            let roundAway: Bool
            switch rule {
            case .toNearestOrAwayFromZero: roundAway = r >= d - r
            case .toNearestOrEven: roundAway = r > d - r || (r == d - r && q & 1 == 1)
            case .towardZero: roundAway = false
            case .awayFromZero: roundAway = true
            case .down: roundAway = negative
            case .up: roundAway = !negative
            @unknown default: roundAway = r >= d - r
            }
            if roundAway { mag &+= 1 }
        }
        if negative {
            return mag > UInt64(Int64.max) ? Int64.min : -Int64(mag)
        }
        return mag > UInt64(Int64.max) ? Int64.max : Int64(mag)
    }

    // MARK: Arithmetic

    /// The timescale both operands can be written in exactly, if it fits in Int32; otherwise the
    /// larger of the two (the smaller operand is then rounded).
    static func commonTimescale(_ a: Int32, _ b: Int32) -> Int32 {
        if a == b { return a }
        let g = gcd(Int64(a), Int64(b))
        let l = Int64(a) / g * Int64(b)
        return l <= Int64(Int32.max) ? Int32(l) : Swift.max(a, b)
    }

    public static func + (lhs: MediaTime, rhs: MediaTime) -> MediaTime {
        let ts = commonTimescale(lhs.timescale, rhs.timescale)
        return MediaTime(value: lhs.ticks(at: ts) &+ rhs.ticks(at: ts), timescale: ts)
    }

    public static func - (lhs: MediaTime, rhs: MediaTime) -> MediaTime {
        let ts = commonTimescale(lhs.timescale, rhs.timescale)
        return MediaTime(value: lhs.ticks(at: ts) &- rhs.ticks(at: ts), timescale: ts)
    }

    public static prefix func - (operand: MediaTime) -> MediaTime {
        MediaTime(value: -operand.value, timescale: operand.timescale)
    }

    public static func += (lhs: inout MediaTime, rhs: MediaTime) { lhs = lhs + rhs }
    public static func -= (lhs: inout MediaTime, rhs: MediaTime) { lhs = lhs - rhs }

    /// This span multiplied by an integer factor.
    public static func * (lhs: MediaTime, rhs: Int64) -> MediaTime {
        MediaTime(value: lhs.value &* rhs, timescale: lhs.timescale)
    }

    // MARK: Comparison

    public static func < (lhs: MediaTime, rhs: MediaTime) -> Bool { compare(lhs, rhs) < 0 }

    public static func == (lhs: MediaTime, rhs: MediaTime) -> Bool { compare(lhs, rhs) == 0 }

    /// -1, 0 or 1: exact, through 128-bit cross products.
    static func compare(_ a: MediaTime, _ b: MediaTime) -> Int {
        if a.timescale == b.timescale { return a.value < b.value ? -1 : (a.value == b.value ? 0 : 1) }
        let l = a.value.multipliedFullWidth(by: Int64(b.timescale))
        let r = b.value.multipliedFullWidth(by: Int64(a.timescale))
        if l.high != r.high { return l.high < r.high ? -1 : 1 }
        if l.low != r.low { return l.low < r.low ? -1 : 1 }
        return 0
    }

    public func hash(into hasher: inout Hasher) {
        let g = Self.gcd(value, Int64(timescale))
        hasher.combine(value / g)
        hasher.combine(Int64(timescale) / g)
    }

    public var isNegative: Bool { value < 0 }

    public static func min(_ a: MediaTime, _ b: MediaTime) -> MediaTime { b < a ? b : a }
    public static func max(_ a: MediaTime, _ b: MediaTime) -> MediaTime { a < b ? b : a }

    static func gcd(_ a: Int64, _ b: Int64) -> Int64 {
        var x = a.magnitude, y = b.magnitude
        while y != 0 { (x, y) = (y, x % y) }
        return x == 0 ? 1 : Int64(x)
    }

    // MARK: Decimal text

    /// Parses a decimal number of seconds exactly: `"6"`, `"6.006"`, `"-0.5"`, `"10."`. The
    /// timescale is `10^(fraction digits)`, so `"10.000"` is `10000 @ 1000` and writes back the
    /// same. More than 9 fraction digits are rounded to 9. Returns nil for anything else (signs
    /// other than a leading `-`, exponents, empty parts, an integer part beyond ±9.2e9 s).
    public init?<S: StringProtocol>(decimal text: S) {
        var utf8 = Substring(text).utf8[...]
        var negative = false
        if utf8.first == UInt8(ascii: "-") { negative = true; utf8 = utf8.dropFirst() }
        guard let first = utf8.first, first >= 0x30, first <= 0x39 else { return nil }
        var whole: Int64 = 0
        var fraction: Int64 = 0
        var digits = 0
        var roundUp = false
        var seenPoint = false
        for byte in utf8 {
            if byte == UInt8(ascii: ".") {
                if seenPoint { return nil }
                seenPoint = true
                continue
            }
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            let d = Int64(byte - 0x30)
            if !seenPoint {
                let (m, o1) = whole.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(d)
                if o1 || o2 || s > 9_000_000_000 { return nil }
                whole = s
            } else if digits < 9 {
                fraction = fraction * 10 + d
                digits += 1
            } else if digits == 9 {
                roundUp = d >= 5
                digits += 1
            }
        }
        let kept = Swift.min(digits, 9)
        var scale: Int64 = 1
        for _ in 0..<kept { scale *= 10 }
        var ticks = whole * scale + fraction
        if roundUp { ticks += 1 }
        self.init(value: negative ? -ticks : ticks, timescale: Int32(scale))
    }

    /// Parses a time as a user writes it: decimal seconds (`"12.5"`) or a clock
    /// (`"HH:MM:SS"`, `"HH:MM:SS.mmm"`, `"MM:SS.mmm"`). Minutes and seconds fields of a clock
    /// must be below 60. Returns nil otherwise.
    public init?<S: StringProtocol>(parsing text: S) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.count <= 3 else { return nil }
        if parts.count == 1 {
            self.init(decimal: parts[0])
            return
        }
        guard let seconds = MediaTime(decimal: parts[parts.count - 1]), !seconds.isNegative,
              seconds < MediaTime(seconds: 60)
        else { return nil }
        var total: Int64 = 0
        for (i, part) in parts.dropLast().enumerated() {
            guard !part.isEmpty, part.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), part.count <= 6,
                  let n = Int64(part)
            else { return nil }
            let isMinutes = i == parts.count - 2
            if isMinutes && parts.count == 3 && n >= 60 { return nil }
            total = total * 60 + n
        }
        self = MediaTime(value: total * 60 * Int64(seconds.timescale), timescale: seconds.timescale) + seconds
    }

    /// Decimal seconds with exactly `fractionDigits` digits after the point (0...9), rounded to
    /// nearest, ties away from zero. `fractionDigits == 0` prints no point.
    public func decimalString(fractionDigits: Int) -> String {
        let digits = Swift.max(0, Swift.min(9, fractionDigits))
        var scale: Int64 = 1
        for _ in 0..<digits { scale *= 10 }
        let scaled = Self.scale(value, multiplier: scale, divisor: Int64(timescale))
        let mag = scaled.magnitude
        let whole = mag / UInt64(scale)
        let frac = mag % UInt64(scale)
        var out = scaled < 0 ? "-" : ""
        out += String(whole)
        if digits > 0 {
            let f = String(frac)
            out += "." + String(repeating: "0", count: digits - f.count) + f
        }
        return out
    }

    /// Fraction digits needed to write this value exactly when the timescale is a power of ten
    /// (1 → 0 digits, 1000 → 3), nil otherwise.
    public var exactDecimalDigits: Int? {
        var t = timescale
        var n = 0
        while t > 1 {
            if t % 10 != 0 { return nil }
            t /= 10
            n += 1
        }
        return n
    }

    /// Decimal seconds: exact for power-of-ten timescales, else 6 digits (e.g. `"6.006"`).
    public var decimalSeconds: String { decimalString(fractionDigits: exactDecimalDigits ?? 6) }

    /// Seconds with millisecond precision and the tick count, e.g. `"6.006s (540540@90000)"`.
    public var description: String { "\(decimalString(fractionDigits: 3))s (\(value)@\(timescale))" }
}
