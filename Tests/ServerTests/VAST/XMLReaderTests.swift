import Testing
import Showrunner

@Suite("XML reader")
struct XMLReaderTests {
    @Test("elements, attributes in both quotes, text, CDATA, comments, PIs, entities, char refs")
    func tree() throws {
        let xml = """
        \u{FEFF}<?xml version="1.0" encoding="UTF-8"?>
        <!-- c1 --><?pi data?>
        <a:root xmlns:a="urn:x" xmlns="urn:y" one="1" two='t&apos;"' three="x&#10;y&#x2F;z&lt;&gt;&amp;&quot;">
          head &amp; &#233;&#x1F600;<!-- inner --><b/>tail<![CDATA[<raw> & ]] ]]>
          <c a:attr = "v"  >text</c ><?x y?>
        </a:root>
        <!-- trailing -->
        """
        let root = try XMLReader.parse(xml)
        #expect(root.name == "root")
        #expect(root.attributes.map(\.name) == ["one", "two", "three"])  // xmlns dropped
        #expect(root[attribute: "one"] == "1")
        #expect(root[attribute: "two"] == "t'\"")
        #expect(root[attribute: "three"] == "x\ny/z<>&\"")
        #expect(root.children.map(\.name) == ["b", "c"])
        #expect(root.child("c")?[attribute: "attr"] == "v")
        #expect(root.child("c")?.text == "text")
        #expect(root.text.contains("head & é😀"))
        #expect(root.text.contains("tail<raw> & ]] "))
        #expect(root.child("b")?.children.isEmpty == true)
    }

    @Test("line endings: CRLF and CR become LF in text; literal newlines in attributes become spaces")
    func lineEndings() throws {
        let root = try XMLReader.parse("<r a=\"x\r\ny\tz\">1\r\n2\r3<![CDATA[4\r\n5]]></r>")
        #expect(root.text == "1\n2\n34\n5")
        #expect(root[attribute: "a"] == "x y z")
        #expect(root.trimmedText == root.text)
        #expect(try XMLReader.parse("<r>  \n x \t</r>").trimmedText == "x")
    }

    @Test("nesting up to maxDepth is fine")
    func depthLimitOK() throws {
        let n = XMLReader.maxDepth
        let xml = String(repeating: "<e>", count: n) + String(repeating: "</e>", count: n)
        var e = try XMLReader.parse(xml)
        var depth = 1
        while let c = e.children.first { e = c; depth += 1 }
        #expect(depth == n)
    }

    struct Bad: Sendable, CustomTestStringConvertible {
        var input: [UInt8]
        var code: XMLError.Code
        var line: Int
        var column: Int
        var messageContains: String
        var testDescription: String { "\(code) \(String(decoding: input.prefix(40), as: UTF8.self))" }
        init(_ s: String, _ code: XMLError.Code, _ line: Int, _ column: Int, _ contains: String) {
            self.init(Array(s.utf8), code, line, column, contains)
        }
        init(_ b: [UInt8], _ code: XMLError.Code, _ line: Int, _ column: Int, _ contains: String) {
            input = b; self.code = code; self.line = line; self.column = column; messageContains = contains
        }
    }

    static let bad: [Bad] = [
        Bad("<a><b></a>", .mismatchedClose, 1, 7, "</a> does not close <b>"),
        Bad("<a>\n  <b>\n</a>", .mismatchedClose, 3, 1, "opened at line 2, column 3"),
        Bad("<a>\n<b>text", .unclosedElement, 2, 8, "<b>"),
        Bad("<a>x &nbsp; y</a>", .badReference, 1, 6, "unknown entity &nbsp;"),
        Bad("<a>x & y</a>", .badReference, 1, 6, "write &amp;"),
        Bad("<a>&#0;</a>", .badReference, 1, 4, "not a valid character reference"),
        Bad("<a>&#xD800;</a>", .badReference, 1, 4, "not a valid character reference"),
        Bad("<a>&#x110000;</a>", .badReference, 1, 4, "not a valid character reference"),
        Bad("<a>&#;</a>", .badReference, 1, 4, "not a valid"),
        Bad("<a x=\"&foo;\"/>", .badReference, 1, 7, "&foo;"),
        Bad("<a\n  checked/>", .attributeWithoutValue, 2, 3, "'checked' in <a> has no value"),
        Bad("<a x=1/>", .malformed, 1, 6, "must be in quotes"),
        Bad("<a x=\"1\"y=\"2\"/>", .malformed, 1, 9, "separated by whitespace"),
        Bad("<a x=\"1\" x='2'/>", .duplicateAttribute, 1, 10, "'x' appears twice"),
        Bad("<a x=\"<\"/>", .malformed, 1, 7, "'<' in the value"),
        Bad("<a>é<b", .unexpectedEnd, 1, 7, "input ends inside"),
        Bad("<a><![CDATA[abc", .unexpectedEnd, 1, 16, "CDATA"),
        Bad("<a><!-- x", .unexpectedEnd, 1, 10, "comment"),
        Bad("<a><?pi", .unexpectedEnd, 1, 8, "processing instruction"),
        Bad("<a>&am", .unexpectedEnd, 1, 7, "entity reference"),
        Bad("", .noRootElement, 1, 1, "no root"),
        Bad("<?xml version=\"1.0\"?>\n<!-- only -->\n", .noRootElement, 3, 1, "no root"),
        Bad("<a/><b/>", .contentAfterRoot, 1, 5, "second root"),
        Bad("<a/>text", .contentAfterRoot, 1, 5, "text after"),
        Bad("text<a/>", .malformed, 1, 1, "text before"),
        Bad("<!DOCTYPE a [<!ENTITY x \"y\">]><a/>", .unsupported, 1, 1, "DOCTYPE"),
        Bad("<1a/>", .malformed, 1, 2, "expected an element name"),
        Bad("<a>\u{01}</a>", .invalidCharacter, 1, 4, "control character 0x1"),
        Bad([0x3C, 0x61, 0x3E, 0xFF, 0x3C, 0x2F, 0x61, 0x3E], .invalidUTF8, 1, 4, "invalid UTF-8 byte 0xFF"),
        Bad([0x3C, 0x61, 0x3E, 0xC0, 0xAF, 0x3C, 0x2F, 0x61, 0x3E], .invalidUTF8, 1, 4, "invalid UTF-8"),  // overlong '/'
        Bad([0x3C, 0x61, 0x3E, 0xED, 0xA0, 0x80, 0x3C, 0x2F, 0x61, 0x3E], .invalidUTF8, 1, 4, "invalid UTF-8"),  // surrogate
        Bad([0x3C, 0x61, 0x3E, 0xE2, 0x82], .invalidUTF8, 1, 4, "truncated UTF-8"),
        Bad(String(repeating: "<e>", count: XMLReader.maxDepth + 1), .tooDeep, 1, 3 * XMLReader.maxDepth + 1, "deeper than 64"),
        Bad("<a>" + String(repeating: "x", count: XMLReader.maxBytes) + "</a>", .tooLarge, 1, 1, "limit is 1048576 bytes"),
    ]

