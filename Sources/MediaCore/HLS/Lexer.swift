/// Splits playlist text into classified lines, enforcing `PlaylistLimits`, the `#EXTM3U`
/// header and the control-character rule. Shared by the media and multivariant parsers.
struct LexedPlaylist {
    /// One source line after the `#EXTM3U` header line.
    struct Line {
        enum Kind {
            /// `#EXT…`: name up to the first `:` (without `#`), value after it. The name is ASCII.
            case tag(name: Substring, value: Substring?)
            /// A `#EXT…` line whose name has non-ASCII characters: never a known tag. (Kept apart
            /// because `String` equality is Unicode-canonical: `EXT-X-\u{212A}EY` == `EXT-X-KEY`.)
            case unknownTag(name: Substring, value: Substring?)
            /// `#…` not starting with `#EXT`: the text after `#`.
            case comment(Substring)
            /// An empty line.
            case blank
            /// Any other line.
            case uri(Substring)
        }
        var number: Int
        var kind: Kind
    }

    /// Lines 2…n.
    var lines: [Line]
    /// Line of the first tag that only media playlists have (EXTINF, EXT-X-TARGETDURATION, …).
    var firstMediaMarker: Int?
    var firstMediaMarkerName: Substring = ""
    /// Line of the first tag that only multivariant playlists have (EXT-X-STREAM-INF, …).
    var firstMultivariantMarker: Int?
    var firstMultivariantMarkerName: Substring = ""

    /// Tags that only appear in media playlists.
    static let mediaMarkers: Set<Substring> = [
        "EXTINF", "EXT-X-TARGETDURATION", "EXT-X-MEDIA-SEQUENCE", "EXT-X-DISCONTINUITY-SEQUENCE",
        "EXT-X-PLAYLIST-TYPE", "EXT-X-I-FRAMES-ONLY", "EXT-X-ENDLIST", "EXT-X-BYTERANGE",
        "EXT-X-DISCONTINUITY", "EXT-X-KEY", "EXT-X-MAP", "EXT-X-PROGRAM-DATE-TIME",
        "EXT-X-DATERANGE", "EXT-X-GAP", "EXT-X-BITRATE", "EXT-X-PART", "EXT-X-PART-INF",
        "EXT-X-SERVER-CONTROL", "EXT-X-SKIP", "EXT-X-PRELOAD-HINT", "EXT-X-RENDITION-REPORT",
    ]
    /// Tags that only appear in multivariant playlists.
    static let multivariantMarkers: Set<Substring> = [
        "EXT-X-STREAM-INF", "EXT-X-MEDIA", "EXT-X-I-FRAME-STREAM-INF", "EXT-X-SESSION-DATA",
        "EXT-X-SESSION-KEY", "EXT-X-CONTENT-STEERING",
    ]

    /// The kind the markers imply: media if any media tag, else multivariant if any
    /// multivariant tag, else media. Throws `.mixedPlaylistKinds` at the first line of the kind
    /// that appears second when both are present.
    func decideKind() throws(PlaylistError) -> Bool /* isMedia */ {
        switch (firstMediaMarker, firstMultivariantMarker) {
        case let (m?, v?):
            let line = max(m, v)
            let (late, early) = m > v
                ? (firstMediaMarkerName, firstMultivariantMarkerName)
                : (firstMultivariantMarkerName, firstMediaMarkerName)
            let lateKind = m > v ? "media playlist" : "multivariant playlist"
            let earlyLine = min(m, v)
            throw PlaylistError(
                line: line, code: .mixedPlaylistKinds,
                message: "\(late) is a \(lateKind) tag, but \(early) on line \(earlyLine) made this the other kind")
        case (_?, nil): return true
        case (nil, _?): return false
        case (nil, nil): return true
        }
    }

