internal import CShowrunnerAV
import MediaCore

#if canImport(Glibc)
import Glibc
#endif

/// Transcodes the input to a ladder in one process: the video is decoded once, each rung scales
/// and encodes every frame (libx264/libx265 threads work the rungs in parallel), IDRs are forced
/// on one schedule (GOP grid and cues) so every rung has them at the same instants, audio tracks
/// are encoded once to AAC-LC; the encoded packets then go through the same segmenter and
/// writers as a remux.
struct TranscodeJob {
    var request: PackageRequest
    var ladder: Ladder
    var workDir: String
    var progress: (@Sendable (PackageProgress) -> Void)?
    var cancel: CancellationFlag?

    /// Stream ids of encoded packets: rung k's video is k; audio track j is `audioBase + j`;
    /// the copies of the default audio muxed into each TS rung are `cloneBase + k`.
    static let audioBase = 100
    static let cloneBase = 200

    func run() throws(PackageError) -> RemuxResult {
        let input = try InputFile(path: request.input)
        let selection = try StreamSelection(input: input, transcoding: true)
        var warnings = selection.warnings
        guard let video = selection.video else {
            throw PackageError(.noStreams, request.input, "no video stream for the \(ladder.name) ladder (audio-only inputs use --ladder copy)")
        }
        let vstream = input.stream(video.index)
        let vpar = vstream.pointee.codecpar.pointee

        // Display size (sample aspect ratio applied) decides the rung sizes.
        var displayWidth = Int(vpar.width)
        let sar = vpar.sample_aspect_ratio
        if sar.num > 0, sar.den > 0, sar.num != sar.den {
            displayWidth = Int((Int64(vpar.width) * Int64(sar.num) + Int64(sar.den) / 2) / Int64(sar.den))
        }
        let (rungs, skipped) = ladder.plan(sourceWidth: displayWidth, sourceHeight: Int(vpar.height))
        warnings += skipped
        guard !rungs.isEmpty else {
            throw PackageError(.invalidRequest, request.input,
                "every rung of the \(ladder.name) ladder is larger than the \(displayWidth)x\(vpar.height) source; use a smaller ladder or --ladder copy")
        }
        if request.format == .ts, rungs.contains(where: { $0.rung.codec == .hevc }) {
            warnings.append("HEVC in MPEG-TS segments does not play on Apple devices or in hls.js; use --format fmp4 for HEVC")
        }

        // Frame rates: the source's, or the ladder's (one for all rungs; lower only: frames are dropped).
        var sourceRate = vstream.pointee.avg_frame_rate.num > 0 ? vstream.pointee.avg_frame_rate : vstream.pointee.r_frame_rate
        if sourceRate.num <= 0 || sourceRate.den <= 0 { sourceRate = AVRational(num: 25, den: 1) }
        let rates = Set(rungs.compactMap { $0.rung.fps })
        guard rates.count <= 1 else {
            throw PackageError(.invalidRequest, "ladder", "rungs ask for different frame rates; all rungs must share one")
        }
        var outRate = sourceRate
        var decimate: FrameRate? = nil
        if let f = rates.first {
            if f.numerator * Int64(sourceRate.den) > Int64(sourceRate.num) * f.denominator {
                throw PackageError(.invalidRequest, "ladder", "\(f.numerator)/\(f.denominator) fps is above the source's \(sourceRate.num)/\(sourceRate.den)")
            }
            outRate = AVRational(num: Int32(f.numerator), den: Int32(f.denominator))
            decimate = f
        }
        let halfFrame = MediaTime(value: Int64(outRate.den), timescale: outRate.num * 2)
        let gopFrames = Int(ladder.gop.ticks(at: outRate.num) / Int64(max(1, outRate.den)))

        // Decoder, encoders.
        let decoder = try Self.openDecoder(vstream, subject: request.input)
        defer {
            var d: UnsafeMutablePointer<AVCodecContext>? = decoder
            avcodec_free_context(&d)
        }
        var encoders: [RungEncoder] = []
        for r in rungs {
            do {
                encoders.append(try RungEncoder(rung: r, frameRate: outRate, preset: ladder.preset, gopFrames: gopFrames))
            } catch {
                throw PackageError(.ffmpeg, request.input, "cannot set up the \(r.width)x\(r.height) encoder: \(error)")
            }
        }
        var audio: [(stream: SelectedStream, coder: AudioTranscoder)] = []
        for a in selection.audio {
            do {
                audio.append((a, try AudioTranscoder(stream: input.stream(a.index), audio: ladder.audio)))
            } catch {
                throw PackageError(.ffmpeg, request.input, "cannot set up audio stream #\(a.index): \(error)")
            }
        }

        // Renditions: TS muxes the default audio into every rung and puts other languages in
        // audio-only renditions; fMP4 gives every track its own rendition.
        var plans: [RenditionPlan] = []
        var renditions: [(id: String, sources: [StreamSource])] = []
        var names = UniqueNames()
        func unique(_ base: String) -> String { names.take(base) }
        let frameRate = FrameRate(numerator: Int64(outRate.num), denominator: Int64(outRate.den))
        func audioDescription(_ j: Int, id: Int) -> SelectedStream {
            var s = SelectedStream(index: id, kind: .audio, codecName: "aac", codecString: CodecString.aac(ffmpegProfile: 1),
                                   timeBase: AVRational(num: 1, den: audio[j].coder.sampleRate), language: audio[j].stream.language,
                                   title: audio[j].stream.title, isDefault: j == 0)
            s.sampleRate = Int(audio[j].coder.sampleRate)
            s.channels = Int(audio[j].coder.channels)
            return s
        }
        func audioSource(_ j: Int, id: Int) -> StreamSource {
            let st = input.stream(audio[j].stream.index)
            return StreamSource(id: id, codecpar: UnsafePointer(audio[j].coder.parameters), timeBase: audio[j].coder.encoder.pointee.time_base,
                                metadata: st.pointee.metadata, disposition: j == 0 ? AV_DISPOSITION_DEFAULT : 0)
        }
        for (k, e) in encoders.enumerated() {
            let codecString: String
            do throws(CodecStringError) {
                let extradata = StreamSelection.extradata(e.parameters.pointee)
                codecString = e.rung.rung.codec == .hevc ? try CodecString.hevc(extradata: extradata) : try CodecString.avc(extradata: extradata)
            } catch {
                throw PackageError(.ffmpeg, request.input, "the \(e.rung.width)x\(e.rung.height) encoder gave unreadable parameter sets: \(error.message)")
            }
            var v = SelectedStream(index: k, kind: .video, codecName: e.rung.rung.codec == .hevc ? "hevc" : "h264", codecString: codecString,
                                   timeBase: e.timeBase, language: nil, title: nil, isDefault: k == 0)
            v.width = e.rung.width
            v.height = e.rung.height
            v.frameRate = frameRate
            v.halfFrame = halfFrame
            let id = unique(e.rung.folder)
            var streams = [v]
            var sources = [StreamSource(id: k, codecpar: UnsafePointer(e.parameters), timeBase: e.timeBase, metadata: nil,
                                        disposition: AV_DISPOSITION_DEFAULT, outputTimescale: ladder.videoTimescale)]
            if request.format == .ts, !audio.isEmpty {
                streams.append(audioDescription(0, id: Self.cloneBase + k))
                sources.append(audioSource(0, id: Self.cloneBase + k))
            }
            plans.append(RenditionPlan(id: id, streams: streams))
            renditions.append((id, sources))
        }
        for j in audio.indices where request.format == .fmp4 || j > 0 || request.audioOnlyCopy {
            let id = unique("audio-" + (RemuxJob.sanitize(audio[j].stream.language) ?? "\(audio[j].stream.index)"))
            plans.append(RenditionPlan(id: id, streams: [audioDescription(j, id: Self.audioBase + j)]))
            renditions.append((id, [audioSource(j, id: Self.audioBase + j)]))
        }

        let timelineStart = RemuxJob.timelineStart(input, [video] + selection.audio)
        let cutter = SegmentCutter(target: request.segmentDuration, cues: request.cues, tolerance: halfFrame)
        let output = try SegmentedOutput(
            container: request.format == .ts ? .ts : .fmp4, workDir: workDir, renditions: renditions,
            driver: 0, cutter: cutter, timelineStart: timelineStart, subject: request.input)
        let pool = output.pool
        var schedule = KeyframeSchedule(gop: ladder.gop, cues: request.cues, tolerance: halfFrame)
        let tsAudio = request.format == .ts && !audio.isEmpty
        let nopts = sr_nopts_value()
        let subject = request.input

        /// Moves every packet the encoder has ready into the output as stream `id` (and, for
        /// the default audio in TS, a copy per rung).
        func drain(_ ctx: UnsafeMutablePointer<AVCodecContext>, id: Int, clones: Bool) throws(AVCallError) {
            while true {
                let slot = pool.take()
                let r = avcodec_receive_packet(ctx, pool[slot])
                if r == sr_averror_eagain() || r == sr_averror_eof() {
                    pool.give(slot)
                    return
                }
                if r < 0 {
                    pool.give(slot)
                    try avCheck(r, "encode")
                }
                let pkt = pool[slot]
                if pkt.pointee.dts == nopts { pkt.pointee.dts = pkt.pointee.pts }
                // Encoders leave video durations at 0; the time base is one tick per frame, so a
                // frame lasts 1 (the last segment then ends where the last frame does).
                if id < Self.audioBase, pkt.pointee.duration <= 0 { pkt.pointee.duration = 1 }
                let key = id < Self.audioBase ? pkt.pointee.flags & AV_PKT_FLAG_KEY != 0 : true
                if clones {
                    for k in encoders.indices {
                        let c = pool.take()
                        try avCheck(av_packet_ref(pool[c], pkt), "copy an audio packet")
                        try pushing(c, Self.cloneBase + k, true)
                    }
                }
                try pushing(slot, id, key)
            }
        }
        func pushing(_ slot: Int, _ id: Int, _ key: Bool) throws(AVCallError) {
            do { try output.push(slot: slot, stream: id, isKeyframe: key) } catch {
                throw AVCallError(code: sr_averror(5), operation: error.description)
            }
        }

        let frame = av_frame_alloc()
        defer {
            var f = frame
            av_frame_free(&f)
        }
        guard let frame else { throw PackageError(.ffmpeg, subject, "out of memory") }
        var origin: MediaTime? = nil
        var lastIndex: Int64 = -1
        var frameCount: Int64 = 0
        let total = input.duration
        var lastProgress = -1.0
        let started = RungEncoder.now()

        /// One decoded frame: keep or drop (frame-rate ladder), decide IDR, encode in every rung.
        func handle(_ f: UnsafeMutablePointer<AVFrame>) throws(AVCallError) {
            var ts = f.pointee.best_effort_timestamp
            if ts == nopts { ts = f.pointee.pts }
            let sourceTime: MediaTime
            if ts == nopts {
                sourceTime = (origin ?? .zero) + MediaTime(value: frameCount * Int64(outRate.den), timescale: outRate.num)
            } else {
                sourceTime = FrameTools.time(ts, vstream.pointee.time_base)
            }
            frameCount += 1
            if origin == nil { origin = sourceTime }
            var t = sourceTime
            if let d = decimate, let o = origin {
                // A lower frame rate: keep the first frame in each output frame slot, and put it
                // on the output grid (constant frame rate).
                let index = MediaTime.scale((t - o + halfFrame).ticks(at: 90_000), multiplier: d.numerator, divisor: 90_000 * d.denominator, .down)
                if index <= lastIndex { return }
                lastIndex = index
                t = o + MediaTime(value: index * d.denominator, timescale: Int32(clamping: d.numerator))
            }
            let key = schedule.isKeyframe(at: t)
            for (k, e) in encoders.enumerated() {
                try e.encode(f, time: t, keyframe: key) { ctx throws(AVCallError) in try drain(ctx, id: k, clones: false) }
            }
            if let progress, let o = origin {
                let now = RungEncoder.now()
                if now - lastProgress >= 0.25 {
                    lastProgress = now
                    let detail = encoders.map { e in
                        "\(e.rung.folder) \(e.busy > 0 ? Int(Double(e.frames) / e.busy) : 0) fps"
                    }.joined(separator: " · ")
                    _ = started
                    progress(PackageProgress(processed: t - o, total: total, bytesRead: avio_tell(input.context.pointee.pb),
                                             bytesTotal: input.size, detail: detail))
                }
            }
        }

        let audioIndex = Dictionary(uniqueKeysWithValues: selection.audio.enumerated().map { ($1.index, $0) })
        let readSlot = pool.take()
        defer { pool.give(readSlot) }
        let packet = pool[readSlot]
        do throws(AVCallError) {
            while true {
                if let cancel, cancel.isCancelled { break }
                av_packet_unref(packet)
                let ret = av_read_frame(input.context, packet)
                if ret == sr_averror_eof() { break }
                if ret < 0 {
                    throw AVCallError(code: ret, operation: RemuxJob.readError(ret, input).message)
                }
                let s = Int(packet.pointee.stream_index)
                if s == video.index {
                    let r = avcodec_send_packet(decoder, packet)
                    if r < 0 && r != sr_averror_invaliddata() { try avCheck(r, "decode video") }
                    try receiveFrames(decoder, frame, handle)
                } else if let j = audioIndex[s] {
                    try audio[j].coder.send(packet) { ctx throws(AVCallError) in try drain(ctx, id: Self.audioBase + j, clones: j == 0 && tsAudio) }
                }
            }
            if let cancel, cancel.isCancelled { throw AVCallError(code: sr_averror_exit(), operation: "cancelled") }
            // Flush: decoder, then every encoder.
            _ = avcodec_send_packet(decoder, nil)
            try receiveFrames(decoder, frame, handle)
            for (k, e) in encoders.enumerated() {
                try e.flush { ctx throws(AVCallError) in try drain(ctx, id: k, clones: false) }
            }
            for j in audio.indices {
                try audio[j].coder.send(nil) { ctx throws(AVCallError) in try drain(ctx, id: Self.audioBase + j, clones: j == 0 && tsAudio) }
            }
        } catch {
            if let cancel, cancel.isCancelled { throw PackageError(.cancelled, subject, "cancelled") }
            throw PackageError(.ffmpeg, subject, "transcoding failed: \(error)")
        }
        try output.finish()

        guard let start = output.planner.cutter.origin else {
            throw PackageError(.corruptInput, subject, "no video frame could be decoded")
        }
        for w in FFmpegLog.errors() where !w.isEmpty { warnings.append("ffmpeg: \(w)") }
        return RemuxResult(plans: plans, segments: output.segments, initFiles: output.initFiles, cuts: output.planner.cutTimes,
                           origin: start, cueResults: output.planner.cutter.cueResults, warnings: warnings)
    }

