/// How serious a validation finding is.
public enum Severity: String, Sendable, Hashable {
    /// Violates RFC 8216 / the HLS Authoring Specification; players may fail.
    case error
    /// Suspicious or incomplete (e.g. a check that could not run).
    case warning
}

/// A stable identifier of a validation rule. Compare against the static members; the raw value
/// (the member's name) is stable and safe to persist.
public struct ValidationRule: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The stable rule text, e.g. `"extinfExceedsTarget"`.
    public var rawValue: String
    /// Wraps a rule text.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// The raw value.
    public var description: String { rawValue }

    /// An EXTINF duration rounded to the nearest second exceeds EXT-X-TARGETDURATION.
    public static let extinfExceedsTarget = ValidationRule(rawValue: "extinfExceedsTarget")
    /// A media playlist without EXT-X-TARGETDURATION.
    public static let missingTargetDuration = ValidationRule(rawValue: "missingTargetDuration")
    /// EXT-X-TARGETDURATION differs within a playlist or between two versions of it.
    public static let targetDurationChanged = ValidationRule(rawValue: "targetDurationChanged")
    /// EXT-X-PLAYLIST-TYPE:VOD without EXT-X-ENDLIST.
    public static let missingEndList = ValidationRule(rawValue: "missingEndList")
    /// An EVENT playlist update removed or changed earlier segments.
    public static let eventSegmentsChanged = ValidationRule(rawValue: "eventSegmentsChanged")
    /// A playlist update has a different URI or duration for the same media sequence number.
    public static let segmentChanged = ValidationRule(rawValue: "segmentChanged")
    /// A playlist update has a lower EXT-X-MEDIA-SEQUENCE than the previous version.
    public static let mediaSequenceDecreased = ValidationRule(rawValue: "mediaSequenceDecreased")
    /// A playlist changed after it had EXT-X-ENDLIST.
    public static let changedAfterEndList = ValidationRule(rawValue: "changedAfterEndList")
    /// EXT-X-DISCONTINUITY-SEQUENCE after the first media segment's lines began or after an
    /// EXT-X-DISCONTINUITY.
    public static let discontinuitySequencePlacement = ValidationRule(rawValue: "discontinuitySequencePlacement")
    /// Another playlist-level tag (VERSION, TARGETDURATION, MEDIA-SEQUENCE, PLAYLIST-TYPE,
    /// I-FRAMES-ONLY, INDEPENDENT-SEGMENTS, START) after the first segment's lines began; the
    /// model (and many players) ignore it.
    public static let misplacedHeaderTag = ValidationRule(rawValue: "misplacedHeaderTag")
    /// EXT-X-DATERANGE without any EXT-X-PROGRAM-DATE-TIME.
    public static let missingProgramDateTime = ValidationRule(rawValue: "missingProgramDateTime")
    /// Two EXT-X-DATERANGE with the same ID disagree on an attribute both have.
    public static let dateRangeConflict = ValidationRule(rawValue: "dateRangeConflict")
    /// EXT-X-DATERANGE without ID, or the first one with an ID without START-DATE (later ones
    /// with the same ID may omit it, as RFC 8216's SCTE35-IN example does).
    public static let malformedDateRange = ValidationRule(rawValue: "malformedDateRange")
    /// EXT-X-STREAM-INF or EXT-X-I-FRAME-STREAM-INF without CODECS.
    public static let missingCodecs = ValidationRule(rawValue: "missingCodecs")
    /// BANDWIDTH below the measured peak segment bit rate.
    public static let bandwidthBelowPeak = ValidationRule(rawValue: "bandwidthBelowPeak")
    /// AVERAGE-BANDWIDTH more than 10 % away from the measured average bit rate.
    public static let averageBandwidthMismatch = ValidationRule(rawValue: "averageBandwidthMismatch")
    /// A variant without AVERAGE-BANDWIDTH (warning).
    public static let missingAverageBandwidth = ValidationRule(rawValue: "missingAverageBandwidth")
    /// A bandwidth check could not run (media playlist or sizes not supplied, or unusable).
    public static let notChecked = ValidationRule(rawValue: "notChecked")
    /// EXT-X-VERSION lower than the playlist's features need (RFC 8216 §7).
    public static let versionTooLow = ValidationRule(rawValue: "versionTooLow")
    /// More than one EXT-X-VERSION.
    public static let multipleVersions = ValidationRule(rawValue: "multipleVersions")
    /// EXT-X-MEDIA URI presence wrong for its TYPE: CLOSED-CAPTIONS with a URI, or SUBTITLES
    /// without one.
    public static let missingURIForMedia = ValidationRule(rawValue: "missingURIForMedia")
    /// EXT-X-STREAM-INF AUDIO names a group no EXT-X-MEDIA TYPE=AUDIO defines.
    public static let unknownAudioGroup = ValidationRule(rawValue: "unknownAudioGroup")
    /// VIDEO, SUBTITLES or CLOSED-CAPTIONS names a group no EXT-X-MEDIA of that TYPE defines.
    public static let unknownRenditionGroup = ValidationRule(rawValue: "unknownRenditionGroup")
    /// More than one DEFAULT=YES rendition in one group.
    public static let multipleDefaults = ValidationRule(rawValue: "multipleDefaults")
    /// A BYTERANGE segment whose delivered size differs from the range length.
    public static let byteRangeSizeMismatch = ValidationRule(rawValue: "byteRangeSizeMismatch")
}

