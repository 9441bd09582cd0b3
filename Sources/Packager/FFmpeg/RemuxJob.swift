internal import CShowrunnerAV
import MediaCore

#if canImport(Glibc)
import Glibc
#endif

/// One rendition to write: which input streams go in it and where.
struct RenditionPlan {
    var id: String
    var streams: [SelectedStream]
    var video: SelectedStream? { streams.first { $0.kind == .video } }
    var audio: SelectedStream? { streams.first { $0.kind == .audio } }
}

/// What a finished remux produced, before playlists are written.
struct RemuxResult {
    var plans: [RenditionPlan]
    var segments: [[SegmentRecord]]
    var initFiles: [String?]
    var cuts: [MediaTime]
    /// Time of the first keyframe (segment 0 start) on the input timeline.
    var origin: MediaTime
    var cueResults: [SegmentCutter.CueResult]
    var warnings: [String]
}

/// Folder names that must not repeat: "v720p", then "v720p-2", ...
struct UniqueNames {
    private var used: Set<String> = []

    mutating func take(_ base: String) -> String {
        var id = base
        var n = 2
        while used.contains(id) { id = "\(base)-\(n)"; n += 1 }
        used.insert(id)
        return id
    }
}

/// Reusable AVPackets: the demux loop takes one per packet and gives it back after writing, so
/// the packet structs are allocated once (the data buffers belong to the demuxer).
final class PacketPool {
    private var packets: [UnsafeMutablePointer<AVPacket>] = []
    private var free: [Int] = []

    func take() -> Int {
        if let i = free.popLast() { return i }
        guard let p = av_packet_alloc() else { fatalError("av_packet_alloc: out of memory") }
        packets.append(p)
        return packets.count - 1
    }

    subscript(i: Int) -> UnsafeMutablePointer<AVPacket> { packets[i] }

    func give(_ i: Int) {
        av_packet_unref(packets[i])
        free.append(i)
    }

    deinit {
        for p in packets {
            var q: UnsafeMutablePointer<AVPacket>? = p
            av_packet_free(&q)
        }
    }
}

/// Reads the input once and writes every rendition's segments (no re-encode).
struct RemuxJob {
    var request: PackageRequest
    var workDir: String
    var progress: (@Sendable (PackageProgress) -> Void)?
    var cancel: CancellationFlag?

    func run() throws(PackageError) -> RemuxResult {
        let input = try InputFile(path: request.input)
        let selection = try StreamSelection(input: input)
        var warnings = selection.warnings
        if request.format == .ts, selection.video?.codecName == "hevc" {
            warnings.append("HEVC in MPEG-TS segments does not play on Apple devices or in hls.js; use --format fmp4 for HEVC")
        }
        let plans = Self.plan(selection, format: request.format)
        let selected = (selection.video.map { [$0] } ?? []) + selection.audio
        let driver = selection.video ?? selection.audio[0]
        let tolerance = driver.halfFrame ?? MediaTime(value: 1, timescale: 1000)
        // Where the program starts showing: an MP4 edit list can start inside the first GOP. fMP4
        // keeps the edit list (players skip the frames before it), so cue times and durations
        // count from there; TS cannot skip frames, so they count from the first keyframe.
        let driverStart = Self.startTime(input, driver)
        let cutter = SegmentCutter(target: request.segmentDuration, cues: request.cues, tolerance: tolerance,
                                   presentationStart: request.format == .fmp4 ? driverStart : nil)
        let output = try SegmentedOutput(
            container: request.format == .ts ? .ts : .fmp4, workDir: workDir,
            renditions: plans.map { p in (p.id, p.streams.map { StreamSource.input(input, $0.index) }) },
            driver: driver.index, cutter: cutter, timelineStart: Self.timelineStart(input, selected), subject: request.input)

        // Per input stream: whether it is packaged, whether video, and its last DTS (monotonicity).
        let streamCount = input.streamCount
        var wanted = [Bool](repeating: false, count: streamCount)
        var isVideo = [Bool](repeating: false, count: streamCount)
        for s in selected {
            wanted[s.index] = true
            isVideo[s.index] = s.kind == .video
        }
        var lastDTS = [Int64](repeating: Int64.min, count: streamCount)
        var packetCount = [Int](repeating: 0, count: streamCount)
        let pool = output.pool
        let nopts = sr_nopts_value()
        let total = input.duration
        var lastProgress: Int64 = 0

        while true {
            if let cancel, cancel.isCancelled {
                throw PackageError(.cancelled, request.input, "cancelled")
            }
            let slot = pool.take()
            let pkt = pool[slot]
            let ret = av_read_frame(input.context, pkt)
            if ret < 0 {
                pool.give(slot)
                if ret == sr_averror_eof() { break }
                throw Self.readError(ret, input)
            }
            let s = Int(pkt.pointee.stream_index)
            guard s >= 0, s < streamCount, wanted[s] else {
                pool.give(slot)
                continue
            }
            // Timestamps: DTS must rise; a packet with none gets its PTS (or fails for video).
            if pkt.pointee.dts == nopts { pkt.pointee.dts = pkt.pointee.pts }
            if pkt.pointee.pts == nopts { pkt.pointee.pts = pkt.pointee.dts }
            if pkt.pointee.dts == nopts {
                pool.give(slot)
                throw PackageError(.badTimestamps, request.input,
                    "stream #\(s) packet \(packetCount[s]) has no timestamp\(Self.at(pkt.pointee.pos))")
            }
            if pkt.pointee.dts <= lastDTS[s] {
                let now = output.time(pkt.pointee.dts, stream: s)
                let before = output.time(lastDTS[s], stream: s)
                pool.give(slot)
                throw PackageError(.badTimestamps, request.input,
                    "non-monotonic timestamps in stream #\(s): packet \(packetCount[s]) has DTS \(now.decimalString(fractionDigits: 3)) s, not after the previous packet's \(before.decimalString(fractionDigits: 3)) s\(Self.at(pkt.pointee.pos))")
            }
            lastDTS[s] = pkt.pointee.dts
            packetCount[s] += 1
            let key = isVideo[s] ? pkt.pointee.flags & AV_PKT_FLAG_KEY != 0 : true
            let pts = output.time(pkt.pointee.pts, stream: s)
            try output.push(slot: slot, stream: s, isKeyframe: key)

            if let progress, s == driver.index, packetCount[s] & 63 == 0, let origin = output.planner.cutter.origin {
                let done = pts - origin
                let ms = done.milliseconds
                if ms - lastProgress >= 200 {
                    lastProgress = ms
                    progress(PackageProgress(processed: done, total: total, bytesRead: avio_tell(input.context.pointee.pb), bytesTotal: input.size))
                }
            }
        }
        try output.finish()
        if request.format == .ts, driver.kind == .video, let driverStart, let first = output.planner.cutTimes.first, driverStart - first > tolerance {
            warnings.append("the input's edit list starts \((driverStart - first).decimalString(fractionDigits: 3)) s after the first keyframe; TS cannot skip frames, so players show those \((driverStart - first).decimalString(fractionDigits: 3)) s too (fMP4 keeps the edit list)")
        }
        if output.droppedLeading > 0 {
            warnings.append("\(output.droppedLeading) packets before the first keyframe were dropped (undecodable)")
        }
        guard let start = output.planner.cutter.origin else {
            throw PackageError(.corruptInput, request.input,
                selection.video != nil ? "no keyframe in the video stream" : "no audio packets")
        }
        if let progress {
            progress(PackageProgress(processed: total ?? .zero, total: total, bytesRead: input.size, bytesTotal: input.size))
        }
        for w in FFmpegLog.errors() where !w.isEmpty {
            warnings.append("ffmpeg: \(w)")
        }
        return RemuxResult(
            plans: plans, segments: output.segments, initFiles: output.initFiles,
            cuts: output.planner.cutTimes, origin: start, cueResults: output.planner.cutter.cueResults, warnings: warnings)
    }

