// HLS playlist writers. Output uses "\n" line endings and always ends with "\n". Values are
// written as stored, not re-validated: strings containing line breaks, quoted values containing
// `"`, a comment starting with "EXT", or an empty URI produce text the parser rejects or reads
// differently. Parsed playlists always write back exactly.

extension MediaHeaderItem {
    /// The line this item writes (without line terminator).
    public var text: String {
        switch self {
        case .version(let v): return "#EXT-X-VERSION:\(v)"
        case .targetDuration(let v): return "#EXT-X-TARGETDURATION:\(v)"
        case .mediaSequence(let v): return "#EXT-X-MEDIA-SEQUENCE:\(v)"
        case .discontinuitySequence(let v): return "#EXT-X-DISCONTINUITY-SEQUENCE:\(v)"
        case .playlistType(let t): return "#EXT-X-PLAYLIST-TYPE:\(t.rawValue)"
        case .iFramesOnly: return "#EXT-X-I-FRAMES-ONLY"
        case .independentSegments: return "#EXT-X-INDEPENDENT-SEGMENTS"
        case .start(let a): return "#EXT-X-START:\(a.text)"
        case .other(let tag): return tag.text
        case .comment(let c): return "#\(c)"
        case .blank: return ""
        }
    }
}

extension SegmentItem {
    /// The line this item writes (without line terminator). EXTINF durations use
    /// `MediaTime.decimalSeconds`: exact for power-of-ten timescales, else 6 fraction digits.
    public var text: String {
        switch self {
        case .inf(let d, let title): return "#EXTINF:\(d.decimalSeconds),\(title)"
        case .byteRange(let r): return "#EXT-X-BYTERANGE:\(r.text)"
        case .discontinuity: return "#EXT-X-DISCONTINUITY"
        case .programDateTime(let s): return "#EXT-X-PROGRAM-DATE-TIME:\(s)"
        case .key(let a): return "#EXT-X-KEY:\(a.text)"
        case .map(let a): return "#EXT-X-MAP:\(a.text)"
        case .dateRange(let a): return "#EXT-X-DATERANGE:\(a.text)"
        case .gap: return "#EXT-X-GAP"
        case .bitrate(let b): return "#EXT-X-BITRATE:\(b)"
        case .other(let tag): return tag.text
        case .comment(let c): return "#\(c)"
        case .blank: return ""
        }
    }
}

extension TrailerItem {
    /// The line this item writes (without line terminator).
    public var text: String {
        switch self {
        case .endList: return "#EXT-X-ENDLIST"
        case .item(let item): return item.text
        }
    }
}

extension MediaSegment {
    /// The segment's lines: its items, then the URI, each followed by "\n".
    public var text: String {
        var out = ""
        for item in items {
            out += item.text
            out += "\n"
        }
        out += uri
        out += "\n"
        return out
    }
}

extension MediaPlaylist {
    /// The playlist text: `#EXTM3U`, header, segments (items then URI), trailer; "\n" after
    /// every line. Canonical for playlists built in code; the exact source text (LF endings)
    /// for parsed ones.
    public var text: String {
        var out = "#EXTM3U\n"
        for item in header {
            out += item.text
            out += "\n"
        }
        for segment in segments {
            for item in segment.items {
                out += item.text
                out += "\n"
            }
            out += segment.uri
            out += "\n"
        }
        for item in trailer {
            out += item.text
            out += "\n"
        }
        return out
    }
}

extension MultivariantItem {
    /// The line(s) this item writes, without the final terminator (`.streamInf` writes the tag,
    /// "\n", then the URI).
    public var text: String {
        switch self {
        case .version(let v): return "#EXT-X-VERSION:\(v)"
        case .independentSegments: return "#EXT-X-INDEPENDENT-SEGMENTS"
        case .start(let a): return "#EXT-X-START:\(a.text)"
        case .media(let a): return "#EXT-X-MEDIA:\(a.text)"
        case .streamInf(let a, let uri): return "#EXT-X-STREAM-INF:\(a.text)\n\(uri)"
        case .iFrameStreamInf(let a): return "#EXT-X-I-FRAME-STREAM-INF:\(a.text)"
        case .sessionData(let a): return "#EXT-X-SESSION-DATA:\(a.text)"
        case .sessionKey(let a): return "#EXT-X-SESSION-KEY:\(a.text)"
        case .define(let a): return "#EXT-X-DEFINE:\(a.text)"
        case .other(let tag): return tag.text
        case .comment(let c): return "#\(c)"
        case .blank: return ""
        }
    }
}

extension MultivariantPlaylist {
    /// The playlist text: `#EXTM3U` then each item in order ("\n" after every line), with any
    /// `streamInfInterludes` between an EXT-X-STREAM-INF tag and its URI.
    public var text: String {
        var out = "#EXTM3U\n"
        for (index, item) in items.enumerated() {
            if case .streamInf(let a, let uri) = item, let interlude = streamInfInterludes[index] {
                out += "#EXT-X-STREAM-INF:\(a.text)\n"
                for line in interlude {
                    out += line.text
                    out += "\n"
                }
                out += uri
            } else {
                out += item.text
            }
            out += "\n"
        }
        return out
    }
}
