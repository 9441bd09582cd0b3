/// One attribute value of an HLS attribute list (RFC 8216 §4.2), kept exactly as written.
public enum AttributeValue: Sendable, Hashable {
    /// A quoted-string; the associated text is the content between the quotes (no escapes exist
    /// in HLS; it must not contain `"`, CR or LF).
    case quoted(String)
    /// Any unquoted value, verbatim: decimal-integer, hexadecimal-sequence, (signed-)decimal-
    /// floating-point, enumerated-string or decimal-resolution.
    case token(String)

    /// The text between the quotes, or the token text.
    public var string: String {
        switch self {
        case .quoted(let s), .token(let s): return s
        }
    }

    /// The value as written in an attribute list (quoted values with their quotes).
    public var text: String {
        switch self {
        case .quoted(let s): return "\"\(s)\""
        case .token(let s): return s
        }
    }

    /// A decimal-integer token, e.g. `.integer(1_280_000)` → `1280000`.
    public static func integer(_ value: Int64) -> AttributeValue { .token(String(value)) }

    /// A decimal-floating-point token written with `MediaTime.decimalSeconds` (exact for
    /// power-of-ten timescales, else 6 fraction digits).
    public static func decimal(_ value: MediaTime) -> AttributeValue { .token(value.decimalSeconds) }

    /// A decimal-resolution token, e.g. `1920x1080`.
    public static func resolution(_ value: Resolution) -> AttributeValue { .token(value.text) }
}

/// One `NAME=value` pair of an attribute list.
public struct Attribute: Sendable, Hashable {
    /// The attribute name: characters `[A-Z0-9-]`.
    public var name: String
    /// The value, quoted or not, as written.
    public var value: AttributeValue

    /// A `name=value` pair.
    public init(name: String, value: AttributeValue) {
        self.name = name
        self.value = value
    }
}

/// An HLS attribute list (RFC 8216 §4.2): comma-separated `NAME=value` pairs with no
/// whitespace. Order, quoting and the raw text of unquoted values are preserved, so `text`
/// reproduces a parsed list exactly. Lookups are linear in the number of attributes.
public struct AttributeList: Sendable, Hashable {
    /// The attributes in source order.
    public var attributes: [Attribute]

    /// An empty list.
    public init() { attributes = [] }

    /// A list with these attributes, in this order (not checked for duplicates or syntax).
    public init(_ attributes: [Attribute]) { self.attributes = attributes }

    /// The value of the first attribute called `name`. Setting replaces that attribute's value
    /// in place, or appends a new attribute when absent; setting nil removes every attribute
    /// with that name.
    public subscript(name: String) -> AttributeValue? {
        get {
            for attribute in attributes where attribute.name == name { return attribute.value }
            return nil
        }
        set {
            if let newValue {
                if let i = attributes.firstIndex(where: { $0.name == name }) {
                    attributes[i].value = newValue
                } else {
                    attributes.append(Attribute(name: name, value: newValue))
                }
            } else {
                attributes.removeAll { $0.name == name }
            }
        }
    }

    /// Whether an attribute called `name` is present.
    public func contains(_ name: String) -> Bool { self[name] != nil }

    /// The quoted content or the token text of `name`; nil when absent.
    public func string(_ name: String) -> String? { self[name]?.string }

    /// `name` as a decimal-integer: an unquoted token of 1–18 digits. Nil when absent, quoted,
    /// or not such a number (including values beyond 18 digits).
    public func integer(_ name: String) -> Int64? {
        guard case .token(let t)? = self[name] else { return nil }
        return HLSNumber.decimalInteger(t)
    }

    /// `name` as an exact decimal number of seconds (or other unit): an unquoted token parsed
    /// by `MediaTime(decimal:)`, so `"10.000"` is `10000 @ 1000`. A leading `-` is accepted
    /// (signed-decimal-floating-point, e.g. START's TIME-OFFSET); callers needing a
    /// non-negative value must check. Nil when absent, quoted or not a number.
    public func decimal(_ name: String) -> MediaTime? {
        guard case .token(let t)? = self[name] else { return nil }
        return MediaTime(decimal: t)
    }

    /// `name` as a decimal-resolution token (`1920x1080`); nil when absent, quoted or malformed.
    public func resolution(_ name: String) -> Resolution? {
        guard case .token(let t)? = self[name] else { return nil }
        return Resolution(t)
    }

