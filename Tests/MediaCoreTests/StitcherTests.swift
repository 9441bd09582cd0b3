import MediaCore

import Testing

// MARK: Fixtures

enum StitchFixtureContainer: String, CaseIterable, CustomTestStringConvertible {
    case ts, fmp4
    var testDescription: String { rawValue }
}

/// VOD content: `durations.count` segments `c<i>.ts` / `c<i>.m4s` (fMP4: MAP `init.mp4` on the
/// first segment).
private func content(_ container: StitchFixtureContainer, _ durations: [String], version: Int? = nil) -> MediaPlaylist {
    var p = MediaPlaylist(targetDuration: 6, version: version ?? (container == .ts ? 3 : 6), playlistType: .vod,
                          independentSegments: true)
    for (i, d) in durations.enumerated() {
        var s = MediaSegment(duration: t(d), uri: container == .ts ? "c\(i).ts" : "c\(i).m4s")
        if container == .fmp4 && i == 0 { s.map = AttributeList([Attribute(name: "URI", value: .quoted("init.mp4"))]) }
        p.append(s)
    }
    p.endList = true
    return p
}

/// An ad `name` with segments `name/<i>.ts|m4s` (fMP4: MAP `name/init.mp4` on the first one).
private func ad(_ container: StitchFixtureContainer, _ name: String, _ durations: [String], slot: String, version: Int? = nil) -> StitchedAd {
    var p = MediaPlaylist(targetDuration: 8, version: version ?? (container == .ts ? 3 : 6), playlistType: .vod)
    for (i, d) in durations.enumerated() {
        var s = MediaSegment(duration: t(d), uri: "\(name)/\(i).\(container == .ts ? "ts" : "m4s")")
        if container == .fmp4 && i == 0 { s.map = AttributeList([Attribute(name: "URI", value: .quoted("\(name)/init.mp4"))]) }
        p.append(s)
    }
    p.endList = true
    return StitchedAd(slotID: slot, creativeID: "cr-\(name)", playlist: p)
}

/// Content of 10 × 6 s; pre-roll (one 2-segment ad, 10 s), mid at 18 s (two ads: 7.5 s in one
/// segment, 4 s + 2.5 s), mid at 42 s (one 5 s ad), post-roll (one 2 × 3 s ad).
private func fullRequest(_ container: StitchFixtureContainer, markers: MarkerStyle = .both, style: BreakCueStyle = .spliceInsert,
                         mode: StitchRequest.Mode = .stitched) -> StitchRequest {
    let c = content(container, Array(repeating: "6.000", count: 10))
    let breaks = [
        StitchBreak(id: "break-1", eventID: 101, position: .pre, at: .zero, plannedDuration: t("10"),
                    ads: [ad(container, "adA", ["5.000", "5.000"], slot: "b1-s1")], assetURI: "https://ads.example/pre.json"),
        StitchBreak(id: "break-2", eventID: 102, position: .mid, at: t("18.000"), plannedDuration: t("15"),
                    ads: [ad(container, "adB", ["7.500"], slot: "b2-s1"), ad(container, "adC", ["4.000", "2.500"], slot: "b2-s2")],
                    assetURI: "https://ads.example/b2/master.m3u8?s=1"),
        StitchBreak(id: "break-3", eventID: 103, position: .mid, at: t("42"), plannedDuration: t("5"),
                    ads: [ad(container, "adD", ["5.000"], slot: "b3-s1")]),
        StitchBreak(id: "break-4", eventID: 104, position: .post, at: t("60.000"), plannedDuration: t("6"),
                    ads: [ad(container, "adE", ["3.000", "3.000"], slot: "b4-s1")], assetURI: "https://ads.example/post.json"),
    ]
    return StitchRequest(content: c, breaks: breaks, markers: markers, cueStyle: style, programDateTime: sessionStart, mode: mode)
}

private func isContent(_ s: MediaSegment) -> Bool { s.uri.hasPrefix("c") }

private func otherTags(_ s: MediaSegment) -> [MediaCore.Tag] {
    s.items.compactMap { if case .other(let tag) = $0 { tag } else { nil } }
}

private func trailerItems(_ p: MediaPlaylist) -> [SegmentItem] {
    p.trailer.compactMap { if case .item(let i) = $0 { i } else { nil } }
}

