
/// Audits the ad-break markers of published media playlists against the channel's break plan,
/// every finding naming its file and 1-based line. Works on `BreakMarker`'s marked form (breaks
/// of zero content time) and on `Stitcher` output (ads between the markers) alike: a break's
/// content time counts only the segments outside breaks. Pure; the caller reads the files.
///
/// A break, per file, is
/// * an EXT-X-DATERANGE ID any of whose tags has SCTE35-OUT, SCTE35-IN or PLANNED-DURATION (other
///   DATERANGEs, e.g. interstitials or chapters, are not breaks); it is defined by its first tag
///   with SCTE35-OUT (else PLANNED-DURATION, else its first tag), and its ad segments are those
///   starting in [START-DATE, START-DATE + DURATION) (or END-DATE) of any tag with its ID;
/// * an EXT-X-CUE-OUT, whose ad segments are those from its own up to the one carrying the next
///   EXT-X-CUE-IN. A CUE-OUT at the content time of a DATERANGE break is that break; otherwise it
///   takes the ID of the planned break at its content time, or `"cue@<ms>"`.
///
/// Times: segment starts are dated from the latest EXT-X-PROGRAM-DATE-TIME plus the exact EXTINF
/// sum since, in integer milliseconds; times compare with a tolerance of ±1 ms.
public enum MarkerAudit {
    /// One media playlist as published.
    public struct File: Sendable, Hashable {
        /// Where it was read from; findings name it.
        public var path: String
        /// The rendition it belongs to (e.g. `"v720p"`); one file per rendition and title.
        public var rendition: String
        /// The playlist text.
        public var text: String

        /// A file.
        public init(path: String, rendition: String, text: String) {
            self.path = path
            self.rendition = rendition
            self.text = text
        }
    }

    /// One break of the plan every rendition must carry.
    public struct Planned: Sendable, Hashable {
        /// The DATERANGE ID.
        public var id: String
        /// Pre, mid or post.
        public var position: BreakPosition
        /// Content time of the break (outside-break EXTINF sum before it).
        public var at: MediaTime
        /// What PLANNED-DURATION and the SCTE-35 OUT cue's `break_duration` must say.
        public var plannedDuration: MediaTime

        /// A planned break.
        public init(id: String, position: BreakPosition, at: MediaTime, plannedDuration: MediaTime) {
            self.id = id
            self.position = position
            self.at = at
            self.plannedDuration = plannedDuration
        }

        /// The plan entry of a break given to `BreakMarker.mark`.
        public init(_ marked: MarkedBreak) {
            self.init(id: marked.id, position: marked.position, at: marked.at, plannedDuration: marked.plannedDuration)
        }

        /// The plan entry of a break given to `Stitcher.stitch`.
        public init(_ stitched: StitchBreak) {
            self.init(id: stitched.id, position: stitched.position, at: stitched.at, plannedDuration: stitched.plannedDuration)
        }
    }

    /// What a finding is about. Raw values are stable.
    public enum Code: String, Sendable, Hashable, Codable, CaseIterable {
        /// The file is not a media playlist `MediaPlaylist.parse` accepts (line = the parser's).
        case unparsable
        /// An EXT-X-CUE-OUT not closed by an EXT-X-CUE-IN before the next CUE-OUT or the end.
        case cueOutWithoutIn
        /// An EXT-X-CUE-IN without an open EXT-X-CUE-OUT.
        case cueInWithoutOut
        /// Two EXT-X-DATERANGE tags with one ID give an attribute different values (RFC 8216bis
        /// §4.4.5.1), START-DATE included.
        case dateRangeConflict
        /// A DATERANGE SCTE35-OUT, SCTE35-IN or SCTE35-CMD does not decode (bad hex, CRC_32, …).
        case scte35Invalid
        /// The OUT cue's `break_duration` (or segmentation duration) is not the planned duration.
        case scte35DurationMismatch
        /// PLANNED-DURATION is not the planned duration.
        case plannedDurationMismatch
        /// A break's START-DATE is the date of no segment start (nor of the playlist's end).
        case offBoundary
        /// A break's content time is not the planned `at`.
        case misplaced
        /// A planned break is not in the file (line = EXT-X-ENDLIST, else the last line).
        case missingBreak
        /// A break in the file is not in the plan.
        case unplannedBreak
        /// A break is in some renditions but not others, or at different content times; one
        /// finding per rendition in the minority.
        case renditionsDisagree
    }

