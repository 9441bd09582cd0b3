/// Routes demuxed packets into the segments of each output rendition, so that every rendition
/// is cut at the same instants.
///
/// One input stream drives segmentation (see `SegmentCutter`): its packets belong to the segment
/// of the latest keyframe in decode order. Every other stream's packet belongs to the segment whose
/// time range holds its presentation time, which is only known once the driving stream has gone
/// past that time; until then the packet waits here. An output closes a segment once the next cut
/// is known and each of its streams has gone past it (or ended, or lags the driver by more than
/// `maxInterleave`, the most a sane file interleaves streams).
///
/// The planner holds only what is in flight: memory stays bounded by the file's interleaving, not
/// its length. It never touches the payloads; every payload pushed comes back exactly once, in a
/// `.write` or a `.drop` action.
///
/// A payload is the caller's handle for a packet (an index into a packet pool, say). The planner
/// is not generic on purpose: it runs once per packet, and a concrete type keeps it specialized
/// across module boundaries.
public struct SegmentPlanner: Sendable {
    /// The caller's handle for one packet.
    public typealias Payload = Int

    /// What the caller must do, in order.
    public enum Action: Sendable, Hashable {
        /// Open segment `segment` of `output` (its first packet follows).
        case begin(output: Int, segment: Int)
        /// Write a packet to the open segment of `output`.
        case write(output: Int, segment: Int, stream: Int, payload: Payload)
        /// Close segment `segment` of `output`.
        case end(output: Int, segment: Int)
        /// The packet belongs nowhere (driving-stream packets before its first keyframe).
        case drop(stream: Int, payload: Payload, reason: DropReason)
    }

    /// Why a packet was dropped.
    public enum DropReason: Sendable, Hashable {
        /// A packet of the driving stream before its first keyframe: undecodable.
        case beforeFirstKeyframe
    }

    private struct Waiting {
        var pts: MediaTime
        var payload: Payload
    }

    private struct StreamState {
        var stream: Int
        var output: Int
        var waiting: [Waiting] = []
        var waitingHead = 0
        var resolvedPTS: MediaTime?
        var finished = false
    }

    private struct Queued {
        var segment: Int
        var stream: Int
        var payload: Payload
    }

    private struct OutputState {
        var streams: [Int]
        var current = 0
        var begun = false
        var queue: [Queued] = []
        var queueHead = 0
    }

    /// The cutter, with the cuts and cue results so far.
    public private(set) var cutter: SegmentCutter
    /// The driving stream.
    public let driver: Int
    /// How far the driving stream may run ahead of another stream before that stream is taken to
    /// have nothing more for an earlier segment.
    public let maxInterleave: MediaTime
    /// The most packets a stream may hold waiting before they are placed with what is known.
    public let maxWaiting: Int

    /// Per input stream, in slot order; `slotOf` maps a stream index to its slot.
    private var streams: [StreamState]
    private var slotOf: [Int: Int]
    private var outputs: [OutputState]
    private var driverSegment = -1
    private var driverDTS: MediaTime?
    private var driverFinished = false

    /// Segments so far: `cutTimes[i]` is where segment `i` starts.
    public var cutTimes: [MediaTime] { cutter.cuts.map(\.time) }

    /// - Parameters:
    ///   - outputs: for each output rendition, the input streams it carries. Each stream belongs to
    ///     at most one output; streams not listed are not expected in `push`.
    ///   - driver: the stream whose keyframes decide the cuts; it must be in some output.
    public init(
        outputs: [[Int]], driver: Int, cutter: SegmentCutter,
        maxInterleave: MediaTime = MediaTime(seconds: 10), maxWaiting: Int = 100_000
    ) {
        self.cutter = cutter
        self.driver = driver
        self.maxInterleave = maxInterleave
        self.maxWaiting = maxWaiting
        var streams: [StreamState] = []
        var slotOf: [Int: Int] = [:]
        for (o, list) in outputs.enumerated() {
            for s in list where slotOf[s] == nil {
                slotOf[s] = streams.count
                streams.append(StreamState(stream: s, output: o))
            }
        }
        self.streams = streams
        self.slotOf = slotOf
        self.outputs = outputs.map { OutputState(streams: $0) }
    }

    /// Takes one packet in demux order. `pts` is its presentation time, `dts` its decode time
    /// (equal to `pts` for audio). Appends what to do to `actions`.
    public mutating func push(
        stream: Int, pts: MediaTime, dts: MediaTime, isKeyframe: Bool, payload: Payload,
        into actions: inout [Action]
    ) {
        guard let slot = slotOf[stream] else {
            actions.append(.drop(stream: stream, payload: payload, reason: .beforeFirstKeyframe))
            return
        }
        let output = streams[slot].output
        if stream == driver {
            if isKeyframe, let cut = cutter.keyframe(at: pts) {
                _ = cut
                driverSegment = cutter.cuts.count - 1
            }
            driverDTS = dts
            if driverSegment < 0 {
                actions.append(.drop(stream: stream, payload: payload, reason: .beforeFirstKeyframe))
                return
            }
            route(output: output, segment: driverSegment, stream: stream, payload: payload, into: &actions)
            for i in streams.indices where streams[i].stream != driver { resolveWaiting(slot: i, into: &actions) }
        } else {
            streams[slot].waiting.append(Waiting(pts: pts, payload: payload))
            resolveWaiting(slot: slot, into: &actions)
        }
        for o in outputs.indices { closeReady(output: o, into: &actions) }
    }