private func stitchError(_ request: StitchRequest) -> StitchError? {
    do {
        _ = try Stitcher.stitch(request)
        return nil
    } catch {
        return error
    }
}

/// The parser's view of `text` must equal the model, and the validator must find no errors.
private func expectValidAndRoundTrips(_ p: MediaPlaylist, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let findings = PlaylistValidator.validate(media: p, name: "stitched.m3u8")
    #expect(findings.filter { $0.severity == .error }.isEmpty, "\(findings)", sourceLocation: sourceLocation)
    let reparsed = try MediaPlaylist.parse(p.text)
    #expect(reparsed == p, sourceLocation: sourceLocation)
    #expect(reparsed.text == p.text, sourceLocation: sourceLocation)
}

// MARK: Golden

@Suite struct StitcherGoldenTests {
    /// One small case, every line checked: pre-roll, one mid-roll of two ads, post-roll, both
    /// marker styles, splice_insert cues.
    @Test func smallTSGolden() throws {
        var c = MediaPlaylist(targetDuration: 4, version: 3, playlistType: .vod)
        for i in 0..<2 { c.append(MediaSegment(duration: t("4.000"), uri: "c\(i).ts")) }
        c.endList = true
        let request = StitchRequest(
            content: c,
            breaks: [
                StitchBreak(id: "pre", eventID: 1, position: .pre, at: .zero, plannedDuration: t("5"),
                            ads: [ad(.ts, "a", ["5.000"], slot: "s1")]),
                StitchBreak(id: "mid", eventID: 2, position: .mid, at: t("4"), plannedDuration: t("5"),
                            ads: [ad(.ts, "b", ["2.000"], slot: "s2"), ad(.ts, "c", ["2.500"], slot: "s3")]),
                StitchBreak(id: "post", eventID: 3, position: .post, at: t("8"), plannedDuration: t("3"),
                            ads: [ad(.ts, "d", ["3.000"], slot: "s4")]),
            ],
            markers: .both, programDateTime: sessionStart)
        let p = try Stitcher.stitch(request)
        let expected = """
            #EXTM3U
            #EXT-X-VERSION:3
            #EXT-X-TARGETDURATION:5
            #EXT-X-MEDIA-SEQUENCE:0
            #EXT-X-PLAYLIST-TYPE:VOD
            #EXT-X-DISCONTINUITY
            #EXT-X-PROGRAM-DATE-TIME:2026-11-29T10:00:00.000Z
            #EXT-X-DATERANGE:ID="pre",START-DATE="2026-11-29T10:00:00.000Z",PLANNED-DURATION=5.000,SCTE35-OUT=\(SpliceInfoSection.breakStart(eventID: 1, pts: 0, duration: 450_000).hex)
            #EXT-X-CUE-OUT:DURATION=5.000
            #EXTINF:5.000,
            a/0.ts
            #EXT-X-DISCONTINUITY
            #EXT-X-PROGRAM-DATE-TIME:2026-11-29T10:00:05.000Z
            #EXT-X-DATERANGE:ID="pre",START-DATE="2026-11-29T10:00:00.000Z",DURATION=5.000,SCTE35-IN=\(SpliceInfoSection.breakEnd(eventID: 1, pts: 450_000).hex)
            #EXT-X-CUE-IN
            #EXTINF:4.000,
            c0.ts
            #EXT-X-DISCONTINUITY
            #EXT-X-PROGRAM-DATE-TIME:2026-11-29T10:00:09.000Z
            #EXT-X-DATERANGE:ID="mid",START-DATE="2026-11-29T10:00:09.000Z",PLANNED-DURATION=5.000,SCTE35-OUT=\(SpliceInfoSection.breakStart(eventID: 2, pts: 810_000, duration: 405_000).hex)
            #EXT-X-CUE-OUT:DURATION=4.500
            #EXTINF:2.000,
            b/0.ts
            #EXT-X-DISCONTINUITY
            #EXT-X-PROGRAM-DATE-TIME:2026-11-29T10:00:11.000Z
            #EXT-X-CUE-OUT-CONT:ElapsedTime=2.000,Duration=4.500
            #EXTINF:2.500,
            c/0.ts
            #EXT-X-DISCONTINUITY
            #EXT-X-PROGRAM-DATE-TIME:2026-11-29T10:00:13.500Z
            #EXT-X-DATERANGE:ID="mid",START-DATE="2026-11-29T10:00:09.000Z",DURATION=4.500,SCTE35-IN=\(SpliceInfoSection.breakEnd(eventID: 2, pts: 1_215_000).hex)
            #EXT-X-CUE-IN
            #EXTINF:4.000,
            c1.ts
            #EXT-X-DISCONTINUITY
            #EXT-X-PROGRAM-DATE-TIME:2026-11-29T10:00:17.500Z
            #EXT-X-DATERANGE:ID="post",START-DATE="2026-11-29T10:00:17.500Z",PLANNED-DURATION=3.000,SCTE35-OUT=\(SpliceInfoSection.breakStart(eventID: 3, pts: 1_575_000, duration: 270_000).hex)
            #EXTINF:3.000,
            d/0.ts
            #EXT-X-DATERANGE:ID="post",START-DATE="2026-11-29T10:00:17.500Z",DURATION=3.000,SCTE35-IN=\(SpliceInfoSection.breakEnd(eventID: 3, pts: 1_845_000).hex)
            #EXT-X-ENDLIST

            """
        #expect(p.text == expected)
        // The cue payloads are what the builders make; pin one literally so a builder change shows.
        #expect(SpliceInfoSection.breakStart(eventID: 1, pts: 0, duration: 450_000).hex.hasPrefix("0xFC30"))
        try expectValidAndRoundTrips(p)
    }
}

