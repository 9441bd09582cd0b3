
/// A small JSON reader for event batches (RFC 8259), built for `EventIntake`: it reports errors
/// as byte offsets, never recurses (a body nested 100,000 deep is skipped with a heap stack, so
/// it cannot overflow the thread's stack), and decodes only what an event needs — the scalar
/// fields of one object; nested objects and arrays are checked for syntax and skipped.
///
/// The input must already be valid UTF-8 (`EventJSONReader.firstInvalidUTF8` checks it), so
/// multi-byte sequences inside strings are copied as they are.
struct EventJSONReader {
    /// A syntax error at `offset` (into the whole body, not the line or event).
    struct SyntaxError: Error, Sendable, Hashable {
        var offset: Int
        var message: String
    }

    /// A decoded scalar, or only the kind of a container.
    enum Value: Sendable, Hashable {
        case string(String)
        /// A string whose `\u` escapes are not Unicode scalars (a lone surrogate): the reason.
        case badString(String)
        /// A number's literal text (may be huge: no conversion is done here).
        case number(String)
        case bool(Bool)
        case null
        case object
        case array

        /// The JSON type, for messages: `string`, `number`, `boolean`, `null`, `object`, `array`.
        var typeName: String {
            switch self {
            case .string, .badString: "string"
            case .number: "number"
            case .bool: "boolean"
            case .null: "null"
            case .object: "object"
            case .array: "array"
            }
        }
    }

    let bytes: [UInt8]
    /// The read position.
    var i: Int
    /// One past the last byte this reader may read (a line's end for NDJSON).
    let end: Int

    init(_ bytes: [UInt8], from start: Int, to end: Int) {
        self.bytes = bytes
        self.i = start
        self.end = end
    }

    var atEnd: Bool { i >= end }

    var peek: UInt8? { i < end ? bytes[i] : nil }

    /// Skips JSON whitespace (space, tab, CR, LF).
    mutating func skipSpace() {
        while i < end {
            let c = bytes[i]
            guard c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D else { return }
            i += 1
        }
    }

    /// What is at the read position, for messages: `'x'`, `byte 0xC3`, or `the end of the input`.
    func found() -> String {
        guard i < end else { return end < bytes.count ? "the end of the line" : "the end of the input" }
        let c = bytes[i]
        if c >= 0x21, c <= 0x7E { return "'\(Character(Unicode.Scalar(c)))'" }
        return "byte 0x" + Self.hex(c)
    }