    /// Receives every frame the decoder has ready.
    func receiveFrames(_ decoder: UnsafeMutablePointer<AVCodecContext>, _ frame: UnsafeMutablePointer<AVFrame>,
                       _ handle: (UnsafeMutablePointer<AVFrame>) throws(AVCallError) -> Void) throws(AVCallError) {
        while true {
            let r = avcodec_receive_frame(decoder, frame)
            if r == sr_averror_eagain() || r == sr_averror_eof() { return }
            if r == sr_averror_invaliddata() { continue }
            try avCheck(r, "decode video")
            try handle(frame)
            av_frame_unref(frame)
        }
    }

    static func openDecoder(_ stream: UnsafeMutablePointer<AVStream>, subject: String) throws(PackageError) -> UnsafeMutablePointer<AVCodecContext> {
        let par = stream.pointee.codecpar
        guard let codec = avcodec_find_decoder(par!.pointee.codec_id), let ctx = avcodec_alloc_context3(codec) else {
            throw PackageError(.unsupportedCodec, subject, "no decoder for \(String(cString: avcodec_get_name(par!.pointee.codec_id)))")
        }
        do throws(AVCallError) {
            try avCheck(avcodec_parameters_to_context(ctx, par), "configure the video decoder")
            ctx.pointee.pkt_timebase = stream.pointee.time_base
            ctx.pointee.thread_count = 0
            try avCheck(avcodec_open2(ctx, codec, nil), "open the video decoder")
        } catch {
            var c: UnsafeMutablePointer<AVCodecContext>? = ctx
            avcodec_free_context(&c)
            throw PackageError(.ffmpeg, subject, "\(error)")
        }
        return ctx
    }
}