    /// One problem, located.
    public struct Finding: Sendable, Hashable, Codable, CustomStringConvertible {
        /// `File.path`.
        public var file: String
        /// 1-based line in that file.
        public var line: Int
        /// The break concerned, when there is one.
        public var breakID: String?
        /// What kind of problem.
        public var code: Code
        /// What is wrong, with the values involved.
        public var message: String

        /// A finding.
        public init(file: String, line: Int, breakID: String?, code: Code, message: String) {
            self.file = file
            self.line = line
            self.breakID = breakID
            self.code = code
            self.message = message
        }

        /// `"path:12: message [code]"`.
        public var description: String { "\(file):\(line): \(message) [\(code.rawValue)]" }
    }

    /// One break as found in one file.
    public struct FoundBreak: Sendable, Hashable, Codable {
        /// The DATERANGE ID, the planned ID a lone CUE-OUT was matched to, or `"cue@<ms>"`.
        public var breakID: String
        /// `File.rendition`.
        public var rendition: String
        /// `File.path`.
        public var file: String
        /// The line of its defining DATERANGE, else of its CUE-OUT.
        public var line: Int
        /// EXTINF sum of the segments before it that are not inside a break.
        public var contentTime: MediaTime
        /// Whether it is marked by EXT-X-DATERANGE.
        public var dateRange: Bool
        /// Whether it is marked by EXT-X-CUE-OUT.
        public var cue: Bool
        /// The `break_duration` (or segmentation duration) of its SCTE35-OUT cue, at 90 kHz;
        /// nil without a decodable OUT cue carrying one.
        public var scte35Duration: MediaTime?

        /// A found break.
        public init(breakID: String, rendition: String, file: String, line: Int, contentTime: MediaTime,
                    dateRange: Bool, cue: Bool, scte35Duration: MediaTime?) {
            self.breakID = breakID
            self.rendition = rendition
            self.file = file
            self.line = line
            self.contentTime = contentTime
            self.dateRange = dateRange
            self.cue = cue
            self.scte35Duration = scte35Duration
        }
    }

    /// The audit's result.
    public struct Report: Sendable, Hashable, Codable {
        /// Every problem, by file (in the order given) and line.
        public var findings: [Finding]
        /// Every break found, by file (in the order given) and line.
        public var breaks: [FoundBreak]

        /// A report.
        public init(findings: [Finding], breaks: [FoundBreak]) {
            self.findings = findings
            self.breaks = breaks
        }
    }

