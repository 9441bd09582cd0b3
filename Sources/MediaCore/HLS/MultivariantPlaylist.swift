/// One entry of a multivariant playlist. Each case is one source line, except `.streamInf`,
/// which is the EXT-X-STREAM-INF line plus its URI line.
public enum MultivariantItem: Sendable, Hashable {
    /// `#EXT-X-VERSION:<n>`.
    case version(Int)
    /// `#EXT-X-INDEPENDENT-SEGMENTS`.
    case independentSegments
    /// `#EXT-X-START:<attributes>`.
    case start(AttributeList)
    /// `#EXT-X-MEDIA:<attributes>` (see `Rendition`).
    case media(AttributeList)
    /// `#EXT-X-STREAM-INF:<attributes>` and the URI line after it (see `Variant`).
    case streamInf(AttributeList, uri: String)
    /// `#EXT-X-I-FRAME-STREAM-INF:<attributes>` (see `IFrameVariant`).
    case iFrameStreamInf(AttributeList)
    /// `#EXT-X-SESSION-DATA:<attributes>` (DATA-ID required).
    case sessionData(AttributeList)
    /// `#EXT-X-SESSION-KEY:<attributes>` (METHOD required).
    case sessionKey(AttributeList)
    /// `#EXT-X-DEFINE:<attributes>`.
    case define(AttributeList)
    /// Any other tag, verbatim (e.g. EXT-X-CONTENT-STEERING, vendor tags).
    case other(Tag)
    /// A comment line: the text after `#`.
    case comment(String)
    /// An empty line.
    case blank

    /// Canonical order rank used by `MultivariantPlaylist.append` and the `version` /
    /// `independentSegments` setters.
    static func rank(_ item: MultivariantItem) -> Int? {
        switch item {
        case .version: return 0
        case .independentSegments: return 1
        case .start: return 2
        case .define: return 3
        case .sessionData, .sessionKey: return 4
        case .media: return 5
        case .streamInf: return 6
        case .iFrameStreamInf: return 7
        case .other, .comment, .blank: return nil
        }
    }
}

/// An HLS multivariant ("master") playlist (RFC 8216 §4.3.4), kept losslessly: `parse(text).text`
/// reproduces `text` exactly (LF line endings, final LF).
///
/// Equality and hashing ignore `itemLines`.
public struct MultivariantPlaylist: Sendable, Hashable {
    /// The entries in source order.
    public var items: [MultivariantItem]
    /// 1-based source line of each entry of `items` (for `.streamInf`, the tag's line) when
    /// parsed; nil entries for items added in code. `append` keeps it aligned with `items`; if
    /// you edit `items` directly, edit this too (or clear it). Ignored by `==`.
    public var itemLines: [Int?]
    /// Lines found between an EXT-X-STREAM-INF tag and its URI (comments, blank lines, unknown
    /// tags; RFC 8216 takes the next non-tag, non-comment line as the URI), keyed by the index
    /// of that `.streamInf` in `items`. Written back between the tag and the URI. Empty for
    /// built playlists; `append` shifts the keys; entries whose index is not a `.streamInf` are
    /// not written.
    public var streamInfInterludes: [Int: [MultivariantItem]]

    /// A playlist with EXT-X-VERSION (if given) and EXT-X-INDEPENDENT-SEGMENTS (if true).
    public init(version: Int? = nil, independentSegments: Bool = false) {
        items = []
        if let version { items.append(.version(version)) }
        if independentSegments { items.append(.independentSegments) }
        itemLines = Array(repeating: nil, count: items.count)
        streamInfInterludes = [:]
    }

    /// A playlist with exactly these items (not checked).
    public init(items: [MultivariantItem]) {
        self.items = items
        itemLines = Array(repeating: nil, count: items.count)
        streamInfInterludes = [:]
    }

    /// Equality of items and interludes; line numbers are ignored.
    public static func == (lhs: MultivariantPlaylist, rhs: MultivariantPlaylist) -> Bool {
        lhs.items == rhs.items && lhs.streamInfInterludes == rhs.streamInfInterludes
    }

