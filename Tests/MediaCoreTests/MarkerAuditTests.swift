import Foundation
import MediaCore

import Testing

private let plan = fourBreaks.map(MarkerAudit.Planned.init)

private func file(_ text: String, _ path: String = "a.m3u8", rendition: String? = nil) -> MarkerAudit.File {
    MarkerAudit.File(path: path, rendition: rendition ?? String(path.dropLast(5)), text: text)
}

/// `fourBreaks` filled exactly to their planned durations (so the OUT cues' break_duration, the
/// filled duration, equals the plan), as TS or fMP4.
private func stitched(_ container: Container, _ markers: MarkerStyle, postRoll: Bool) throws -> MediaPlaylist {
    func ad(_ name: String, _ durations: [String]) -> StitchedAd {
        StitchedAd(slotID: name, creativeID: name, playlist: content(container, durations, prefix: "\(name)/"))
    }
    let ads: [String: [StitchedAd]] = [
        "pre": [ad("a", ["7.500", "7.500"])],
        "mid-1": [ad("b", ["6.000", "6.000", "6.000"]), ad("c", ["6.000", "6.000"])],
        "mid-2": [ad("d", ["6.000", "6.000", "6.000", "2.500"])],
        "post": [ad("e", ["5.000", "5.000"])],
    ]
    let breaks = fourBreaks.filter { postRoll || $0.position != .post }.map { b in
        StitchBreak(id: b.id, eventID: b.eventID, position: b.position, at: b.at, plannedDuration: b.plannedDuration,
                    ads: ads[b.id]!)
    }
    return try Stitcher.stitch(StitchRequest(content: content(container), breaks: breaks, markers: markers,
                                             programDateTime: sessionStart))
}

@Suite struct MarkerAuditTests {
    /// BreakMarker output in two renditions: no finding, every break found where planned.
    @Test(arguments: Container.allCases, [MarkerStyle.dateRange, .cue, .both])
    func markedIsClean(container: Container, markers: MarkerStyle) throws {
        // Cue tags cannot mark a post-roll, so with `.cue` alone it is not planned.
        let breaks = markers == .cue ? Array(fourBreaks.dropLast()) : fourBreaks
        let text = try marked(container, markers, breaks: breaks).text
        let report = MarkerAudit.audit([file(text, "v1.m3u8"), file(text, "v2.m3u8")],
                                       planned: breaks.map(MarkerAudit.Planned.init))
        #expect(report.findings == [])
        #expect(report.breaks.map(\.breakID) == (breaks + breaks).map(\.id))
        #expect(report.breaks.map(\.contentTime) == (breaks + breaks).map(\.at))
        for b in report.breaks {
            #expect(b.dateRange == markers.contains(.dateRange))
            #expect(b.cue == (markers.contains(.cue) && b.breakID != "post"))
            let planned = breaks.first { $0.id == b.breakID }!.plannedDuration
            #expect(b.scte35Duration == (markers.contains(.dateRange) ? planned : nil))
        }
    }

