import MediaCore

import Testing

@Suite struct BreakMarkerTests {
    /// One small case, every line checked: pre-roll, mid-roll, post-roll, both marker styles.
    @Test func smallTSGolden() throws {
        let breaks = [
            MarkedBreak(id: "pre", eventID: 1, position: .pre, at: .zero, plannedDuration: t("15")),
            MarkedBreak(id: "mid-1", eventID: 2, position: .mid, at: t("4"), plannedDuration: t("30")),
            MarkedBreak(id: "post", eventID: 3, position: .post, at: t("12"), plannedDuration: t("7.5")),
        ]
        let p = try BreakMarker.mark(content(.ts, ["4.000", "4.000", "4.000"]), breaks: breaks, markers: .both,
                                     cueStyle: .spliceInsert, programDateTime: sessionStart)
        let expected = """
            #EXTM3U
            #EXT-X-VERSION:3
            #EXT-X-TARGETDURATION:6
            #EXT-X-MEDIA-SEQUENCE:0
            #EXT-X-PLAYLIST-TYPE:VOD
            #EXT-X-INDEPENDENT-SEGMENTS
            #EXT-X-PROGRAM-DATE-TIME:2026-11-29T10:00:00.000Z
            #EXT-X-DATERANGE:ID="pre",START-DATE="2026-11-29T10:00:00.000Z",PLANNED-DURATION=15.000,SCTE35-OUT=0xFC3025000000000000FFFFF01405000000017FEFFE00000000FE00149970000000000000D9866A26
            #EXT-X-CUE-OUT:DURATION=15.000
            #EXT-X-CUE-IN
            #EXTINF:4.000,
            c0.ts
            #EXT-X-PROGRAM-DATE-TIME:2026-11-29T10:00:04.000Z
            #EXT-X-DATERANGE:ID="mid-1",START-DATE="2026-11-29T10:00:04.000Z",PLANNED-DURATION=30.000,SCTE35-OUT=\(SpliceInfoSection.breakStart(eventID: 2, pts: 360_000, duration: 2_700_000).hex)
            #EXT-X-CUE-OUT:DURATION=30.000
            #EXT-X-CUE-IN
            #EXTINF:4.000,
            c1.ts
            #EXTINF:4.000,
            c2.ts
            #EXT-X-DATERANGE:ID="post",START-DATE="2026-11-29T10:00:12.000Z",PLANNED-DURATION=7.500,SCTE35-OUT=\(SpliceInfoSection.breakStart(eventID: 3, pts: 1_080_000, duration: 675_000).hex)
            #EXT-X-ENDLIST

            """
        #expect(p.text == expected)
        #expect(try MediaPlaylist.parse(p.text) == p)
    }