    /// Hashes items and interludes.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(items)
        hasher.combine(streamInfInterludes)
    }

    /// The source line of `items[index]`, or nil (built in code, or out of range).
    public func line(at index: Int) -> Int? {
        guard index >= 0, index < itemLines.count else { return nil }
        return itemLines[index]
    }

    /// Every EXT-X-STREAM-INF as a `Variant`, in order (entries that fail `Variant`'s checks,
    /// possible only for items built in code, are skipped).
    public var variants: [Variant] {
        var out: [Variant] = []
        for case .streamInf(let a, let uri) in items {
            if let v = try? Variant(attributes: a, uri: uri) { out.append(v) }
        }
        return out
    }

    /// Every EXT-X-MEDIA as a `Rendition`, in order (invalid ones skipped, as for `variants`).
    public var renditions: [Rendition] {
        var out: [Rendition] = []
        for case .media(let a) in items {
            if let r = try? Rendition(attributes: a) { out.append(r) }
        }
        return out
    }

    /// Every EXT-X-I-FRAME-STREAM-INF as an `IFrameVariant`, in order (invalid ones skipped).
    public var iFrameVariants: [IFrameVariant] {
        var out: [IFrameVariant] = []
        for case .iFrameStreamInf(let a) in items {
            if let v = try? IFrameVariant(attributes: a) { out.append(v) }
        }
        return out
    }

    /// Inserts `item` in canonical order (version, independent segments, start, define, session
    /// data/keys, renditions, variants, I-frame variants): after the last entry of the same or an
    /// earlier kind. Keeps `itemLines` and `streamInfInterludes` aligned.
    public mutating func insert(_ item: MultivariantItem) {
        let index = canonicalIndex(items, for: item, rank: MultivariantItem.rank)
        items.insert(item, at: index)
        if itemLines.count + 1 == items.count {
            itemLines.insert(nil, at: index)
        } else {
            itemLines = Array(repeating: nil, count: items.count)
        }
        if !streamInfInterludes.isEmpty {
            var shifted: [Int: [MultivariantItem]] = [:]
            for (k, v) in streamInfInterludes { shifted[k >= index ? k + 1 : k] = v }
            streamInfInterludes = shifted
        }
    }

    /// Adds an EXT-X-STREAM-INF + URI after the existing variants (see `insert`).
    public mutating func append(_ variant: Variant) { insert(.streamInf(variant.attributes, uri: variant.uri)) }
    /// Adds an EXT-X-MEDIA after the existing renditions (see `insert`).
    public mutating func append(_ rendition: Rendition) { insert(.media(rendition.attributes)) }
    /// Adds an EXT-X-I-FRAME-STREAM-INF after the existing I-frame variants (see `insert`).
    public mutating func append(_ iFrameVariant: IFrameVariant) { insert(.iFrameStreamInf(iFrameVariant.attributes)) }

    private mutating func removeAll(where match: (MultivariantItem) -> Bool) {
        var keptItems: [MultivariantItem] = []
        var keptLines: [Int?] = []
        var keptInterludes: [Int: [MultivariantItem]] = [:]
        for (i, item) in items.enumerated() where !match(item) {
            if let interlude = streamInfInterludes[i] { keptInterludes[keptItems.count] = interlude }
            keptItems.append(item)
            keptLines.append(line(at: i))
        }
        items = keptItems
        itemLines = keptLines
        streamInfInterludes = keptInterludes
    }

    /// EXT-X-VERSION (first one); nil when absent (version 1). Setting replaces the first one
    /// in place or inserts it first; nil removes all.
    public var version: Int? {
        get {
            for case .version(let v) in items { return v }
            return nil
        }
        set {
            if let newValue {
                if let i = items.firstIndex(where: { if case .version = $0 { true } else { false } }) {
                    items[i] = .version(newValue)
                } else {
                    insert(.version(newValue))
                }
            } else {
                removeAll { if case .version = $0 { true } else { false } }
            }
        }
    }

    /// Whether EXT-X-INDEPENDENT-SEGMENTS is present.
    public var independentSegments: Bool {
        get { items.contains(.independentSegments) }
        set {
            if newValue {
                if !items.contains(.independentSegments) { insert(.independentSegments) }
            } else {
                removeAll { $0 == .independentSegments }
            }
        }
    }
}

