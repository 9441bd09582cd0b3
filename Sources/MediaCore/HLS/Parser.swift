// HLS playlist parsers (RFC 8216 §4, draft-pantos-hls-rfc8216bis).
//
// Accepted forms, and what is rejected so that `parse(text).text == text` always holds:
// * LF or CRLF line endings, with or without a final line ending. A lone CR or any other C0
//   control character except tab is `.controlCharacter`. A UTF-8 BOM is `.byteOrderMark`.
// * Known tags are matched by exact ASCII name (bytewise, case-sensitive). A known tag whose value is not in
//   the canonical form the model writes (leading zeros, `10.` or >9 fraction digits in EXTINF,
//   whitespace) is rejected (`.nonCanonical`, `.invalidValue`, `.malformedAttributes`) rather
//   than stored as an unknown tag. Value-less tags (EXT-X-ENDLIST, EXT-X-GAP, …) must not carry
//   a `:`; valued tags must. A line with only spaces/tabs is rejected.
// * Unknown tags, comments and blank lines are kept verbatim, in position.

/// Shared tag-value parsing. Every function throws `PlaylistError` with the given line.
enum TagParser {
    static func fail(_ line: Int, _ code: PlaylistError.Code, _ message: String) -> PlaylistError {
        PlaylistError(line: line, code: code, message: message)
    }

    static func requireValue(_ name: Substring, _ value: Substring?, _ line: Int) throws(PlaylistError) -> Substring {
        guard let value else { throw fail(line, .malformedTag, "\(name) needs a value after ':'") }
        return value
    }

    static func requireNoValue(_ name: Substring, _ value: Substring?, _ line: Int) throws(PlaylistError) {
        if value != nil { throw fail(line, .malformedTag, "\(name) takes no value") }
    }

    /// A decimal-integer tag value written canonically (no leading zeros).
    static func integer(_ name: Substring, _ value: Substring?, _ line: Int) throws(PlaylistError) -> Int64 {
        let text = try requireValue(name, value, line)
        switch HLSNumber.parseDecimalInteger(text) {
        case .notInteger:
            throw fail(line, .invalidValue, "\(name) value \(quote(text)) is not a decimal integer")
        case .tooLong:
            throw fail(line, .invalidValue, "\(name) value \(quote(text)) has more than 18 digits")
        case .value(let v):
            if String(v) != text {
                throw fail(line, .nonCanonical, "\(name) value \(quote(text)) has leading zeros; write \(v)")
            }
            return v
        }
    }

    /// An attribute-list tag value; attribute errors get the line and the tag name.
    static func attributes(_ name: Substring, _ value: Substring?, _ line: Int) throws(PlaylistError) -> AttributeList {
        let text = try requireValue(name, value, line)
        do {
            return try AttributeList.parse(text)
        } catch {
            throw located(error, name, line)
        }
    }

    static func located(_ error: PlaylistError, _ name: Substring, _ line: Int) -> PlaylistError {
        var e = error
        e.line = line
        if !e.message.hasPrefix(String(name)) { e.message = "\(name): \(e.message)" }
        return e
    }

    static func requireAttribute(_ a: AttributeList, _ attribute: String, _ name: Substring, _ line: Int) throws(PlaylistError) {
        if a[attribute] == nil { throw fail(line, .missingAttribute, "\(name) has no \(attribute) attribute") }
    }

    static func start(_ name: Substring, _ value: Substring?, _ line: Int) throws(PlaylistError) -> AttributeList {
        let a = try attributes(name, value, line)
        guard let v = a["TIME-OFFSET"] else { throw fail(line, .missingAttribute, "\(name) has no TIME-OFFSET attribute") }
        if a.decimal("TIME-OFFSET") == nil {
            throw fail(line, .invalidValue, "\(name) TIME-OFFSET=\(v.text) is not a decimal number")
        }
        return a
    }