/// One problem found by `PlaylistValidator`.
public struct ValidationFinding: Sendable, Hashable, CustomStringConvertible {
    /// Which rule.
    public var rule: ValidationRule
    /// How serious.
    public var severity: Severity
    /// The name or URI the caller gave for the playlist.
    public var playlist: String
    /// 1-based source line when the playlist was parsed (and the item is unedited), else nil.
    public var line: Int?
    /// What is wrong, naming the tag/attribute and the values.
    public var message: String

    /// A finding.
    public init(rule: ValidationRule, severity: Severity, playlist: String, line: Int?, message: String) {
        self.rule = rule
        self.severity = severity
        self.playlist = playlist
        self.line = line
        self.message = message
    }

    /// `"name:12: error: message [rule]"` (no `:12` without a line).
    public var description: String {
        "\(playlist)\(line.map { ":\($0)" } ?? ""): \(severity.rawValue): \(message) [\(rule.rawValue)]"
    }
}

/// Facts measured for one delivered media segment.
public struct SegmentFacts: Sendable, Hashable {
    /// Bytes actually delivered for this segment (the byte range length for BYTERANGE segments).
    public var size: Int64

    /// Facts for a segment of `size` bytes.
    public init(size: Int64) { self.size = size }
}

/// Checks HLS playlists against RFC 8216 / draft-pantos-hls-rfc8216bis rules that the parser
/// does not enforce. Pure and linear in the playlist size (except `bitrates`, see there).
/// Findings come in playlist order per rule family; nothing throws.
public enum PlaylistValidator {
    private static let headerTagNames: Set<String> = [
        "EXT-X-VERSION", "EXT-X-TARGETDURATION", "EXT-X-MEDIA-SEQUENCE", "EXT-X-DISCONTINUITY-SEQUENCE",
        "EXT-X-PLAYLIST-TYPE", "EXT-X-I-FRAMES-ONLY", "EXT-X-INDEPENDENT-SEGMENTS", "EXT-X-START",
    ]

    /// A feature that needs a minimum EXT-X-VERSION.
    private struct Requirement {
        var version: Int
        var feature: String
        var line: Int?
    }

    private static func checkVersion(
        _ requirements: [Requirement], declared: Int?, versionLine: Int?, name: String, into findings: inout [ValidationFinding]
    ) {
        let have = declared ?? 1
        for r in requirements where r.version > have {
            let declaredText = declared.map { "EXT-X-VERSION is \($0)" } ?? "there is no EXT-X-VERSION (version 1)"
            findings.append(ValidationFinding(
                rule: .versionTooLow, severity: .error, playlist: name, line: r.line ?? versionLine,
                message: "\(r.feature) requires EXT-X-VERSION \(r.version) or later, but \(declaredText)"))
        }
    }

