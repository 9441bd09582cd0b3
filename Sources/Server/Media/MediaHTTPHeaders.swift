#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
// NIOPosix (imported elsewhere in this module) loads CNIOLinux, whose headers include the libc
// headers; in a whole-module build `struct stat`/`struct tm` can then be attributed to it, and
// MemberImportVisibility wants that module imported to use their fields (Hummingbird's FileIO
// does the same).
#if canImport(CNIOLinux)
import CNIOLinux
#endif

/// The outcome of a `Range` header against a file of a given size (RFC 9110 §14).
enum MediaRangeRequest: Equatable, Sendable {
    /// No Range header, or one we ignore (malformed, another unit, several ranges): send it all.
    case full
    /// One satisfiable range, inclusive bounds, clamped to the file.
    case partial(ClosedRange<Int>)
    /// Syntactically valid but nothing of it is in the file → 416.
    case unsatisfiable
}

enum MediaHTTPHeaders {
    /// Parses `bytes=a-b`, `bytes=a-`, `bytes=-n` for a file of `size` bytes. Multi-range and
    /// malformed headers are ignored (`.full`), as RFC 9110 allows.
    static func parseRange(_ header: String, size: Int) -> MediaRangeRequest {
        let bytes = Array(header.utf8)
        var i = 0
        func skipSpace() { while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 } }
        let unit = Array("bytes".utf8)
        guard bytes.count > unit.count else { return .full }
        for k in 0..<unit.count where bytes[k] | 0x20 != unit[k] { return .full }
        i = unit.count
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "=") else { return .full }
        i += 1
        skipSpace()
        func number() -> Int?? {
            // nil: no digits; .some(nil): overflow (treated as "huge").
            let start = i
            var value = 0
            var overflow = false
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int(bytes[i] - 0x30))
                if o1 || o2 { overflow = true } else { value = a }
                i += 1
            }
            if i == start { return nil }
            return overflow ? .some(nil) : .some(value)
        }
        let first = number()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "-") else { return .full }
        i += 1
        let last = number()
        skipSpace()
        guard i == bytes.count else { return .full }  // a ',' (multi-range) or junk

        switch (first, last) {
        case (nil, nil):
            return .full
        case (nil, .some(let suffix)):
            // bytes=-n: the last n bytes.
            guard let suffix else { return size > 0 ? .partial(0...(size - 1)) : .unsatisfiable }
            guard suffix > 0, size > 0 else { return .unsatisfiable }
            return .partial(max(0, size - suffix)...(size - 1))
        case (.some(let start), let end):
            guard let start else { return .unsatisfiable }  // a start past any file
            if case .some(.some(let e)) = end, e < start { return .full }  // invalid → ignore
            guard start < size else { return .unsatisfiable }
            var upper = size - 1
            if case .some(.some(let e)) = end { upper = min(e, size - 1) }
            return .partial(start...upper)
        }
    }

    /// Whether `Accept-Encoding` allows gzip (`gzip`, `x-gzip` or `*` with a non-zero q).
    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        var gzipQ: Bool?
        var starQ: Bool?
        for element in header.split(separator: ",") {
            let parts = element.split(separator: ";")
            guard let first = parts.first else { continue }
            let coding = first.trimmingSpaces.lowercased()
            var acceptable = true
            for parameter in parts.dropFirst() {
                let p = parameter.trimmingSpaces.lowercased()
                if p.hasPrefix("q=") {
                    let value = p.dropFirst(2)
                    // q=0, q=0.0, q=0.000 → not acceptable.
                    acceptable = !(value.first == "0" && value.dropFirst().allSatisfy { $0 == "." || $0 == "0" })
                }
            }
            if coding == "gzip" || coding == "x-gzip" {
                gzipQ = (gzipQ ?? false) || acceptable
            } else if coding == "*" {
                starQ = acceptable
            }
        }
        return gzipQ ?? starQ ?? false
    }

    /// `If-None-Match` (weak comparison, RFC 9110 §13.1.2) against any of `tags`.
    static func noneMatch(_ header: String, tags: [String]) -> Bool {
        // true = the condition is FALSE, i.e. a tag matched → 304.
        let plain = tags.map(stripWeak)
        for candidate in splitTags(header) {
            if candidate == "*" { return true }
            if plain.contains(stripWeak(candidate)) { return true }
        }
        return false
    }

    private static func stripWeak(_ tag: Substring) -> Substring {
        tag.hasPrefix("W/") ? tag.dropFirst(2) : tag
    }

    private static func stripWeak(_ tag: String) -> Substring { stripWeak(tag[...]) }

    private static func splitTags(_ header: String) -> [Substring] {
        header.split(separator: ",").map { $0.trimmingSpaces }
    }

    // MARK: HTTP dates (IMF-fixdate only, e.g. "Sun, 06 Nov 1994 08:49:37 GMT")

    private static let dayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func httpDate(_ seconds: Int) -> String {
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(dayNames[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(monthNames[Int(parts.tm_mon)]) "
            + "\(parts.tm_year + 1900) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }

    /// Seconds since the epoch for an IMF-fixdate, nil for anything else (the obsolete formats are
    /// not worth the risk; a client that sends them just gets a 200).
    static func parseHTTPDate(_ s: String) -> Int? {
        let b = Array(s.utf8)
        guard b.count == 29, b[3] == UInt8(ascii: ","), b[4] == 0x20, b[7] == 0x20, b[11] == 0x20, b[16] == 0x20,
            b[19] == UInt8(ascii: ":"), b[22] == UInt8(ascii: ":"), b[25] == 0x20,
            String(decoding: b[26..<29], as: UTF8.self) == "GMT"
        else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for k in r {
                guard b[k] >= 0x30, b[k] <= 0x39 else { return nil }
                v = v * 10 + Int(b[k] - 0x30)
            }
            return v
        }
        guard let day = num(5..<7), let year = num(12..<16), let hour = num(17..<19), let minute = num(20..<22),
            let second = num(23..<25),
            let month = monthNames.firstIndex(of: String(decoding: b[8..<11], as: UTF8.self)),
            (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        // Days from civil (Howard Hinnant's algorithm).
        let y = month < 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = month + 1
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return days * 86400 + hour * 3600 + minute * 60 + second
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}
