internal import CShowrunnerAV
import MediaCore

#if canImport(Glibc)
import Glibc
#endif

/// Boot-screen videos: one progressive MP4 per screen size and a short HLS of the same encode.
///
/// The input is decoded once; each size crops or pads the picture by the still's fit rule
/// (`StillGeometry`), scales it with libswscale and encodes it with libx264 (the ladder's
/// `RungEncoder`, High profile, IDRs every `segmentDuration`, the source frame rate); the audio
/// (the default track, if any) is encoded once to AAC-LC and muxed into every MP4. Each MP4 is
/// written with `movflags=+faststart` (the index first, so a TV can start it while it caches),
/// then remuxed by the HLS packager into TS segments cut at those IDRs. Lengths are read back
/// from the written files.
public enum BootVideo {
    /// Reads what the input holds without decoding: the video stream's size, length, frame rate
    /// and codec, and whether it has audio. Throws the input errors of `package` (not found, not
    /// media, truncated index, ...) and `.noStreams` without a video stream.
    public static func probe(_ path: String) throws(PackageError) -> BootVideoProbe {
        try probe(InputFile(path: path)).probe
    }

    /// Renders `request` (blocking: FFmpeg reads and writes files on this thread; use
    /// `renderDetached` from async code). The length limit is checked before decoding. On any
    /// error the outputs of the request's names are removed and nothing partial is left (render
    /// into a folder of your own, as `boot add` does with a staging folder).
    ///
    /// - Throws: `PackageError`: `.invalidRequest` for a bad request or an input over
    ///   `maxDuration` (subject: the input); the input errors of `package`, e.g. `.truncatedInput`
    ///   for a file cut short (subject: the input); `.outputNotWritable` naming the folder.
    public static func render(_ request: BootVideoRequest) throws(PackageError) -> BootVideoReport {
        try request.validate()
        var st = stat()
        guard stat(request.outputDirectory, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
            throw PackageError(.outputNotWritable, request.outputDirectory, "the folder does not exist")
        }
        let opened = try probe(InputFile(path: request.input))
        let probe = opened.probe
        if let max = request.maxDuration, probe.duration > max {
            throw PackageError(.invalidRequest, request.input,
                "the video is \(probe.duration.decimalString(fractionDigits: 3)) s long, over the maximum of \(max.decimalString(fractionDigits: 3)) s")
        }
        let dir = request.outputDirectory
        var created: [String] = []
        do throws(PackageError) {
            var warnings = opened.warnings
            let sizes = request.sizes
            let mp4s = sizes.map { "\($0).mp4" }
            created = mp4s.map { dir + "/" + $0 }
            let upscaled = try encode(opened, request: request, outputs: created)
            var variants: [BootVideoVariant] = []
            for (k, size) in sizes.enumerated() {
                if upscaled[k] { warnings.append("\(size) is upscaled from \(probe.width)x\(probe.height)") }
                let mp4 = dir + "/" + mp4s[k]
                let hls = dir + "/" + size.description
                created.append(hls)
                let package = try HLSPackager.package(PackageRequest(input: mp4, output: hls, format: .ts,
                                                                     segmentDuration: request.segmentDuration))
                let written = try Self.probe(InputFile(path: mp4)).probe
                guard written.width == size.width, written.height == size.height else {
                    throw PackageError(.invalidOutput, mp4, "written as \(written.width)x\(written.height), not \(size)")
                }
                variants.append(BootVideoVariant(
                    size: size, mp4: mp4s[k], hlsMaster: size.description + "/" + package.master, duration: written.duration,
                    bytes: Self.fileSize(mp4), bitrate: BootVideoRequest.bitrate(for: size, frameRate: probe.frameRate),
                    hlsSegments: package.segmentCount, upscaled: upscaled[k]))
            }
            return BootVideoReport(probe: probe, variants: variants, warnings: warnings)
        } catch {
            for path in created { removeTree(path) }
            throw error
        }
    }