    // MARK: Media playlist

    /// Rules checkable from one media playlist: extinfExceedsTarget, missingTargetDuration,
    /// targetDurationChanged (within the playlist), missingEndList, discontinuitySequencePlacement,
    /// misplacedHeaderTag, missingProgramDateTime, dateRangeConflict, malformedDateRange,
    /// versionTooLow, multipleVersions; with `facts` (keyed by segment index) also
    /// byteRangeSizeMismatch.
    public static func validate(media: MediaPlaylist, name: String, facts: [Int: SegmentFacts] = [:]) -> [ValidationFinding] {
        var findings: [ValidationFinding] = []
        func add(_ rule: ValidationRule, _ line: Int?, _ message: String, _ severity: Severity = .error) {
            findings.append(ValidationFinding(rule: rule, severity: severity, playlist: name, line: line, message: message))
        }

        // Header.
        var versions: [(value: Int, line: Int?)] = []
        var targets: [(value: Int, line: Int?)] = []
        var playlistTypeLine: Int?
        var iFramesOnlyLine: Int?
        for (k, item) in media.header.enumerated() {
            let line = media.headerLine.map { $0 + k }
            switch item {
            case .version(let v): versions.append((v, line))
            case .targetDuration(let t): targets.append((t, line))
            case .playlistType: playlistTypeLine = playlistTypeLine ?? line
            case .iFramesOnly: iFramesOnlyLine = iFramesOnlyLine ?? line
            default: break
            }
        }
        let target = media.targetDuration
        if target == nil {
            add(.missingTargetDuration, nil, "media playlist has no EXT-X-TARGETDURATION")
        }

        var requirements: [Requirement] = []
        var seenFeatures = Set<String>()
        func require(_ version: Int, _ feature: String, _ line: Int?) {
            if seenFeatures.insert(feature).inserted { requirements.append(Requirement(version: version, feature: feature, line: line)) }
        }
        if media.iFramesOnly { require(4, "EXT-X-I-FRAMES-ONLY", iFramesOnlyLine) }

        var firstDateRangeLine: Int?
        var firstDateRangeSeen = false
        var hasProgramDateTime = false
        var dateRanges: [String: [String: AttributeValue]] = [:]
        var seenDiscontinuity = false

        func visit(_ item: SegmentItem, _ line: Int?) {
            switch item {
            case .inf(let duration, _):
                if let target {
                    let rounded = duration.converted(to: 1).value
                    if rounded > Int64(target) {
                        add(.extinfExceedsTarget, line,
                            "EXTINF duration \(duration.decimalSeconds) rounds to \(rounded) s, more than EXT-X-TARGETDURATION \(target)")
                    }
                }
                if duration.timescale != 1 { require(3, "a floating-point EXTINF duration", line) }
            case .byteRange:
                require(4, "EXT-X-BYTERANGE", line)
            case .key(let a):
                if a.contains("IV") { require(2, "the IV attribute of EXT-X-KEY", line) }
                if a.contains("KEYFORMAT") || a.contains("KEYFORMATVERSIONS") {
                    require(5, "KEYFORMAT/KEYFORMATVERSIONS in EXT-X-KEY", line)
                }
            case .map:
                if media.iFramesOnly {
                    require(5, "EXT-X-MAP in an I-frames-only playlist", line)
                } else {
                    require(6, "EXT-X-MAP in a playlist that is not I-frames only", line)
                }
            case .programDateTime:
                hasProgramDateTime = true
            case .discontinuity:
                seenDiscontinuity = true
            case .dateRange(let a):
                if !firstDateRangeSeen {
                    firstDateRangeSeen = true
                    firstDateRangeLine = line
                }
                checkDateRange(a, line, &dateRanges, add)
            case .other(let tag) where headerTagNames.contains(tag.name):
                if tag.name == "EXT-X-DISCONTINUITY-SEQUENCE" {
                    let after = seenDiscontinuity ? "after an EXT-X-DISCONTINUITY" : "after the first media segment began"
                    add(.discontinuitySequencePlacement, line,
                        "EXT-X-DISCONTINUITY-SEQUENCE appears \(after); it must precede every media segment and discontinuity")
                } else {
                    add(.misplacedHeaderTag, line, "\(tag.name) appears after the first media segment began; it must be in the playlist header")
                }
                if tag.name == "EXT-X-TARGETDURATION", let v = tag.value.flatMap({ HLSNumber.decimalInteger($0) }) {
                    targets.append((Int(truncatingIfNeeded: v), line))
                }
                if tag.name == "EXT-X-VERSION", let v = tag.value.flatMap({ HLSNumber.decimalInteger($0) }) {
                    versions.append((Int(truncatingIfNeeded: v), line))
                }
            default:
                break
            }
        }

        for (index, segment) in media.segments.enumerated() {
            for (k, item) in segment.items.enumerated() { visit(item, segment.line.map { $0 + k }) }
            if let range = segment.byteRange, let size = facts[index]?.size, size != range.length {
                let k = segment.items.firstIndex { if case .byteRange = $0 { true } else { false } } ?? 0
                add(.byteRangeSizeMismatch, segment.line.map { $0 + k },
                    "segment \(index) (\(segment.uri)) has EXT-X-BYTERANGE length \(range.length) but \(size) bytes were delivered")
            }
        }
        for (k, item) in media.trailer.enumerated() {
            if case .item(let inner) = item { visit(inner, media.trailerLine.map { $0 + k }) }
        }

        if let first = targets.first {
            for other in targets.dropFirst() where other.value != first.value {
                add(.targetDurationChanged, other.line,
                    "EXT-X-TARGETDURATION \(other.value) differs from the earlier value \(first.value)")
            }
        }
        if versions.count > 1 {
            add(.multipleVersions, versions[1].line, "playlist has \(versions.count) EXT-X-VERSION tags; at most one is allowed")
        }
        if media.playlistType == .vod && !media.endList {
            add(.missingEndList, playlistTypeLine, "EXT-X-PLAYLIST-TYPE is VOD but there is no EXT-X-ENDLIST")
        }
        if firstDateRangeSeen && !hasProgramDateTime {
            add(.missingProgramDateTime, firstDateRangeLine,
                "playlist has EXT-X-DATERANGE but no EXT-X-PROGRAM-DATE-TIME")
        }
        checkVersion(requirements, declared: media.version, versionLine: versions.first?.line, name: name, into: &findings)
        return findings
    }

