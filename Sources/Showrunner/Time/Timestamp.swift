/// A wall-clock instant in UTC: integer milliseconds since the Unix epoch. Rights windows, change
/// log entries and publications use it; media time uses `MediaTime` instead.
///
/// Text form (the API and CLI): RFC 3339 / ISO 8601, `2026-11-29T10:00:00Z`,
/// `2026-11-29T10:00:00.250+02:00`, or a date alone, `2026-11-29` (midnight UTC). Always written
/// back in UTC with milliseconds: `2026-11-29T08:00:00.250Z`.
public struct Timestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// Whole seconds since the epoch.
    public init(seconds: Int64) { self.milliseconds = seconds * 1000 }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.milliseconds < b.milliseconds }

    /// This instant plus `ms` milliseconds.
    public func adding(milliseconds ms: Int64) -> Timestamp { Timestamp(milliseconds: milliseconds + ms) }

    /// This instant plus whole seconds.
    public func adding(seconds s: Int64) -> Timestamp { adding(milliseconds: s * 1000) }

    // MARK: ISO 8601

    /// Parses RFC 3339 date-times (`T` or space separator, `Z` or `±HH:MM` offset, optional
    /// fraction up to nanoseconds — truncated to milliseconds) and bare dates (`YYYY-MM-DD`, UTC
    /// midnight). Years 1970...9999. Returns nil for anything else, including impossible dates
    /// (`2026-02-30`) and out-of-range fields.
    public init?(iso8601 text: String) {
        let b = Array(text.utf8)
        var i = 0
        func digits(_ n: Int) -> Int? {
            guard i + n <= b.count else { return nil }
            var v = 0
            for k in 0..<n {
                let c = b[i + k]
                guard c >= 0x30, c <= 0x39 else { return nil }
                v = v * 10 + Int(c - 0x30)
            }
            i += n
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect(0x2D), let month = digits(2), expect(0x2D), let day = digits(2) else { return nil }
        guard year >= 1970, (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year) else { return nil }
        var seconds = Self.daysFromCivil(year, month, day) * 86_400
        var millis: Int64 = 0
        if i == b.count {
            self.milliseconds = seconds * 1000
            return
        }
        guard i < b.count, b[i] == 0x54 || b[i] == 0x74 || b[i] == 0x20 else { return nil }  // T, t, space
        i += 1
        guard let hour = digits(2), expect(0x3A), let minute = digits(2), expect(0x3A), let second = digits(2) else { return nil }
        guard hour < 24, minute < 60, second < 61 else { return nil }  // leap second 60 tolerated
        seconds += Int64(hour * 3600 + minute * 60 + min(second, 59))
        if i < b.count, b[i] == 0x2E || b[i] == 0x2C {  // fraction
            i += 1
            var n = 0
            var frac: Int64 = 0
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                if n < 3 { frac = frac * 10 + Int64(b[i] - 0x30) }
                n += 1
                i += 1
                if n > 9 { return nil }
            }
            guard n > 0 else { return nil }
            if n < 3 { for _ in n..<3 { frac *= 10 } }
            millis = frac
        }
        guard i < b.count else { return nil }  // an offset is required with a time
        if b[i] == 0x5A || b[i] == 0x7A {  // Z
            i += 1
        } else if b[i] == 0x2B || b[i] == 0x2D {
            let sign: Int64 = b[i] == 0x2B ? 1 : -1
            i += 1
            guard let oh = digits(2), expect(0x3A), let om = digits(2), oh < 24, om < 60 else { return nil }
            seconds -= sign * Int64(oh * 3600 + om * 60)
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        self.milliseconds = seconds * 1000 + millis
    }

    /// `2026-11-29T10:00:00.000Z`.
    public var iso8601: String {
        let ms = milliseconds
        var days = ms / 86_400_000
        var rem = ms % 86_400_000
        if rem < 0 { rem += 86_400_000; days -= 1 }
        let (y, m, d) = Self.civilFromDays(days)
        let h = rem / 3_600_000, mi = rem / 60_000 % 60, s = rem / 1000 % 60, f = rem % 1000
        func p(_ v: Int64, _ w: Int) -> String {
            let t = String(v)
            return String(repeating: "0", count: max(0, w - t.count)) + t
        }
        return "\(p(y, 4))-\(p(m, 2))-\(p(d, 2))T\(p(h, 2)):\(p(mi, 2)):\(p(s, 2)).\(p(f, 3))Z"
    }

    public var description: String { iso8601 }

    /// The UTC calendar day, `2026-11-29`.
    public var day: String { String(iso8601.prefix(10)) }

    // Codable as the ISO 8601 string.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let t = Timestamp(iso8601: s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "'\(s)' is not an ISO 8601 date-time (e.g. 2026-11-29T10:00:00Z)")
        }
        self = t
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(iso8601)
    }

    // MARK: Calendar arithmetic (proleptic Gregorian, Howard Hinnant's algorithms)

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func civilFromDays(_ z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp + (mp < 10 ? 3 : -9)
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

/// Where "now" comes from: the system clock in production, a fixed or stepped clock in tests.
public protocol WallClock: Sendable {
    func now() -> Timestamp
}