    /// The list as written in a tag: `A=1,B="x"`. Values are not re-checked: a quoted value
    /// containing `"` or a line break produces text the parser rejects.
    public var text: String {
        var out = ""
        for (i, attribute) in attributes.enumerated() {
            if i > 0 { out += "," }
            out += attribute.name
            out += "="
            out += attribute.value.text
        }
        return out
    }

    /// Parses an attribute list (the text after `TAG:`). The empty text is the empty list.
    ///
    /// Rejected (`.malformedAttributes`): a missing `=`, an empty name or a name outside
    /// `[A-Z0-9-]`, an empty unquoted value, an unterminated quoted string, anything but `,` or
    /// the end after a closing quote, a `"`, whitespace or control character in an unquoted
    /// value, a CR/LF/control character in a quoted string, a trailing or doubled comma.
    /// A repeated name is `.duplicateAttribute`. Errors carry `line` 0; callers set the line.
    /// Linear time.
    public static func parse(_ text: Substring) throws(PlaylistError) -> AttributeList {
        var result: [Attribute] = []
        var seen = Set<Substring>()
        let utf8 = text.utf8
        var i = utf8.startIndex
        let end = utf8.endIndex
        if i == end { return AttributeList() }

        func fail(_ message: String) -> PlaylistError {
            PlaylistError(line: 0, code: .malformedAttributes, message: message)
        }

        while true {
            // Name up to '='.
            let nameStart = i
            while i != end {
                let b = utf8[i]
                if b == UInt8(ascii: "=") || b == UInt8(ascii: ",") { break }
                i = utf8.index(after: i)
            }
            let name = text[nameStart..<i]
            if i == end || utf8[i] != UInt8(ascii: "=") {
                if name.isEmpty { throw fail("empty attribute (stray or trailing comma)") }
                throw fail("attribute \(quote(name)) has no '='")
            }
            if name.isEmpty { throw fail("attribute with an empty name") }
            for b in name.utf8 {
                let ok = (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: "-")
                if !ok { throw fail("attribute name \(quote(name)) has characters outside [A-Z0-9-]") }
            }
            i = utf8.index(after: i)  // past '='

            let value: AttributeValue
            if i != end && utf8[i] == UInt8(ascii: "\"") {
                i = utf8.index(after: i)
                let contentStart = i
                while i != end && utf8[i] != UInt8(ascii: "\"") {
                    let b = utf8[i]
                    if b == 0x0A || b == 0x0D {
                        throw fail("quoted value of attribute \(name) contains a line break")
                    }
                    if b < 0x20 && b != 0x09 {
                        throw fail("quoted value of attribute \(name) contains a control character")
                    }
                    i = utf8.index(after: i)
                }
                if i == end { throw fail("unterminated quoted string in attribute \(name)") }
                value = .quoted(String(text[contentStart..<i]))
                i = utf8.index(after: i)  // past closing quote
                if i != end && utf8[i] != UInt8(ascii: ",") {
                    throw fail("attribute \(name): unexpected characters after the closing quote")
                }
            } else {
                let valueStart = i
                while i != end && utf8[i] != UInt8(ascii: ",") {
                    let b = utf8[i]
                    if b == UInt8(ascii: "\"") {
                        throw fail("unquoted value of attribute \(name) contains '\"'")
                    }
                    if b == 0x20 || b == 0x09 {
                        throw fail("value of attribute \(name) contains whitespace")
                    }
                    if b < 0x20 {
                        throw fail("value of attribute \(name) contains a control character")
                    }
                    i = utf8.index(after: i)
                }
                if valueStart == i { throw fail("attribute \(name) has an empty value") }
                value = .token(String(text[valueStart..<i]))
            }
            if !seen.insert(name).inserted {
                throw PlaylistError(line: 0, code: .duplicateAttribute,
                                    message: "attribute \(name) appears more than once")
            }
            result.append(Attribute(name: String(name), value: value))
            if i == end { break }
            i = utf8.index(after: i)  // past ','
            if i == end { throw fail("trailing comma after attribute \(name)") }
        }
        return AttributeList(result)
    }
}

extension AttributeList {
    /// `parse(_:)` for a `String` (same rules; errors carry `line` 0).
    public static func parse(_ text: String) throws(PlaylistError) -> AttributeList {
        try parse(Substring(text))
    }
}

/// `"text"` with the text truncated to 40 characters, for error messages.
func quote<S: StringProtocol>(_ text: S) -> String {
    let limit = 40
    if text.prefix(limit + 1).count <= limit { return "\"\(text)\"" }
    return "\"\(text.prefix(limit))…\""
}
