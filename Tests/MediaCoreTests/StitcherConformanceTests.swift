import Foundation
import MediaCore

import Testing

/// The conformance kit's playlist lint (`check.sh lint`, m3u8 + threefive + its own rules) over
/// stitched playlists: SCTE-35 CRC and OUT/IN flags, CUE-OUT/CUE-IN pairing and duration,
/// DATERANGE with PROGRAM-DATE-TIME, TARGETDURATION, VERSION, MAP, segment reachability. The
/// lint only sniffs the first bytes of each segment, so placeholder files stand in for media.
@Suite struct StitcherConformanceTests {
    private static func durations(_ ds: [String]) -> [MediaTime] { ds.map { MediaTime(decimal: $0)! } }

    /// Content 10 × 6 s and the four breaks of the rule tests, as TS or fMP4.
    private static func request(fmp4: Bool, markers: MarkerStyle, postRoll: Bool,
                                style: BreakCueStyle = .spliceInsert) -> StitchRequest {
        let ext = fmp4 ? "m4s" : "ts"
        func playlist(_ prefix: String, _ ds: [String]) -> MediaPlaylist {
            var p = MediaPlaylist(targetDuration: 8, version: fmp4 ? 6 : 3, playlistType: .vod)
            for (i, d) in durations(ds).enumerated() {
                var s = MediaSegment(duration: d, uri: "\(prefix)\(i).\(ext)")
                if fmp4 && i == 0 { s.map = AttributeList([Attribute(name: "URI", value: .quoted("\(prefix)init.mp4"))]) }
                p.append(s)
            }
            p.endList = true
            return p
        }
        func ad(_ name: String, _ ds: [String]) -> StitchedAd {
            StitchedAd(slotID: name, creativeID: name, playlist: playlist("\(name)_", ds))
        }
        var breaks = [
            StitchBreak(id: "break-1", eventID: 1, position: .pre, at: .zero, plannedDuration: MediaTime(seconds: 10),
                        ads: [ad("adA", ["5.000", "5.000"])]),
            StitchBreak(id: "break-2", eventID: 2, position: .mid, at: MediaTime(seconds: 18), plannedDuration: MediaTime(seconds: 15),
                        ads: [ad("adB", ["7.500"]), ad("adC", ["4.000", "2.500"])]),
            StitchBreak(id: "break-3", eventID: 3, position: .mid, at: MediaTime(seconds: 42), plannedDuration: MediaTime(seconds: 5),
                        ads: [ad("adD", ["5.000"])]),
        ]
        if postRoll {
            breaks.append(StitchBreak(id: "break-4", eventID: 4, position: .post, at: MediaTime(seconds: 60),
                                      plannedDuration: MediaTime(seconds: 6), ads: [ad("adE", ["3.000", "3.000"])]))
        }
        return StitchRequest(content: playlist("c", Array(repeating: "6.000", count: 10)), breaks: breaks,
                             markers: markers, cueStyle: style, programDateTime: 1_795_946_400_000)
    }

    /// Pre-roll + two mid-rolls with both marker styles (splice_insert and time_signal PPO cues);
    /// pre + 2 mids + post with DATERANGE markers: lint OK with no warnings.
    @Test(arguments: [false, true], [
        (MarkerStyle.both, false, BreakCueStyle.spliceInsert), (.both, false, .providerPlacementOpportunity),
        (.dateRange, true, .spliceInsert),
    ])
    func lintPasses(fmp4: Bool, variant: (markers: MarkerStyle, postRoll: Bool, style: BreakCueStyle)) throws {
        if PlaylistLint.skipped("StitcherConformanceTests") { return }
        let p = try Stitcher.stitch(Self.request(fmp4: fmp4, markers: variant.markers, postRoll: variant.postRoll,
                                                 style: variant.style))
        let r = try PlaylistLint.lint(p.text, fmp4: fmp4)
        #expect(r.status == 0, "\(r.output)\n\(p.text)")
        #expect(r.output.contains("OK   lint   0 errors, 0 warnings"), "\(r.output)")
    }

    /// Pre + two mids + post with both marker styles: the post-roll carries its DATERANGE
    /// OUT/IN only (no CUE-OUT/-IN: there is no segment to return to), and the lint passes clean.
    @Test(arguments: [false, true]) func lintPassesWithPostRoll(fmp4: Bool) throws {
        if PlaylistLint.skipped("StitcherConformanceTests") { return }
        let p = try Stitcher.stitch(Self.request(fmp4: fmp4, markers: .both, postRoll: true))
        let r = try PlaylistLint.lint(p.text, fmp4: fmp4)
        #expect(r.status == 0, "\(r.output)\n\(p.text)")
        #expect(r.output.contains("OK   lint   0 errors, 0 warnings"), "\(r.output)")
    }

    /// The harness really lints: the same playlist with one SCTE-35 byte flipped (CRC mismatch)
    /// and the first ad's CUE-OUT DURATION off by 2 s fails.
    @Test func lintCatchesBrokenMarkers() throws {
        if PlaylistLint.skipped("StitcherConformanceTests") { return }
        var p = try Stitcher.stitch(Self.request(fmp4: false, markers: .both, postRoll: false))
        for (k, item) in p.segments[0].items.enumerated() {
            switch item {
            case .dateRange(var a):
                let hex = try #require(a.string("SCTE35-OUT"))
                a["SCTE35-OUT"] = .token(String(hex.dropLast()) + (hex.hasSuffix("0") ? "1" : "0"))
                p.segments[0].items[k] = .dateRange(a)
            case .other(let tag) where tag.name == "EXT-X-CUE-OUT":
                p.segments[0].items[k] = .other(MediaCore.Tag(name: tag.name, value: "DURATION=12.000"))
            default:
                break
            }
        }
        let r = try PlaylistLint.lint(p.text, fmp4: false)
        #expect(r.status != 0)
        #expect(r.output.contains("CRC_32 mismatch"), "\(r.output)")
        #expect(r.output.contains("CUE-OUT DURATION 12.0 != ad segments 10.000s"), "\(r.output)")
    }
}