    /// Audits `files` (one media playlist per rendition of one title) against `planned`. A file
    /// that does not parse gets one `unparsable` finding and is left out of the other checks.
    public static func audit(_ files: [File], planned: [Planned]) -> Report {
        var plan: [String: Planned] = [:]
        for p in planned where plan[p.id] == nil { plan[p.id] = p }
        var findings: [(order: Int, finding: Finding)] = []
        /// A file that parsed: where it is in `files`, its last line, its breaks.
        struct Audited {
            var order: Int
            var file: File
            var endLine: Int
            var breaks: [FoundBreak]
        }
        var audited: [Audited] = []
        for (order, file) in files.enumerated() {
            let playlist: MediaPlaylist
            do {
                playlist = try MediaPlaylist.parse(file.text)
            } catch {
                findings.append((order, Finding(file: file.path, line: error.line, breakID: nil, code: .unparsable,
                                                message: error.message)))
                continue
            }
            var scan = FileScan(file: file, playlist: playlist, plan: plan)
            scan.run()
            findings += scan.findings.map { (order, $0) }
            audited.append(Audited(order: order, file: file, endLine: scan.endLine, breaks: scan.breaks))
        }

        // Renditions that disagree: presence, then content time.
        var ids: [String] = []
        for a in audited { for b in a.breaks where !ids.contains(b.breakID) { ids.append(b.breakID) } }
        for id in ids {
            let having = audited.filter { $0.breaks.contains { $0.breakID == id } }
            let lacking = audited.filter { !$0.breaks.contains { $0.breakID == id } }
            func names(_ group: [Audited]) -> String {
                group.map(\.file.rendition).joined(separator: ", ")
            }
            if !lacking.isEmpty {
                // The minority is odd; on a tie, the side that disagrees with the plan.
                let lackingOdd = lacking.count < having.count || (lacking.count == having.count && plan[id] != nil)
                for a in lackingOdd ? lacking : having {
                    let line = lackingOdd ? a.endLine : a.breaks.first { $0.breakID == id }!.line
                    let message = lackingOdd
                        ? "break \"\(id)\" is missing here but present in rendition(s) \(names(having))"
                        : "break \"\(id)\" is present here but missing in rendition(s) \(names(lacking))"
                    findings.append((a.order, Finding(file: a.file.path, line: line, breakID: id, code: .renditionsDisagree,
                                                      message: message)))
                }
            }
            // Content times: the most common wins; on a tie, the planned one, else the first file's.
            let found = having.map { a in (a, a.breaks.first { $0.breakID == id }!) }
            var groups: [(time: Int64, count: Int)] = []
            for (_, b) in found {
                let ms = b.contentTime.milliseconds
                if let g = groups.firstIndex(where: { abs($0.time - ms) <= 1 }) { groups[g].count += 1 } else { groups.append((ms, 1)) }
            }
            guard groups.count > 1 else { continue }
            let most = groups.map(\.count).max()!
            let top = groups.filter { $0.count == most }
            let agreed = top.first { g in plan[id].map { abs($0.at.milliseconds - g.time) <= 1 } ?? false } ?? top[0]
            for (a, b) in found where abs(b.contentTime.milliseconds - agreed.time) > 1 {
                findings.append((a.order, Finding(
                    file: a.file.path, line: b.line, breakID: id, code: .renditionsDisagree,
                    message: "break \"\(id)\" is at content time \(seconds(b.contentTime)) s here but at \(seconds(MediaTime(milliseconds: agreed.time))) s in \(agreed.count) other rendition(s)")))
            }
        }
        let sorted = findings.enumerated().sorted {
            ($0.element.order, $0.element.finding.line, $0.offset) < ($1.element.order, $1.element.finding.line, $1.offset)
        }
        return Report(findings: sorted.map(\.element.finding), breaks: audited.flatMap(\.breaks))
    }

    /// Seconds with 3 decimals, for messages.
    static func seconds(_ t: MediaTime) -> String { t.decimalString(fractionDigits: 3) }
}

// MARK: - One file

/// The audit of one parsed file.
private struct FileScan {
    /// One segment-level line: its item, 1-based line number, and the segment it precedes
    /// (`segments.count` for the trailer).
    struct Entry {
        var item: SegmentItem
        var line: Int
        var segment: Int
    }

    /// The tags of one break DATERANGE ID, in file order.
    struct DateRangeGroup {
        var id: String
        var tags: [Entry]

        func attributes(_ tag: Entry) -> AttributeList {
            if case .dateRange(let a) = tag.item { a } else { AttributeList() }
        }

        /// The first value of `name` among the tags.
        func first(_ name: String) -> AttributeValue? { tags.lazy.compactMap { attributes($0)[name] }.first }
    }

    /// The CUE-OUT/CUE-IN tags of a file.
    struct Cues {
        /// Every EXT-X-CUE-OUT.
        var outs: [Entry] = []
        /// The segment of each paired CUE-OUT and of its CUE-IN.
        var pairs: [(out: Int, in: Int)] = []
        /// CUE-OUTs without CUE-IN and CUE-INs without CUE-OUT.
        var unpaired: [(entry: Entry, code: MarkerAudit.Code, message: String)] = []
    }