    /// The exact breaks of one file, lines included.
    @Test func markedBreaksExactly() throws {
        let text = try marked(.ts).text
        let report = MarkerAudit.audit([file(text)], planned: plan)
        func found(_ id: String, _ line: Int, _ at: String, cue: Bool, _ duration: String) -> MarkerAudit.FoundBreak {
            MarkerAudit.FoundBreak(breakID: id, rendition: "a", file: "a.m3u8", line: line, contentTime: t(at), dateRange: true,
                                   cue: cue, scte35Duration: t(duration))
        }
        #expect(report.breaks == [
            found("pre", try line("#EXT-X-DATERANGE:ID=\"pre\"", in: text), "0", cue: true, "15"),
            found("mid-1", try line("#EXT-X-DATERANGE:ID=\"mid-1\"", in: text), "18", cue: true, "30"),
            found("mid-2", try line("#EXT-X-DATERANGE:ID=\"mid-2\"", in: text), "42", cue: true, "20.5"),
            found("post", try line("#EXT-X-DATERANGE:ID=\"post\"", in: text), "60", cue: false, "10"),
        ])
        #expect(report.breaks.map(\.line) == [8, 18, 30, 39])
    }

    /// Stitcher output: ad segments sit inside the breaks, so content times are still the plan's.
    @Test(arguments: Container.allCases, [MarkerStyle.dateRange, .cue, .both])
    func stitchedIsClean(container: Container, markers: MarkerStyle) throws {
        // The Stitcher marks a post-roll by its DATERANGE only.
        let postRoll = markers != .cue
        let p = try stitched(container, markers, postRoll: postRoll)
        let breaks = fourBreaks.filter { postRoll || $0.position != .post }
        let report = MarkerAudit.audit([file(p.text)], planned: breaks.map(MarkerAudit.Planned.init))
        #expect(report.findings == [], "\(p.text)")
        #expect(report.breaks.map(\.breakID) == breaks.map(\.id))
        #expect(report.breaks.map(\.contentTime) == breaks.map(\.at))
        #expect(report.breaks.allSatisfy { $0.cue == (markers.contains(.cue) && $0.breakID != "post") })
    }

    /// An underfilled stitched break: its OUT cue says what was filled, not what was planned.
    @Test func stitchedUnderfillIsReported() throws {
        var planned = plan
        planned[1].plannedDuration = t("31")
        let p = try stitched(.ts, .both, postRoll: true)
        let report = MarkerAudit.audit([file(p.text)], planned: planned)
        let d = try line("#EXT-X-DATERANGE:ID=\"mid-1\"", in: p.text)
        #expect(located(report) == ["a.m3u8:\(d) scte35DurationMismatch mid-1", "a.m3u8:\(d) plannedDurationMismatch mid-1"])
    }

    // MARK: Seeded defects

    private static let base: String = try! marked(.ts).text
    private static func at(_ prefix: String) -> Int { try! line(prefix, in: base) }
    private static let cueOut = at("#EXT-X-CUE-OUT:DURATION=30.000")
    private static let dateRange = at("#EXT-X-DATERANGE:ID=\"mid-1\"")
    private static let dateRangeText = base.split(separator: "\n")[dateRange - 1]

    @Test func cueOutWithoutIn() {
        let text = replacing(line: Self.cueOut + 1, in: Self.base, with: [])
        let report = MarkerAudit.audit([file(text)], planned: plan)
        #expect(located(report) == ["a.m3u8:\(Self.cueOut) cueOutWithoutIn mid-1"])
    }

    @Test func cueInWithoutOut() {
        let text = replacing(line: Self.cueOut, in: Self.base, with: [])
        let report = MarkerAudit.audit([file(text)], planned: plan)
        #expect(located(report) == ["a.m3u8:\(Self.cueOut) cueInWithoutOut -"])
        #expect(report.breaks.first { $0.breakID == "mid-1" }?.cue == false)
    }

    @Test func dateRangeConflict() throws {
        let c4 = try line("c4.ts", in: Self.base)
        let copy = Self.dateRangeText.replacingOccurrences(of: "10:00:18.000Z", with: "10:00:30.000Z")
        let text = replacing(line: c4, in: Self.base, with: ["c4.ts", copy])
        let report = MarkerAudit.audit([file(text)], planned: plan)
        #expect(located(report) == ["a.m3u8:\(c4 + 1) dateRangeConflict mid-1"])
        #expect(report.findings.first?.message.contains("START-DATE") == true)
    }

    @Test func scte35Invalid() throws {
        let hex = try #require(Self.dateRangeText.split(separator: "SCTE35-OUT=").last)
        var digits = Array(hex)
        digits[20] = digits[20] == "0" ? "1" : "0"
        let text = replacing(line: Self.dateRange, in: Self.base,
                             with: [Self.dateRangeText.replacingOccurrences(of: hex, with: String(digits))])
        let report = MarkerAudit.audit([file(text)], planned: plan)
        #expect(located(report) == ["a.m3u8:\(Self.dateRange) scte35Invalid mid-1"])
        #expect(report.findings.first?.message.contains("SCTE35-OUT: CRC_32") == true, "\(report.findings)")
    }

    @Test func scte35DurationMismatch() {
        let good = SpliceInfoSection.breakStart(eventID: 2, pts: 18 * 90_000, duration: 30 * 90_000).hex
        let short = SpliceInfoSection.breakStart(eventID: 2, pts: 18 * 90_000, duration: 29 * 90_000).hex
        #expect(Self.dateRangeText.contains(good))
        let text = replacing(line: Self.dateRange, in: Self.base,
                             with: [Self.dateRangeText.replacingOccurrences(of: good, with: short)])
        let report = MarkerAudit.audit([file(text)], planned: plan)
        #expect(located(report) == ["a.m3u8:\(Self.dateRange) scte35DurationMismatch mid-1"])
        #expect(report.findings.first?.message == "SCTE35-OUT break_duration is 29.000 s but the break is planned for 30.000 s")
    }

    @Test func plannedDurationMismatch() {
        let text = replacing(line: Self.dateRange, in: Self.base, with: [
            Self.dateRangeText.replacingOccurrences(of: "PLANNED-DURATION=30.000", with: "PLANNED-DURATION=31.000"),
        ])
        let report = MarkerAudit.audit([file(text)], planned: plan)
        #expect(located(report) == ["a.m3u8:\(Self.dateRange) plannedDurationMismatch mid-1"])
    }

    @Test func offBoundary() {
        let text = replacing(line: Self.dateRange, in: Self.base, with: [
            Self.dateRangeText.replacingOccurrences(of: "START-DATE=\"2026-11-29T10:00:18.000Z\"",
                                                    with: "START-DATE=\"2026-11-29T10:00:19.000Z\""),
        ])
        let report = MarkerAudit.audit([file(text)], planned: plan)
        #expect(located(report) == ["a.m3u8:\(Self.dateRange) offBoundary mid-1"])
        #expect(report.findings.first?.message
            == "START-DATE 2026-11-29T10:00:19.000Z is not the date of a segment start; the nearest is 2026-11-29T10:00:18.000Z (1.000 s away)")
    }

    /// The same instant written with another time zone and fewer digits is on the boundary.
    @Test func startDateInAnotherZone() {
        let text = replacing(line: Self.dateRange, in: Self.base, with: [
            Self.dateRangeText.replacingOccurrences(of: "START-DATE=\"2026-11-29T10:00:18.000Z\"",
                                                    with: "START-DATE=\"2026-11-29T11:30:18+01:30\""),
        ])
        #expect(MarkerAudit.audit([file(text)], planned: plan).findings == [])
    }

    @Test func misplaced() throws {
        var breaks = fourBreaks
        breaks[1].at = t("24")
        let text = try marked(.ts, breaks: breaks).text
        let report = MarkerAudit.audit([file(text)], planned: plan)
        let d = try line("#EXT-X-DATERANGE:ID=\"mid-1\"", in: text)
        #expect(located(report) == ["a.m3u8:\(d) misplaced mid-1"])
        #expect(report.findings.first?.message == "break \"mid-1\" is at content time 24.000 s but planned at 18.000 s")
    }

    @Test func missingInOneRendition() throws {
        let other = try marked(.ts, breaks: fourBreaks.filter { $0.id != "mid-2" }).text
        let report = MarkerAudit.audit([file(Self.base, "v1.m3u8"), file(other, "v2.m3u8")], planned: plan)
        let end = try line("#EXT-X-ENDLIST", in: other)
        #expect(located(report) == ["v2.m3u8:\(end) missingBreak mid-2", "v2.m3u8:\(end) renditionsDisagree mid-2"])
        #expect(report.findings.last?.message == "break \"mid-2\" is missing here but present in rendition(s) v1")
    }

    /// Two renditions disagreeing on a content time: the one off the plan is the odd one.
    @Test func renditionsDisagreeOnTime() throws {
        var breaks = fourBreaks
        breaks[1].at = t("24")
        let other = try marked(.ts, breaks: breaks).text
        let report = MarkerAudit.audit([file(other, "v1.m3u8"), file(Self.base, "v2.m3u8")], planned: plan)
        let d = try line("#EXT-X-DATERANGE:ID=\"mid-1\"", in: other)
        #expect(located(report) == ["v1.m3u8:\(d) misplaced mid-1", "v1.m3u8:\(d) renditionsDisagree mid-1"])
    }

    @Test func unplannedBreak() {
        let report = MarkerAudit.audit([file(Self.base)], planned: plan.filter { $0.id != "mid-2" })
        #expect(located(report) == ["a.m3u8:\(Self.at("#EXT-X-DATERANGE:ID=\"mid-2\"")) unplannedBreak mid-2"])
    }

    /// A lone CUE-OUT takes the planned ID at its content time, else `cue@<ms>`.
    @Test func cueOnlyIdentity() throws {
        let text = try marked(.ts, .cue).text
        let report = MarkerAudit.audit([file(text)], planned: plan.filter { $0.id != "mid-2" && $0.id != "post" })
        #expect(report.breaks.map(\.breakID) == ["pre", "mid-1", "cue@42000"])
        #expect(located(report) == ["a.m3u8:\(try line("#EXT-X-CUE-OUT:DURATION=20.500", in: text)) unplannedBreak cue@42000"])
    }

    @Test func unparsable() throws {
        let inf = try line("c4.ts", in: Self.base) - 1
        let text = replacing(line: inf, in: Self.base, with: ["#EXTINF:six,"])
        let report = MarkerAudit.audit([file(text), file(Self.base, "b.m3u8")], planned: plan)
        #expect(located(report) == ["a.m3u8:\(inf) unparsable -"])
        #expect(report.breaks.allSatisfy { $0.file == "b.m3u8" })
    }

    /// Reports encode to JSON and back (MediaTime as value + timescale).
    @Test func reportIsCodable() throws {
        let report = MarkerAudit.audit([file(Self.base)], planned: plan.filter { $0.id != "mid-2" })
        let decoded = try JSONDecoder().decode(MarkerAudit.Report.self, from: JSONEncoder().encode(report))
        #expect(decoded == report)
        #expect(!decoded.findings.isEmpty && decoded.breaks.count == 4)
    }
}
