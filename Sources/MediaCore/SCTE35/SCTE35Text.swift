/// Hex and base64 text forms of SCTE-35 sections (no Foundation).
enum SCTE35Text {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Standard base64 with `=` padding.
    static func base64(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let b0 = UInt32(bytes[index])
            let b1 = index + 1 < bytes.count ? UInt32(bytes[index + 1]) : 0
            let b2 = index + 2 < bytes.count ? UInt32(bytes[index + 2]) : 0
            let group = b0 << 16 | b1 << 8 | b2
            let available = min(3, bytes.count - index)
            for position in 0..<4 {
                if position <= available {
                    out.append(alphabet[Int((group >> UInt32(18 - 6 * position)) & 0x3F)])
                } else {
                    out.append(UInt8(ascii: "="))
                }
            }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The 6-bit value of a base64 character (standard or URL-safe alphabet).
    private static func sextet(_ c: UInt8) -> UInt32? {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): UInt32(c - UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): UInt32(c - UInt8(ascii: "a")) + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(c - UInt8(ascii: "0")) + 52
        case UInt8(ascii: "+"), UInt8(ascii: "-"): 62
        case UInt8(ascii: "/"), UInt8(ascii: "_"): 63
        default: nil
        }
    }

    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }

    /// The text's UTF-8 bytes without surrounding whitespace, and the offset of the first kept one.
    private static func trimmed(_ text: String) -> (bytes: ArraySlice<UInt8>, offset: Int) {
        let utf8 = Array(text.utf8)
        var start = 0
        var end = utf8.count
        while start < end, isSpace(utf8[start]) { start += 1 }
        while end > start, isSpace(utf8[end - 1]) { end -= 1 }
        return (utf8[start..<end], start)
    }

    /// Decodes base64 (padding optional). Throws `.badText` naming the first bad character.
    static func bytes(base64 text: String) throws(SCTE35Error) -> [UInt8] {
        let (chars, _) = trimmed(text)
        guard !chars.isEmpty else { throw .badText("base64 text is empty", at: 0) }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count * 3 / 4)
        var group: UInt32 = 0
        var count = 0
        var padding = 0
        for index in chars.indices {
            let c = chars[index]
            if c == UInt8(ascii: "=") {
                padding += 1
                continue
            }
            guard padding == 0 else {
                throw .badText("base64 character '\(Character(Unicode.Scalar(c)))' after '=' padding at offset \(index)", at: index)
            }
            guard let value = sextet(c) else {
                let shown = c < 0x80 && c >= 0x20 ? "'\(Character(Unicode.Scalar(c)))'" : SCTE35Hex.literal(c, width: 2)
                throw .badText("\(shown) at offset \(index) is not a base64 character", at: index)
            }
            group = group << 6 | value
            count += 1
            if count == 4 {
                out.append(UInt8(truncatingIfNeeded: group >> 16))
                out.append(UInt8(truncatingIfNeeded: group >> 8))
                out.append(UInt8(truncatingIfNeeded: group))
                group = 0
                count = 0
            }
        }
        let endOffset = chars.endIndex
        switch count {
        case 0:
            guard padding == 0 else { throw .badText("base64 has \(padding) stray '=' at the end", at: endOffset) }
        case 2:
            guard padding == 0 || padding == 2 else { throw .badText("base64 ends with \(padding) '=', expected 2", at: endOffset) }
            out.append(UInt8(truncatingIfNeeded: group >> 4))
        case 3:
            guard padding == 0 || padding == 1 else { throw .badText("base64 ends with \(padding) '=', expected 1", at: endOffset) }
            out.append(UInt8(truncatingIfNeeded: group >> 10))
            out.append(UInt8(truncatingIfNeeded: group >> 2))
        default:
            throw .badText("base64 length is not valid: one character too many in the last group", at: endOffset)
        }
        return out
    }

    /// The value of a hex digit.
    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Decodes `0x`-prefixed or bare hex. Throws `.badText` naming the first bad character.
    static func bytes(hex text: String) throws(SCTE35Error) -> [UInt8] {
        var (chars, _) = trimmed(text)
        if chars.count >= 2, chars[chars.startIndex] == UInt8(ascii: "0"),
            chars[chars.startIndex + 1] == UInt8(ascii: "x") || chars[chars.startIndex + 1] == UInt8(ascii: "X")
        {
            chars = chars.dropFirst(2)
        }
        guard !chars.isEmpty else { throw .badText("hex text has no digits", at: chars.startIndex) }
        guard chars.count % 2 == 0 else {
            throw .badText("hex text has an odd number of digits (\(chars.count))", at: chars.endIndex)
        }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        var index = chars.startIndex
        while index < chars.endIndex {
            guard let high = nibble(chars[index]) else { throw badHex(chars[index], at: index) }
            guard let low = nibble(chars[index + 1]) else { throw badHex(chars[index + 1], at: index + 1) }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    private static func badHex(_ c: UInt8, at offset: Int) -> SCTE35Error {
        let shown = c < 0x80 && c >= 0x20 ? "'\(Character(Unicode.Scalar(c)))'" : SCTE35Hex.literal(c, width: 2)
        return .badText("\(shown) at offset \(offset) is not a hex digit", at: offset)
    }
}