    let file: MarkerAudit.File
    let playlist: MediaPlaylist
    let plan: [String: MarkerAudit.Planned]
    let entries: [Entry]
    /// The date (epoch ms) of each segment start and, last, of the playlist's end; nil before
    /// the first EXT-X-PROGRAM-DATE-TIME.
    let dates: [Int64?]
    /// EXT-X-ENDLIST's line, else the last line.
    let endLine: Int
    var findings: [MarkerAudit.Finding] = []
    var breaks: [MarkerAudit.FoundBreak] = []

    init(file: MarkerAudit.File, playlist: MediaPlaylist, plan: [String: MarkerAudit.Planned]) {
        self.file = file
        self.playlist = playlist
        self.plan = plan
        var entries: [Entry] = []
        for (i, segment) in playlist.segments.enumerated() {
            for (k, item) in segment.items.enumerated() { entries.append(Entry(item: item, line: (segment.line ?? 0) + k, segment: i)) }
        }
        var endLine: Int?
        for (k, item) in playlist.trailer.enumerated() {
            let line = (playlist.trailerLine ?? 0) + k
            switch item {
            case .endList: endLine = endLine ?? line
            case .item(let inner): entries.append(Entry(item: inner, line: line, segment: playlist.segments.count))
            }
        }
        self.entries = entries
        let newlines = file.text.utf8.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        self.endLine = endLine ?? max(1, newlines + (file.text.hasSuffix("\n") ? 0 : 1))

        var dates: [Int64?] = []
        var anchor: (date: Int64, time: MediaTime)?
        var time = MediaTime.zero
        for segment in playlist.segments {
            if let text = segment.programDateTime, let date = ISODate.epochMilliseconds(text) { anchor = (date, time) }
            dates.append(anchor.map { $0.date &+ (time - $0.time).milliseconds })
            time += segment.duration
        }
        dates.append(anchor.map { $0.date &+ (time - $0.time).milliseconds })
        self.dates = dates
    }

    func finding(_ line: Int, _ id: String?, _ code: MarkerAudit.Code, _ message: String) -> MarkerAudit.Finding {
        MarkerAudit.Finding(file: file.path, line: line, breakID: id, code: code, message: message)
    }

    mutating func run() {
        checkSCTE35()
        checkDateRangeConflicts()
        let groups = breakGroups()
        let cues = cueTags()
        let contentBefore = contentTimes(groups, cues)
        addDateRangeBreaks(groups, contentBefore)
        let cueIDs = addCueBreaks(cues.outs, contentBefore)
        for u in cues.unpaired { findings.append(finding(u.entry.line, cueIDs[u.entry.line], u.code, u.message)) }
        breaks.sort { $0.line < $1.line }
        checkAgainstPlan()
    }

    /// `scte35Invalid` for every SCTE35-OUT/-IN/-CMD that does not decode.
    mutating func checkSCTE35() {
        for e in entries {
            guard case .dateRange(let a) = e.item else { continue }
            for name in ["SCTE35-OUT", "SCTE35-IN", "SCTE35-CMD"] {
                guard let hex = a.string(name) else { continue }
                do {
                    _ = try SpliceInfoSection.decode(hex: hex)
                } catch {
                    findings.append(finding(e.line, a.string("ID"), .scte35Invalid, "\(name): \(error.message)"))
                }
            }
        }
    }

    /// `dateRangeConflict`, as `PlaylistValidator` finds it.
    mutating func checkDateRangeConflicts() {
        for f in PlaylistValidator.validate(media: playlist, name: file.path) where f.rule == .dateRangeConflict {
            let id = entries.first { $0.line == f.line }.flatMap { if case .dateRange(let a) = $0.item { a.string("ID") } else { nil } }
            findings.append(finding(f.line ?? endLine, id, .dateRangeConflict, f.message))
        }
    }

