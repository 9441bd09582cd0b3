import MediaCore
import Testing

/// One rejected input: which parser, the text, and the expected code and line.
struct RejectionCase: CustomTestStringConvertible, Sendable {
    enum Parser: Sendable { case media, multivariant, any }
    var name: String
    var parser: Parser = .any
    var text: String
    var code: PlaylistError.Code
    var line: Int
    var limits: PlaylistLimits = .default

    var testDescription: String { name }
}

private let vodHead = "#EXTM3U\n#EXT-X-TARGETDURATION:10\n"  // lines 1–2
private let mvHead = "#EXTM3U\n#EXT-X-VERSION:3\n"  // lines 1–2

let rejectionCases: [RejectionCase] = [
    // Header and limits.
    RejectionCase(name: "empty", text: "", code: .missingHeader, line: 1),
    RejectionCase(name: "no #EXTM3U", text: "#EXT-X-VERSION:3\n#EXTM3U\n", code: .missingHeader, line: 1),
    RejectionCase(name: "#EXTM3U with trailing space", text: "#EXTM3U \n", code: .missingHeader, line: 1),
    RejectionCase(name: "byte order mark", text: "\u{FEFF}#EXTM3U\n", code: .byteOrderMark, line: 1),
    RejectionCase(name: "line too long", text: vodHead + "#EXTINF:1,\n" + String(repeating: "a", count: 101) + "\n",
                  code: .lineTooLong, line: 4, limits: PlaylistLimits(maxLineLength: 100)),
    RejectionCase(name: "too many bytes", text: vodHead, code: .tooLarge, line: 0, limits: PlaylistLimits(maxBytes: 10)),
    RejectionCase(name: "too many lines", text: vodHead + "#\n#\n", code: .tooLarge, line: 4, limits: PlaylistLimits(maxLines: 3)),
    RejectionCase(name: "NUL", text: vodHead + "#EXTINF:1,a\u{0}b\nx.ts\n", code: .controlCharacter, line: 3),
    RejectionCase(name: "lone CR", text: vodHead + "#EXTINF:1,\rx.ts\n", code: .controlCharacter, line: 3),
    RejectionCase(name: "escape character", text: "#EXTM3U\n\u{1B}[0m\n", code: .controlCharacter, line: 2),
    RejectionCase(name: "second #EXTM3U", text: vodHead + "#EXTM3U\n", code: .unexpectedTag, line: 3),
    RejectionCase(name: "whitespace-only line", text: vodHead + "   \n", code: .invalidValue, line: 3),

    // EXTINF.
    RejectionCase(name: "EXTINF not a number", text: vodHead + "#EXTINF:abc,\nx.ts\n", code: .invalidValue, line: 3),
    RejectionCase(name: "EXTINF negative", text: vodHead + "#EXTINF:-1.5,\nx.ts\n", code: .invalidValue, line: 3),
    RejectionCase(name: "EXTINF empty duration", text: vodHead + "#EXTINF:,\nx.ts\n", code: .invalidValue, line: 3),
    RejectionCase(name: "EXTINF without comma", text: vodHead + "#EXTINF:10\nx.ts\n", code: .malformedTag, line: 3),
    RejectionCase(name: "EXTINF without value", text: vodHead + "#EXTINF\nx.ts\n", code: .malformedTag, line: 3),
    RejectionCase(name: "EXTINF trailing dot", text: vodHead + "#EXTINF:10.,\nx.ts\n", code: .nonCanonical, line: 3),
    RejectionCase(name: "EXTINF leading zero", text: vodHead + "#EXTINF:010,\nx.ts\n", code: .nonCanonical, line: 3),
    RejectionCase(name: "EXTINF 10 fraction digits", text: vodHead + "#EXTINF:1.0000000001,\nx.ts\n", code: .nonCanonical, line: 3),
    RejectionCase(name: "EXTINF with space", text: vodHead + "#EXTINF: 10,\nx.ts\n", code: .invalidValue, line: 3),

    // Integer header tags.
    RejectionCase(name: "TARGETDURATION not integer", text: "#EXTM3U\n#EXT-X-TARGETDURATION:6.5\n", code: .invalidValue, line: 2),
    RejectionCase(name: "TARGETDURATION 19 digits", text: "#EXTM3U\n#EXT-X-TARGETDURATION:1234567890123456789\n",
                  code: .invalidValue, line: 2),
    RejectionCase(name: "TARGETDURATION huge", text: "#EXTM3U\n#EXT-X-TARGETDURATION:" + String(repeating: "9", count: 5000) + "\n",
                  code: .invalidValue, line: 2),
    RejectionCase(name: "TARGETDURATION missing value", text: "#EXTM3U\n#EXT-X-TARGETDURATION\n", code: .malformedTag, line: 2),
    RejectionCase(name: "VERSION leading zero", text: "#EXTM3U\n#EXT-X-VERSION:03\n", code: .nonCanonical, line: 2),
    RejectionCase(name: "VERSION negative", text: "#EXTM3U\n#EXT-X-VERSION:-3\n", code: .invalidValue, line: 2),
    RejectionCase(name: "MEDIA-SEQUENCE not integer", text: vodHead + "#EXT-X-MEDIA-SEQUENCE:x\n", code: .invalidValue, line: 3),
    RejectionCase(name: "DISCONTINUITY-SEQUENCE not integer", text: vodHead + "#EXT-X-DISCONTINUITY-SEQUENCE:1e3\n",
                  code: .invalidValue, line: 3),
    RejectionCase(name: "misplaced TARGETDURATION still checked", text: vodHead + "#EXTINF:1,\na.ts\n#EXT-X-TARGETDURATION:x\n",
                  code: .invalidValue, line: 5),
    RejectionCase(name: "BITRATE not integer", text: vodHead + "#EXT-X-BITRATE:1.5\n#EXTINF:1,\na.ts\n", code: .invalidValue, line: 3),

    // Other media tags.
    RejectionCase(name: "BYTERANGE malformed", text: vodHead + "#EXTINF:1,\n#EXT-X-BYTERANGE:10@\nx.ts\n", code: .invalidValue, line: 4),
    RejectionCase(name: "BYTERANGE leading zero", text: vodHead + "#EXTINF:1,\n#EXT-X-BYTERANGE:010\nx.ts\n",
                  code: .nonCanonical, line: 4),
    RejectionCase(name: "PLAYLIST-TYPE unknown", text: vodHead + "#EXT-X-PLAYLIST-TYPE:LIVE\n", code: .invalidValue, line: 3),
    RejectionCase(name: "ENDLIST with value", text: vodHead + "#EXT-X-ENDLIST:YES\n", code: .malformedTag, line: 3),
    RejectionCase(name: "KEY without METHOD", text: vodHead + "#EXT-X-KEY:URI=\"k\"\n#EXTINF:1,\nx.ts\n",
                  code: .missingAttribute, line: 3),
    RejectionCase(name: "MAP without URI", text: vodHead + "#EXT-X-MAP:BYTERANGE=\"1@0\"\n", code: .missingAttribute, line: 3),
    RejectionCase(name: "START without TIME-OFFSET", text: vodHead + "#EXT-X-START:PRECISE=YES\n", code: .missingAttribute, line: 3),

    // Attribute lists.
    RejectionCase(name: "unterminated quote", text: vodHead + "#EXT-X-KEY:METHOD=AES-128,URI=\"k\n", code: .malformedAttributes, line: 3),
    RejectionCase(name: "missing =", text: vodHead + "#EXT-X-KEY:METHOD\n", code: .malformedAttributes, line: 3),
    RejectionCase(name: "empty name", text: vodHead + "#EXT-X-KEY:=NONE\n", code: .malformedAttributes, line: 3),
    RejectionCase(name: "lowercase name", text: vodHead + "#EXT-X-KEY:method=NONE\n", code: .malformedAttributes, line: 3),
    RejectionCase(name: "duplicate attribute", text: vodHead + "#EXT-X-KEY:METHOD=NONE,METHOD=NONE\n",
                  code: .duplicateAttribute, line: 3),
    RejectionCase(name: "quote inside token", text: vodHead + "#EXT-X-KEY:METHOD=NO\"NE\n", code: .malformedAttributes, line: 3),
    RejectionCase(name: "text after closing quote", text: vodHead + "#EXT-X-KEY:METHOD=NONE,URI=\"a\"b\n",
                  code: .malformedAttributes, line: 3),
    RejectionCase(name: "trailing comma", text: vodHead + "#EXT-X-KEY:METHOD=NONE,\n", code: .malformedAttributes, line: 3),
    RejectionCase(name: "space after comma", text: vodHead + "#EXT-X-KEY:METHOD=NONE, URI=\"a\"\n", code: .malformedAttributes, line: 3),
    RejectionCase(name: "empty value", text: vodHead + "#EXT-X-KEY:METHOD=\n", code: .malformedAttributes, line: 3),

    // Segment structure.
    RejectionCase(name: "EXTINF without URI at EOF", text: vodHead + "#EXTINF:1,\na.ts\n#EXTINF:1,\n# c\n",
                  code: .missingURI, line: 5),
    RejectionCase(name: "EXTINF without URI before EXTINF", text: vodHead + "#EXTINF:1,\n#EXTINF:2,\na.ts\n",
                  code: .missingURI, line: 3),
    RejectionCase(name: "EXTINF without URI before ENDLIST", text: vodHead + "#EXTINF:1,\n#EXT-X-ENDLIST\n",
                  code: .missingURI, line: 3),
    RejectionCase(name: "URI without EXTINF", text: vodHead + "#EXTINF:1,\na.ts\nb.ts\n", code: .uriWithoutInf, line: 5),
    RejectionCase(name: "URI first", text: "#EXTM3U\na.ts\n", code: .uriWithoutInf, line: 2),
    RejectionCase(name: "segment after ENDLIST", text: vodHead + "#EXT-X-ENDLIST\n#EXTINF:1,\na.ts\n",
                  code: .segmentAfterEndList, line: 4),
    RejectionCase(name: "URI after ENDLIST", text: vodHead + "#EXTINF:1,\na.ts\n#EXT-X-ENDLIST\nb.ts\n",
                  code: .segmentAfterEndList, line: 6),

    // Multivariant.
    RejectionCase(name: "STREAM-INF at EOF", text: mvHead + "#EXT-X-STREAM-INF:BANDWIDTH=1\n# c\n\n", code: .missingURI, line: 3),
    RejectionCase(name: "STREAM-INF then STREAM-INF", text: mvHead + "#EXT-X-STREAM-INF:BANDWIDTH=1\n#EXT-X-STREAM-INF:BANDWIDTH=2\nb.m3u8\n",
                  code: .missingURI, line: 3),
    RejectionCase(name: "STREAM-INF missing BANDWIDTH", text: mvHead + "#EXT-X-STREAM-INF:CODECS=\"a\"\nv.m3u8\n",
                  code: .missingAttribute, line: 3),
    RejectionCase(name: "STREAM-INF BANDWIDTH not integer", text: mvHead + "#EXT-X-STREAM-INF:BANDWIDTH=1.5M\nv.m3u8\n",
                  code: .invalidValue, line: 3),
    RejectionCase(name: "STREAM-INF bad RESOLUTION", text: mvHead + "#EXT-X-STREAM-INF:BANDWIDTH=1,RESOLUTION=big\nv.m3u8\n",
                  code: .invalidValue, line: 3),
    RejectionCase(name: "STREAM-INF quoted FRAME-RATE", text: mvHead + "#EXT-X-STREAM-INF:BANDWIDTH=1,FRAME-RATE=\"30\"\nv.m3u8\n",
                  code: .invalidValue, line: 3),
    RejectionCase(name: "MEDIA missing TYPE", text: mvHead + "#EXT-X-MEDIA:GROUP-ID=\"a\",NAME=\"n\"\n", code: .missingAttribute, line: 3),
    RejectionCase(name: "MEDIA missing GROUP-ID", text: mvHead + "#EXT-X-MEDIA:TYPE=AUDIO,NAME=\"n\"\n", code: .missingAttribute, line: 3),
    RejectionCase(name: "MEDIA missing NAME", text: mvHead + "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"a\"\n", code: .missingAttribute, line: 3),
    RejectionCase(name: "MEDIA bad TYPE", text: mvHead + "#EXT-X-MEDIA:TYPE=TEXT,GROUP-ID=\"a\",NAME=\"n\"\n", code: .invalidValue, line: 3),
    RejectionCase(name: "MEDIA bad DEFAULT", text: mvHead + "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"a\",NAME=\"n\",DEFAULT=yes\n",
                  code: .invalidValue, line: 3),
    RejectionCase(name: "I-FRAME-STREAM-INF missing URI", text: mvHead + "#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=1\n",
                  code: .missingAttribute, line: 3),
    RejectionCase(name: "I-FRAME-STREAM-INF missing BANDWIDTH", text: mvHead + "#EXT-X-I-FRAME-STREAM-INF:URI=\"i.m3u8\"\n",
                  code: .missingAttribute, line: 3),
    RejectionCase(name: "SESSION-DATA missing DATA-ID", text: mvHead + "#EXT-X-SESSION-DATA:VALUE=\"v\"\n", code: .missingAttribute, line: 3),
    RejectionCase(name: "URI without STREAM-INF", parser: .multivariant, text: mvHead + "v.m3u8\n", code: .unexpectedURI, line: 3),

    // Kinds.
    RejectionCase(name: "media then multivariant", text: vodHead + "#EXTINF:1,\na.ts\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n",
                  code: .mixedPlaylistKinds, line: 5),
    RejectionCase(name: "multivariant then media", text: mvHead + "#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n#EXT-X-TARGETDURATION:4\n",
                  code: .mixedPlaylistKinds, line: 5),
    RejectionCase(name: "mixed via media parser", parser: .media,
                  text: mvHead + "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"a\",NAME=\"n\"\n#EXTINF:1,\na.ts\n",
                  code: .mixedPlaylistKinds, line: 4),
    RejectionCase(name: "multivariant given to media parser", parser: .media, text: HLSFixtures.multivariant,
                  code: .wrongPlaylistKind, line: 5),
    RejectionCase(name: "media given to multivariant parser", parser: .multivariant, text: HLSFixtures.ffmpegVOD,
                  code: .wrongPlaylistKind, line: 3),
]