    /// The input has ended: places every waiting packet and closes every open segment.
    public mutating func finish(into actions: inout [Action]) {
        driverFinished = true
        for i in streams.indices {
            streams[i].finished = true
            resolveWaiting(slot: i, into: &actions)
        }
        for o in outputs.indices {
            closeReady(output: o, into: &actions)
            // Whatever remains: the current segment, then queued ones in order.
            while true {
                if outputs[o].begun {
                    actions.append(.end(output: o, segment: outputs[o].current))
                    outputs[o].begun = false
                }
                guard outputs[o].queueHead < outputs[o].queue.count else { break }
                outputs[o].current = outputs[o].queue[outputs[o].queueHead].segment
                drainQueue(output: o, into: &actions)
            }
            outputs[o].queue.removeAll()
            outputs[o].queueHead = 0
        }
    }

    // MARK: - Internals

    /// Segment index for a presentation time, given the cuts known so far.
    private func segment(for pts: MediaTime) -> Int {
        let cuts = cutter.cuts
        var i = cuts.count - 1
        while i > 0, pts < cuts[i].time { i -= 1 }
        return Swift.max(i, 0)
    }

    private mutating func resolveWaiting(slot i: Int, into actions: inout [Action]) {
        while streams[i].waitingHead < streams[i].waiting.count {
            let w = streams[i].waiting[streams[i].waitingHead]
            let known: Bool
            if driverFinished || streams[i].finished {
                known = true
            } else if let d = driverDTS, d >= w.pts {
                known = true
            } else {
                known = streams[i].waiting.count - streams[i].waitingHead > maxWaiting
            }
            guard known else { break }
            streams[i].waitingHead += 1
            streams[i].resolvedPTS = w.pts
            route(output: streams[i].output, segment: segment(for: w.pts), stream: streams[i].stream,
                  payload: w.payload, into: &actions)
        }
        if streams[i].waitingHead == streams[i].waiting.count {
            if !streams[i].waiting.isEmpty { streams[i].waiting.removeAll(keepingCapacity: true) }
            streams[i].waitingHead = 0
        } else if streams[i].waitingHead > 4096 {
            streams[i].waiting.removeFirst(streams[i].waitingHead)
            streams[i].waitingHead = 0
        }
    }

    private mutating func route(output o: Int, segment: Int, stream: Int, payload: Payload, into actions: inout [Action]) {
        if segment > outputs[o].current {
            outputs[o].queue.append(Queued(segment: segment, stream: stream, payload: payload))
            return
        }
        // Late packets (segment already closed) go into the open one: timestamps stay monotonic.
        if !outputs[o].begun {
            actions.append(.begin(output: o, segment: outputs[o].current))
            outputs[o].begun = true
        }
        actions.append(.write(output: o, segment: outputs[o].current, stream: stream, payload: payload))
    }

    /// Whether every stream of output `o` is past the start of segment `current + 1`.
    private func canClose(output o: Int) -> Bool {
        let next = outputs[o].current + 1
        let cuts = cutter.cuts
        guard next < cuts.count else { return false }
        let boundary = cuts[next].time
        for s in outputs[o].streams {
            if s == driver { continue }  // the driver reached `next` when the cut was made
            guard let slot = slotOf[s] else { continue }
            if streams[slot].finished || driverFinished { continue }
            if let r = streams[slot].resolvedPTS, r >= boundary { continue }
            if let d = driverDTS, d - boundary >= maxInterleave { continue }
            return false
        }
        return true
    }

    private mutating func closeReady(output o: Int, into actions: inout [Action]) {
        while canClose(output: o) {
            if outputs[o].begun {
                actions.append(.end(output: o, segment: outputs[o].current))
                outputs[o].begun = false
            }
            outputs[o].current += 1
            drainQueue(output: o, into: &actions)
        }
    }

    /// Writes queued packets of the now-current segment.
    private mutating func drainQueue(output o: Int, into actions: inout [Action]) {
        while outputs[o].queueHead < outputs[o].queue.count,
              outputs[o].queue[outputs[o].queueHead].segment <= outputs[o].current {
            let q = outputs[o].queue[outputs[o].queueHead]
            outputs[o].queueHead += 1
            if !outputs[o].begun {
                actions.append(.begin(output: o, segment: outputs[o].current))
                outputs[o].begun = true
            }
            actions.append(.write(output: o, segment: outputs[o].current, stream: q.stream, payload: q.payload))
        }
        if outputs[o].queueHead == outputs[o].queue.count {
            outputs[o].queue.removeAll(keepingCapacity: true)
            outputs[o].queueHead = 0
        }
    }
}