    /// `#EXTINF:<duration>,[<title>]`.
    static func extinf(_ value: Substring?, _ line: Int) throws(PlaylistError) -> SegmentItem {
        let text = try requireValue("EXTINF", value, line)
        guard let comma = text.utf8.firstIndex(of: UInt8(ascii: ",")) else {
            throw fail(line, .malformedTag, "EXTINF \(quote(text)) has no ',' after the duration")
        }
        let durationText = text[..<comma]
        let title = text[text.utf8.index(after: comma)...]
        if durationText.hasPrefix("-") {
            throw fail(line, .invalidValue, "EXTINF duration \(quote(durationText)) is negative")
        }
        guard let duration = MediaTime(decimal: durationText) else {
            throw fail(line, .invalidValue, "EXTINF duration \(quote(durationText)) is not a decimal number")
        }
        if duration.decimalSeconds != durationText {
            throw fail(line, .nonCanonical,
                       "EXTINF duration \(quote(durationText)) cannot be written back exactly (leading zeros, trailing '.', or more than 9 fraction digits)")
        }
        return .inf(duration: duration, title: String(title))
    }

    /// `#EXT-X-BYTERANGE:<n>[@<o>]`.
    static func byteRange(_ value: Substring?, _ line: Int) throws(PlaylistError) -> ByteRange {
        let text = try requireValue("EXT-X-BYTERANGE", value, line)
        guard let range = ByteRange(text) else {
            throw fail(line, .invalidValue, "EXT-X-BYTERANGE \(quote(text)) is not <length>[@<offset>] with decimal integers of at most 18 digits")
        }
        if range.text != text {
            throw fail(line, .nonCanonical, "EXT-X-BYTERANGE \(quote(text)) has leading zeros; write \(range.text)")
        }
        return range
    }

    static func playlistType(_ name: Substring, _ value: Substring?, _ line: Int) throws(PlaylistError) -> PlaylistType {
        let text = try requireValue(name, value, line)
        guard let type = PlaylistType(rawValue: String(text)) else {
            throw fail(line, .invalidValue, "\(name) \(quote(text)) is not VOD or EVENT")
        }
        return type
    }

    static func int(_ v: Int64) -> Int { Int(truncatingIfNeeded: v) }

    /// Parses a media-playlist header tag (nil if `name` is not one).
    static func headerItem(_ name: Substring, _ value: Substring?, _ line: Int) throws(PlaylistError) -> MediaHeaderItem? {
        switch name {
        case "EXT-X-VERSION": return .version(int(try integer(name, value, line)))
        case "EXT-X-TARGETDURATION": return .targetDuration(int(try integer(name, value, line)))
        case "EXT-X-MEDIA-SEQUENCE": return .mediaSequence(try integer(name, value, line))
        case "EXT-X-DISCONTINUITY-SEQUENCE": return .discontinuitySequence(try integer(name, value, line))
        case "EXT-X-PLAYLIST-TYPE": return .playlistType(try playlistType(name, value, line))
        case "EXT-X-I-FRAMES-ONLY":
            try requireNoValue(name, value, line)
            return .iFramesOnly
        case "EXT-X-INDEPENDENT-SEGMENTS":
            try requireNoValue(name, value, line)
            return .independentSegments
        case "EXT-X-START": return .start(try start(name, value, line))
        default: return nil
        }
    }

    /// Parses a media-segment tag other than EXT-X-ENDLIST (nil if `name` is not one).
    static func segmentItem(_ name: Substring, _ value: Substring?, _ line: Int) throws(PlaylistError) -> SegmentItem? {
        switch name {
        case "EXTINF": return try extinf(value, line)
        case "EXT-X-BYTERANGE": return .byteRange(try byteRange(value, line))
        case "EXT-X-DISCONTINUITY":
            try requireNoValue(name, value, line)
            return .discontinuity
        case "EXT-X-PROGRAM-DATE-TIME": return .programDateTime(String(try requireValue(name, value, line)))
        case "EXT-X-KEY":
            let a = try attributes(name, value, line)
            try requireAttribute(a, "METHOD", name, line)
            return .key(a)
        case "EXT-X-MAP":
            let a = try attributes(name, value, line)
            try requireAttribute(a, "URI", name, line)
            return .map(a)
        case "EXT-X-DATERANGE": return .dateRange(try attributes(name, value, line))
        case "EXT-X-GAP":
            try requireNoValue(name, value, line)
            return .gap
        case "EXT-X-BITRATE": return .bitrate(try integer(name, value, line))
        default: return nil
        }
    }