    /// Every style on TS and fMP4: content lines unchanged, markers exactly where planned, the
    /// SCTE-35 cue right, and the result re-parses to itself with no validator finding.
    @Test(arguments: Container.allCases, [MarkerStyle.dateRange, .cue, .both])
    func marksEveryBreak(container: Container, markers: MarkerStyle) throws {
        let source = content(container)
        let p = try marked(container, markers)
        #expect(p.segments.map(\.uri) == source.segments.map(\.uri))
        #expect(p.segments.map(\.duration) == source.segments.map(\.duration))
        #expect(p.segments.map(\.map) == source.segments.map(\.map))
        #expect(p.header == source.header)
        #expect(p.segments[0].programDateTime == "2026-11-29T10:00:00.000Z")
        #expect(try MediaPlaylist.parse(p.text) == p)
        #expect(PlaylistValidator.validate(media: p, name: "marked.m3u8").isEmpty)

        let at: [String: Int] = ["pre": 0, "mid-1": 3, "mid-2": 7]
        for b in fourBreaks where b.position != .post {
            let segment = p.segments[at[b.id]!]
            let ranges = segment.dateRanges
            #expect(ranges.count == (markers.contains(.dateRange) ? 1 : 0))
            if let a = ranges.first {
                let date = Stitcher.programDateTime(epochMilliseconds: sessionStart + b.at.milliseconds)
                #expect(a.string("ID") == b.id)
                #expect(a.string("START-DATE") == date)
                #expect(segment.programDateTime == date)
                #expect(a.decimal("PLANNED-DURATION") == b.plannedDuration)
                let cue = try SpliceInfoSection.decode(hex: try #require(a.string("SCTE35-OUT")))
                guard case .spliceInsert(let insert) = cue.command else { Issue.record("not a splice_insert"); continue }
                #expect(insert.eventID == b.eventID && insert.outOfNetwork)
                #expect(insert.spliceTime == b.at.ticks(at: 90_000))
                #expect(insert.breakDuration?.duration == b.plannedDuration.ticks(at: 90_000))
            }
            let tags = segment.items.compactMap { if case .other(let tag) = $0 { tag.text } else { nil } }
            if markers.contains(.cue) {
                #expect(tags == ["#EXT-X-CUE-OUT:DURATION=\(b.plannedDuration.decimalString(fractionDigits: 3))", "#EXT-X-CUE-IN"])
                let inf = try #require(segment.items.firstIndex { if case .inf = $0 { true } else { false } })
                #expect(segment.items[inf - 2] == .other(Tag(name: "EXT-X-CUE-OUT", value: tags[0].dropFirst(15).description)))
                #expect(segment.items[inf - 1] == .other(Tag(name: "EXT-X-CUE-IN")))
            } else {
                #expect(tags.isEmpty)
            }
        }
        // Segments without a break carry nothing new.
        for i in [1, 2, 4, 5, 6, 8, 9] { #expect(p.segments[i] == source.segments[i]) }
        // The post-roll: a DATERANGE right before EXT-X-ENDLIST, only with `.dateRange`.
        let trailer = p.trailer.compactMap { if case .item(.dateRange(let a)) = $0 { a } else { nil } }
        #expect(trailer.map { $0.string("ID") } == (markers.contains(.dateRange) ? ["post"] : []))
        #expect(trailer.first?.string("START-DATE") == (markers.contains(.dateRange) ? "2026-11-29T10:01:00.000Z" : nil))
        #expect(p.trailer.last == .endList)
    }

    /// time_signal cues: the segmentation descriptor carries the planned duration and the UPID.
    @Test func timeSignalCues() throws {
        var breaks = fourBreaks
        breaks[1].upid = .adID("ABCD0123456H")
        let p = try marked(.ts, .dateRange, breaks: breaks, cueStyle: .providerPlacementOpportunity)
        let a = try #require(p.segments[3].dateRanges.first)
        let cue = try SpliceInfoSection.decode(hex: try #require(a.string("SCTE35-OUT")))
        #expect(cue.command == .timeSignal(pts: 18 * 90_000))
        let d = try #require(cue.segmentationDescriptors.first)
        #expect(d.type == .providerPlacementOpportunityStart && d.eventID == 2)
        #expect(d.duration == 30 * 90_000 && d.upid == .adID("ABCD0123456H"))
    }

    /// The content's own PROGRAM-DATE-TIME lines give way to the session's.
    @Test func replacesSourceProgramDateTime() throws {
        var c = content(.ts)
        c.segments[0].programDateTime = "2020-01-01T00:00:00.000Z"
        c.segments[5].programDateTime = "2020-01-01T00:00:30.000Z"
        let p = try BreakMarker.mark(c, breaks: [], markers: .both, cueStyle: .spliceInsert, programDateTime: sessionStart)
        #expect(p.segments.map(\.programDateTime) == ["2026-11-29T10:00:00.000Z"] + Array(repeating: nil, count: 9))
    }

    /// A case of `rejectsBadBreaks`.
    struct Bad: Sendable, CustomTestStringConvertible {
        var breaks: [MarkedBreak]
        var code: StitchError.Code
        var id: String
        var testDescription: String { code.rawValue }
    }

    static let bad: [Bad] = {
        func mid(_ id: String, _ event: UInt32, _ at: String, _ position: BreakPosition = .mid) -> MarkedBreak {
            MarkedBreak(id: id, eventID: event, position: position, at: t(at), plannedDuration: t("5"))
        }
        return [
            Bad(breaks: [fourBreaks[1], mid("mid-1", 9, "24")], code: .duplicateBreakID, id: "mid-1"),
            Bad(breaks: [fourBreaks[1], mid("mid-x", 2, "24")], code: .duplicateEventID, id: "mid-x"),
            Bad(breaks: [mid("m", 1, "19")], code: .notABoundary, id: "m"),
            Bad(breaks: [mid("m", 1, "66")], code: .outOfRange, id: "m"),
            Bad(breaks: [mid("p", 1, "6", .pre)], code: .positionMismatch, id: "p"),
            Bad(breaks: [mid("m", 1, "0")], code: .positionMismatch, id: "m"),
            Bad(breaks: [mid("p", 1, "54", .post)], code: .positionMismatch, id: "p"),
            Bad(breaks: [fourBreaks[1], mid("m", 7, "18")], code: .overlappingBreaks, id: "m"),
        ]
    }()

    /// The Stitcher's validation, with its codes and the break concerned.
    @Test(arguments: bad) func rejectsBadBreaks(_ bad: Bad) {
        #expect {
            try BreakMarker.mark(content(.ts), breaks: bad.breaks, markers: .both, cueStyle: .spliceInsert,
                                 programDateTime: sessionStart)
        } throws: { error in
            (error as? StitchError).map { $0.code == bad.code && $0.breakID == bad.id } ?? false
        }
    }

    /// Only finished VOD content with segments can be marked.
    @Test func rejectsUnfinishedContent() {
        var live = content(.ts)
        live.endList = false
        var empty = content(.ts)
        empty.segments = []
        for (c, code) in [(live, StitchError.Code.contentNotEnded), (empty, .emptyContent)] {
            #expect {
                try BreakMarker.mark(c, breaks: [], markers: .both, cueStyle: .spliceInsert, programDateTime: sessionStart)
            } throws: { ($0 as? StitchError)?.code == code }
        }
    }
}