// MARK: - Typed views

/// Checks shared by the typed views' `init(attributes:)`.
enum AttributeCheck {
    static func missing(_ tag: String, _ name: String) -> PlaylistError {
        PlaylistError(line: 0, code: .missingAttribute, message: "\(tag) has no \(name) attribute")
    }

    static func invalid(_ tag: String, _ name: String, _ value: AttributeValue, _ expected: String) -> PlaylistError {
        PlaylistError(line: 0, code: .invalidValue, message: "\(tag) \(name)=\(value.text) is not \(expected)")
    }

    /// Required unquoted decimal-integer.
    static func requireInteger(_ a: AttributeList, _ tag: String, _ name: String) throws(PlaylistError) {
        guard let v = a[name] else { throw missing(tag, name) }
        try integer(a, tag, name, v)
    }

    static func integer(_ a: AttributeList, _ tag: String, _ name: String, _ v: AttributeValue) throws(PlaylistError) {
        if a.integer(name) == nil { throw invalid(tag, name, v, "a decimal integer (1–18 digits)") }
    }

    static func optionalInteger(_ a: AttributeList, _ tag: String, _ name: String) throws(PlaylistError) {
        if let v = a[name] { try integer(a, tag, name, v) }
    }

    static func quoted(_ a: AttributeList, _ tag: String, _ name: String, required: Bool = false) throws(PlaylistError) {
        switch a[name] {
        case nil: if required { throw missing(tag, name) }
        case .quoted?: break
        case let v?: throw invalid(tag, name, v, "a quoted string")
        }
    }

    static func token(_ a: AttributeList, _ tag: String, _ name: String) throws(PlaylistError) {
        if let v = a[name], case .quoted = v { throw invalid(tag, name, v, "an unquoted value") }
    }

    static func yesNo(_ a: AttributeList, _ tag: String, _ name: String) throws(PlaylistError) {
        guard let v = a[name] else { return }
        if v != .token("YES") && v != .token("NO") { throw invalid(tag, name, v, "YES or NO") }
    }

    static func resolution(_ a: AttributeList, _ tag: String) throws(PlaylistError) {
        if let v = a["RESOLUTION"], a.resolution("RESOLUTION") == nil {
            throw invalid(tag, "RESOLUTION", v, "a resolution like 1920x1080")
        }
    }

    /// Removes every attribute not named in `known`, then adds `extra`'s attributes whose names
    /// are not in `known`.
    static func replaceExtra(_ list: inout AttributeList, known: Set<String>, with extra: AttributeList) {
        list.attributes.removeAll { !known.contains($0.name) }
        for attribute in extra.attributes where !known.contains(attribute.name) {
            list[attribute.name] = attribute.value
        }
    }

    static func extra(_ list: AttributeList, known: Set<String>) -> AttributeList {
        AttributeList(list.attributes.filter { !known.contains($0.name) })
    }

    static func setYesNo(_ list: inout AttributeList, _ name: String, _ value: Bool) {
        if value { list[name] = .token("YES") } else if list[name] != nil { list[name] = .token("NO") }
    }

    static func codecs(_ list: AttributeList) -> [String] {
        guard let text = list.string("CODECS") else { return [] }
        return text.split(separator: ",").map { part in
            var s = Substring(part)
            while s.first == " " { s = s.dropFirst() }
            while s.last == " " { s = s.dropLast() }
            return String(s)
        }.filter { !$0.isEmpty }
    }
}

/// An alternative rendition: a typed view of an EXT-X-MEDIA attribute list.
///
/// All data lives in `attributes` (order and raw text preserved); the properties read and
/// write it. Setting an absent optional property appends the attribute; nil removes it;
/// booleans write `YES`, and `NO` only when the attribute was already present.
public struct Rendition: Sendable, Hashable {
    /// The full attribute list, as written.
    public private(set) var attributes: AttributeList

    static let tag = "EXT-X-MEDIA"
    static let known: Set<String> = [
        "TYPE", "URI", "GROUP-ID", "LANGUAGE", "ASSOC-LANGUAGE", "NAME", "DEFAULT", "AUTOSELECT",
        "FORCED", "INSTREAM-ID", "CHARACTERISTICS", "CHANNELS",
    ]

