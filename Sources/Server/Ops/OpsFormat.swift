import Showrunner

/// Text helpers of the ops pages: HTML escaping, URL query encoding and the number, time and
/// ratio forms the tables print. Pure and locale-free, so pages are byte-for-byte reproducible.
enum OpsFormat {
    /// `text` safe as HTML text and as a double- or single-quoted attribute value: `&`, `<`,
    /// `>`, `"` and `'` become character references; everything else is kept.
    static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// `text` percent-encoded for a URL query value or path segment: every byte but the
    /// unreserved `A-Z a-z 0-9 - . _ ~` as `%XX` (UTF-8).
    static func urlComponent(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out = [UInt8]()
        for b in text.utf8 {
            let unreserved = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                || b == 0x2D || b == 0x2E || b == 0x5F || b == 0x7E
            if unreserved { out.append(b) } else { out += [0x25, hex[Int(b >> 4)], hex[Int(b & 15)]] }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `?name=value&...` with every value encoded (not HTML-escaped: escape the whole URL).
    static func query(_ items: [(String, String)]) -> String {
        "?" + items.map { "\($0.0)=\(urlComponent($0.1))" }.joined(separator: "&")
    }

    /// `1234567` → `1,234,567` (negative numbers keep their sign).
    static func count<I: BinaryInteger>(_ n: I) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }

    /// A value in tenths as `12.3` (`-0.5`, `0.0`).
    static func tenths(_ v: Int64) -> String {
        let sign = v < 0 ? "-" : ""
        return "\(sign)\(v.magnitude / 10).\(v.magnitude % 10)"
    }

    /// A 0...1 ratio as a percentage with one decimal, `87.5%`; `—` for nil.
    static func percent(_ ratio: Double?) -> String {
        guard let ratio, ratio.isFinite else { return "—" }
        return tenths(Int64((ratio * 1000).rounded())) + "%"
    }

    /// A ratio with three decimals, `0.875` (the CSV and CLI report form); empty for nil.
    static func ratio(_ r: Double?) -> String {
        guard let r, r.isFinite else { return "" }
        let permille = Int64((r * 1000).rounded())
        let sign = permille < 0 ? "-" : ""
        let frac = String(permille.magnitude % 1000)
        return "\(sign)\(permille.magnitude / 1000)." + String(repeating: "0", count: 3 - frac.count) + frac
    }

    /// A content time as a clock, `12:03` or `1:02:03` (milliseconds dropped).
    /// An age: `3 d 4 h`, `5 h 12 min`, `7 min`.
    static func age(seconds: Int64) -> String {
        let s = max(0, seconds)
        if s >= 86_400 { return "\(s / 86_400) d \(s % 86_400 / 3600) h" }
        if s >= 3600 { return "\(s / 3600) h \(s % 3600 / 60) min" }
        return "\(s / 60) min"
    }

    static func clock(_ ms: Int64) -> String {
        let s = max(0, ms) / 1000
        let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return h > 0 ? "\(h):\(two(m)):\(two(sec))" : "\(m):\(two(sec))"
    }

    /// A length in seconds, `30 s` or `32.5 s` (to the tenth).
    static func seconds(_ ms: Int64) -> String {
        let t = (ms + 50) / 100
        return (t % 10 == 0 ? "\(t / 10)" : tenths(t)) + " s"
    }

    /// An instant as `2026-11-29 08:00:00` (UTC, to the second).
    static func time(_ t: Timestamp) -> String {
        let iso = t.iso8601
        return String(iso.prefix(10)) + " " + String(iso.dropFirst(11).prefix(8))
    }

    /// Standard Base64 with padding (for CSP hashes).
    static func base64(_ bytes: [UInt8]) -> String {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out = [UInt8]()
        var i = 0
        while i < bytes.count {
            let n = min(3, bytes.count - i)
            let b0 = UInt32(bytes[i]), b1 = n > 1 ? UInt32(bytes[i + 1]) : 0, b2 = n > 2 ? UInt32(bytes[i + 2]) : 0
            let v = b0 << 16 | b1 << 8 | b2
            out.append(table[Int(v >> 18 & 63)])
            out.append(table[Int(v >> 12 & 63)])
            out.append(n > 1 ? table[Int(v >> 6 & 63)] : 0x3D)
            out.append(n > 2 ? table[Int(v & 63)] : 0x3D)
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
