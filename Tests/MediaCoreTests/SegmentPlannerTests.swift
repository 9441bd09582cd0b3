import MediaCore
import Testing

/// A synthetic packet: stream, pts/dts in ticks at `timescale`, keyframe flag.
private struct FakePacket: Equatable {
    var stream: Int
    var pts: Int64
    var dts: Int64
    var key: Bool
}

private func t(_ ticks: Int64, _ ts: Int32 = 90_000) -> MediaTime { MediaTime(value: ticks, timescale: ts) }

/// 30 fps video with 2-frame B-pyramid delays (dts = pts - 2 frames, keyframe every `gop` frames),
/// and 48 kHz AAC frames (1024 samples) that lead the video by `audioLead` seconds in file order.
private func interleaved(seconds: Int, gop: Int = 60, audioLeadFrames: Int = 10) -> [FakePacket] {
    let frame: Int64 = 3000  // 90 kHz
    var video: [FakePacket] = []
    for i in 0..<(seconds * 30) {
        let pts = Int64(i) * frame
        video.append(FakePacket(stream: 0, pts: pts, dts: pts - 2 * frame, key: i % gop == 0))
    }
    var audio: [FakePacket] = []
    let aframe: Int64 = 1920  // 1024 samples at 48 kHz in 90 kHz ticks
    var a: Int64 = -aframe  // priming: starts before the video
    while a < Int64(seconds) * 90_000 {
        audio.append(FakePacket(stream: 1, pts: a, dts: a, key: true))
        a += aframe
    }
    // Interleave by dts, audio running `audioLeadFrames` video frames ahead in file order.
    var out: [FakePacket] = []
    var vi = 0, ai = 0
    while vi < video.count || ai < audio.count {
        let takeAudio = ai < audio.count && (vi >= video.count || audio[ai].dts <= video[vi].dts + Int64(audioLeadFrames) * frame)
        if takeAudio { out.append(audio[ai]); ai += 1 } else { out.append(video[vi]); vi += 1 }
    }
    return out
}

private struct Run {
    var segments: [[Int: [FakePacket]]] = []  // per output: segment -> packets
    var order: [String] = []
    var cutter: SegmentCutter
}

private func run(_ packets: [FakePacket], outputs: [[Int]], target: Int64 = 6, cues: [MediaTime] = []) -> Run {
    var planner = SegmentPlanner(outputs: outputs, driver: 0,
                                      cutter: SegmentCutter(target: MediaTime(seconds: target), cues: cues, tolerance: t(1500)))
    var segs = [[Int: [FakePacket]]](repeating: [:], count: outputs.count)
    var open = [Int?](repeating: nil, count: outputs.count)
    var order: [String] = []
    var actions: [SegmentPlanner.Action] = []
    func apply() {
        for a in actions {
            switch a {
            case .begin(let o, let s):
                #expect(open[o] == nil, "begin while a segment is open")
                open[o] = s
                order.append("b\(o).\(s)")
            case .write(let o, let s, _, let i):
                #expect(open[o] == s)
                segs[o][s, default: []].append(packets[i])
            case .end(let o, let s):
                #expect(open[o] == s)
                open[o] = nil
                order.append("e\(o).\(s)")
            case .drop:
                break
            }
        }
        actions.removeAll()
    }
    for (i, p) in packets.enumerated() {
        planner.push(stream: p.stream, pts: t(p.pts), dts: t(p.dts), isKeyframe: p.key, payload: i, into: &actions)
        apply()
    }
    planner.finish(into: &actions)
    apply()
    #expect(open.allSatisfy { $0 == nil })
    return Run(segments: segs, order: order, cutter: planner.cutter)
}

@Suite struct SegmentPlannerTests {
    @Test func cutsEverySixSecondsAtKeyframes() {
        let r = run(interleaved(seconds: 20), outputs: [[0, 1]])
        #expect(r.cutter.cuts.map { $0.time } == [t(0), t(540_000), t(1_080_000), t(1_620_000)])
        #expect(r.segments[0].keys.sorted() == [0, 1, 2, 3])
    }