    /// Wraps an EXT-X-MEDIA attribute list. Throws `.missingAttribute` without TYPE, GROUP-ID
    /// or NAME; `.invalidValue` for an unknown TYPE or a value of the wrong kind (quoted vs
    /// unquoted, DEFAULT/AUTOSELECT/FORCED not YES/NO). The error's line is 0.
    public init(attributes: AttributeList) throws(PlaylistError) {
        let tag = Self.tag
        guard let type = attributes["TYPE"] else { throw AttributeCheck.missing(tag, "TYPE") }
        guard case .token(let t) = type, MediaType(rawValue: t) != nil else {
            throw AttributeCheck.invalid(tag, "TYPE", type, "AUDIO, VIDEO, SUBTITLES or CLOSED-CAPTIONS")
        }
        try AttributeCheck.quoted(attributes, tag, "GROUP-ID", required: true)
        try AttributeCheck.quoted(attributes, tag, "NAME", required: true)
        for name in ["URI", "LANGUAGE", "ASSOC-LANGUAGE", "INSTREAM-ID", "CHARACTERISTICS", "CHANNELS"] {
            try AttributeCheck.quoted(attributes, tag, name)
        }
        for name in ["DEFAULT", "AUTOSELECT", "FORCED"] { try AttributeCheck.yesNo(attributes, tag, name) }
        self.attributes = attributes
    }

    /// A rendition written as TYPE, GROUP-ID, LANGUAGE (if given), NAME, DEFAULT, AUTOSELECT
    /// (both always written, YES or NO), CHANNELS (if given), URI (if given).
    public init(type: MediaType, groupID: String, name: String, language: String? = nil,
                isDefault: Bool = false, autoselect: Bool = false, channels: String? = nil,
                uri: String? = nil) {
        var a = AttributeList()
        a["TYPE"] = .token(type.rawValue)
        a["GROUP-ID"] = .quoted(groupID)
        if let language { a["LANGUAGE"] = .quoted(language) }
        a["NAME"] = .quoted(name)
        a["DEFAULT"] = .token(isDefault ? "YES" : "NO")
        a["AUTOSELECT"] = .token(autoselect ? "YES" : "NO")
        if let channels { a["CHANNELS"] = .quoted(channels) }
        if let uri { a["URI"] = .quoted(uri) }
        attributes = a
    }

    /// TYPE.
    public var type: MediaType {
        get { attributes.string("TYPE").flatMap(MediaType.init(rawValue:)) ?? .audio }
        set { attributes["TYPE"] = .token(newValue.rawValue) }
    }
    /// GROUP-ID.
    public var groupID: String {
        get { attributes.string("GROUP-ID") ?? "" }
        set { attributes["GROUP-ID"] = .quoted(newValue) }
    }
    /// NAME (human-readable).
    public var name: String {
        get { attributes.string("NAME") ?? "" }
        set { attributes["NAME"] = .quoted(newValue) }
    }
    /// LANGUAGE (RFC 5646 tag).
    public var language: String? {
        get { attributes.string("LANGUAGE") }
        set { attributes["LANGUAGE"] = newValue.map(AttributeValue.quoted) }
    }
    /// ASSOC-LANGUAGE.
    public var assocLanguage: String? {
        get { attributes.string("ASSOC-LANGUAGE") }
        set { attributes["ASSOC-LANGUAGE"] = newValue.map(AttributeValue.quoted) }
    }
    /// DEFAULT=YES.
    public var isDefault: Bool {
        get { attributes["DEFAULT"] == .token("YES") }
        set { AttributeCheck.setYesNo(&attributes, "DEFAULT", newValue) }
    }
    /// AUTOSELECT=YES.
    public var autoselect: Bool {
        get { attributes["AUTOSELECT"] == .token("YES") }
        set { AttributeCheck.setYesNo(&attributes, "AUTOSELECT", newValue) }
    }
    /// FORCED=YES (subtitles only).
    public var forced: Bool {
        get { attributes["FORCED"] == .token("YES") }
        set { AttributeCheck.setYesNo(&attributes, "FORCED", newValue) }
    }
    /// CHANNELS, e.g. `"2"` or `"16/JOC"`.
    public var channels: String? {
        get { attributes.string("CHANNELS") }
        set { attributes["CHANNELS"] = newValue.map(AttributeValue.quoted) }
    }
    /// CHARACTERISTICS (comma-separated UTIs), raw.
    public var characteristics: String? {
        get { attributes.string("CHARACTERISTICS") }
        set { attributes["CHARACTERISTICS"] = newValue.map(AttributeValue.quoted) }
    }
    /// INSTREAM-ID (closed captions), e.g. `"CC1"` or `"SERVICE1"`.
    public var instreamID: String? {
        get { attributes.string("INSTREAM-ID") }
        set { attributes["INSTREAM-ID"] = newValue.map(AttributeValue.quoted) }
    }
    /// URI of the rendition's media playlist; nil when the rendition is in the variant stream.
    public var uri: String? {
        get { attributes.string("URI") }
        set { attributes["URI"] = newValue.map(AttributeValue.quoted) }
    }
    /// Attributes this type does not model (e.g. STABLE-RENDITION-ID), in order. Setting
    /// replaces them; names of modeled attributes are ignored.
    public var extra: AttributeList {
        get { AttributeCheck.extra(attributes, known: Self.known) }
        set { AttributeCheck.replaceExtra(&attributes, known: Self.known, with: newValue) }
    }
}