    private static func sameValue(_ a: AttributeValue, _ b: AttributeValue) -> Bool {
        if a == b { return true }
        if case .token(let x) = a, case .token(let y) = b, let dx = MediaTime(decimal: x), let dy = MediaTime(decimal: y) {
            return dx == dy
        }
        return false
    }

    private static func checkDateRange(
        _ a: AttributeList, _ line: Int?, _ seen: inout [String: [String: AttributeValue]],
        _ add: (ValidationRule, Int?, String, Severity) -> Void
    ) {
        guard let id = a.string("ID") else {
            add(.malformedDateRange, line, "EXT-X-DATERANGE has no ID attribute", .error)
            return
        }
        let isRepeat = seen[id] != nil
        // A later tag with the same ID may omit START-DATE (RFC 8216 §4.3.2.7.1's SCTE35-IN example).
        if !isRepeat && !a.contains("START-DATE") {
            add(.malformedDateRange, line, "EXT-X-DATERANGE ID=\"\(id)\" has no START-DATE attribute", .error)
        }
        var merged = seen[id] ?? [:]
        for attribute in a.attributes {
            if isRepeat, let earlier = merged[attribute.name] {
                if !sameValue(earlier, attribute.value) {
                    add(.dateRangeConflict, line,
                        "EXT-X-DATERANGE ID=\"\(id)\" has \(attribute.name)=\(attribute.value.text), but an earlier one with this ID has \(attribute.name)=\(earlier.text)",
                        .error)
                }
            } else {
                merged[attribute.name] = attribute.value
            }
        }
        seen[id] = merged
    }