    /// `render` on a dedicated thread, so FFmpeg's blocking work stays off Swift's shared executor.
    public static func renderDetached(_ request: BootVideoRequest) async throws(PackageError) -> BootVideoReport {
        let result: Result<BootVideoReport, PackageError> = await withCheckedContinuation { continuation in
            BlockingThread {
                do throws(PackageError) {
                    continuation.resume(returning: .success(try render(request)))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }.start()
        }
        return try result.get()
    }

    // MARK: Probing

    /// An opened input with its chosen streams.
    struct Opened {
        var input: InputFile
        var probe: BootVideoProbe
        var video: Int
        var audio: Int?
        var warnings: [String]
    }

    private static func probe(_ input: InputFile) throws(PackageError) -> Opened {
        let selection: StreamSelection
        do throws(PackageError) {
            selection = try StreamSelection(input: input, transcoding: true)
        } catch where error.code == .noStreams {
            throw PackageError(.noStreams, input.path, "no video stream: a boot video needs one")
        }
        guard let video = selection.video else {
            throw PackageError(.noStreams, input.path, "no video stream: a boot video needs one (this file has audio only)")
        }
        var warnings = selection.warnings
        for extra in selection.audio.dropFirst() {
            warnings.append("audio stream #\(extra.index) is left out (a boot video carries one audio track)")
        }
        let st = input.stream(video.index)
        let tb = st.pointee.time_base
        let nopts = sr_nopts_value()
        let duration: MediaTime
        if st.pointee.duration != nopts, st.pointee.duration > 0, tb.num > 0, tb.den > 0 {
            duration = FrameTools.time(st.pointee.duration, tb)
        } else if let d = input.duration {
            duration = d
        } else {
            throw PackageError(.corruptInput, input.path, "the video states no duration")
        }
        let probe = BootVideoProbe(
            input: input.path, width: video.width, height: video.height, duration: duration,
            frameRate: video.frameRate ?? FrameRate(numerator: 25), videoCodec: video.codecName,
            hasAudio: !selection.audio.isEmpty)
        return Opened(input: input, probe: probe, video: video.index, audio: selection.audio.first?.index, warnings: warnings)
    }

    // MARK: Encoding

    /// Decodes the input once and writes one MP4 per size (through a hidden partial file renamed
    /// into place). Returns, per size, whether the picture was scaled up. Owns every FFmpeg
    /// pointer it makes.
    private static func encode(_ opened: Opened, request: BootVideoRequest, outputs: [String]) throws(PackageError) -> [Bool] {
        let input = opened.input
        let path = input.path
        for i in 0..<input.streamCount where i != opened.video && i != opened.audio {
            input.stream(i).pointee.discard = AVDISCARD_ALL
        }
        let vstream = input.stream(opened.video)
        let vpar = vstream.pointee.codecpar.pointee
        let (srcWidth, srcHeight) = (Int(vpar.width), Int(vpar.height))
        let fr = opened.probe.frameRate
        let rate = AVRational(num: Int32(clamping: fr.numerator), den: Int32(clamping: fr.denominator))
        let halfFrame = MediaTime(value: Int64(rate.den), timescale: rate.num * 2)
        let gopFrames = Int(request.segmentDuration.ticks(at: rate.num) / Int64(max(1, rate.den)))
        let sar = av_guess_sample_aspect_ratio(input.context, vstream, nil)

        // Where the picture goes in each size, and an encoder per size.
        var geometry: [StillGeometry] = []
        var encoders: [RungEncoder] = []
        var upscaled: [Bool] = []
        for size in request.sizes {
            let g = StillGeometry.plan(sourceWidth: srcWidth, sourceHeight: srcHeight, sarNum: Int(sar.num), sarDen: Int(sar.den),
                                       boxWidth: size.width, boxHeight: size.height, fit: request.fit)
            geometry.append(g)
            // The images' rule: a source narrower or shorter than the screen is scaled up.
            upscaled.append(srcWidth < size.width || srcHeight < size.height)
            let rung = LadderRung(width: size.width, height: size.height, bitrate: BootVideoRequest.bitrate(for: size, frameRate: fr),
                                  profile: "high")
            var planned = PlannedRung.fitting(rung, sourceWidth: size.width, sourceHeight: size.height, fit: .pad)
            planned.width = size.width
            planned.height = size.height
            planned.pictureWidth = g.width
            planned.pictureHeight = g.height
            planned.padX = g.x
            planned.padY = g.y
            do {
                encoders.append(try RungEncoder(rung: planned, frameRate: rate, preset: request.preset, gopFrames: gopFrames))
            } catch {
                throw PackageError(.ffmpeg, path, "cannot set up the \(size) encoder: \(error)")
            }
        }
        let audio: AudioTranscoder?
        if let a = opened.audio {
            do {
                audio = try AudioTranscoder(stream: input.stream(a), audio: LadderAudio())
            } catch {
                throw PackageError(.ffmpeg, path, "cannot set up the audio encoder: \(error)")
            }
        } else {
            audio = nil
        }
        let decoder = try TranscodeJob.openDecoder(vstream, subject: path)
        defer {
            var d: UnsafeMutablePointer<AVCodecContext>? = decoder
            avcodec_free_context(&d)
        }

        // One MP4 muxer per size.
        var muxers: [MP4Writer] = []
        defer { for m in muxers { m.abandon() } }
        for (k, e) in encoders.enumerated() {
            do {
                muxers.append(try MP4Writer(path: outputs[k], video: e.parameters, videoTimeBase: e.timeBase, frameRate: rate,
                                            audio: audio.map { ($0.parameters, $0.encoder.pointee.time_base) }))
            } catch {
                throw PackageError(.outputNotWritable, outputs[k], "\(error)")
            }
        }

        // Times count from the video's start: frames before it (edit lists) are not shown.
        let nopts = sr_nopts_value()
        let origin: MediaTime
        if vstream.pointee.start_time != nopts {
            origin = FrameTools.time(vstream.pointee.start_time, vstream.pointee.time_base)
        } else if input.context.pointee.start_time != nopts {
            origin = MediaTime(value: input.context.pointee.start_time, timescale: AV_TIME_BASE)
        } else {
            origin = .zero
        }
        let audioOffset = audio.map { origin.ticks(at: $0.sampleRate) } ?? 0
        var schedule = KeyframeSchedule(gop: request.segmentDuration, cues: [], tolerance: halfFrame)

        var pkt: UnsafeMutablePointer<AVPacket>? = av_packet_alloc()
        defer { av_packet_free(&pkt) }
        var out: UnsafeMutablePointer<AVPacket>? = av_packet_alloc()
        defer { av_packet_free(&out) }
        var frame: UnsafeMutablePointer<AVFrame>? = av_frame_alloc()
        defer { av_frame_free(&frame) }
        var copy: UnsafeMutablePointer<AVPacket>? = av_packet_alloc()
        defer { av_packet_free(&copy) }
        var view: UnsafeMutablePointer<AVFrame>? = av_frame_alloc()
        defer { av_frame_free(&view) }
        guard let pkt, let out, let copy, let frame, let view else { throw PackageError(.ffmpeg, path, "out of memory") }

        /// Every video packet encoder `k` has ready, into MP4 `k`.
        func drainVideo(_ ctx: UnsafeMutablePointer<AVCodecContext>, _ k: Int) throws(AVCallError) {
            while true {
                let r = avcodec_receive_packet(ctx, out)
                if r == sr_averror_eagain() || r == sr_averror_eof() { return }
                try avCheck(r, "encode \(request.sizes[k]) video")
                // One tick per frame; the encoder leaves durations at 0.
                if out.pointee.duration <= 0 { out.pointee.duration = 1 }
                try muxers[k].write(out, stream: 0, from: encoders[k].timeBase)
            }
        }
        /// Every audio packet the AAC encoder has ready, into every MP4.
        func drainAudio(_ ctx: UnsafeMutablePointer<AVCodecContext>) throws(AVCallError) {
            while true {
                let r = avcodec_receive_packet(ctx, out)
                if r == sr_averror_eagain() || r == sr_averror_eof() { return }
                try avCheck(r, "encode AAC")
                defer { av_packet_unref(out) }
                if out.pointee.pts != nopts { out.pointee.pts -= audioOffset }
                if out.pointee.dts != nopts { out.pointee.dts -= audioOffset }
                // Audio wholly before the picture starts is not kept (the encoder's priming
                // packet, at −initial_padding, is).
                if out.pointee.pts != nopts, out.pointee.pts + out.pointee.duration <= -Int64(ctx.pointee.initial_padding) {
                    continue
                }
                for m in muxers {
                    try avCheck(av_packet_ref(copy, out), "copy an audio packet")
                    try m.write(copy, stream: 1, from: ctx.pointee.time_base)
                }
            }
        }
        var frameCount: Int64 = 0
        let frameDuration = MediaTime(value: Int64(rate.den), timescale: rate.num)
        /// Where the last frame decoded ends, from the video's start.
        var videoEnd = MediaTime.zero
        /// One decoded frame: crop per size, scale, encode; IDRs on the segment grid.
        func handle(_ f: UnsafeMutablePointer<AVFrame>) throws(AVCallError) {
            guard Int(f.pointee.width) == srcWidth, Int(f.pointee.height) == srcHeight else {
                throw AVCallError(code: sr_averror_invaliddata(),
                                  operation: "the picture size changes from \(srcWidth)x\(srcHeight) to \(f.pointee.width)x\(f.pointee.height) mid-stream")
            }
            var ts = f.pointee.best_effort_timestamp
            if ts == nopts { ts = f.pointee.pts }
            let t = ts == nopts
                ? MediaTime(value: frameCount * Int64(rate.den), timescale: rate.num)
                : FrameTools.time(ts, vstream.pointee.time_base) - origin
            frameCount += 1
            if t < .zero - halfFrame { return }
            videoEnd = max(videoEnd, t + frameDuration)
            let key = schedule.isKeyframe(at: t)
            for (k, e) in encoders.enumerated() {
                let g = geometry[k]
                let cropped = g.cropLeft + g.cropRight + g.cropTop + g.cropBottom > 0
                if cropped {
                    try avCheck(av_frame_ref(view, f), "reference a frame")
                    view.pointee.crop_left = g.cropLeft
                    view.pointee.crop_right = g.cropRight
                    view.pointee.crop_top = g.cropTop
                    view.pointee.crop_bottom = g.cropBottom
                    try avCheck(av_frame_apply_cropping(view, Int32(AV_FRAME_CROP_UNALIGNED)), "crop the picture")
                }
                defer { if cropped { av_frame_unref(view) } }
                try e.encode(cropped ? view : f, time: t, keyframe: key) { ctx throws(AVCallError) in try drainVideo(ctx, k) }
            }
        }
        func receiveFrames() throws(AVCallError) {
            while true {
                let r = avcodec_receive_frame(decoder, frame)
                if r == sr_averror_eagain() || r == sr_averror_eof() { return }
                if r == sr_averror_invaliddata() { continue }
                try avCheck(r, "decode video")
                defer { av_frame_unref(frame) }
                try handle(frame)
            }
        }

        var readFailure: PackageError? = nil
        do throws(AVCallError) {
            while true {
                av_packet_unref(pkt)
                let ret = av_read_frame(input.context, pkt)
                if ret == sr_averror_eof() { break }
                if ret < 0 {
                    readFailure = RemuxJob.readError(ret, input)
                    throw AVCallError(code: ret, operation: "read the input")
                }
                let s = Int(pkt.pointee.stream_index)
                if s == opened.video {
                    let r = avcodec_send_packet(decoder, pkt)
                    if r < 0 && r != sr_averror_invaliddata() { try avCheck(r, "decode video") }
                    try receiveFrames()
                } else if s == opened.audio, let audio {
                    try audio.send(pkt) { ctx throws(AVCallError) in try drainAudio(ctx) }
                }
            }
            av_packet_unref(pkt)
            _ = avcodec_send_packet(decoder, nil)
            try receiveFrames()
            for (k, e) in encoders.enumerated() {
                try e.flush { ctx throws(AVCallError) in try drainVideo(ctx, k) }
            }
            try audio?.send(nil) { ctx throws(AVCallError) in try drainAudio(ctx) }
        } catch {
            // A read failure names what is wrong with the file (truncated, invalid data).
            if let readFailure { throw readFailure }
            throw PackageError(.ffmpeg, path, "transcoding failed: \(error)")
        }
        guard frameCount > 0 else { throw PackageError(.corruptInput, path, "no video frame could be decoded") }
        // A file cut short reads to its end as if it were whole (the demuxer stops where the bytes
        // do): its pictures stop before the length its index states. More than 1 s short, or
        // short at all with FFmpeg having said "partial file", is a truncated input.
        let stated = opened.probe.duration
        let partial = FFmpegLog.errors().first { $0.contains("partial file") }
        if stated - videoEnd > MediaTime(seconds: 1) || (partial != nil && stated - videoEnd > frameDuration * 2) {
            throw PackageError(.truncatedInput, path,
                "truncated: the video stops at \(videoEnd.decimalString(fractionDigits: 3)) s of its stated \(stated.decimalString(fractionDigits: 3)) s"
                + (partial.map { " (\($0))" } ?? ""))
        }
        for (k, m) in muxers.enumerated() {
            do {
                try m.finish()
            } catch {
                throw PackageError(.outputNotWritable, outputs[k], "\(error)")
            }
        }
        return upscaled
    }

    // MARK: Files

    static func fileSize(_ path: String) -> Int64 {
        var st = stat()
        return stat(path, &st) == 0 ? Int64(st.st_size) : 0
    }

    /// Removes a file or a folder with everything in it (best effort).
    static func removeTree(_ path: String) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            if let d = opendir(path) {
                while let e = readdir(d) {
                    let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
                        String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
                    }
                    if name == "." || name == ".." { continue }
                    removeTree(path + "/" + name)
                }
                closedir(d)
            }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}