    /// Header tags the model does not type but that belong in the header (LL-HLS and legacy).
    static let untypedHeaderTags: Set<Substring> = [
        "EXT-X-SERVER-CONTROL", "EXT-X-PART-INF", "EXT-X-DEFINE", "EXT-X-ALLOW-CACHE",
    ]

    static func tag(_ name: Substring, _ value: Substring?) -> Tag {
        Tag(name: String(name), value: value.map(String.init))
    }
}

// MARK: - Media playlist

enum MediaPlaylistParser {
    private enum State { case header, segments, afterEnd }

    static func build(_ lexed: LexedPlaylist) throws(PlaylistError) -> MediaPlaylist {
        var playlist = MediaPlaylist(header: [], segments: [], trailer: [])
        var state = State.header
        // Comment/blank/unknown-tag lines seen in the header state, not yet placed: they join
        // the header if another header tag follows, else the first segment.
        var loose: [(item: SegmentItem, line: Int)] = []
        var items: [SegmentItem] = []
        var itemsLine: Int?
        var infLine: Int?

        func flushLooseToHeader() {
            if playlist.headerLine == nil, let first = loose.first { playlist.headerLine = first.line }
            for (item, _) in loose {
                switch item {
                case .comment(let c): playlist.header.append(.comment(c))
                case .blank: playlist.header.append(.blank)
                case .other(let t): playlist.header.append(.other(t))
                default: break  // loose only holds the three kinds above
                }
            }
            loose.removeAll()
        }
        func appendHeader(_ item: MediaHeaderItem, _ line: Int) {
            flushLooseToHeader()
            if playlist.headerLine == nil { playlist.headerLine = line }
            playlist.header.append(item)
        }
        func beginSegments() {
            state = .segments
            if let first = loose.first { itemsLine = first.line }
            items = loose.map(\.item)
            loose.removeAll()
        }
        func appendItem(_ item: SegmentItem, _ line: Int) {
            if items.isEmpty { itemsLine = line }
            items.append(item)
        }
        func appendTrailer(_ item: TrailerItem, _ line: Int) {
            if playlist.trailer.isEmpty { playlist.trailerLine = line }
            playlist.trailer.append(item)
        }
        /// Moves pending segment items to the trailer (no EXTINF may be pending).
        func pendingToTrailer() throws(PlaylistError) {
            if let infLine {
                throw TagParser.fail(infLine, .missingURI, "EXTINF is not followed by a URI line")
            }
            if let first = itemsLine, !items.isEmpty {
                if playlist.trailer.isEmpty { playlist.trailerLine = first }
                for item in items { playlist.trailer.append(.item(item)) }
            }
            items.removeAll()
            itemsLine = nil
        }
        /// Adds a non-typed line (comment, blank, unknown or misplaced tag) where it belongs.
        func appendLoose(_ item: SegmentItem, _ line: Int) {
            switch state {
            case .header: loose.append((item, line))
            case .segments: appendItem(item, line)
            case .afterEnd: appendTrailer(.item(item), line)
            }
        }

        for line in lexed.lines {
            let number = line.number
            switch line.kind {
            case .blank:
                appendLoose(.blank, number)
            case .comment(let text):
                appendLoose(.comment(String(text)), number)
            case .unknownTag(let name, let value):
                appendLoose(.other(TagParser.tag(name, value)), number)
            case .uri(let uri):
                switch state {
                case .afterEnd:
                    throw TagParser.fail(number, .segmentAfterEndList, "URI line after EXT-X-ENDLIST")
                case .header:
                    beginSegments()
                case .segments:
                    break
                }
                if infLine == nil {
                    throw TagParser.fail(number, .uriWithoutInf, "URI line \(quote(uri)) has no EXTINF before it")
                }
                playlist.segments.append(MediaSegment(items: items, uri: String(uri), line: itemsLine ?? number))
                items = []
                itemsLine = nil
                infLine = nil
            case .tag(let name, let value):
                if let headerItem = try TagParser.headerItem(name, value, number) {
                    if state == .header {
                        appendHeader(headerItem, number)
                    } else {
                        // Misplaced header tag: kept verbatim; PlaylistValidator reports it.
                        appendLoose(.other(TagParser.tag(name, value)), number)
                    }
                } else if name == "EXT-X-ENDLIST" {
                    try TagParser.requireNoValue(name, value, number)
                    switch state {
                    case .header: flushLooseToHeader()
                    case .segments: try pendingToTrailer()
                    case .afterEnd: break
                    }
                    appendTrailer(.endList, number)
                    state = .afterEnd
                } else if let item = try TagParser.segmentItem(name, value, number) {
                    if case .inf = item {
                        if state == .afterEnd {
                            throw TagParser.fail(number, .segmentAfterEndList, "EXTINF after EXT-X-ENDLIST")
                        }
                        if let infLine {
                            throw TagParser.fail(infLine, .missingURI,
                                                 "EXTINF is not followed by a URI line before the next EXTINF on line \(number)")
                        }
                        infLine = number
                    }
                    switch state {
                    case .header:
                        beginSegments()
                        appendItem(item, number)
                    case .segments: appendItem(item, number)
                    case .afterEnd: appendTrailer(.item(item), number)
                    }
                } else if state == .header && TagParser.untypedHeaderTags.contains(name) {
                    appendHeader(.other(TagParser.tag(name, value)), number)
                } else {
                    appendLoose(.other(TagParser.tag(name, value)), number)
                }
            }
        }
        switch state {
        case .header: flushLooseToHeader()
        case .segments: try pendingToTrailer()
        case .afterEnd: break
        }
        return playlist
    }
}