    static func hex(_ c: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(c >> 4)], digits[Int(c & 0xF)]])
    }

    func error(_ message: String) -> SyntaxError { SyntaxError(offset: i, message: message) }

    // MARK: Values

    /// Reads one value of any kind: scalars decoded, objects and arrays checked and skipped
    /// without recursion. Leaves the position just after the value.
    mutating func readValue() throws(SyntaxError) -> Value {
        guard let c = peek else { throw error("expected a JSON value, found \(found())") }
        switch c {
        case 0x7B, 0x5B: // { [
            try skipContainer()
            return c == 0x7B ? .object : .array
        default:
            return try readScalar()
        }
    }

    /// A string, number, or literal at the read position.
    mutating func readScalar() throws(SyntaxError) -> Value {
        guard let c = peek else { throw error("expected a JSON value, found \(found())") }
        switch c {
        case 0x22: return try readString()
        case 0x2D, 0x30...0x39: return .number(try readNumber())
        case 0x74: try literal("true"); return .bool(true)
        case 0x66: try literal("false"); return .bool(false)
        case 0x6E: try literal("null"); return .null
        default: throw error("expected a JSON value, found \(found())")
        }
    }

    mutating func literal(_ word: StaticString) throws(SyntaxError) {
        let n = word.utf8CodeUnitCount
        let p = word.utf8Start
        for k in 0..<n {
            guard i + k < end, bytes[i + k] == p[k] else {
                i += k
                throw error("expected '\(word)', found \(found())")
            }
        }
        i += n
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`; returns its text.
    mutating func readNumber() throws(SyntaxError) -> String {
        let start = i
        if peek == 0x2D { i += 1 }
        guard let first = peek, first >= 0x30, first <= 0x39 else { throw error("expected a digit, found \(found())") }
        i += 1
        if first != 0x30 { skipDigits() }
        if peek == 0x2E {
            i += 1
            guard let d = peek, d >= 0x30, d <= 0x39 else { throw error("expected a digit after '.', found \(found())") }
            skipDigits()
        }
        if peek == 0x65 || peek == 0x45 {
            i += 1
            if peek == 0x2B || peek == 0x2D { i += 1 }
            guard let d = peek, d >= 0x30, d <= 0x39 else { throw error("expected a digit in the exponent, found \(found())") }
            skipDigits()
        }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }

    mutating func skipDigits() {
        while i < end, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
    }

    /// A string at `"`; decodes escapes. A lone surrogate escape gives `.badString` (the string
    /// is still consumed, so the reader goes on).
    mutating func readString(decode: Bool = true) throws(SyntaxError) -> Value {
        let s = try scanString(decode: decode)
        if let bad = s.bad { return .badString(bad) }
        guard decode else { return .string("") }
        if let out = s.decoded { return .string(String(decoding: out, as: UTF8.self)) }
        return .string(String(decoding: bytes[s.start..<s.close], as: UTF8.self))
    }

    /// Scans a string at `"`: its content is `bytes[start..<close]` when it has no escapes,
    /// else `decoded` (when `decode`); `bad` says why its escapes are not Unicode scalars.
    mutating func scanString(decode: Bool) throws(SyntaxError) -> (start: Int, close: Int, decoded: [UInt8]?, bad: String?) {
        let open = i
        i += 1
        let start = i
        var out: [UInt8]? = nil
        var bad: String? = nil
        while true {
            guard i < end else {
                i = open
                throw error("unterminated string (no closing '\"' before the end of the \(end == bytes.count ? "input" : "line"))")
            }
            let c = bytes[i]
            if c == 0x22 { break }
            if c < 0x20 { throw error("control character 0x\(Self.hex(c)) inside a string (it must be escaped)") }
            guard c == 0x5C else {
                out?.append(c)
                i += 1
                continue
            }
            if decode, out == nil { out = Array(bytes[start..<i]) }
            i += 1
            guard i < end else { throw error("unfinished escape at \(found())") }
            let e = bytes[i]
            i += 1
            switch e {
            case 0x22, 0x5C, 0x2F: out?.append(e)
            case 0x62: out?.append(0x08)
            case 0x66: out?.append(0x0C)
            case 0x6E: out?.append(0x0A)
            case 0x72: out?.append(0x0D)
            case 0x74: out?.append(0x09)
            case 0x75: // u
                let unit = try hex4()
                var scalar: Unicode.Scalar? = nil
                if unit >= 0xD800, unit <= 0xDBFF {
                    // A high surrogate must be followed by \u and a low surrogate.
                    if i + 1 < end, bytes[i] == 0x5C, bytes[i + 1] == 0x75 {
                        let save = i
                        i += 2
                        let low = try hex4()
                        if low >= 0xDC00, low <= 0xDFFF {
                            scalar = Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                        } else {
                            i = save  // read the next escape on its own
                        }
                    }
                    if scalar == nil { bad = bad ?? "has a lone high surrogate \\u\(Self.hex(UInt8(unit >> 8)))\(Self.hex(UInt8(unit & 0xFF)))" }
                } else if unit >= 0xDC00, unit <= 0xDFFF {
                    bad = bad ?? "has a lone low surrogate \\u\(Self.hex(UInt8(unit >> 8)))\(Self.hex(UInt8(unit & 0xFF)))"
                } else {
                    scalar = Unicode.Scalar(unit)
                }
                if out != nil { UTF8.encode(scalar ?? "\u{FFFD}") { out!.append($0) } }
            default:
                i -= 1
                throw error("invalid escape '\\' followed by \(found())")
            }
        }
        let close = i
        i += 1
        return (start, close, out, bad)
    }

    /// Four hex digits of a `\u` escape.
    mutating func hex4() throws(SyntaxError) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard i < end else { throw error("\\u needs 4 hex digits, found \(found())") }
            let c = bytes[i]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw error("\\u needs 4 hex digits, found \(found())")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }

    /// Skips an object or array at the read position, checking its syntax, with an explicit
    /// stack of open containers (no recursion, whatever the depth).
    mutating func skipContainer() throws(SyntaxError) {
        var stack: [UInt8] = []  // the closing byte of each open container
        while true {
            // At a value: open a container (and go on to its first value), or read a scalar.
            skipSpace()
            guard let c = peek else { throw error("expected a JSON value, found \(found())") }
            if c == 0x7B || c == 0x5B {
                i += 1
                stack.append(c == 0x7B ? 0x7D : 0x5D)
                skipSpace()
                if peek == stack.last {
                    i += 1
                    stack.removeLast()
                } else if c == 0x7B {
                    try memberName()
                    continue
                } else {
                    continue
                }
            } else {
                _ = try readScalar(decodingStrings: false)
            }
            // After a value: close containers or go to the next element.
            while true {
                guard let close = stack.last else { return }
                skipSpace()
                if peek == 0x2C {
                    i += 1
                    if close == 0x7D {
                        skipSpace()
                        try memberName()
                    }
                    break
                }
                if peek == close {
                    i += 1
                    stack.removeLast()
                    continue
                }
                throw error("expected ',' or '\(close == 0x7D ? "}" : "]")', found \(found())")
            }
        }
    }

    /// A scalar; strings are checked but not built when `decodingStrings` is false.
    mutating func readScalar(decodingStrings: Bool) throws(SyntaxError) -> Value {
        if peek == 0x22 { return try readString(decode: decodingStrings) }
        return try readScalar()
    }

    /// `"name"` then `:` (inside an object being skipped).
    mutating func memberName() throws(SyntaxError) {
        guard peek == 0x22 else { throw error("expected a field name (a string), found \(found())") }
        _ = try readString(decode: false)
        skipSpace()
        guard peek == 0x3A else { throw error("expected ':' after a field name, found \(found())") }
        i += 1
    }

    // MARK: An event object

    /// The values of one object's fields named in `names` (by position in `names`; others are
    /// checked and skipped), and the position of the first such name that appears twice.
    mutating func readObject(names: [[UInt8]]) throws(SyntaxError) -> (values: [Value?], repeated: Int?) {
        guard peek == 0x7B else { throw error("expected '{', found \(found())") }
        i += 1
        var values = [Value?](repeating: nil, count: names.count)
        var repeated: Int? = nil
        skipSpace()
        if peek == 0x7D {
            i += 1
            return (values, nil)
        }
        while true {
            guard peek == 0x22 else { throw error("expected a field name (a string), found \(found())") }
            let key = try scanString(decode: true)
            let slot: Int? = if key.bad != nil {
                nil
            } else if let decoded = key.decoded {
                names.firstIndex { $0.elementsEqual(decoded) }
            } else {
                names.firstIndex { $0.elementsEqual(bytes[key.start..<key.close]) }
            }
            skipSpace()
            guard peek == 0x3A else { throw error("expected ':' after a field name, found \(found())") }
            i += 1
            skipSpace()
            let value = try readValue()
            if let slot {
                if values[slot] != nil {
                    repeated = repeated ?? slot
                } else {
                    values[slot] = value
                }
            }
            skipSpace()
            if peek == 0x2C {
                i += 1
                skipSpace()
                continue
            }
            if peek == 0x7D {
                i += 1
                return (values, repeated)
            }
            throw error("expected ',' or '}', found \(found())")
        }
    }

    // MARK: UTF-8

    /// The offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629:
    /// no overlong forms, no surrogates, nothing above U+10FFFF), or nil when all is well.
    static func firstInvalidUTF8(_ b: [UInt8]) -> Int? {
        let n = b.count
        var i = 0
        while i < n {
            let c = b[i]
            if c < 0x80 {
                i += 1
                continue
            }
            let need: Int
            var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
            switch c {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED: need = 2; hi = 0x9F
            case 0xF0: need = 3; lo = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; hi = 0x8F
            default: return i
            }
            guard i + need < n else { return i }
            guard b[i + 1] >= lo, b[i + 1] <= hi else { return i }
            var k = 2
            while k <= need {
                guard b[i + k] >= 0x80, b[i + k] <= 0xBF else { return i }
                k += 1
            }
            i += need + 1
        }
        return nil
    }
}