    @Test("malformed input gives XMLError with code, line, column and message", arguments: bad)
    func malformed(_ bad: Bad) {
        #expect {
            _ = try XMLReader.parse(bad.input)
        } throws: { error in
            guard let e = error as? XMLError else { return false }
            #expect(e.code == bad.code, "\(e)")
            #expect(e.line == bad.line && e.column == bad.column, "\(e)")
            #expect(e.message.contains(bad.messageContains), "\(e)")
            return true
        }
    }

    @Test("description names line and column")
    func description() {
        let e = XMLError(code: .malformed, line: 3, column: 7, message: "m")
        #expect(e.description == "line 3, column 7: m")
    }
}

@Suite("XML reader robustness")
struct XMLRobustnessTests {
    /// Where the root element closes: every shorter prefix must be rejected.
    static let doc = Array(inlineVAST.utf8)

    @Test("every truncation prefix of a real VAST document: no crash, throws until the root is closed")
    func truncations() throws {
        let full = try XMLReader.parse(Self.doc)
        #expect(full.name == "VAST")
        var closeEnd = Self.doc.count  // just after "</VAST>" (only whitespace follows)
        while closeEnd > 0, Self.doc[closeEnd - 1] == 10 || Self.doc[closeEnd - 1] == 32 { closeEnd -= 1 }
        var parsed = 0
        for n in 0..<Self.doc.count {
            let prefix = Array(Self.doc[0..<n])
            do {
                _ = try XMLReader.parse(prefix)
                parsed += 1
                #expect(n >= closeEnd, "prefix of \(n) bytes parsed")
            } catch {
                #expect(n < closeEnd, "prefix of \(n) bytes: \(error)")
                #expect(error.line >= 1 && error.column >= 1)
            }
        }
        #expect(parsed == Self.doc.count - closeEnd)
    }

    @Test("3000 seeded random mutations: no crash, parses or throws XMLError")
    func mutations() {
        var rng = VASTSplitMix64(seed: 0x5EED_7A57)
        let interesting: [UInt8] = Array("<>&;\"'/!?[]=#x-: \n".utf8) + [0, 0x80, 0xC3, 0xFF, 0xED]
        var outcomes = (ok: 0, failed: 0)
        for _ in 0..<3000 {
            var b = Self.doc
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let i = Int.random(in: 0..<b.count, using: &rng)
                switch Int.random(in: 0..<5, using: &rng) {
                case 0: b[i] = interesting.randomElement(using: &rng)!
                case 1: b.insert(interesting.randomElement(using: &rng)!, at: i)
                case 2: b.removeSubrange(i..<min(b.count, i + Int.random(in: 1...20, using: &rng)))
                case 3: b.insert(contentsOf: b[i..<min(b.count, i + Int.random(in: 1...40, using: &rng))], at: Int.random(in: 0..<b.count, using: &rng))
                default: b[i] = UInt8.random(in: 0...255, using: &rng)
                }
                if b.isEmpty { b = [0x3C] }
            }
            do {
                _ = try XMLReader.parse(b)
                outcomes.ok += 1
            } catch {
                #expect(error.line >= 1 && !error.message.isEmpty)
                outcomes.failed += 1
            }
        }
        #expect(outcomes.ok + outcomes.failed == 3000)
        #expect(outcomes.failed > 1000)  // the mutations do break documents
    }
}
