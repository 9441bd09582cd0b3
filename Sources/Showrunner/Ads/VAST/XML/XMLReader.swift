// A small non-validating XML 1.0 reader, enough for VAST (and other ad-server XML).
//
// Supported: elements, attributes in single or double quotes, text, CDATA, comments, processing
// instructions and the XML declaration (skipped), the five predefined entities and numeric
// character references (`&#10;`, `&#x2F;`), an optional UTF-8 byte order mark. Namespaces are
// ignored: names are matched by local name.
// Rejected (XMLError): anything not well-formed, DOCTYPE / DTDs (so no custom entities, no entity
// expansion attacks), input over `maxBytes`, nesting over `maxDepth`, non-UTF-8 input, C0 control
// characters. Parsing is iterative (no recursion) and bounds-checked: it never traps.

/// Reads an XML document into an `XMLElement` tree.
public enum XMLReader {
    /// Largest accepted document: 1 MiB.
    public static let maxBytes = 1 << 20
    /// Deepest accepted element nesting (the root is depth 1).
    public static let maxDepth = 64

    /// Parses a UTF-8 document and returns its root element.
    /// - Throws: `XMLError` naming the line, column and problem.
    public static func parse(_ bytes: [UInt8]) throws(XMLError) -> XMLElement {
        var scanner = XMLScanner(bytes: bytes)
        return try scanner.document()
    }

    /// Parses a document given as a string (its UTF-8 bytes).
    public static func parse(_ text: String) throws(XMLError) -> XMLElement {
        try parse(Array(text.utf8))
    }
}

private enum ASCII {
    static let lt = UInt8(ascii: "<"), gt = UInt8(ascii: ">"), amp = UInt8(ascii: "&")
    static let slash = UInt8(ascii: "/"), bang = UInt8(ascii: "!"), question = UInt8(ascii: "?")
    static let equals = UInt8(ascii: "="), quote = UInt8(ascii: "\""), apostrophe = UInt8(ascii: "'")
    static let semicolon = UInt8(ascii: ";"), hash = UInt8(ascii: "#"), colon = UInt8(ascii: ":")
    static let cr: UInt8 = 13, lf: UInt8 = 10, tab: UInt8 = 9, space: UInt8 = 32
}

struct XMLScanner {
    let bytes: [UInt8]
    var pos = 0

    /// An open element while its content is read.
    struct Frame {
        var element: XMLElement
        var qualifiedName: ArraySlice<UInt8>
        var text: [UInt8] = []
        var start: Int
    }

    init(bytes: [UInt8]) { self.bytes = bytes }

    // MARK: errors

    func fail(_ code: XMLError.Code, _ message: String, at offset: Int? = nil) -> XMLError {
        let end = min(max(offset ?? pos, 0), bytes.count)
        var line = 1, column = 1
        for i in 0..<end {
            let b = bytes[i]
            if b == ASCII.lf {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 {
                column += 1
            }
        }
        return XMLError(code: code, line: line, column: column, message: message)
    }

    func unexpectedEnd(_ inside: String) -> XMLError {
        fail(.unexpectedEnd, "input ends inside \(inside)", at: bytes.count)
    }

    // MARK: helpers

    var atEnd: Bool { pos >= bytes.count }

    func has(_ literal: StaticString, at offset: Int) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard offset + n <= bytes.count else { return false }
        return literal.withUTF8Buffer { lit in
            for k in 0..<n where bytes[offset + k] != lit[k] { return false }
            return true
        }
    }

    /// Whether the remaining input is a (possibly empty) prefix of `literal`: a truncated token.
    func isTruncated(_ literal: StaticString, at offset: Int) -> Bool {
        let rest = bytes.count - offset
        guard rest < literal.utf8CodeUnitCount else { return false }
        return literal.withUTF8Buffer { lit in
            for k in 0..<rest where bytes[offset + k] != lit[k] { return false }
            return true
        }
    }