/// One progressive MP4 being written: a video stream (0) and optionally an audio stream (1),
/// packets interleaved by libavformat, `+faststart` at the end. Written to a hidden partial file
/// beside `path` and renamed over it by `finish()`; `abandon()` removes what is left.
final class MP4Writer {
    let path: String
    let partial: String
    private var context: UnsafeMutablePointer<AVFormatContext>?
    private var finished = false

    init(path: String, video: UnsafeMutablePointer<AVCodecParameters>, videoTimeBase: AVRational, frameRate: AVRational,
         audio: (UnsafeMutablePointer<AVCodecParameters>, AVRational)?) throws(AVCallError) {
        self.path = path
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        partial = "\(dir)/.\(name).partial-\(getpid())"
        let url = "file:" + partial
        var ctx: UnsafeMutablePointer<AVFormatContext>? = nil
        try avCheck(avformat_alloc_output_context2(&ctx, nil, "mp4", url), "set up the MP4 muxer")
        context = ctx
        guard let ctx else { throw AVCallError(code: sr_averror(12), operation: "set up the MP4 muxer") }
        do throws(AVCallError) {
            guard let vs = avformat_new_stream(ctx, nil) else { throw AVCallError(code: sr_averror(12), operation: "add the video track") }
            try avCheck(avcodec_parameters_copy(vs.pointee.codecpar, video), "copy the video parameters")
            vs.pointee.codecpar.pointee.codec_tag = 0
            vs.pointee.time_base = videoTimeBase
            vs.pointee.avg_frame_rate = frameRate
            if let audio {
                let (par, tb) = audio
                guard let a = avformat_new_stream(ctx, nil) else { throw AVCallError(code: sr_averror(12), operation: "add the audio track") }
                try avCheck(avcodec_parameters_copy(a.pointee.codecpar, par), "copy the audio parameters")
                a.pointee.codecpar.pointee.codec_tag = 0
                a.pointee.time_base = tb
            }
            // No creation time or library version in the file: the same encode gives the same bytes.
            ctx.pointee.flags |= AVFMT_FLAG_BITEXACT
            try avCheck(avio_open(&ctx.pointee.pb, url, sr_avio_flag_write()), "create \(partial)")
            var options: OpaquePointer? = nil
            defer { av_dict_free(&options) }
            av_dict_set(&options, "movflags", "+faststart", 0)
            try avCheck(avformat_write_header(ctx, &options), "write the MP4 header")
        } catch {
            abandon()
            throw error
        }
    }