    /// The DATERANGE IDs that mark breaks (SCTE35-OUT, SCTE35-IN or PLANNED-DURATION in any of
    /// their tags), in order of first appearance.
    func breakGroups() -> [DateRangeGroup] {
        var groups: [DateRangeGroup] = []
        for e in entries {
            guard case .dateRange(let a) = e.item, let id = a.string("ID") else { continue }
            if let g = groups.firstIndex(where: { $0.id == id }) {
                groups[g].tags.append(e)
            } else {
                groups.append(DateRangeGroup(id: id, tags: [e]))
            }
        }
        return groups.filter { g in
            g.first("SCTE35-OUT") != nil || g.first("SCTE35-IN") != nil || g.first("PLANNED-DURATION") != nil
        }
    }

    /// The CUE-OUT/CUE-IN tags and their pairing. An unpaired CUE-OUT or CUE-IN encloses nothing
    /// (where such a break ends is anyone's guess), so it does not shift the content times after it.
    func cueTags() -> Cues {
        var cues = Cues()
        var open: Entry?
        for e in entries {
            guard case .other(let tag) = e.item else { continue }
            if tag.name == "EXT-X-CUE-OUT" {
                if let o = open {
                    cues.unpaired.append((o, .cueOutWithoutIn,
                                          "EXT-X-CUE-OUT is not closed by an EXT-X-CUE-IN before the next EXT-X-CUE-OUT on line \(e.line)"))
                }
                open = e
                cues.outs.append(e)
            } else if tag.name == "EXT-X-CUE-IN" {
                if let o = open {
                    cues.pairs.append((o.segment, e.segment))
                } else {
                    cues.unpaired.append((e, .cueInWithoutOut, "EXT-X-CUE-IN without an open EXT-X-CUE-OUT"))
                }
                open = nil
            }
        }
        if let o = open { cues.unpaired.append((o, .cueOutWithoutIn, "EXT-X-CUE-OUT is never closed by an EXT-X-CUE-IN")) }
        return cues
    }

    /// The content time before each segment and, last, at the end: the EXTINF sum of the segments
    /// before it that are not inside a break, i.e. from a paired CUE-OUT's segment up to its
    /// CUE-IN's, or starting in [START-DATE, START-DATE + DURATION) (or END-DATE) of a break ID.
    func contentTimes(_ groups: [DateRangeGroup], _ cues: Cues) -> [MediaTime] {
        var spans: [(from: Int64, to: Int64)] = []
        for g in groups {
            guard let start = g.first("START-DATE").flatMap({ ISODate.epochMilliseconds($0.string) }) else { continue }
            for tag in g.tags {
                let a = g.attributes(tag)
                if let d = a.decimal("DURATION") { spans.append((start, start &+ d.milliseconds)) }
                if let end = a.string("END-DATE").flatMap(ISODate.epochMilliseconds) { spans.append((start, end)) }
            }
        }
        var contentBefore: [MediaTime] = [.zero]
        for (i, segment) in playlist.segments.enumerated() {
            let inBreak = cues.pairs.contains { $0.out <= i && i < $0.in }
                || spans.contains { s in dates[i].map { s.from <= $0 && $0 < s.to } ?? false }
            contentBefore.append(contentBefore[i] + (inBreak ? .zero : segment.duration))
        }
        return contentBefore
    }