    @Test func audioGoesWithThePresentationTimeNotFileOrder() {
        let packets = interleaved(seconds: 20, audioLeadFrames: 15)
        let r = run(packets, outputs: [[0, 1]])
        let cuts = r.cutter.cuts.map(\.time)
        for (k, pkts) in r.segments[0] {
            let lo = k == 0 ? nil : cuts[k]
            let hi = k + 1 < cuts.count ? cuts[k + 1] : nil
            for p in pkts where p.stream == 1 {
                if let lo { #expect(t(p.pts) >= lo) }
                if let hi { #expect(t(p.pts) < hi) }
            }
        }
        // Every packet lands exactly once, and per stream in order.
        let all = r.segments[0].keys.sorted().flatMap { r.segments[0][$0]! }
        #expect(all.count == packets.count)
        for s in [0, 1] {
            let dts = all.filter { $0.stream == s }.map(\.dts)
            #expect(dts == dts.sorted())
        }
    }

    @Test func separateAudioOutputIsAlignedToTheSameCuts() {
        let r = run(interleaved(seconds: 13), outputs: [[0], [1]])
        #expect(r.segments[0].keys.sorted() == r.segments[1].keys.sorted())
        // Priming audio before the first keyframe belongs to segment 0.
        #expect(r.segments[1][0]!.first!.pts < 0)
    }

    @Test func cueForcesACutAtTheNextKeyframe() {
        // Keyframes every 2 s: a cue at 7 s cuts at 8 s (drift 1 s); 12 s cuts at 12 s exactly.
        let r = run(interleaved(seconds: 20), outputs: [[0, 1]], cues: [MediaTime(seconds: 7), MediaTime(seconds: 12)])
        #expect(r.cutter.cuts.map(\.time) == [t(0), t(540_000), t(720_000), t(1_080_000), t(1_620_000)])
        #expect(r.cutter.cueResults.map(\.actual) == [MediaTime(seconds: 8), MediaTime(seconds: 12)])
        #expect(r.cutter.cueResults.map(\.segmentIndex) == [2, 3])
        #expect(r.cutter.cueResults[0].drift == MediaTime(seconds: 1))
    }

    @Test func cuePastTheEndIsReportedUncut() {
        let r = run(interleaved(seconds: 10), outputs: [[0, 1]], cues: [MediaTime(seconds: 30)])
        #expect(r.cutter.cueResults[0].actual == nil)
    }

    @Test func longGOPMakesLongerSegmentsNotMidGOPCuts() {
        let r = run(interleaved(seconds: 30, gop: 300), outputs: [[0]])  // 10 s GOPs
        #expect(r.cutter.cuts.map(\.time) == [t(0), t(900_000), t(1_800_000)])
    }

    @Test func leadingNonKeyframesAreDropped() {
        var packets = interleaved(seconds: 8)
        // Make the first 5 video frames non-key: they come before any keyframe.
        var n = 0
        for i in packets.indices where packets[i].stream == 0 && n < 1 {
            packets[i].key = false
            n += 1
        }
        var planner = SegmentPlanner(outputs: [[0, 1]], driver: 0, cutter: SegmentCutter(target: MediaTime(seconds: 6)))
        var actions: [SegmentPlanner.Action] = []
        var dropped = 0, written = 0
        for (i, p) in packets.enumerated() {
            planner.push(stream: p.stream, pts: t(p.pts), dts: t(p.dts), isKeyframe: p.key, payload: i, into: &actions)
        }
        planner.finish(into: &actions)
        for a in actions {
            if case .drop = a { dropped += 1 }
            if case .write = a { written += 1 }
        }
        #expect(dropped == 60)  // the whole first GOP waits for a keyframe
        #expect(dropped + written == packets.count)
    }

    @Test func audioEndingEarlyDoesNotHoldVideoBack() {
        // Audio stops at 4 s; video runs to 30 s. Segments must close as video goes on (bounded
        // memory), not all at the end.
        let packets = interleaved(seconds: 30).filter { $0.stream == 0 || $0.pts < 360_000 }
        let r = run(packets, outputs: [[0, 1]])
        let firstEnd = r.order.firstIndex(of: "e0.0")!
        #expect(firstEnd < r.order.count - 2)
        #expect(r.segments[0].keys.count == 5)
    }
}
