/// One line of a media playlist's header: the lines between `#EXTM3U` and the first media
/// segment. Each case is exactly one source line.
///
/// Unknown tags, comments and blank lines that come *after* the last header tag attach to the
/// first segment instead (so a cue tag right before the first EXTINF belongs to that segment).
/// LL-HLS header tags the model does not type (EXT-X-SERVER-CONTROL, EXT-X-PART-INF,
/// EXT-X-DEFINE, EXT-X-ALLOW-CACHE) stay in the header as `.other`.
public enum MediaHeaderItem: Sendable, Hashable {
    /// `#EXT-X-VERSION:<n>`.
    case version(Int)
    /// `#EXT-X-TARGETDURATION:<s>`, whole seconds.
    case targetDuration(Int)
    /// `#EXT-X-MEDIA-SEQUENCE:<n>`: sequence number of the first segment.
    case mediaSequence(Int64)
    /// `#EXT-X-DISCONTINUITY-SEQUENCE:<n>`.
    case discontinuitySequence(Int64)
    /// `#EXT-X-PLAYLIST-TYPE:VOD|EVENT`.
    case playlistType(PlaylistType)
    /// `#EXT-X-I-FRAMES-ONLY`.
    case iFramesOnly
    /// `#EXT-X-INDEPENDENT-SEGMENTS`.
    case independentSegments
    /// `#EXT-X-START:<attributes>` (TIME-OFFSET required).
    case start(AttributeList)
    /// Any other tag, verbatim.
    case other(Tag)
    /// A comment line: the text after `#`.
    case comment(String)
    /// An empty line.
    case blank
}

/// One line of a media segment before its URI line. Each case is exactly one source line.
public enum SegmentItem: Sendable, Hashable {
    /// `#EXTINF:<duration>,<title>`. The duration is exact decimal seconds (timescale 10^digits
    /// when parsed, so `"10.000"` writes back as `"10.000"`); the title is everything after the
    /// first comma, verbatim (it may contain commas).
    case inf(duration: MediaTime, title: String)
    /// `#EXT-X-BYTERANGE:<len>[@<off>]`.
    case byteRange(ByteRange)
    /// `#EXT-X-DISCONTINUITY`.
    case discontinuity
    /// `#EXT-X-PROGRAM-DATE-TIME:<raw ISO-8601 text>`, not interpreted.
    case programDateTime(String)
    /// `#EXT-X-KEY:<attributes>` (METHOD required).
    case key(AttributeList)
    /// `#EXT-X-MAP:<attributes>` (URI required).
    case map(AttributeList)
    /// `#EXT-X-DATERANGE:<attributes>` (checked by the validator, not the parser).
    case dateRange(AttributeList)
    /// `#EXT-X-GAP`.
    case gap
    /// `#EXT-X-BITRATE:<kbps>`.
    case bitrate(Int64)
    /// Any other tag, verbatim: SCTE-35 cue tags, vendor tags, LL-HLS tags, and header tags
    /// found after segments began (see `PlaylistValidator`).
    case other(Tag)
    /// A comment line: the text after `#`.
    case comment(String)
    /// An empty line.
    case blank
}

/// One line after the last segment's URI: EXT-X-ENDLIST or any non-EXTINF segment-level line
/// (a trailing EXT-X-DATERANGE, cue tags, comments, blank lines, or a segment tag such as
/// EXT-X-DISCONTINUITY that precedes no segment).
public enum TrailerItem: Sendable, Hashable {
    /// `#EXT-X-ENDLIST`.
    case endList
    /// Any other line. Never `.inf` in a parsed playlist (an EXTINF needs a URI).
    case item(SegmentItem)
}

/// A media segment: its tag/comment lines in source order, then its URI.
///
/// Equality and hashing ignore `line`. The typed accessors read the first matching item;
/// setters replace it in place, or insert a new item in the canonical position
/// (DISCONTINUITY, KEY, MAP, PROGRAM-DATE-TIME, DATERANGE, GAP, BITRATE, EXTINF, BYTERANGE;
/// comments and unknown tags keep their place).
public struct MediaSegment: Sendable, Hashable {
    /// The lines before the URI, in order.
    public var items: [SegmentItem]
    /// The URI line, verbatim (relative or absolute).
    public var uri: String
    /// 1-based source line of `items.first` (or of the URI when there are no items) when
    /// parsed; nil when built in code. `items[k]` is on `line + k`, the URI on
    /// `line + items.count`, until the segment is edited.
    public var line: Int?