/// A variant stream: a typed view of an EXT-X-STREAM-INF attribute list plus its URI line.
///
/// All data lives in `attributes` (order and raw text preserved); properties read and write
/// it. Setting an absent optional property appends the attribute; nil removes it.
public struct Variant: Sendable, Hashable {
    /// The full attribute list, as written.
    public private(set) var attributes: AttributeList
    /// The URI line of the variant's media playlist.
    public var uri: String

    static let tag = "EXT-X-STREAM-INF"
    static let known: Set<String> = [
        "BANDWIDTH", "AVERAGE-BANDWIDTH", "CODECS", "RESOLUTION", "FRAME-RATE", "HDCP-LEVEL",
        "VIDEO-RANGE", "AUDIO", "VIDEO", "SUBTITLES", "CLOSED-CAPTIONS",
    ]

    /// Wraps an EXT-X-STREAM-INF attribute list. Throws `.missingAttribute` without BANDWIDTH;
    /// `.invalidValue` when BANDWIDTH/AVERAGE-BANDWIDTH are not decimal integers, RESOLUTION or
    /// FRAME-RATE are malformed, or a value has the wrong quoting (CODECS, AUDIO, VIDEO,
    /// SUBTITLES quoted; CLOSED-CAPTIONS quoted or NONE; HDCP-LEVEL, VIDEO-RANGE unquoted).
    public init(attributes: AttributeList, uri: String) throws(PlaylistError) {
        try Self.check(attributes, tag: Self.tag)
        if let v = attributes["FRAME-RATE"] {
            guard case .token(let t) = v, FrameRate(t) != nil else {
                throw AttributeCheck.invalid(Self.tag, "FRAME-RATE", v, "a non-negative decimal number")
            }
        }
        for name in ["AUDIO", "SUBTITLES"] { try AttributeCheck.quoted(attributes, Self.tag, name) }
        if let v = attributes["CLOSED-CAPTIONS"], v != .token("NONE") {
            guard case .quoted = v else { throw AttributeCheck.invalid(Self.tag, "CLOSED-CAPTIONS", v, "a quoted group id or NONE") }
        }
        self.attributes = attributes
        self.uri = uri
    }

    /// Checks shared with `IFrameVariant`.
    static func check(_ a: AttributeList, tag: String) throws(PlaylistError) {
        try AttributeCheck.requireInteger(a, tag, "BANDWIDTH")
        try AttributeCheck.optionalInteger(a, tag, "AVERAGE-BANDWIDTH")
        try AttributeCheck.resolution(a, tag)
        for name in ["CODECS", "VIDEO"] { try AttributeCheck.quoted(a, tag, name) }
        for name in ["HDCP-LEVEL", "VIDEO-RANGE"] { try AttributeCheck.token(a, tag, name) }
    }

