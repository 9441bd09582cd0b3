internal import CShowrunnerAV
import MediaCore

#if canImport(Glibc)
import Glibc
#endif

/// Everything downstream of the packets: the segment planner, one `RenditionWriter` per
/// rendition folder, and the packet pool. Remuxing pushes demuxed packets into it; transcoding
/// pushes encoded ones. Packets are pooled AVPackets (`take()` a slot, fill it, `push` it; the
/// output gives it back after writing).
final class SegmentedOutput {
    let pool = PacketPool()
    private(set) var planner: SegmentPlanner
    private var writers: [RenditionWriter]
    /// Time base of each stream id.
    private var timeBase: [Int: AVRational]
    private var actions: [SegmentPlanner.Action] = []
    private let subject: String
    /// Packets of the driving stream dropped before its first keyframe.
    private(set) var droppedLeading = 0

    /// - Parameters:
    ///   - renditions: per rendition folder (under `workDir`), the streams it carries.
    ///   - driver: the stream whose keyframes decide the cuts.
    ///   - subject: what errors name (the input file).
    init(
        container: RenditionWriter.Container, workDir: String, renditions: [(id: String, sources: [StreamSource])],
        driver: Int, cutter: SegmentCutter, timelineStart: MediaTime, subject: String
    ) throws(PackageError) {
        self.subject = subject
        var writers: [RenditionWriter] = []
        var timeBase: [Int: AVRational] = [:]
        for r in renditions {
            let dir = workDir + "/" + r.id
            if mkdir(dir, 0o755) != 0 {
                throw PackageError(.outputNotWritable, dir, String(cString: strerror(errno)))
            }
            do {
                writers.append(try RenditionWriter(container: container, directory: dir, sources: r.sources, timelineStart: timelineStart))
            } catch {
                throw PackageError(.ffmpeg, subject, "cannot set up the \(r.id) rendition: \(error)")
            }
            for s in r.sources { timeBase[s.id] = s.timeBase }
        }
        self.writers = writers
        self.timeBase = timeBase
        self.planner = SegmentPlanner(outputs: renditions.map { $0.sources.map(\.id) }, driver: driver, cutter: cutter)
        actions.reserveCapacity(64)
    }

    /// A packet's time `value` in its stream's time base.
    func time(_ value: Int64, stream: Int) -> MediaTime {
        let tb = timeBase[stream] ?? AVRational(num: 1, den: 90_000)
        return MediaTime(value: value, timescale: tb.den) * Int64(tb.num)
    }

    /// Takes the packet in pool `slot` (stream id in `stream`): plans it and writes what can be
    /// written. The slot goes back to the pool.
    func push(slot: Int, stream: Int, isKeyframe: Bool) throws(PackageError) {
        let pkt = pool[slot]
        let pts = time(pkt.pointee.pts, stream: stream)
        let dts = time(pkt.pointee.dts, stream: stream)
        actions.removeAll(keepingCapacity: true)
        planner.push(stream: stream, pts: pts, dts: dts, isKeyframe: isKeyframe, payload: slot, into: &actions)
        try perform()
    }

    /// The input ended: writes what is left and closes every muxer.
    func finish() throws(PackageError) {
        actions.removeAll(keepingCapacity: true)
        planner.finish(into: &actions)
        try perform()
        for w in writers {
            do { try w.finish() } catch { throw Self.writeError(error, w.directory, subject) }
        }
    }

    var segments: [[SegmentRecord]] { writers.map(\.segments) }
    var initFiles: [String?] { writers.map(\.initFileName) }

    private func perform() throws(PackageError) {
        for action in actions {
            switch action {
            case .begin(let o, let segment):
                do { try writers[o].begin(segment: segment) } catch {
                    throw PackageError(.outputNotWritable, writers[o].directory, "\(error)")
                }
            case .write(let o, _, let stream, let slot):
                let pkt = pool[slot]
                let pts = time(pkt.pointee.pts, stream: stream)
                let end = time(pkt.pointee.pts + max(0, pkt.pointee.duration), stream: stream)
                let key = pkt.pointee.flags & AV_PKT_FLAG_KEY != 0
                do {
                    try writers[o].write(pkt, stream: stream, pts: pts, end: end, isKeyframe: key)
                } catch {
                    pool.give(slot)
                    throw Self.writeError(error, writers[o].directory, subject)
                }
                pool.give(slot)
            case .end(let o, _):
                do { try writers[o].end() } catch {
                    throw Self.writeError(error, writers[o].directory, subject)
                }
            case .drop(_, let slot, _):
                droppedLeading += 1
                pool.give(slot)
            }
        }
    }

    static func writeError(_ error: AVCallError, _ dir: String, _ input: String) -> PackageError {
        if error.code == sr_averror(ENOSPC) || error.code == sr_averror(EACCES) || error.code == sr_averror(EROFS) || error.code == sr_averror(EIO) {
            return PackageError(.outputNotWritable, dir, error.description)
        }
        return PackageError(.ffmpeg, input, "muxing failed: \(error)")
    }
}