    /// Lexes `text`. Checks, in order: total size, BOM, then line by line (length before
    /// content, count, control characters), then the `#EXTM3U` header and a second `#EXTM3U`.
    static func lex(_ text: String, limits: PlaylistLimits) throws(PlaylistError) -> LexedPlaylist {
        var storage = text
        storage.makeContiguousUTF8()
        let utf8 = storage.utf8
        if utf8.count > limits.maxBytes {
            throw PlaylistError(line: 0, code: .tooLarge,
                                message: "playlist is \(utf8.count) bytes, more than the limit of \(limits.maxBytes)")
        }
        var ranges: [(start: Int, end: Int)] = []
        let scan = { (buf: UnsafeBufferPointer<UInt8>) -> PlaylistError? in
            splitLines(buf, limits: limits, into: &ranges)
        }
        let scanError = utf8.withContiguousStorageIfAvailable(scan) ?? Array(utf8).withUnsafeBufferPointer(scan)
        if let scanError { throw scanError }

        let base = utf8.startIndex
        func line(_ r: (start: Int, end: Int)) -> Substring {
            storage[utf8.index(base, offsetBy: r.start)..<utf8.index(base, offsetBy: r.end)]
        }
        guard let first = ranges.first else {
            throw PlaylistError(line: 1, code: .missingHeader, message: "playlist is empty; expected #EXTM3U")
        }
        let header = line(first)
        if !header.utf8.elementsEqual("#EXTM3U".utf8) {
            throw PlaylistError(line: 1, code: .missingHeader,
                                message: "first line must be exactly #EXTM3U, found \(quote(header))")
        }

        var result = LexedPlaylist(lines: [])
        result.lines.reserveCapacity(ranges.count)
        var number = 1
        for r in ranges.dropFirst() {
            number += 1
            let text = line(r)
            let kind: Line.Kind
            if text.isEmpty {
                kind = .blank
            } else if text.utf8.first == UInt8(ascii: "#") {
                if text.utf8.starts(with: "#EXT".utf8) {
                    let body = text.dropFirst()
                    let name: Substring
                    let value: Substring?
                    if let colon = body.utf8.firstIndex(of: UInt8(ascii: ":")) {
                        name = body[..<colon]
                        value = body[body.utf8.index(after: colon)...]
                    } else {
                        name = body
                        value = nil
                    }
                    kind = name.utf8.allSatisfy { $0 < 0x80 } ? .tag(name: name, value: value) : .unknownTag(name: name, value: value)
                } else {
                    kind = .comment(text.dropFirst())
                }
            } else {
                if text.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                    throw PlaylistError(line: number, code: .invalidValue,
                                        message: "line contains only whitespace; blank lines must be empty")
                }
                kind = .uri(text)
            }
            if case .tag(let name, _) = kind {
                if name.utf8.elementsEqual("EXTM3U".utf8) {
                    throw PlaylistError(line: number, code: .unexpectedTag,
                                        message: "#EXTM3U may only appear on the first line")
                }
                if result.firstMediaMarker == nil && mediaMarkers.contains(name) {
                    result.firstMediaMarker = number
                    result.firstMediaMarkerName = name
                } else if result.firstMultivariantMarker == nil && multivariantMarkers.contains(name) {
                    result.firstMultivariantMarker = number
                    result.firstMultivariantMarkerName = name
                }
            }
            result.lines.append(Line(number: number, kind: kind))
        }
        return result
    }

    /// Records each line's byte range (terminator excluded). LF and CRLF end lines; a final
    /// terminator does not start another line. Returns the first limit/control-character error.
    private static func splitLines(
        _ buf: UnsafeBufferPointer<UInt8>, limits: PlaylistLimits, into ranges: inout [(start: Int, end: Int)]
    ) -> PlaylistError? {
        if buf.count >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF {
            return PlaylistError(line: 1, code: .byteOrderMark,
                                 message: "playlist starts with a UTF-8 byte order mark, which RFC 8216 forbids")
        }
        let maxLength = max(0, limits.maxLineLength)
        var lineStart = 0
        var i = 0
        var lineNumber = 1
        let n = buf.count
        if n > 0 && limits.maxLines < 1 {
            return PlaylistError(line: 1, code: .tooLarge, message: "playlist has more than \(limits.maxLines) lines")
        }
        while i < n {
            let b = buf[i]
            if b < 0x20 {
                var terminatorLength = 0
                if b == 0x0A {
                    terminatorLength = 1
                } else if b == 0x0D && i + 1 < n && buf[i + 1] == 0x0A {
                    terminatorLength = 2
                } else if b != 0x09 {
                    let what = b == 0x0D ? "a carriage return not followed by a line feed"
                        : "control character U+00\(b < 0x10 ? "0" : "")\(String(b, radix: 16, uppercase: true))"
                    return PlaylistError(line: lineNumber, code: .controlCharacter, message: "line contains \(what)")
                }
                if terminatorLength > 0 {
                    ranges.append((lineStart, i))
                    i += terminatorLength
                    lineStart = i
                    if i < n {
                        lineNumber += 1
                        if lineNumber > limits.maxLines {
                            return PlaylistError(line: lineNumber, code: .tooLarge,
                                                 message: "playlist has more than \(limits.maxLines) lines")
                        }
                    }
                    continue
                }
            }
            if i - lineStart >= maxLength {
                return PlaylistError(line: lineNumber, code: .lineTooLong,
                                     message: "line is longer than the limit of \(maxLength) bytes")
            }
            i += 1
        }
        if lineStart < n { ranges.append((lineStart, n)) }
        return nil
    }
}