    static func isSpace(_ b: UInt8) -> Bool { b == ASCII.space || b == ASCII.tab || b == ASCII.lf || b == ASCII.cr }
    static func isNameStart(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b == ASCII.colon || b >= 0x80
    }
    static func isName(_ b: UInt8) -> Bool {
        isNameStart(b) || (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x2E
    }

    @discardableResult
    mutating func skipSpace() -> Bool {
        let start = pos
        while pos < bytes.count, Self.isSpace(bytes[pos]) { pos += 1 }
        return pos > start
    }

    /// Index of the first occurrence of `literal` at or after `from`.
    func find(_ literal: StaticString, from: Int) -> Int? {
        let n = literal.utf8CodeUnitCount
        guard n > 0, bytes.count >= n else { return nil }
        let first = literal.withUTF8Buffer { $0[0] }
        var i = from
        while i <= bytes.count - n {
            if bytes[i] == first, has(literal, at: i) { return i }
            i += 1
        }
        return nil
    }

    func describe(_ b: UInt8) -> String {
        if b >= 0x21 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x\(String(b, radix: 16, uppercase: true))"
    }

    static func string(_ s: ArraySlice<UInt8>) -> String { String(decoding: s, as: UTF8.self) }

    static func localName(_ q: ArraySlice<UInt8>) -> String {
        if let colon = q.lastIndex(of: ASCII.colon), colon < q.endIndex - 1 { return string(q[(colon + 1)...]) }
        return string(q)
    }

    // MARK: checks over the whole input

    /// Validates UTF-8 (no overlongs, no surrogates, max U+10FFFF) and rejects C0 controls.
    func checkEncoding() throws(XMLError) {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 {
                if b < 0x20 && b != ASCII.tab && b != ASCII.lf && b != ASCII.cr {
                    throw fail(.invalidCharacter, "control character 0x\(String(b, radix: 16, uppercase: true)) is not allowed in XML", at: i)
                }
                i += 1
                continue
            }
            var need = 0
            var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED: need = 2; hi = 0x9F
            case 0xF0: need = 3; lo = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; hi = 0x8F
            default: throw fail(.invalidUTF8, "invalid UTF-8 byte 0x\(String(b, radix: 16, uppercase: true))", at: i)
            }
            guard i + need < n else { throw fail(.invalidUTF8, "truncated UTF-8 sequence", at: i) }
            let second = bytes[i + 1]
            guard second >= lo && second <= hi else { throw fail(.invalidUTF8, "invalid UTF-8 sequence", at: i) }
            if need >= 2 {
                for k in 2...need where bytes[i + k] & 0xC0 != 0x80 {
                    throw fail(.invalidUTF8, "invalid UTF-8 sequence", at: i)
                }
            }
            i += need + 1
        }
    }

    // MARK: document

    mutating func document() throws(XMLError) -> XMLElement {
        guard bytes.count <= XMLReader.maxBytes else {
            throw XMLError(code: .tooLarge, line: 1, column: 1,
                           message: "document is \(bytes.count) bytes; the limit is \(XMLReader.maxBytes) bytes")
        }
        try checkEncoding()
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { pos = 3 } // BOM
        // Prolog: XML declaration, comments, processing instructions, whitespace.
        while true {
            skipSpace()
            guard !atEnd else { throw fail(.noRootElement, "no root element") }
            if try skipMisc() { continue }
            if bytes[pos] == ASCII.lt { break }
            throw fail(.malformed, "text before the root element")
        }
        let root = try elementTree()
        // Epilog: only comments, processing instructions and whitespace.
        while true {
            skipSpace()
            if atEnd { return root }
            if try skipMisc() { continue }
            throw fail(.contentAfterRoot, bytes[pos] == ASCII.lt ? "a second root element" : "text after the root element")
        }
    }

    /// Skips a comment, a processing instruction or rejects a DOCTYPE at `pos`; false if none.
    mutating func skipMisc() throws(XMLError) -> Bool {
        if has("<!--", at: pos) {
            try skipComment()
            return true
        }
        if pos + 1 < bytes.count, isTruncated("<!--", at: pos) { throw unexpectedEnd("a comment") }
        if has("<?", at: pos) {
            try skipProcessingInstruction()
            return true
        }
        if has("<!", at: pos) {
            throw fail(.unsupported, has("<!DOCTYPE", at: pos) ? "DOCTYPE declarations are not supported" : "markup declarations are not supported")
        }
        return false
    }

    mutating func skipComment() throws(XMLError) {
        guard let end = find("-->", from: pos + 4) else { throw unexpectedEnd("a comment") }
        pos = end + 3
    }

    mutating func skipProcessingInstruction() throws(XMLError) {
        let start = pos
        pos += 2
        guard !atEnd else { throw unexpectedEnd("a processing instruction") }
        guard Self.isNameStart(bytes[pos]) else {
            throw fail(.malformed, "processing instruction without a target name", at: start)
        }
        guard let end = find("?>", from: pos) else { throw unexpectedEnd("a processing instruction") }
        pos = end + 2
    }

    // MARK: elements

    /// Reads the element starting at `pos` (a `<` of a start tag) and everything inside it.
    mutating func elementTree() throws(XMLError) -> XMLElement {
        var stack: [Frame] = []
        let (rootFrame, rootEmpty) = try startTag()
        if rootEmpty { return rootFrame.element }
        stack.append(rootFrame)

        while true {
            guard pos < bytes.count else {
                let open = stack[stack.count - 1]
                throw fail(.unclosedElement, "input ends before <\(Self.string(open.qualifiedName))> (opened at \(locate(open.start))) is closed", at: bytes.count)
            }
            let b = bytes[pos]
            if b == ASCII.lt {
                if pos + 1 >= bytes.count { throw unexpectedEnd("a tag") }
                let next = bytes[pos + 1]
                if next == ASCII.slash {
                    let frame = stack.removeLast()
                    try endTag(closing: frame)
                    var element = frame.element
                    element.text = Self.string(frame.text[...])
                    if stack.isEmpty { return element }
                    stack[stack.count - 1].element.children.append(element)
                } else if next == ASCII.bang {
                    if has("<!--", at: pos) {
                        try skipComment()
                    } else if has("<![CDATA[", at: pos) {
                        guard let end = find("]]>", from: pos + 9) else { throw unexpectedEnd("a CDATA section") }
                        appendText(&stack[stack.count - 1].text, pos + 9, end)
                        pos = end + 3
                    } else if isTruncated("<![CDATA[", at: pos) || isTruncated("<!--", at: pos) {
                        throw unexpectedEnd("a comment or CDATA section")
                    } else {
                        throw fail(.unsupported, "markup declarations are not supported inside elements")
                    }
                } else if next == ASCII.question {
                    try skipProcessingInstruction()
                } else {
                    guard stack.count < XMLReader.maxDepth else {
                        throw fail(.tooDeep, "elements nest deeper than \(XMLReader.maxDepth) levels")
                    }
                    let (frame, empty) = try startTag()
                    if empty {
                        stack[stack.count - 1].element.children.append(frame.element)
                    } else {
                        stack.append(frame)
                    }
                }
            } else if b == ASCII.amp {
                try reference(into: &stack[stack.count - 1].text, inAttribute: false)
            } else {
                var end = pos
                while end < bytes.count, bytes[end] != ASCII.lt, bytes[end] != ASCII.amp { end += 1 }
                appendText(&stack[stack.count - 1].text, pos, end)
                pos = end
            }
        }
    }

    func locate(_ offset: Int) -> String {
        let e = fail(.malformed, "", at: offset)
        return "line \(e.line), column \(e.column)"
    }

    /// Appends bytes[from..<to] with CRLF and lone CR turned into LF.
    func appendText(_ text: inout [UInt8], _ from: Int, _ to: Int) {
        var i = from
        while i < to {
            let b = bytes[i]
            if b == ASCII.cr {
                text.append(ASCII.lf)
                if i + 1 < to, bytes[i + 1] == ASCII.lf { i += 1 }
            } else {
                text.append(b)
            }
            i += 1
        }
    }

    mutating func name(_ what: String) throws(XMLError) -> ArraySlice<UInt8> {
        guard !atEnd else { throw unexpectedEnd(what) }
        guard Self.isNameStart(bytes[pos]) else {
            throw fail(.malformed, "expected \(what), found \(describe(bytes[pos]))")
        }
        let start = pos
        while pos < bytes.count, Self.isName(bytes[pos]) { pos += 1 }
        return bytes[start..<pos]
    }

    /// Reads `<name attr="v" ...>` or `<name .../>` at `pos`; returns the frame and whether it
    /// was an empty-element tag.
    mutating func startTag() throws(XMLError) -> (Frame, Bool) {
        let start = pos
        pos += 1 // '<'
        let qname = try name("an element name")
        let tagName = Self.string(qname)
        var frame = Frame(element: XMLElement(name: Self.localName(qname)), qualifiedName: qname, start: start)
        var seen: [ArraySlice<UInt8>] = []
        while true {
            let spaced = skipSpace()
            guard !atEnd else { throw unexpectedEnd("the tag <\(tagName)>") }
            let b = bytes[pos]
            if b == ASCII.gt {
                pos += 1
                return (frame, false)
            }
            if b == ASCII.slash {
                guard pos + 1 < bytes.count else { throw unexpectedEnd("the tag <\(tagName)>") }
                guard bytes[pos + 1] == ASCII.gt else { throw fail(.malformed, "expected '>' after '/' in <\(tagName)>") }
                pos += 2
                return (frame, true)
            }
            guard Self.isNameStart(b) else {
                throw fail(.malformed, "unexpected \(describe(b)) in the tag <\(tagName)>")
            }
            guard spaced else { throw fail(.malformed, "attributes of <\(tagName)> must be separated by whitespace") }
            let attrStart = pos
            let attrName = try name("an attribute name")
            let attrText = Self.string(attrName)
            if seen.contains(attrName) {
                throw fail(.duplicateAttribute, "attribute '\(attrText)' appears twice in <\(tagName)>", at: attrStart)
            }
            seen.append(attrName)
            skipSpace()
            guard !atEnd else { throw unexpectedEnd("the tag <\(tagName)>") }
            guard bytes[pos] == ASCII.equals else {
                throw fail(.attributeWithoutValue, "attribute '\(attrText)' in <\(tagName)> has no value", at: attrStart)
            }
            pos += 1
            skipSpace()
            guard !atEnd else { throw unexpectedEnd("the tag <\(tagName)>") }
            let q = bytes[pos]
            guard q == ASCII.quote || q == ASCII.apostrophe else {
                throw fail(.malformed, "the value of attribute '\(attrText)' in <\(tagName)> must be in quotes")
            }
            pos += 1
            var value: [UInt8] = []
            while true {
                guard !atEnd else { throw unexpectedEnd("the value of attribute '\(attrText)'") }
                let c = bytes[pos]
                if c == q {
                    pos += 1
                    break
                } else if c == ASCII.lt {
                    throw fail(.malformed, "'<' in the value of attribute '\(attrText)' (write &lt;)")
                } else if c == ASCII.amp {
                    try reference(into: &value, inAttribute: true)
                } else {
                    if c == ASCII.cr, pos + 1 < bytes.count, bytes[pos + 1] == ASCII.lf { pos += 1 }
                    value.append(Self.isSpace(c) ? ASCII.space : c)
                    pos += 1
                }
            }
            // Namespace declarations are not data.
            if attrText == "xmlns" || attrText.hasPrefix("xmlns:") { continue }
            frame.element.attributes.append(XMLAttribute(name: Self.localName(attrName), value: Self.string(value[...])))
        }
    }

    /// Reads `</name>` at `pos` and checks it closes `frame`.
    mutating func endTag(closing frame: Frame) throws(XMLError) {
        let start = pos
        pos += 2
        let qname = try name("an element name after '</'")
        skipSpace()
        guard !atEnd else { throw unexpectedEnd("the end tag </\(Self.string(qname))>") }
        guard bytes[pos] == ASCII.gt else {
            throw fail(.malformed, "unexpected \(describe(bytes[pos])) in the end tag </\(Self.string(qname))>")
        }
        guard qname.elementsEqual(frame.qualifiedName) else {
            throw fail(.mismatchedClose, "</\(Self.string(qname))> does not close <\(Self.string(frame.qualifiedName))> (opened at \(locate(frame.start)))", at: start)
        }
        pos += 1
    }

    /// Reads `&name;` or `&#N;` / `&#xH;` at `pos` and appends its UTF-8 bytes.
    mutating func reference(into out: inout [UInt8], inAttribute: Bool) throws(XMLError) {
        let start = pos
        var end = pos + 1
        while end < bytes.count, end - start <= 12, bytes[end] != ASCII.semicolon {
            let c = bytes[end]
            if Self.isSpace(c) || c == ASCII.lt || c == ASCII.amp || c == ASCII.quote || c == ASCII.apostrophe { break }
            end += 1
        }
        guard end < bytes.count else {
            if end - start <= 12 { throw unexpectedEnd("an entity reference") }
            throw fail(.badReference, "'&' does not start a reference (write &amp;)", at: start)
        }
        guard bytes[end] == ASCII.semicolon else {
            throw fail(.badReference, "'&' does not start a reference (write &amp;)", at: start)
        }
        let body = bytes[(start + 1)..<end]
        let text = Self.string(body)
        switch text {
        case "lt": out.append(ASCII.lt)
        case "gt": out.append(ASCII.gt)
        case "amp": out.append(ASCII.amp)
        case "quot": out.append(ASCII.quote)
        case "apos": out.append(ASCII.apostrophe)
        default:
            guard body.first == ASCII.hash else {
                throw fail(.badReference, "unknown entity &\(text); (only lt, gt, amp, quot, apos and &#...; are defined)", at: start)
            }
            var digits = text.dropFirst()
            var radix = 10
            if digits.first == "x" {
                radix = 16
                digits = digits.dropFirst()
            }
            guard !digits.isEmpty, digits.count <= 8, let value = UInt32(digits, radix: radix),
                  Self.isXMLChar(value), let scalar = Unicode.Scalar(value)
            else {
                throw fail(.badReference, "&\(text); is not a valid character reference", at: start)
            }
            out.append(contentsOf: String(Character(scalar)).utf8)
        }
        pos = end + 1
    }

    /// XML 1.0 `Char`: tab, LF, CR, U+0020-D7FF, U+E000-FFFD, U+10000-10FFFF.
    static func isXMLChar(_ v: UInt32) -> Bool {
        v == 0x9 || v == 0xA || v == 0xD || (0x20...0xD7FF).contains(v) || (0xE000...0xFFFD).contains(v) || (0x10000...0x10FFFF).contains(v)
    }
}