    /// A variant written as BANDWIDTH, AVERAGE-BANDWIDTH, CODECS, RESOLUTION, FRAME-RATE,
    /// HDCP-LEVEL, VIDEO-RANGE, AUDIO, SUBTITLES, CLOSED-CAPTIONS (each only when given).
    /// `closedCaptions` "NONE" is written unquoted, anything else as a quoted group id.
    public init(bandwidth: Int64, averageBandwidth: Int64? = nil, codecs: [String] = [],
                resolution: Resolution? = nil, frameRate: FrameRate? = nil, audioGroup: String? = nil,
                subtitlesGroup: String? = nil, closedCaptions: String? = nil, hdcpLevel: String? = nil,
                videoRange: String? = nil, uri: String) {
        attributes = AttributeList()
        self.uri = uri
        self.bandwidth = bandwidth
        self.averageBandwidth = averageBandwidth
        self.codecs = codecs
        self.resolution = resolution
        self.frameRate = frameRate
        self.hdcpLevel = hdcpLevel
        self.videoRange = videoRange
        self.audioGroup = audioGroup
        self.subtitlesGroup = subtitlesGroup
        self.closedCaptions = closedCaptions
    }

    /// BANDWIDTH: peak segment bit rate in bits per second (0 only if the list was corrupted).
    public var bandwidth: Int64 {
        get { attributes.integer("BANDWIDTH") ?? 0 }
        set { attributes["BANDWIDTH"] = .integer(newValue) }
    }
    /// AVERAGE-BANDWIDTH in bits per second.
    public var averageBandwidth: Int64? {
        get { attributes.integer("AVERAGE-BANDWIDTH") }
        set { attributes["AVERAGE-BANDWIDTH"] = newValue.map(AttributeValue.integer) }
    }
    /// CODECS split at commas (spaces around entries trimmed); `[]` when absent. Setting `[]`
    /// removes the attribute.
    public var codecs: [String] {
        get { AttributeCheck.codecs(attributes) }
        set { attributes["CODECS"] = newValue.isEmpty ? nil : .quoted(newValue.joined(separator: ",")) }
    }
    /// RESOLUTION.
    public var resolution: Resolution? {
        get { attributes.resolution("RESOLUTION") }
        set { attributes["RESOLUTION"] = newValue.map(AttributeValue.resolution) }
    }
    /// FRAME-RATE, parsed exactly (`29.970` → 29970/1000); written with 3 decimals.
    public var frameRate: FrameRate? {
        get {
            guard case .token(let t)? = attributes["FRAME-RATE"] else { return nil }
            return FrameRate(t)
        }
        set { attributes["FRAME-RATE"] = newValue.map { .token($0.text) } }
    }
    /// AUDIO group id.
    public var audioGroup: String? {
        get { attributes.string("AUDIO") }
        set { attributes["AUDIO"] = newValue.map(AttributeValue.quoted) }
    }
    /// VIDEO group id.
    public var videoGroup: String? {
        get { attributes.string("VIDEO") }
        set { attributes["VIDEO"] = newValue.map(AttributeValue.quoted) }
    }
    /// SUBTITLES group id.
    public var subtitlesGroup: String? {
        get { attributes.string("SUBTITLES") }
        set { attributes["SUBTITLES"] = newValue.map(AttributeValue.quoted) }
    }
    /// CLOSED-CAPTIONS: a group id, or `"NONE"` (the unquoted enumerated value). Setting
    /// `"NONE"` writes the token; any other text is written quoted.
    public var closedCaptions: String? {
        get { attributes.string("CLOSED-CAPTIONS") }
        set {
            attributes["CLOSED-CAPTIONS"] = newValue.map { $0 == "NONE" ? .token("NONE") : .quoted($0) }
        }
    }
    /// HDCP-LEVEL (TYPE-0, TYPE-1, NONE), unquoted.
    public var hdcpLevel: String? {
        get { attributes.string("HDCP-LEVEL") }
        set { attributes["HDCP-LEVEL"] = newValue.map(AttributeValue.token) }
    }
    /// VIDEO-RANGE (SDR, HLG, PQ), unquoted.
    public var videoRange: String? {
        get { attributes.string("VIDEO-RANGE") }
        set { attributes["VIDEO-RANGE"] = newValue.map(AttributeValue.token) }
    }
    /// Attributes this type does not model (SCORE, SUPPLEMENTAL-CODECS, STABLE-VARIANT-ID…).
    /// Setting replaces them; names of modeled attributes are ignored.
    public var extra: AttributeList {
        get { AttributeCheck.extra(attributes, known: Self.known) }
        set { AttributeCheck.replaceExtra(&attributes, known: Self.known, with: newValue) }
    }
}