    // MARK: Playlist updates

    /// Invariants across two versions of the same live playlist: targetDurationChanged,
    /// mediaSequenceDecreased, segmentChanged (same media sequence number, different URI or
    /// duration), eventSegmentsChanged (an EVENT playlist lost or changed earlier segments),
    /// changedAfterEndList. Run `validate(media:)` on each version for the single-playlist rules.
    public static func validate(update: MediaPlaylist, previous: MediaPlaylist, name: String) -> [ValidationFinding] {
        var findings: [ValidationFinding] = []
        func add(_ rule: ValidationRule, _ line: Int?, _ message: String) {
            findings.append(ValidationFinding(rule: rule, severity: .error, playlist: name, line: line, message: message))
        }
        func headerLine(_ match: (MediaHeaderItem) -> Bool) -> Int? {
            guard let base = update.headerLine, let k = update.header.firstIndex(where: match) else { return nil }
            return base + k
        }
        if let new = update.targetDuration, let old = previous.targetDuration, new != old {
            add(.targetDurationChanged, headerLine { if case .targetDuration = $0 { true } else { false } },
                "EXT-X-TARGETDURATION changed from \(old) to \(new) between playlist updates")
        }
        if previous.endList && update != previous {
            add(.changedAfterEndList, nil, "playlist changed after the previous version had EXT-X-ENDLIST")
        }
        let msnLine = headerLine { if case .mediaSequence = $0 { true } else { false } }
        if update.mediaSequence < previous.mediaSequence {
            add(.mediaSequenceDecreased, msnLine,
                "EXT-X-MEDIA-SEQUENCE decreased from \(previous.mediaSequence) to \(update.mediaSequence)")
            return findings
        }
        let isEvent = update.playlistType == .event || previous.playlistType == .event
        // Segment i of `previous` has sequence number previous.mediaSequence + i.
        let (offset, overflow) = update.mediaSequence.subtractingReportingOverflow(previous.mediaSequence)
        if overflow { return findings }
        if isEvent && offset != 0 {
            add(.eventSegmentsChanged, msnLine,
                "EVENT playlist removed segments: EXT-X-MEDIA-SEQUENCE went from \(previous.mediaSequence) to \(update.mediaSequence)")
            return findings
        }
        let start = offset > Int64(previous.segments.count) ? previous.segments.count : Int(offset)
        for i in start..<previous.segments.count {
            let old = previous.segments[i]
            let j = i - start
            guard j < update.segments.count else {
                if isEvent {
                    add(.eventSegmentsChanged, nil, "EVENT playlist update lost segment \(old.uri) (media sequence \(previous.mediaSequence &+ Int64(i)))")
                }
                break
            }
            let new = update.segments[j]
            if new.uri != old.uri || new.duration != old.duration {
                let rule: ValidationRule = isEvent ? .eventSegmentsChanged : .segmentChanged
                add(rule, new.line,
                    "segment with media sequence \(previous.mediaSequence &+ Int64(i)) was \(old.uri) (\(old.duration.decimalSeconds) s) and is now \(new.uri) (\(new.duration.decimalSeconds) s)")
                break
            }
        }
        return findings
    }

    // MARK: Multivariant playlist