extension MediaPlaylist {
    /// Parses a media playlist losslessly: for any accepted text, `parse(text).text == text`
    /// with CRLF turned into LF and a final LF added. Linear in the input size.
    ///
    /// Accepts LF or CRLF line endings, with or without a final one. Rejects (each error with a
    /// code and a 1-based line): a first line other than exactly `#EXTM3U`; a UTF-8 byte order
    /// mark (`.byteOrderMark`, not stripped); limit violations; C0 control characters other
    /// than tab; whitespace-only lines; a second `#EXTM3U`. Known tags are matched by exact,
    /// case-sensitive name and must be well formed; a known tag whose value is valid but not
    /// in the form the model writes back (`#EXT-X-VERSION:03`, `#EXTINF:10.,`, more than 9
    /// EXTINF fraction digits, `#EXTINF:10` without comma) is rejected (`.nonCanonical` /
    /// `.malformedTag`) instead of being demoted to an unknown tag. Unknown tags, comments and
    /// blank lines are kept in place. Header tags found after segments began are kept as
    /// `.other` (see `PlaylistValidator`).
    ///
    /// Whole-text checks come first: limits and control characters, then the playlist kind
    /// (`.wrongPlaylistKind` for a multivariant playlist, `.mixedPlaylistKinds` when both kinds
    /// of tags are present), then tags in line order.
    public static func parse(_ text: String, limits: PlaylistLimits = .default) throws(PlaylistError) -> MediaPlaylist {
        let lexed = try LexedPlaylist.lex(text, limits: limits)
        if try !lexed.decideKind(), let line = lexed.firstMultivariantMarker {
            throw PlaylistError(line: line, code: .wrongPlaylistKind,
                                message: "\(lexed.firstMultivariantMarkerName) makes this a multivariant playlist, not a media playlist")
        }
        return try MediaPlaylistParser.build(lexed)
    }
}

// MARK: - Multivariant playlist

enum MultivariantPlaylistParser {
    /// Tags that may not sit between EXT-X-STREAM-INF and its URI.
    static let knownTags: Set<Substring> = LexedPlaylist.mediaMarkers
        .union(LexedPlaylist.multivariantMarkers)
        .union(["EXT-X-VERSION", "EXT-X-INDEPENDENT-SEGMENTS", "EXT-X-START", "EXT-X-DEFINE", "EXTM3U"])

