/// Hexadecimal text: lowercase encoding and decoding (keys, hashes, tokens), and the digits the
/// codec parsers print in messages.
public enum Hex {
    /// Two hex digits, zero-padded.
    static func byte(_ value: UInt8, uppercase: Bool) -> String {
        let digits = String(value, radix: 16, uppercase: uppercase)
        return digits.count < 2 ? "0" + digits : digits
    }

    /// `0x` + two uppercase hex digits, for messages.
    static func literal(_ value: UInt8) -> String { "0x" + byte(value, uppercase: true) }

    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Bytes from hexadecimal text (either case, an optional `0x`/`0X` prefix); nil when not hex
    /// or of odd length.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var s = Substring(text)
        if s.hasPrefix("0x") || s.hasPrefix("0X") { s = s.dropFirst(2) }
        let u = Array(s.utf8)
        guard u.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x61...0x66: return c - 0x61 + 10
            case 0x41...0x46: return c - 0x41 + 10
            default: return nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(u.count / 2)
        var i = 0
        while i < u.count {
            guard let hi = nibble(u[i]), let lo = nibble(u[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}