    /// A segment with items in canonical order: DISCONTINUITY (if requested), EXTINF, BYTERANGE
    /// (if given). Pass a power-of-ten timescale (1, 1000, …) for a stable EXTINF text; other
    /// timescales are written with 6 fraction digits.
    public init(duration: MediaTime, uri: String, title: String = "", byteRange: ByteRange? = nil,
                discontinuity: Bool = false) {
        var items: [SegmentItem] = []
        if discontinuity { items.append(.discontinuity) }
        items.append(.inf(duration: duration, title: title))
        if let byteRange { items.append(.byteRange(byteRange)) }
        self.init(items: items, uri: uri)
    }

    /// A segment with exactly these items (not checked: a segment without `.inf` is written
    /// without EXTINF and will not re-parse).
    public init(items: [SegmentItem], uri: String) {
        self.items = items
        self.uri = uri
        self.line = nil
    }

    init(items: [SegmentItem], uri: String, line: Int?) {
        self.items = items
        self.uri = uri
        self.line = line
    }

    /// Equality of items and URI; `line` is ignored.
    public static func == (lhs: MediaSegment, rhs: MediaSegment) -> Bool {
        lhs.items == rhs.items && lhs.uri == rhs.uri
    }

    /// Hashes items and URI; `line` is ignored.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(items)
        hasher.combine(uri)
    }

    // MARK: Typed access

    static func rank(_ item: SegmentItem) -> Int? {
        switch item {
        case .discontinuity: return 0
        case .key: return 1
        case .map: return 2
        case .programDateTime: return 3
        case .dateRange: return 4
        case .gap: return 5
        case .bitrate: return 6
        case .inf: return 7
        case .byteRange: return 8
        case .other, .comment, .blank: return nil
        }
    }

    /// Replaces the first item matching `match` with `item`, or inserts `item` in canonical order.
    mutating func put(_ item: SegmentItem, where match: (SegmentItem) -> Bool) {
        if let i = items.firstIndex(where: match) {
            items[i] = item
        } else {
            items.insert(item, at: canonicalIndex(items, for: item, rank: Self.rank))
        }
    }

    private var infIndex: Int? {
        items.firstIndex { if case .inf = $0 { return true } else { return false } }
    }

    /// EXTINF duration (exact); `.zero` when the segment has no EXTINF. Setting keeps the title.
    public var duration: MediaTime {
        get {
            for case .inf(let d, _) in items { return d }
            return .zero
        }
        set {
            if let i = infIndex, case .inf(_, let title) = items[i] {
                items[i] = .inf(duration: newValue, title: title)
            } else {
                put(.inf(duration: newValue, title: ""), where: { _ in false })
            }
        }
    }

    /// EXTINF title (text after the comma); `""` when absent. Setting keeps the duration.
    public var title: String {
        get {
            for case .inf(_, let t) in items { return t }
            return ""
        }
        set {
            if let i = infIndex, case .inf(let d, _) = items[i] {
                items[i] = .inf(duration: d, title: newValue)
            } else {
                put(.inf(duration: .zero, title: newValue), where: { _ in false })
            }
        }
    }

    /// EXT-X-BYTERANGE; nil removes it.
    public var byteRange: ByteRange? {
        get {
            for case .byteRange(let r) in items { return r }
            return nil
        }
        set {
            let match: (SegmentItem) -> Bool = { if case .byteRange = $0 { true } else { false } }
            if let newValue { put(.byteRange(newValue), where: match) } else { items.removeAll(where: match) }
        }
    }

    /// Whether EXT-X-DISCONTINUITY precedes this segment; false removes every such line.
    public var discontinuity: Bool {
        get { items.contains(.discontinuity) }
        set {
            if newValue { put(.discontinuity, where: { $0 == .discontinuity }) } else { items.removeAll { $0 == .discontinuity } }
        }
    }

    /// EXT-X-PROGRAM-DATE-TIME raw text; nil removes it.
    public var programDateTime: String? {
        get {
            for case .programDateTime(let s) in items { return s }
            return nil
        }
        set {
            let match: (SegmentItem) -> Bool = { if case .programDateTime = $0 { true } else { false } }
            if let newValue { put(.programDateTime(newValue), where: match) } else { items.removeAll(where: match) }
        }
    }

    /// The first EXT-X-KEY of this segment. Setting replaces the first one (others are kept);
    /// nil removes all of them.
    public var key: AttributeList? {
        get { keys.first }
        set {
            let match: (SegmentItem) -> Bool = { if case .key = $0 { true } else { false } }
            if let newValue { put(.key(newValue), where: match) } else { items.removeAll(where: match) }
        }
    }

    /// Every EXT-X-KEY line of this segment (several for several KEYFORMATs).
    public var keys: [AttributeList] {
        var out: [AttributeList] = []
        for case .key(let a) in items { out.append(a) }
        return out
    }

    /// The first EXT-X-MAP of this segment; nil removes all of them.
    public var map: AttributeList? {
        get {
            for case .map(let a) in items { return a }
            return nil
        }
        set {
            let match: (SegmentItem) -> Bool = { if case .map = $0 { true } else { false } }
            if let newValue { put(.map(newValue), where: match) } else { items.removeAll(where: match) }
        }
    }

    /// The EXT-X-DATERANGE lines before this segment, in order.
    public var dateRanges: [AttributeList] {
        var out: [AttributeList] = []
        for case .dateRange(let a) in items { out.append(a) }
        return out
    }

    /// Whether EXT-X-GAP marks this segment as unavailable; false removes it.
    public var gap: Bool {
        get { items.contains(.gap) }
        set {
            if newValue { put(.gap, where: { $0 == .gap }) } else { items.removeAll { $0 == .gap } }
        }
    }

    /// EXT-X-BITRATE in kilobits per second on this segment's own lines (it also applies to
    /// later segments until the next one); nil removes it.
    public var bitrate: Int64? {
        get {
            for case .bitrate(let b) in items { return b }
            return nil
        }
        set {
            let match: (SegmentItem) -> Bool = { if case .bitrate = $0 { true } else { false } }
            if let newValue { put(.bitrate(newValue), where: match) } else { items.removeAll(where: match) }
        }
    }
}