// MARK: Rules

@Suite struct StitcherRuleTests {
    /// Rule 1: content segments keep order, EXTINF and URIs; ads go in at their boundaries.
    @Test(arguments: StitchFixtureContainer.allCases) func contentOrderAndInsertionPoints(_ container: StitchFixtureContainer) throws {
        let r = fullRequest(container)
        let p = try Stitcher.stitch(r)
        let kept = p.segments.filter(isContent)
        #expect(kept.map(\.uri) == r.content.segments.map(\.uri))
        #expect(kept.map(\.duration) == r.content.segments.map(\.duration))
        #expect(kept.map(\.title) == r.content.segments.map(\.title))
        let ext = container == .ts ? "ts" : "m4s"
        let c = container == .ts ? "ts" : "m4s"
        #expect(p.segments.map(\.uri) == [
            "adA/0.\(ext)", "adA/1.\(ext)", "c0.\(c)", "c1.\(c)", "c2.\(c)",
            "adB/0.\(ext)", "adC/0.\(ext)", "adC/1.\(ext)", "c3.\(c)", "c4.\(c)", "c5.\(c)", "c6.\(c)",
            "adD/0.\(ext)", "c7.\(c)", "c8.\(c)", "c9.\(c)", "adE/0.\(ext)", "adE/1.\(ext)",
        ])
        #expect(p.totalDuration == t("60") + t("10") + t("14") + t("5") + t("6"))
    }

    /// Rule 2: DISCONTINUITY on each ad's first segment and the first content segment after a
    /// break, nowhere else; DISCONTINUITY-SEQUENCE as the content had it.
    @Test(arguments: StitchFixtureContainer.allCases) func discontinuities(_ container: StitchFixtureContainer) throws {
        let p = try Stitcher.stitch(fullRequest(container))
        let flagged = p.segments.indices.filter { p.segments[$0].discontinuity }
        #expect(flagged == [0, 2, 5, 6, 8, 12, 13, 16])
        #expect(!p.header.contains { if case .discontinuitySequence = $0 { true } else { false } })

        var r = fullRequest(container)
        r.content.discontinuitySequence = 7
        let q = try Stitcher.stitch(r)
        #expect(q.discontinuitySequence == 7)
        #expect(q.header.filter { if case .discontinuitySequence = $0 { true } else { false } }.count == 1)
    }

    /// Rule 3: an fMP4 ad's MAP on its first segment, the content's MAP again after the break;
    /// no MAP at all for TS.
    @Test func fmp4Maps() throws {
        let p = try Stitcher.stitch(fullRequest(.fmp4))
        func mapURI(_ i: Int) -> String? { p.segments[i].map?.string("URI") }
        let expected: [Int: String] = [
            0: "adA/init.mp4", 2: "init.mp4", 5: "adB/init.mp4", 6: "adC/init.mp4", 8: "init.mp4",
            12: "adD/init.mp4", 13: "init.mp4", 16: "adE/init.mp4",
        ]
        for i in p.segments.indices { #expect(mapURI(i) == expected[i], "segment \(i)") }

        let ts = try Stitcher.stitch(fullRequest(.ts))
        #expect(ts.segments.allSatisfy { $0.map == nil })
    }

    /// Rule 3, the other side: TS next to fMP4 cannot be expressed (a MAP cannot be switched off).
    @Test func mixedContainersAreRejected() {
        var r = fullRequest(.fmp4)
        r.breaks[1].ads = [ad(.ts, "tsAd", ["6.000"], slot: "x")]
        #expect(stitchError(r)?.code == .mixedContainers)
        #expect(stitchError(r)?.breakID == "break-2")

        var s = fullRequest(.ts)
        s.breaks[2].ads = [ad(.fmp4, "mp4Ad", ["6.000"], slot: "x")]
        let e = stitchError(s)
        #expect(e?.code == .mixedContainers)
        #expect(e?.description.contains("c7.ts") == true)
    }

    /// Rule 4: PROGRAM-DATE-TIME on the first segment and after each discontinuity, equal to
    /// the session start plus the stitched time before the segment.
    @Test(arguments: StitchFixtureContainer.allCases) func programDateTimes(_ container: StitchFixtureContainer) throws {
        let p = try Stitcher.stitch(fullRequest(container))
        var elapsed = MediaTime.zero
        for (i, s) in p.segments.enumerated() {
            if i == 0 || s.discontinuity {
                #expect(s.programDateTime == Stitcher.programDateTime(epochMilliseconds: sessionStart + elapsed.milliseconds))
            } else {
                #expect(s.programDateTime == nil)
            }
            elapsed += s.duration
        }
        #expect(p.segments[8].programDateTime == "2026-11-29T10:00:42.000Z")  // c3: 10 + 18 + 14 s
    }

    @Test func programDateTimeFormatting() {
        #expect(Stitcher.programDateTime(epochMilliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(Stitcher.programDateTime(epochMilliseconds: sessionStart) == "2026-11-29T10:00:00.000Z")
        #expect(Stitcher.programDateTime(epochMilliseconds: 1_709_251_199_999) == "2024-02-29T23:59:59.999Z")
        #expect(Stitcher.programDateTime(epochMilliseconds: 1_709_251_200_000) == "2024-03-01T00:00:00.000Z")
        #expect(Stitcher.programDateTime(epochMilliseconds: -1) == "1969-12-31T23:59:59.999Z")
        #expect(Stitcher.programDateTime(epochMilliseconds: 951_782_400_000) == "2000-02-29T00:00:00.000Z")
    }

    /// Rule 5: DATERANGE OUT on the break's first segment, IN (same ID and START-DATE,
    /// DURATION = filled) on the next content segment or, for a post-roll, before ENDLIST; the
    /// SCTE-35 payloads decode to the right event, PTS and duration.
    @Test(arguments: [BreakCueStyle.spliceInsert, .providerPlacementOpportunity])
    func dateRangeMarkers(_ style: BreakCueStyle) throws {
        let r = fullRequest(.ts, markers: .dateRange, style: style)
        let p = try Stitcher.stitch(r)
        let timeline = try Stitcher.timeline(r)
        #expect(p.segments.allSatisfy { otherTags($0).isEmpty })  // no cue tags
        let outs = p.segments.indices.filter { !p.segments[$0].dateRanges.filter { $0.contains("SCTE35-OUT") }.isEmpty }
        #expect(outs == [0, 5, 12, 16])
        let ins = p.segments.indices.filter { !p.segments[$0].dateRanges.filter { $0.contains("SCTE35-IN") }.isEmpty }
        #expect(ins == [2, 8, 13])
        let trailerIn = trailerItems(p).compactMap { if case .dateRange(let a) = $0 { a } else { nil } }
        #expect(trailerIn.count == 1)
        #expect(p.trailer.last == .endList)

        let closers = ins.map { p.segments[$0].dateRanges[0] } + trailerIn
        for (k, (b, outIndex)) in zip(timeline.breaks, outs).enumerated() {
            let out = p.segments[outIndex].dateRanges[0]
            let close = closers[k]
            #expect(out.string("ID") == b.id)
            #expect(close.string("ID") == b.id)
            let startDate = Stitcher.programDateTime(epochMilliseconds: b.programDateTime)
            #expect(out["START-DATE"] == .quoted(startDate))
            #expect(close["START-DATE"] == .quoted(startDate))
            #expect(out["PLANNED-DURATION"] == .token(b.plannedDuration.decimalString(fractionDigits: 3)))
            #expect(close["DURATION"] == .token(b.duration.decimalString(fractionDigits: 3)))
            #expect(out["DURATION"] == nil && close["PLANNED-DURATION"] == nil)

            let outCue = try SpliceInfoSection.decode(hex: try #require(out.string("SCTE35-OUT")))
            let inCue = try SpliceInfoSection.decode(hex: try #require(close.string("SCTE35-IN")))
            let startTicks = b.start.ticks(at: 90_000)
            let durationTicks = b.duration.ticks(at: 90_000)
            #expect(outCue == SpliceInfoSection.breakStart(eventID: b.eventID, pts: startTicks, duration: durationTicks, style: style))
            #expect(inCue == SpliceInfoSection.breakEnd(eventID: b.eventID, pts: startTicks + durationTicks, style: style))
            #expect(outCue.adjustedPTS == startTicks)
            if style == .spliceInsert, case .spliceInsert(let insert) = outCue.command {
                #expect(insert.outOfNetwork && insert.eventID == b.eventID && insert.breakDuration?.duration == durationTicks)
            }
        }
        // Break 2 starts at 10 + 18 = 28 s and lasts 7.5 + 4 + 2.5 = 14 s.
        #expect(timeline.breaks[1].start == t("28") && timeline.breaks[1].duration == t("14"))
        try expectValidAndRoundTrips(p)
    }

    /// Rule 5: the SCTE-35 PTS is the stitched time in 90 kHz ticks modulo 2^33 (it wraps after
    /// about 26.5 hours).
    @Test func ptsWrapsAt33Bits() throws {
        var c = MediaPlaylist(targetDuration: 95_444, version: 3, playlistType: .vod)
        c.append(MediaSegment(duration: t("95444.000"), uri: "c0.ts"))
        c.append(MediaSegment(duration: t("6.000"), uri: "c1.ts"))
        c.endList = true
        let p = try Stitcher.stitch(StitchRequest(content: c, breaks: [
            StitchBreak(id: "m", eventID: 9, position: .mid, at: t("95444"), plannedDuration: t("5"),
                        ads: [ad(.ts, "a", ["5.000"], slot: "s")]),
        ], markers: .dateRange, programDateTime: sessionStart))
        let out = try SpliceInfoSection.decode(hex: try #require(p.segments[1].dateRanges[0].string("SCTE35-OUT")))
        let wrapped: Int64 = 95_444 * 90_000 - (1 << 33)
        #expect(out.adjustedPTS == wrapped)
        let close = try SpliceInfoSection.decode(hex: try #require(p.segments[2].dateRanges[0].string("SCTE35-IN")))
        #expect(close.adjustedPTS == wrapped + 5 * 90_000)
    }

    /// Rule 6: CUE-OUT with the filled duration, CUE-OUT-CONT with the elapsed time on later ad
    /// segments, CUE-IN on the next content segment (post-roll: before ENDLIST); the EXTINF sum
    /// between CUE-OUT and CUE-IN equals the DURATION.
    @Test(arguments: StitchFixtureContainer.allCases) func cueMarkers(_ container: StitchFixtureContainer) throws {
        let p = try Stitcher.stitch(fullRequest(container, markers: .cue))
        #expect(p.segments.allSatisfy { $0.dateRanges.isEmpty })
        #expect(otherTags(p.segments[5]) == [MediaCore.Tag(name: "EXT-X-CUE-OUT", value: "DURATION=14.000")])
        #expect(otherTags(p.segments[6]) == [MediaCore.Tag(name: "EXT-X-CUE-OUT-CONT", value: "ElapsedTime=7.500,Duration=14.000")])
        #expect(otherTags(p.segments[7]) == [MediaCore.Tag(name: "EXT-X-CUE-OUT-CONT", value: "ElapsedTime=11.500,Duration=14.000")])
        #expect(otherTags(p.segments[8]) == [MediaCore.Tag(name: "EXT-X-CUE-IN")])
        // A post-roll returns to nothing: no CUE-OUT/-IN for it (its DATERANGE marks it).
        #expect(trailerItems(p).isEmpty)

        // Pairing and duration, as the conformance lint checks them.
        var open: (declared: MediaTime, sum: MediaTime)?
        var breaks = 0
        for s in p.segments {
            for tag in otherTags(s) where tag.name == "EXT-X-CUE-IN" {
                let o = try #require(open)
                #expect(o.declared == o.sum)
                open = nil
            }
            for tag in otherTags(s) where tag.name == "EXT-X-CUE-OUT" {
                #expect(open == nil)
                open = (t(String(try #require(tag.value).dropFirst("DURATION=".count))), .zero)
                breaks += 1
            }
            if open != nil { open!.sum += s.duration }
        }
        #expect(open == nil)
        #expect(breaks == 3)
        try expectValidAndRoundTrips(p)
    }

    /// Rule 7: TARGETDURATION = longest rounded EXTINF, never below the content's; VERSION =
    /// max(content, ads, tags).
    @Test func targetDurationAndVersion() throws {
        let p = try Stitcher.stitch(fullRequest(.ts))
        #expect(p.targetDuration == 8)  // adB's 7.500 rounds to 8
        #expect(p.version == 3)

        var r = fullRequest(.ts)
        r.content.targetDuration = 10
        r.breaks[0].ads[0].playlist.version = 4
        let q = try Stitcher.stitch(r)
        #expect(q.targetDuration == 10)
        #expect(q.version == 4)

        // Content without VERSION and integer EXTINFs, fMP4 ads: MAP needs 6.
        var c = MediaPlaylist(targetDuration: 6, playlistType: .vod)
        c.header.removeAll { if case .version = $0 { true } else { false } }
        c.append(MediaSegment(duration: MediaTime(seconds: 6), uri: "c0.m4s"))
        c.segments[0].map = AttributeList([Attribute(name: "URI", value: .quoted("init.mp4"))])
        c.endList = true
        let s = try Stitcher.stitch(StitchRequest(content: c, breaks: [
            StitchBreak(id: "p", eventID: 1, position: .post, at: t("6"), plannedDuration: t("6"),
                        ads: [ad(.fmp4, "x", ["6.000"], slot: "s", version: 6)]),
        ], programDateTime: 0))
        #expect(s.version == 6)
        try expectValidAndRoundTrips(s)
    }

    /// Rule 8: validator-clean and parser round trip for every container × marker style.
    @Test(arguments: StitchFixtureContainer.allCases, [MarkerStyle.dateRange, .cue, .both, []])
    func validAndRoundTrips(_ container: StitchFixtureContainer, _ markers: MarkerStyle) throws {
        try expectValidAndRoundTrips(try Stitcher.stitch(fullRequest(container, markers: markers)))
    }

    /// Rule 9: interstitials leave the segments alone and add one interstitial DATERANGE per break
    /// with an asset URI.
    @Test(arguments: StitchFixtureContainer.allCases) func interstitials(_ container: StitchFixtureContainer) throws {
        let r = fullRequest(container, mode: .interstitials)
        let p = try Stitcher.stitch(r)
        #expect(p.segments.map(\.uri) == r.content.segments.map(\.uri))
        #expect(p.segments.allSatisfy { !$0.discontinuity && otherTags($0).isEmpty })
        #expect(p.segments[0].programDateTime == "2026-11-29T10:00:00.000Z")
        #expect(p.segments.dropFirst().allSatisfy { $0.programDateTime == nil })
        #expect(p.targetDuration == 6)
        #expect(p.segments[0].dateRanges.map(\.text) == [
            #"ID="break-1",CLASS="com.apple.hls.interstitial",START-DATE="2026-11-29T10:00:00.000Z",DURATION=10.000,X-ASSET-LIST="https://ads.example/pre.json",X-RESUME-OFFSET=0,X-RESTRICT="SKIP,JUMP",CUE="PRE""#,
        ])
        #expect(p.segments[3].dateRanges.map(\.text) == [
            #"ID="break-2",CLASS="com.apple.hls.interstitial",START-DATE="2026-11-29T10:00:18.000Z",DURATION=15.000,X-ASSET-URI="https://ads.example/b2/master.m3u8?s=1",X-RESUME-OFFSET=0,X-RESTRICT="SKIP,JUMP""#,
        ])
        // break-3 has no asset URI: nothing.
        #expect(p.segments.indices.filter { !p.segments[$0].dateRanges.isEmpty } == [0, 3])
        #expect(trailerItems(p).map(\.text) == [
            #"#EXT-X-DATERANGE:ID="break-4",CLASS="com.apple.hls.interstitial",START-DATE="2026-11-29T10:01:00.000Z",DURATION=6.000,X-ASSET-LIST="https://ads.example/post.json",X-RESUME-OFFSET=0,X-RESTRICT="SKIP,JUMP",CUE="POST""#,
        ])
        let timeline = try Stitcher.timeline(r)
        #expect(timeline.breaks.map(\.id) == ["break-1", "break-2", "break-4"])
        #expect(timeline.breaks.map(\.start) == [.zero, t("18"), t("60")])
        #expect(timeline.duration == timeline.contentDuration)
        try expectValidAndRoundTrips(p)
    }

    /// Rule 10: the filled duration is the ads' EXTINF sum, whatever was planned; nothing is
    /// trimmed. The timeline agrees with the playlist.
    @Test func filledDurationsAndTimeline() throws {
        let r = fullRequest(.ts)
        let timeline = try Stitcher.timeline(r)
        #expect(timeline.breaks.map(\.duration) == [t("10"), t("14"), t("5"), t("6")])
        #expect(timeline.breaks.map(\.plannedDuration) == [t("10"), t("15"), t("5"), t("6")])
        #expect(timeline.breaks.map(\.start) == [.zero, t("28"), t("66"), t("89")])
        #expect(timeline.breaks[1].ads.map(\.start) == [t("28"), t("35.5")])
        #expect(timeline.breaks[1].ads.map(\.duration) == [t("7.5"), t("6.5")])
        #expect(timeline.breaks[1].ads.map(\.slotID) == ["b2-s1", "b2-s2"])
        #expect(timeline.breaks[1].programDateTime == sessionStart + 28_000)
        #expect(timeline.contentDuration == t("60") && timeline.duration == t("95"))
        let p = try Stitcher.stitch(r)
        #expect(p.totalDuration == timeline.duration)
        // Every ad starts where the playlist says.
        var starts: [String: MediaTime] = [:]
        var elapsed = MediaTime.zero
        for s in p.segments {
            if s.uri.hasSuffix("/0.ts") { starts[String(s.uri.prefix { $0 != "/" })] = elapsed }
            elapsed += s.duration
        }
        for b in timeline.breaks {
            for a in b.ads { #expect(starts[String(a.creativeID.dropFirst(3))] == a.start) }
        }
    }

    /// A break without ads is left out entirely in `.stitched` mode (but still validated).
    @Test func emptyBreakIsLeftOut() throws {
        var r = fullRequest(.ts)
        r.breaks[1].ads = []
        let p = try Stitcher.stitch(r)
        #expect(!p.segments.contains { $0.uri.hasPrefix("adB") || $0.uri.hasPrefix("adC") })
        #expect(!p.segments.contains { $0.dateRanges.contains { $0.string("ID") == "break-2" } })
        #expect(!p.segments[p.segments.firstIndex { $0.uri == "c3.ts" }!].discontinuity)
        #expect(try Stitcher.timeline(r).breaks.map(\.id) == ["break-1", "break-3", "break-4"])
        r.breaks[1].at = t("17")
        #expect(stitchError(r)?.code == .notABoundary)
    }

    /// Encrypted content: METHOD=NONE before a clear ad, the content key again after it, with an
    /// explicit IV since the media sequence numbers moved.
    @Test func encryptedContent() throws {
        var c = content(.ts, ["6.000", "6.000", "6.000"])
        c.segments[0].key = AttributeList([
            Attribute(name: "METHOD", value: .token("AES-128")), Attribute(name: "URI", value: .quoted("k.bin")),
        ])
        let r = StitchRequest(content: c, breaks: [
            StitchBreak(id: "m", eventID: 1, position: .mid, at: t("6"), plannedDuration: t("5"),
                        ads: [ad(.ts, "a", ["2.500", "2.500"], slot: "s")]),
        ], programDateTime: sessionStart)
        let p = try Stitcher.stitch(r)
        #expect(p.segments.map { $0.keys.map(\.text) } == [
            [#"METHOD=AES-128,URI="k.bin""#],
            [#"METHOD=NONE"#],
            [],
            [#"METHOD=AES-128,URI="k.bin",IV=0x00000000000000000000000000000001"#],
            [#"METHOD=AES-128,URI="k.bin",IV=0x00000000000000000000000000000002"#],
        ])
        try expectValidAndRoundTrips(p)
    }

    /// BYTERANGE without an offset continues the previous segment's resource; after a break the
    /// offset is written out.
    @Test func byteRangeOffsetsAfterBreak() throws {
        var c = content(.ts, ["6.000", "6.000"], version: 4)
        for i in c.segments.indices {
            c.segments[i].uri = "all.ts"
            c.segments[i].byteRange = ByteRange(length: 1000, offset: i == 0 ? 0 : nil)
        }
        let p = try Stitcher.stitch(StitchRequest(content: c, breaks: [
            StitchBreak(id: "m", eventID: 1, position: .mid, at: t("6"), plannedDuration: t("5"),
                        ads: [ad(.ts, "a", ["5.000"], slot: "s")]),
        ], programDateTime: sessionStart))
        #expect(p.segments.map(\.byteRange) == [ByteRange(length: 1000, offset: 0), nil, ByteRange(length: 1000, offset: 1000)])
        #expect(p.version == 4)
        try expectValidAndRoundTrips(p)
    }
}

// MARK: Errors

@Suite struct StitcherErrorTests {
    @Test func offBoundaryNamesTheNearestBoundaries() {
        var r = fullRequest(.ts)
        r.breaks[2].at = t("40.5")
        let e = stitchError(r)
        #expect(e?.code == .notABoundary)
        #expect(e?.breakID == "break-3")
        #expect(e?.description == #"break "break-3": at 40.500 s is not a content segment boundary; the nearest are 36.000 s (before segment 6) and 42.000 s (before segment 7) [not-a-boundary]"#)
        // Exact comparison across timescales: 18 s at 90 kHz is a boundary, 18.001 s is not.
        r.breaks[2].at = MediaTime(ticks90k: 18 * 90_000 + 90)
        r.breaks[1].at = MediaTime(ticks90k: 18 * 90_000)
        #expect(stitchError(r)?.code == .notABoundary)
        #expect(stitchError(r)?.breakID == "break-3")
    }

    @Test func overlappingBreaks() {
        var r = fullRequest(.ts)
        r.breaks[2].at = t("18")
        let e = stitchError(r)
        #expect(e?.code == .overlappingBreaks)
        #expect(e?.message.contains("break-2") == true && e?.message.contains("break-3") == true)
    }

    @Test func outOfRange() {
        var r = fullRequest(.ts)
        r.breaks[2].at = t("66")
        #expect(stitchError(r)?.code == .outOfRange)
        #expect(stitchError(r)?.message.contains("beyond the content's end at 60.000 s") == true)
        r.breaks[2].at = t("-6")
        #expect(stitchError(r)?.code == .outOfRange)
    }

    @Test func positionMismatch() {
        var r = fullRequest(.ts)
        r.breaks[0].at = t("6")
        #expect(stitchError(r)?.code == .positionMismatch)
        r = fullRequest(.ts)
        r.breaks[3].at = t("54")
        #expect(stitchError(r)?.code == .positionMismatch)
        r = fullRequest(.ts)
        r.breaks[1].at = t("60")
        #expect(stitchError(r)?.code == .positionMismatch)
    }

    @Test func duplicatesAndEmpties() {
        var r = fullRequest(.ts)
        r.breaks[2].id = "break-2"
        #expect(stitchError(r)?.code == .duplicateBreakID)
        r = fullRequest(.ts)
        r.breaks[2].eventID = 101
        #expect(stitchError(r)?.code == .duplicateEventID)
        r = fullRequest(.ts)
        r.breaks[2].ads[0].slotID = "b1-s1"
        #expect(stitchError(r)?.code == .duplicateSlotID)
        r = fullRequest(.ts)
        r.breaks[2].ads[0].playlist.segments = []
        #expect(stitchError(r)?.code == .emptyAd)
        r = fullRequest(.ts)
        r.content.endList = false
        #expect(stitchError(r)?.code == .contentNotEnded)
        r = fullRequest(.ts)
        r.content.segments = []
        #expect(stitchError(r)?.code == .emptyContent)
        #expect(throws: StitchError.self) { try Stitcher.timeline(r) }
    }
}