    /// The renditions: TS muxes the default audio with the video and puts other languages in
    /// audio-only renditions; fMP4 gives every track its own rendition.
    static func plan(_ sel: StreamSelection, format: SegmentFormat) -> [RenditionPlan] {
        var plans: [RenditionPlan] = []
        var names = UniqueNames()
        func unique(_ base: String) -> String { names.take(base) }
        var audio = sel.audio[...]
        if let v = sel.video {
            var streams = [v]
            if format == .ts, let a = audio.first {
                streams.append(a)
                audio = audio.dropFirst()
            }
            plans.append(RenditionPlan(id: unique("v\(v.height)p"), streams: streams))
        }
        for a in audio {
            plans.append(RenditionPlan(id: unique("audio-" + (sanitize(a.language) ?? "\(a.index)")), streams: [a]))
        }
        return plans
    }

    /// A language tag safe for a folder name ("eng", "pt-BR"), or nil.
    static func sanitize(_ s: String?) -> String? {
        guard let s else { return nil }
        let ok = s.unicodeScalars.filter { $0.properties.isASCIIHexDigit || ($0.value >= 0x61 && $0.value <= 0x7A) || ($0.value >= 0x41 && $0.value <= 0x5A) || $0 == "-" }
        let t = String(String.UnicodeScalarView(ok)).lowercased()
        return t.isEmpty ? nil : String(t.prefix(16))
    }

    /// The earliest start among the selected streams (their first presentation or decode time).
    static func timelineStart(_ input: InputFile, _ streams: [SelectedStream]) -> MediaTime {
        var best: MediaTime? = nil
        for s in streams {
            guard let t = startTime(input, s) else { continue }
            if best == nil || t < best! { best = t }
        }
        return best ?? .zero
    }

    /// " (at byte N)" when the demuxer knows the packet's position.
    static func at(_ pos: Int64) -> String { pos >= 0 ? " (at byte \(pos))" : "" }

    /// A stream's first presentation time as the demuxer reports it (after edit lists).
    static func startTime(_ input: InputFile, _ s: SelectedStream) -> MediaTime? {
        let v = input.stream(s.index).pointee.start_time
        guard v != sr_nopts_value() else { return nil }
        return MediaTime(value: v, timescale: s.timeBase.den) * Int64(s.timeBase.num)
    }

    static func readError(_ code: Int32, _ input: InputFile) -> PackageError {
        let detail = FFmpegLog.takeLastError() ?? ""
        if detail.contains("partial file") || code == sr_averror_eof() {
            return PackageError(.truncatedInput, input.path, "truncated: \(detail.isEmpty ? avErrorString(code) : detail)")
        }
        if code == sr_averror_invaliddata() {
            return PackageError(.corruptInput, input.path, "invalid data: \(detail.isEmpty ? avErrorString(code) : detail)")
        }
        return PackageError(.inputUnreadable, input.path, detail.isEmpty ? avErrorString(code) : "\(avErrorString(code)) (\(detail))")
    }

}