/// Index at which to insert `item` so that ranked items stay in rank order: after the last
/// item whose rank is ≤ the new one, else before the first ranked item, else at the end.
func canonicalIndex<T>(_ items: [T], for item: T, rank: (T) -> Int?) -> Int {
    guard let r = rank(item) else { return items.count }
    var lastLE: Int?
    var firstGT: Int?
    for (i, existing) in items.enumerated() {
        guard let e = rank(existing) else { continue }
        if e <= r { lastLE = i } else if firstGT == nil { firstGT = i }
    }
    if let lastLE { return lastLE + 1 }
    return firstGT ?? items.count
}

/// An HLS media playlist (RFC 8216 §4.3.3): header lines, segments, and trailer lines, kept
/// losslessly so that `MediaPlaylist.parse(text).text` reproduces `text` exactly (line endings
/// normalized to LF, final LF always written).
///
/// Equality and hashing ignore source line numbers. Build one in code with
/// `init(targetDuration:…)` and `segments.append(MediaSegment(duration:uri:))`; the writer then
/// produces canonical text.
public struct MediaPlaylist: Sendable, Hashable {
    /// Lines between `#EXTM3U` and the first segment.
    public var header: [MediaHeaderItem]
    /// Media segments in order.
    public var segments: [MediaSegment]
    /// Lines after the last segment's URI (EXT-X-ENDLIST, trailing DATERANGE, comments…).
    public var trailer: [TrailerItem]
    /// 1-based source line of `header.first` (2) when parsed; nil when built in code. Header
    /// item k is on `headerLine + k` until edited. Ignored by `==`.
    public var headerLine: Int?
    /// 1-based source line of `trailer.first` when parsed; nil when built in code. Ignored by `==`.
    public var trailerLine: Int?

    /// A playlist whose header is, in this order: EXT-X-VERSION (if given),
    /// EXT-X-TARGETDURATION, EXT-X-MEDIA-SEQUENCE (always written, even 0),
    /// EXT-X-PLAYLIST-TYPE (if given), EXT-X-I-FRAMES-ONLY, EXT-X-INDEPENDENT-SEGMENTS (if true).
    /// No segments, no EXT-X-ENDLIST (set `endList`).
    public init(targetDuration: Int, version: Int? = nil, mediaSequence: Int64 = 0,
                playlistType: PlaylistType? = nil, iFramesOnly: Bool = false,
                independentSegments: Bool = false) {
        var header: [MediaHeaderItem] = []
        if let version { header.append(.version(version)) }
        header.append(.targetDuration(targetDuration))
        header.append(.mediaSequence(mediaSequence))
        if let playlistType { header.append(.playlistType(playlistType)) }
        if iFramesOnly { header.append(.iFramesOnly) }
        if independentSegments { header.append(.independentSegments) }
        self.init(header: header, segments: [], trailer: [])
    }

    /// A playlist with exactly these parts (not checked).
    public init(header: [MediaHeaderItem], segments: [MediaSegment], trailer: [TrailerItem]) {
        self.header = header
        self.segments = segments
        self.trailer = trailer
    }

    /// Equality of header, segments and trailer; line numbers are ignored.
    public static func == (lhs: MediaPlaylist, rhs: MediaPlaylist) -> Bool {
        lhs.header == rhs.header && lhs.segments == rhs.segments && lhs.trailer == rhs.trailer
    }