    /// Checks a multivariant playlist: missingCodecs, missingURIForMedia, unknownAudioGroup,
    /// unknownRenditionGroup, multipleDefaults, versionTooLow, multipleVersions,
    /// missingAverageBandwidth, and, with the variants' media playlists (`media`, keyed by the
    /// URI exactly as written) and segment sizes in bytes (`sizes`, keyed the same way, one per
    /// segment), bandwidthBelowPeak and averageBandwidthMismatch. A variant's measured rate is
    /// its own playlist's plus the largest among the URI-bearing audio renditions of its AUDIO
    /// group (peak with peak, average with average). I-frame playlists without `sizes` use their
    /// BYTERANGE lengths. Variants that cannot be measured get a `notChecked` warning. Media
    /// playlists are not themselves validated here (use `validate(media:name:)`).
    public static func validate(
        multivariant: MultivariantPlaylist, name: String, media: [String: MediaPlaylist], sizes: [String: [Int64]]
    ) -> [ValidationFinding] {
        var findings: [ValidationFinding] = []
        func add(_ rule: ValidationRule, _ line: Int?, _ message: String, _ severity: Severity = .error) {
            findings.append(ValidationFinding(rule: rule, severity: severity, playlist: name, line: line, message: message))
        }
        var versions: [Int?] = []
        var requirements: [Requirement] = []
        var seenFeatures = Set<String>()
        func require(_ version: Int, _ feature: String, _ line: Int?) {
            if seenFeatures.insert(feature).inserted { requirements.append(Requirement(version: version, feature: feature, line: line)) }
        }

        // Renditions first: variants may reference groups defined later.
        struct GroupKey: Hashable { var type: MediaType; var id: String }
        var groups: [GroupKey: [Rendition]] = [:]
        var defaultSeen = Set<GroupKey>()
        for (index, item) in multivariant.items.enumerated() {
            let line = multivariant.line(at: index)
            switch item {
            case .version:
                versions.append(line)
            case .sessionKey(let a):
                if a.contains("IV") { require(2, "the IV attribute of EXT-X-SESSION-KEY", line) }
                if a.contains("KEYFORMAT") || a.contains("KEYFORMATVERSIONS") {
                    require(5, "KEYFORMAT/KEYFORMATVERSIONS in EXT-X-SESSION-KEY", line)
                }
            case .media(let a):
                guard let r = try? Rendition(attributes: a) else { continue }
                let key = GroupKey(type: r.type, id: r.groupID)
                groups[key, default: []].append(r)
                if r.isDefault && !defaultSeen.insert(key).inserted {
                    add(.multipleDefaults, line,
                        "EXT-X-MEDIA group \(r.type.rawValue) \"\(r.groupID)\" has more than one DEFAULT=YES rendition (\"\(r.name)\")")
                }
                if r.type == .closedCaptions && r.uri != nil {
                    add(.missingURIForMedia, line, "EXT-X-MEDIA TYPE=CLOSED-CAPTIONS \"\(r.name)\" must not have a URI attribute")
                }
                if r.type == .subtitles && r.uri == nil {
                    add(.missingURIForMedia, line, "EXT-X-MEDIA TYPE=SUBTITLES \"\(r.name)\" has no URI attribute")
                }
                if let instream = r.instreamID, instream.hasPrefix("SERVICE") {
                    require(7, "INSTREAM-ID=\"\(instream)\"", line)
                }
            case .other(let tag) where tag.name == "EXT-X-VERSION":
                versions.append(line)
            default:
                break
            }
        }

        // Measured rates, cached per URI (audio renditions are shared by many variants).
        var cache: [String: (peak: Int64, average: Int64)?] = [:]
        func measured(_ uri: String, iFrames: Bool) -> (peak: Int64, average: Int64)? {
            if let cached = cache[uri] { return cached }
            var result: (peak: Int64, average: Int64)?
            if let playlist = media[uri] {
                if let s = sizes[uri] {
                    result = bitrates(of: playlist, sizes: s)
                } else if iFrames {
                    var lengths: [Int64] = []
                    lengths.reserveCapacity(playlist.segments.count)
                    for segment in playlist.segments {
                        guard let r = segment.byteRange else { break }
                        lengths.append(r.length)
                    }
                    result = bitrates(of: playlist, sizes: lengths)
                }
            }
            cache[uri] = result
            return result
        }
        func saturatingAdd(_ a: Int64, _ b: Int64) -> Int64 {
            let (s, o) = a.addingReportingOverflow(b)
            return o ? Int64.max : s
        }
        func checkRates(tag: String, uri: String, bandwidth: Int64, average: Int64?, audioGroup: String?,
                        iFrames: Bool, line: Int?) {
            guard let own = measured(uri, iFrames: iFrames) else {
                let what = media[uri] == nil ? "its media playlist was not supplied"
                    : (sizes[uri] == nil && !iFrames ? "its segment sizes were not supplied"
                        : "its segment sizes do not match its segments or it has no usable target duration")
                add(.notChecked, line, "\(tag) \(uri): BANDWIDTH not checked because \(what)", .warning)
                return
            }
            var peak = own.peak
            var avg = own.average
            if let audioGroup {
                var audioPeak: Int64 = 0
                var audioAverage: Int64 = 0
                for rendition in groups[GroupKey(type: .audio, id: audioGroup)] ?? [] {
                    guard let audioURI = rendition.uri else { continue }
                    guard let rates = measured(audioURI, iFrames: false) else {
                        add(.notChecked, line,
                            "\(tag) \(uri): BANDWIDTH not checked because audio rendition \(audioURI) has no usable media playlist or segment sizes",
                            .warning)
                        return
                    }
                    audioPeak = max(audioPeak, rates.peak)
                    audioAverage = max(audioAverage, rates.average)
                }
                peak = saturatingAdd(peak, audioPeak)
                avg = saturatingAdd(avg, audioAverage)
            }
            if bandwidth < peak {
                add(.bandwidthBelowPeak, line, "\(tag) \(uri): BANDWIDTH=\(bandwidth) is below the measured peak of \(peak) bit/s")
            }
            if let average {
                let difference = average > avg ? average - avg : avg - average  // both ≥ 0: no overflow
                if HLSNumber.compareProducts(difference, 10, avg, 1) > 0 {
                    add(.averageBandwidthMismatch, line,
                        "\(tag) \(uri): AVERAGE-BANDWIDTH=\(average) is more than 10 % away from the measured average of \(avg) bit/s")
                }
            }
        }

        for (index, item) in multivariant.items.enumerated() {
            let line = multivariant.line(at: index)
            switch item {
            case .streamInf(let a, let uri):
                guard let v = try? Variant(attributes: a, uri: uri) else { continue }
                if !a.contains("CODECS") { add(.missingCodecs, line, "EXT-X-STREAM-INF \(uri) has no CODECS attribute") }
                if let g = v.audioGroup, groups[GroupKey(type: .audio, id: g)] == nil {
                    add(.unknownAudioGroup, line, "EXT-X-STREAM-INF \(uri) AUDIO=\"\(g)\" names no EXT-X-MEDIA TYPE=AUDIO group")
                }
                let others: [(String, MediaType, String?)] = [
                    ("VIDEO", .video, v.videoGroup), ("SUBTITLES", .subtitles, v.subtitlesGroup),
                    ("CLOSED-CAPTIONS", .closedCaptions, a["CLOSED-CAPTIONS"].flatMap { if case .quoted(let s) = $0 { s } else { nil } }),
                ]
                for (attribute, type, group) in others {
                    if let group, groups[GroupKey(type: type, id: group)] == nil {
                        add(.unknownRenditionGroup, line,
                            "EXT-X-STREAM-INF \(uri) \(attribute)=\"\(group)\" names no EXT-X-MEDIA TYPE=\(type.rawValue) group")
                    }
                }
                if v.averageBandwidth == nil {
                    add(.missingAverageBandwidth, line, "EXT-X-STREAM-INF \(uri) has no AVERAGE-BANDWIDTH attribute", .warning)
                }
                checkRates(tag: "EXT-X-STREAM-INF", uri: uri, bandwidth: v.bandwidth, average: v.averageBandwidth,
                           audioGroup: v.audioGroup, iFrames: false, line: line)
            case .iFrameStreamInf(let a):
                guard let v = try? IFrameVariant(attributes: a) else { continue }
                if !a.contains("CODECS") { add(.missingCodecs, line, "EXT-X-I-FRAME-STREAM-INF \(v.uri) has no CODECS attribute") }
                checkRates(tag: "EXT-X-I-FRAME-STREAM-INF", uri: v.uri, bandwidth: v.bandwidth, average: v.averageBandwidth,
                           audioGroup: nil, iFrames: true, line: line)
            default:
                break
            }
        }

        if versions.count > 1 {
            add(.multipleVersions, versions[1], "playlist has \(versions.count) EXT-X-VERSION tags; at most one is allowed")
        }
        checkVersion(requirements, declared: multivariant.version, versionLine: versions.first ?? nil, name: name, into: &findings)
        return findings
    }