/// An I-frame variant: a typed view of an EXT-X-I-FRAME-STREAM-INF attribute list (its URI
/// is the URI attribute). Same storage and setter rules as `Variant`.
public struct IFrameVariant: Sendable, Hashable {
    /// The full attribute list, as written.
    public private(set) var attributes: AttributeList

    static let tag = "EXT-X-I-FRAME-STREAM-INF"
    static let known: Set<String> = [
        "BANDWIDTH", "AVERAGE-BANDWIDTH", "CODECS", "RESOLUTION", "HDCP-LEVEL", "VIDEO-RANGE", "VIDEO", "URI",
    ]

    /// Wraps an EXT-X-I-FRAME-STREAM-INF attribute list. Throws `.missingAttribute` without
    /// BANDWIDTH or URI, `.invalidValue` as for `Variant`.
    public init(attributes: AttributeList) throws(PlaylistError) {
        try Variant.check(attributes, tag: Self.tag)
        try AttributeCheck.quoted(attributes, Self.tag, "URI", required: true)
        self.attributes = attributes
    }

    /// An I-frame variant written as BANDWIDTH, AVERAGE-BANDWIDTH, CODECS, RESOLUTION,
    /// HDCP-LEVEL, VIDEO-RANGE, URI (each optional one only when given).
    public init(bandwidth: Int64, averageBandwidth: Int64? = nil, codecs: [String] = [],
                resolution: Resolution? = nil, hdcpLevel: String? = nil, videoRange: String? = nil,
                uri: String) {
        attributes = AttributeList()
        self.bandwidth = bandwidth
        self.averageBandwidth = averageBandwidth
        self.codecs = codecs
        self.resolution = resolution
        self.hdcpLevel = hdcpLevel
        self.videoRange = videoRange
        self.uri = uri
    }

    /// BANDWIDTH in bits per second.
    public var bandwidth: Int64 {
        get { attributes.integer("BANDWIDTH") ?? 0 }
        set { attributes["BANDWIDTH"] = .integer(newValue) }
    }
    /// AVERAGE-BANDWIDTH in bits per second.
    public var averageBandwidth: Int64? {
        get { attributes.integer("AVERAGE-BANDWIDTH") }
        set { attributes["AVERAGE-BANDWIDTH"] = newValue.map(AttributeValue.integer) }
    }
    /// CODECS split at commas; `[]` removes it.
    public var codecs: [String] {
        get { AttributeCheck.codecs(attributes) }
        set { attributes["CODECS"] = newValue.isEmpty ? nil : .quoted(newValue.joined(separator: ",")) }
    }
    /// RESOLUTION.
    public var resolution: Resolution? {
        get { attributes.resolution("RESOLUTION") }
        set { attributes["RESOLUTION"] = newValue.map(AttributeValue.resolution) }
    }
    /// HDCP-LEVEL, unquoted.
    public var hdcpLevel: String? {
        get { attributes.string("HDCP-LEVEL") }
        set { attributes["HDCP-LEVEL"] = newValue.map(AttributeValue.token) }
    }
    /// VIDEO-RANGE, unquoted.
    public var videoRange: String? {
        get { attributes.string("VIDEO-RANGE") }
        set { attributes["VIDEO-RANGE"] = newValue.map(AttributeValue.token) }
    }
    /// URI attribute: the I-frame media playlist.
    public var uri: String {
        get { attributes.string("URI") ?? "" }
        set { attributes["URI"] = .quoted(newValue) }
    }
    /// Attributes this type does not model. Setting replaces them; modeled names are ignored.
    public var extra: AttributeList {
        get { AttributeCheck.extra(attributes, known: Self.known) }
        set { AttributeCheck.replaceExtra(&attributes, known: Self.known, with: newValue) }
    }
}