    deinit { abandon() }

    /// Writes a packet (consumed) on `stream`, its times in `timeBase`.
    func write(_ pkt: UnsafeMutablePointer<AVPacket>, stream: Int32, from timeBase: AVRational) throws(AVCallError) {
        guard let context else { return }
        pkt.pointee.stream_index = stream
        av_packet_rescale_ts(pkt, timeBase, context.pointee.streams[Int(stream)]!.pointee.time_base)
        try avCheck(av_interleaved_write_frame(context, pkt), "write an MP4 sample")
    }

    /// Flushes, writes the index (moved to the front), closes and renames the file into place.
    func finish() throws(AVCallError) {
        guard let ctx = context else { return }
        try avCheck(av_interleaved_write_frame(ctx, nil), "flush the MP4 muxer")
        try avCheck(av_write_trailer(ctx), "write the MP4 index")
        try avCheck(avio_closep(&ctx.pointee.pb), "close \(partial)")
        avformat_free_context(ctx)
        context = nil
        guard rename(partial, path) == 0 else {
            let e = errno
            unlink(partial)
            throw AVCallError(code: sr_averror(e), operation: "rename \(partial) to \(path)")
        }
        finished = true
    }

    /// Closes without finishing and removes the partial file (no-op after `finish()`).
    func abandon() {
        if let ctx = context {
            if ctx.pointee.pb != nil { avio_closep(&ctx.pointee.pb) }
            avformat_free_context(ctx)
            context = nil
        }
        if !finished { unlink(partial) }
    }
}
