/// VAST time values (`HH:MM:SS` or `HH:MM:SS.mmm`) as integer milliseconds. Never a `Double`.
public enum VASTTime {
    /// Parses `HH:MM:SS` or `HH:MM:SS.m{1,3}` into milliseconds. Hours may have 1 or more digits
    /// (at most 6); minutes and seconds must be two digits below 60. `.5` means 500 ms.
    /// Returns nil for anything else (including negative values and more than 3 fraction digits).
    public static func milliseconds(_ text: String) -> Int64? {
        let parts = text.xmlTrimmed.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        guard let hours = digits(parts[0], minCount: 1, maxCount: 6),
              parts[1].utf8.count == 2, let minutes = digits(parts[1], minCount: 2, maxCount: 2), minutes < 60
        else { return nil }
        let secondsPart = parts[2].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let seconds = digits(secondsPart[0], minCount: 2, maxCount: 2), seconds < 60 else { return nil }
        var millis: Int64 = 0
        if secondsPart.count == 2 {
            let fraction = secondsPart[1]
            guard let f = digits(fraction, minCount: 1, maxCount: 3) else { return nil }
            millis = f * [100, 10, 1][fraction.utf8.count - 1]
        }
        return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis
    }

    /// Formats milliseconds as `HH:MM:SS.mmm` (hours at least two digits). Negative input is
    /// written as zero.
    public static func format(milliseconds: Int64) -> String {
        let ms = max(milliseconds, 0)
        let totalSeconds = ms / 1000
        let h = totalSeconds / 3600, m = (totalSeconds / 60) % 60, s = totalSeconds % 60
        return "\(pad(h, 2)):\(pad(m, 2)):\(pad(s, 2)).\(pad(ms % 1000, 3))"
    }

    static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    static func digits(_ s: Substring, minCount: Int, maxCount: Int) -> Int64? {
        let u = s.utf8
        guard u.count >= minCount, u.count <= maxCount else { return nil }
        var v: Int64 = 0
        for b in u {
            guard b >= 0x30 && b <= 0x39 else { return nil }
            v = v * 10 + Int64(b - 0x30)
        }
        return v
    }
}

/// A point in a linear creative: a time from its start or a percentage of its duration. Used by
/// `progress` tracking events (`offset`) and `skipoffset`.
public enum VASTOffset: Sendable, Hashable, CustomStringConvertible {
    /// Milliseconds from the start of the creative.
    case milliseconds(Int64)
    /// A whole percentage of the creative's duration, 0...100.
    case percent(Int)

    /// Parses `HH:MM:SS(.mmm)` or `n%` (whole n in 0...100); nil otherwise.
    public init?(_ text: String) {
        let t = text.xmlTrimmed
        if t.hasSuffix("%") {
            guard let p = VASTTime.digits(t.dropLast(), minCount: 1, maxCount: 3), p <= 100 else { return nil }
            self = .percent(Int(p))
        } else if let ms = VASTTime.milliseconds(t) {
            self = .milliseconds(ms)
        } else {
            return nil
        }
    }

    /// The offset in milliseconds for a creative of `durationMS` (percentages round down).
    public func milliseconds(ofDuration durationMS: Int64) -> Int64 {
        switch self {
        case .milliseconds(let ms): ms
        case .percent(let p): durationMS * Int64(p) / 100
        }
    }

    /// The VAST text: `HH:MM:SS.mmm` or `n%`.
    public var description: String {
        switch self {
        case .milliseconds(let ms): VASTTime.format(milliseconds: ms)
        case .percent(let p): "\(p)%"
        }
    }
}