    /// A break per DATERANGE ID, defined by its first tag with SCTE35-OUT (else PLANNED-DURATION,
    /// else its first tag), with `offBoundary` and the duration checks.
    mutating func addDateRangeBreaks(_ groups: [DateRangeGroup], _ contentBefore: [MediaTime]) {
        for g in groups {
            let tag = g.tags.first { g.attributes($0).contains("SCTE35-OUT") }
                ?? g.tags.first { g.attributes($0).contains("PLANNED-DURATION") } ?? g.tags[0]
            let a = g.attributes(tag)
            // At the boundary START-DATE names; when it names none, where the tag sits.
            var contentTime = contentBefore[tag.segment]
            switch boundary((a["START-DATE"] ?? g.first("START-DATE"))?.string) {
            case .at(let i): contentTime = contentBefore[i]
            case .off(let problem): findings.append(finding(tag.line, g.id, .offBoundary, problem))
            }
            let cue = a.string("SCTE35-OUT").flatMap { try? SpliceInfoSection.decode(hex: $0) }
            let duration = cue.flatMap(Self.breakDuration)
            breaks.append(MarkerAudit.FoundBreak(breakID: g.id, rendition: file.rendition, file: file.path, line: tag.line,
                                                 contentTime: contentTime, dateRange: true, cue: false, scte35Duration: duration))
            guard let p = plan[g.id] else { continue }
            if let duration, !Self.close(duration, p.plannedDuration) {
                findings.append(finding(tag.line, g.id, .scte35DurationMismatch,
                                        "SCTE35-OUT break_duration is \(MarkerAudit.seconds(duration)) s but the break is planned for \(MarkerAudit.seconds(p.plannedDuration)) s"))
            }
            if let planned = g.tags.lazy.compactMap({ g.attributes($0).decimal("PLANNED-DURATION") }).first,
               !Self.close(planned, p.plannedDuration) {
                findings.append(finding(tag.line, g.id, .plannedDurationMismatch,
                                        "PLANNED-DURATION is \(MarkerAudit.seconds(planned)) s but the break is planned for \(MarkerAudit.seconds(p.plannedDuration)) s"))
            }
        }
    }

    /// Each CUE-OUT joins the DATERANGE break at its content time, else becomes a break with the
    /// ID of the planned break there (or `"cue@<ms>"`). Returns the ID by CUE-OUT line.
    mutating func addCueBreaks(_ outs: [Entry], _ contentBefore: [MediaTime]) -> [Int: String] {
        var ids: [Int: String] = [:]
        for e in outs {
            let time = contentBefore[e.segment]
            if let k = breaks.firstIndex(where: { $0.dateRange && !$0.cue && Self.close($0.contentTime, time) }) {
                breaks[k].cue = true
                ids[e.line] = breaks[k].breakID
                continue
            }
            let id = plan.values.filter { p in Self.close(p.at, time) && !breaks.contains { $0.breakID == p.id } }
                .min { $0.id < $1.id }?.id ?? "cue@\(time.milliseconds)"
            ids[e.line] = id
            breaks.append(MarkerAudit.FoundBreak(breakID: id, rendition: file.rendition, file: file.path, line: e.line,
                                                 contentTime: time, dateRange: false, cue: true, scte35Duration: nil))
        }
        return ids
    }

    /// `unplannedBreak`, `misplaced` and `missingBreak`.
    mutating func checkAgainstPlan() {
        for b in breaks {
            guard let p = plan[b.breakID] else {
                findings.append(finding(b.line, b.breakID, .unplannedBreak,
                                        "break \"\(b.breakID)\" at content time \(MarkerAudit.seconds(b.contentTime)) s is not in the plan"))
                continue
            }
            if !Self.close(b.contentTime, p.at) {
                findings.append(finding(b.line, b.breakID, .misplaced,
                                        "break \"\(b.breakID)\" is at content time \(MarkerAudit.seconds(b.contentTime)) s but planned at \(MarkerAudit.seconds(p.at)) s"))
            }
        }
        for p in plan.values.sorted(by: { ($0.at, $0.id) < ($1.at, $1.id) }) where !breaks.contains(where: { $0.breakID == p.id }) {
            findings.append(finding(endLine, p.id, .missingBreak,
                                    "planned \(p.position.rawValue)-roll \"\(p.id)\" at \(MarkerAudit.seconds(p.at)) s is not marked"))
        }
    }

    /// Where a break's START-DATE falls: at segment start (or playlist end) `index`, or off
    /// every boundary, with why.
    enum Boundary {
        case at(index: Int)
        case off(String)
    }