    // MARK: Bit rates

    /// Peak and average segment bit rates in bits per second, rounded up (RFC 8216bis
    /// §4.4.6.2): the peak is the largest bit rate of any contiguous run of segments whose
    /// total EXTINF duration is between 0.5 and 1.5 × EXT-X-TARGETDURATION (bit rate of a run =
    /// 8 × sum of sizes / sum of durations); the average is 8 × total size / total duration.
    /// When no run qualifies (the whole playlist is shorter than half a target duration), the
    /// peak is the whole playlist's rate. Exact integer arithmetic throughout.
    ///
    /// `sizes` are bytes per segment, in segment order. Returns nil when the counts differ,
    /// there are no segments, there is no EXT-X-TARGETDURATION, a size or duration is negative,
    /// the total duration is zero, or a sum overflows. Time O(n·k), k = segments per 1.5 target
    /// durations.
    public static func bitrates(of media: MediaPlaylist, sizes: [Int64]) -> (peak: Int64, average: Int64)? {
        let segments = media.segments
        guard !segments.isEmpty, sizes.count == segments.count, let target = media.targetDuration, target >= 0 else {
            return nil
        }
        var timescale: Int32 = 1
        for segment in segments { timescale = MediaTime.commonTimescale(timescale, segment.duration.timescale) }
        var ticks: [Int64] = []
        ticks.reserveCapacity(segments.count)
        var totalTicks: Int64 = 0
        var totalSize: Int64 = 0
        for (segment, size) in zip(segments, sizes) {
            let t = segment.duration.ticks(at: timescale)
            guard t >= 0, size >= 0 else { return nil }
            ticks.append(t)
            var overflow = false
            (totalTicks, overflow) = totalTicks.addingReportingOverflow(t)
            if overflow { return nil }
            (totalSize, overflow) = totalSize.addingReportingOverflow(size)
            if overflow { return nil }
        }
        guard totalTicks > 0 else { return nil }

        let t = Int64(target)
        let ts3 = Int64(timescale) * 3
        var best: (size: Int64, ticks: Int64)?
        for i in 0..<ticks.count {
            var size: Int64 = 0
            var duration: Int64 = 0
            for j in i..<ticks.count {
                size &+= sizes[j]  // ≤ totalSize: cannot overflow
                duration &+= ticks[j]  // ≤ totalTicks
                // duration > 1.5 T  ⇔  2·duration > T·3·timescale
                if HLSNumber.compareProducts(duration, 2, t, ts3) > 0 { break }
                // duration ≥ 0.5 T  ⇔  2·duration ≥ T·timescale
                guard duration > 0, HLSNumber.compareProducts(duration, 2, t, Int64(timescale)) >= 0 else { continue }
                if let b = best {
                    if HLSNumber.compareProducts(size, b.ticks, b.size, duration) > 0 { best = (size, duration) }
                } else {
                    best = (size, duration)
                }
            }
        }
        let peakRun = best ?? (totalSize, totalTicks)
        func rate(_ size: Int64, _ duration: Int64) -> Int64 {
            let (bits, overflow) = size.multipliedReportingOverflow(by: 8)
            if overflow { return Int64.max }
            return MediaTime.scale(bits, multiplier: Int64(timescale), divisor: duration, .up)
        }
        return (rate(peakRun.size, peakRun.ticks), rate(totalSize, totalTicks))
    }
}