@Suite("HLS parser rejections")
struct HLSParserErrorTests {
    @Test("rejects with code and line", arguments: rejectionCases)
    func rejects(_ c: RejectionCase) throws {
        let error: PlaylistError?
        switch c.parser {
        case .any: error = #expect(throws: PlaylistError.self) { try Playlist.parse(c.text, limits: c.limits) }
        case .media: error = #expect(throws: PlaylistError.self) { try MediaPlaylist.parse(c.text, limits: c.limits) }
        case .multivariant:
            error = #expect(throws: PlaylistError.self) { try MultivariantPlaylist.parse(c.text, limits: c.limits) }
        }
        let e = try #require(error)
        #expect(e.code == c.code, "\(e)")
        #expect(e.line == c.line, "\(e)")
        #expect(!e.message.isEmpty)
    }

    @Test func messagesNameTheTagAndValue() throws {
        let e = try #require(#expect(throws: PlaylistError.self) {
            try MediaPlaylist.parse(vodHead + "#EXTINF:abc,\nx.ts\n")
        })
        #expect(e.description == #"line 3: EXTINF duration "abc" is not a decimal number"#)
        let a = try #require(#expect(throws: PlaylistError.self) {
            try MultivariantPlaylist.parse(mvHead + "#EXT-X-STREAM-INF:CODECS=\"a\"\nv.m3u8\n")
        })
        #expect(a.message == "EXT-X-STREAM-INF has no BANDWIDTH attribute")
        let b = try #require(#expect(throws: PlaylistError.self) {
            try MediaPlaylist.parse(vodHead + "#EXT-X-KEY:METHOD=NONE,METHOD=NONE\n")
        })
        #expect(b.message == "EXT-X-KEY: attribute METHOD appears more than once")
    }

    @Test func attributeListParseErrorsHaveLineZero() {
        #expect(throws: PlaylistError(line: 0, code: .malformedAttributes, message: "unterminated quoted string in attribute A")) {
            try AttributeList.parse(#"A="x"#)
        }
    }

    @Test func limitsAtTheBoundaryAreAccepted() throws {
        let text = "#EXTM3U\n#EXT-X-TARGETDURATION:10\n"
        let exact = PlaylistLimits(maxLineLength: 24, maxBytes: text.utf8.count, maxLines: 2)
        #expect(try MediaPlaylist.parse(text, limits: exact).targetDuration == 10)
        let ms = "#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:999999999999999999\n"
        #expect(try MediaPlaylist.parse(ms).mediaSequence == 999_999_999_999_999_999)
    }
}