    /// Hashes header, segments and trailer.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(header)
        hasher.combine(segments)
        hasher.combine(trailer)
    }

    /// Appends a segment.
    public mutating func append(_ segment: MediaSegment) { segments.append(segment) }

    // MARK: Header access

    static func rank(_ item: MediaHeaderItem) -> Int? {
        switch item {
        case .version: return 0
        case .targetDuration: return 1
        case .mediaSequence: return 2
        case .discontinuitySequence: return 3
        case .playlistType: return 4
        case .iFramesOnly: return 5
        case .independentSegments: return 6
        case .start: return 7
        case .other, .comment, .blank: return nil
        }
    }

    private mutating func put(_ item: MediaHeaderItem, where match: (MediaHeaderItem) -> Bool) {
        if let i = header.firstIndex(where: match) {
            header[i] = item
        } else {
            header.insert(item, at: canonicalIndex(header, for: item, rank: Self.rank))
        }
    }

    /// EXT-X-VERSION (first one); nil when absent (which means version 1). Setting nil removes
    /// every EXT-X-VERSION line; a value replaces the first or inserts one in canonical order.
    public var version: Int? {
        get {
            for case .version(let v) in header { return v }
            return nil
        }
        set {
            let match: (MediaHeaderItem) -> Bool = { if case .version = $0 { true } else { false } }
            if let newValue { put(.version(newValue), where: match) } else { header.removeAll(where: match) }
        }
    }

    /// EXT-X-TARGETDURATION in whole seconds (first one in the header); nil when absent.
    /// Setting nil removes it.
    public var targetDuration: Int? {
        get {
            for case .targetDuration(let v) in header { return v }
            return nil
        }
        set {
            let match: (MediaHeaderItem) -> Bool = { if case .targetDuration = $0 { true } else { false } }
            if let newValue { put(.targetDuration(newValue), where: match) } else { header.removeAll(where: match) }
        }
    }

    /// EXT-X-MEDIA-SEQUENCE; 0 when absent. Setting replaces it, or inserts it unless the new
    /// value is 0 (the default, which needs no tag).
    public var mediaSequence: Int64 {
        get {
            for case .mediaSequence(let v) in header { return v }
            return 0
        }
        set {
            let match: (MediaHeaderItem) -> Bool = { if case .mediaSequence = $0 { true } else { false } }
            if newValue == 0 && !header.contains(where: match) { return }
            put(.mediaSequence(newValue), where: match)
        }
    }

    /// EXT-X-DISCONTINUITY-SEQUENCE; 0 when absent. Setting replaces it, or inserts it unless
    /// the new value is 0.
    public var discontinuitySequence: Int64 {
        get {
            for case .discontinuitySequence(let v) in header { return v }
            return 0
        }
        set {
            let match: (MediaHeaderItem) -> Bool = { if case .discontinuitySequence = $0 { true } else { false } }
            if newValue == 0 && !header.contains(where: match) { return }
            put(.discontinuitySequence(newValue), where: match)
        }
    }

    /// EXT-X-PLAYLIST-TYPE; nil when absent. Setting nil removes it.
    public var playlistType: PlaylistType? {
        get {
            for case .playlistType(let v) in header { return v }
            return nil
        }
        set {
            let match: (MediaHeaderItem) -> Bool = { if case .playlistType = $0 { true } else { false } }
            if let newValue { put(.playlistType(newValue), where: match) } else { header.removeAll(where: match) }
        }
    }

    /// Whether the header has EXT-X-I-FRAMES-ONLY.
    public var iFramesOnly: Bool {
        get { header.contains(.iFramesOnly) }
        set {
            if newValue { put(.iFramesOnly, where: { $0 == .iFramesOnly }) } else { header.removeAll { $0 == .iFramesOnly } }
        }
    }

    /// Whether the header has EXT-X-INDEPENDENT-SEGMENTS.
    public var independentSegments: Bool {
        get { header.contains(.independentSegments) }
        set {
            if newValue {
                put(.independentSegments, where: { $0 == .independentSegments })
            } else {
                header.removeAll { $0 == .independentSegments }
            }
        }
    }

    /// EXT-X-START attributes; nil when absent. Setting nil removes it.
    public var start: AttributeList? {
        get {
            for case .start(let a) in header { return a }
            return nil
        }
        set {
            let match: (MediaHeaderItem) -> Bool = { if case .start = $0 { true } else { false } }
            if let newValue { put(.start(newValue), where: match) } else { header.removeAll(where: match) }
        }
    }

    /// Whether the trailer has EXT-X-ENDLIST. Setting true appends it when absent; false
    /// removes every one.
    public var endList: Bool {
        get { trailer.contains(.endList) }
        set {
            if newValue {
                if !trailer.contains(.endList) { trailer.append(.endList) }
            } else {
                trailer.removeAll { $0 == .endList }
            }
        }
    }

    /// Sum of the segments' EXTINF durations, exact when the timescales have a common multiple
    /// that fits in Int32 (always true for power-of-ten timescales).
    public var totalDuration: MediaTime {
        var total = MediaTime.zero
        for segment in segments { total += segment.duration }
        return total
    }
}