    static func build(_ lexed: LexedPlaylist) throws(PlaylistError) -> MultivariantPlaylist {
        var playlist = MultivariantPlaylist(items: [])
        let lines = lexed.lines
        var index = 0

        func append(_ item: MultivariantItem, _ line: Int) {
            playlist.items.append(item)
            playlist.itemLines.append(line)
        }

        while index < lines.count {
            let line = lines[index]
            let number = line.number
            index += 1
            switch line.kind {
            case .blank: append(.blank, number)
            case .comment(let c): append(.comment(String(c)), number)
            case .unknownTag(let name, let value): append(.other(TagParser.tag(name, value)), number)
            case .uri(let uri):
                throw TagParser.fail(number, .unexpectedURI,
                                     "URI line \(quote(uri)) does not follow an EXT-X-STREAM-INF tag")
            case .tag(let name, let value):
                switch name {
                case "EXT-X-VERSION":
                    append(.version(TagParser.int(try TagParser.integer(name, value, number))), number)
                case "EXT-X-INDEPENDENT-SEGMENTS":
                    try TagParser.requireNoValue(name, value, number)
                    append(.independentSegments, number)
                case "EXT-X-START":
                    append(.start(try TagParser.start(name, value, number)), number)
                case "EXT-X-MEDIA":
                    let a = try TagParser.attributes(name, value, number)
                    do { _ = try Rendition(attributes: a) } catch { throw TagParser.located(error, name, number) }
                    append(.media(a), number)
                case "EXT-X-I-FRAME-STREAM-INF":
                    let a = try TagParser.attributes(name, value, number)
                    do { _ = try IFrameVariant(attributes: a) } catch { throw TagParser.located(error, name, number) }
                    append(.iFrameStreamInf(a), number)
                case "EXT-X-SESSION-DATA":
                    let a = try TagParser.attributes(name, value, number)
                    try TagParser.requireAttribute(a, "DATA-ID", name, number)
                    append(.sessionData(a), number)
                case "EXT-X-SESSION-KEY":
                    let a = try TagParser.attributes(name, value, number)
                    try TagParser.requireAttribute(a, "METHOD", name, number)
                    append(.sessionKey(a), number)
                case "EXT-X-DEFINE":
                    append(.define(try TagParser.attributes(name, value, number)), number)
                case "EXT-X-STREAM-INF":
                    let a = try TagParser.attributes(name, value, number)
                    do { _ = try Variant(attributes: a, uri: "") } catch { throw TagParser.located(error, name, number) }
                    var interlude: [MultivariantItem] = []
                    var uri: Substring?
                    while index < lines.count, uri == nil {
                        let next = lines[index]
                        index += 1
                        switch next.kind {
                        case .blank: interlude.append(.blank)
                        case .comment(let c): interlude.append(.comment(String(c)))
                        case .uri(let u): uri = u
                        case .unknownTag(let n, let v): interlude.append(.other(TagParser.tag(n, v)))
                        case .tag(let n, let v):
                            if knownTags.contains(n) {
                                throw TagParser.fail(number, .missingURI,
                                                     "EXT-X-STREAM-INF is followed by \(n) on line \(next.number) instead of its URI line")
                            }
                            interlude.append(.other(TagParser.tag(n, v)))
                        }
                    }
                    guard let uri else {
                        throw TagParser.fail(number, .missingURI, "EXT-X-STREAM-INF has no URI line after it")
                    }
                    if !interlude.isEmpty { playlist.streamInfInterludes[playlist.items.count] = interlude }
                    append(.streamInf(a, uri: String(uri)), number)
                default:
                    append(.other(TagParser.tag(name, value)), number)
                }
            }
        }
        return playlist
    }
}

extension MultivariantPlaylist {
    /// Parses a multivariant playlist. Requires BANDWIDTH (decimal integer) in
    /// EXT-X-STREAM-INF and EXT-X-I-FRAME-STREAM-INF, URI in the latter, TYPE/GROUP-ID/NAME in
    /// EXT-X-MEDIA, and a URI line after each EXT-X-STREAM-INF (comments, blank lines and
    /// unknown tags may come in between and are kept). Throws `.wrongPlaylistKind` for a media
    /// playlist and `.mixedPlaylistKinds` when both kinds of tags are present. A playlist with
    /// neither kind of tag (e.g. just `#EXTM3U`) is accepted here. Linear time.
    public static func parse(_ text: String, limits: PlaylistLimits = .default) throws(PlaylistError) -> MultivariantPlaylist {
        let lexed = try LexedPlaylist.lex(text, limits: limits)
        _ = try lexed.decideKind()
        if let line = lexed.firstMediaMarker {
            throw PlaylistError(line: line, code: .wrongPlaylistKind,
                                message: "\(lexed.firstMediaMarkerName) makes this a media playlist, not a multivariant playlist")
        }
        return try MultivariantPlaylistParser.build(lexed)
    }
}