    /// The boundary whose date is `text` (±1 ms); the first one when several share a date.
    func boundary(_ text: String?) -> Boundary {
        guard let text else { return .off("EXT-X-DATERANGE has no START-DATE") }
        guard let date = ISODate.epochMilliseconds(text) else {
            return .off("START-DATE \"\(text)\" is not an ISO 8601 date with a time zone")
        }
        let known = dates.compactMap { $0 }
        guard let nearest = known.min(by: { abs($0 - date) < abs($1 - date) }) else {
            return .off("START-DATE \(text) cannot be placed: the playlist has no EXT-X-PROGRAM-DATE-TIME")
        }
        if let i = dates.firstIndex(where: { $0.map { abs($0 - date) <= 1 } ?? false }) { return .at(index: i) }
        return .off("START-DATE \(text) is not the date of a segment start; the nearest is \(Stitcher.programDateTime(epochMilliseconds: nearest)) (\(MarkerAudit.seconds(MediaTime(milliseconds: date - nearest))) s away)")
    }

    /// Whether `d` and `e` are within 1 ms.
    static func close(_ d: MediaTime, _ e: MediaTime) -> Bool { abs((d - e).ticks(at: 1_000_000)) <= 1000 }

    /// The OUT cue's `break_duration`, else its first segmentation duration.
    static func breakDuration(_ cue: SpliceInfoSection) -> MediaTime? {
        if case .spliceInsert(let insert) = cue.command, let d = insert.breakDuration { return d.mediaTime }
        return cue.segmentationDescriptors.lazy.compactMap(\.duration).first.map(MediaTime.init(ticks90k:))
    }
}

// MARK: - Dates

/// EXT-X-PROGRAM-DATE-TIME / START-DATE values as epoch milliseconds.
private enum ISODate {
    /// `YYYY-MM-DDThh:mm:ss[.f…](Z|±hh:mm|±hhmm)` (RFC 3339 with a time zone, as HLS requires)
    /// as milliseconds since 1970-01-01T00:00:00Z; fraction digits past milliseconds are cut.
    /// Nil for anything else, including impossible dates (`2026-02-30`).
    static func epochMilliseconds(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int64? {
            guard from + count <= b.count else { return nil }
            var v: Int64 = 0
            for k in from..<(from + count) {
                guard b[k] >= 0x30, b[k] <= 0x39 else { return nil }
                v = v * 10 + Int64(b[k] - 0x30)
            }
            return v
        }
        func isByte(_ i: Int, _ c: Unicode.Scalar) -> Bool { i < b.count && b[i] == UInt8(ascii: c) }
        guard let year = number(0, 4), isByte(4, "-"), let month = number(5, 2), isByte(7, "-"), let day = number(8, 2),
              isByte(10, "T"), let hour = number(11, 2), isByte(13, ":"), let minute = number(14, 2), isByte(16, ":"),
              let second = number(17, 2),
              (1...12).contains(month), day >= 1, day <= daysInMonth(year, month), hour < 24, minute < 60, second < 60
        else { return nil }
        var i = 19
        var millis: Int64 = 0
        if isByte(i, ".") {
            i += 1
            var digits = 0
            while let d = number(i, 1) {
                if digits < 3 { millis = millis * 10 + d }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            while digits < 3 {
                millis *= 10
                digits += 1
            }
        }
        var offset: Int64 = 0
        if isByte(i, "Z") {
            i += 1
        } else if isByte(i, "+") || isByte(i, "-") {
            let sign: Int64 = isByte(i, "-") ? -1 : 1
            let colon = isByte(i + 3, ":") ? 1 : 0
            guard let h = number(i + 1, 2), let m = number(i + 3 + colon, 2), h < 24, m < 60 else { return nil }
            offset = sign * (h * 60 + m)
            i += 5 + colon
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = y / 400
        let yoe = y - era * 400
        let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
        return (((days * 24 + hour) * 60 + minute - offset) * 60 + second) * 1000 + millis
    }

    static func daysInMonth(_ year: Int64, _ month: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
