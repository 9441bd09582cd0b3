internal import CShowrunnerAV
import MediaCore

#if canImport(Glibc)
import Glibc
#endif

/// Still images from video: the frame shown at a time, scaled to a box (cropped or padded),
/// encoded as JPEG or PNG. Used for thumbnails, posters and boot-screen creatives.
public enum Stills {
    /// Grabs the frame shown at `request.at` and writes it as an image (blocking: FFmpeg reads
    /// the input on this thread). Use `extractDetached` from async code.
    ///
    /// Seeks to the keyframe before the time, decodes forward to the last frame whose
    /// presentation time is ≤ the time (the first frame when the video starts later), scales it
    /// with libswscale (bicubic, bit-exact) keeping the display aspect ratio, encodes it (mjpeg
    /// yuvj420p or png rgb24, bit-exact: the same request gives the same bytes) and writes the
    /// file through a temporary file renamed into place.
    ///
    /// - Throws: `PackageError`: `.invalidRequest` for a bad size, time, quality or extension
    ///   (subject `--size`, `--at`, `--quality`, `--out`) or a time past the end of the video;
    ///   `.noStreams` without a video stream; the input errors of `package` (not found, not
    ///   media, truncated, corrupt); `.outputNotWritable` naming the output.
    public static func extract(_ request: StillRequest) throws(PackageError) -> StillReport {
        let format = try request.validate()
        let input = try InputFile(path: request.input, allowImages: true)
        let path = request.input
        let ctx = input.context

        // The video stream: the first one marked default, else the first (cover art is not video).
        var index = -1
        for i in 0..<input.streamCount {
            let st = input.stream(i)
            guard st.pointee.codecpar?.pointee.codec_type == AVMEDIA_TYPE_VIDEO,
                  st.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC == 0 else { continue }
            if index < 0 { index = i }
            if st.pointee.disposition & AV_DISPOSITION_DEFAULT != 0 {
                index = i
                break
            }
        }
        guard index >= 0 else { throw PackageError(.noStreams, path, "no video stream to take a still from") }
        let stream = input.stream(index)
        for i in 0..<input.streamCount where i != index { input.stream(i).pointee.discard = AVDISCARD_ALL }
        let tb = stream.pointee.time_base
        guard tb.num > 0, tb.den > 0 else { throw PackageError(.corruptInput, path, "the video stream has no time base") }
        let nopts = sr_nopts_value()

        // Times: `at` counts from the program's start (the container's start time).
        let programStart: MediaTime
        if ctx.pointee.start_time != nopts {
            programStart = MediaTime(value: ctx.pointee.start_time, timescale: AV_TIME_BASE)
        } else if stream.pointee.start_time != nopts {
            programStart = streamTime(stream.pointee.start_time, tb)
        } else {
            programStart = .zero
        }
        if let end = videoEnd(input, stream, programStart: programStart), request.at >= end {
            throw PackageError(.invalidRequest, "--at",
                "\(request.at.decimalString(fractionDigits: 3)) s is past the end of \(path) (its video ends at \(end.decimalString(fractionDigits: 3)) s)")
        }
        let absolute = programStart + request.at
        // The target in stream ticks, rounded down: frames at or before it are candidates.
        let target = MediaTime.scale(absolute.value, multiplier: Int64(tb.den),
                                     divisor: Int64(absolute.timescale) * Int64(tb.num), .down)

        // Decoder.
        guard let par = stream.pointee.codecpar else {
            throw PackageError(.corruptInput, path, "the video stream has no codec parameters")
        }
        guard let decoder = avcodec_find_decoder(par.pointee.codec_id) else {
            let name = String(cString: avcodec_get_name(par.pointee.codec_id))
            throw PackageError(.unsupportedCodec, path, "no decoder for the \(name) video stream")
        }
        var dec: UnsafeMutablePointer<AVCodecContext>? = avcodec_alloc_context3(decoder)
        defer { avcodec_free_context(&dec) }
        var pkt: UnsafeMutablePointer<AVPacket>? = av_packet_alloc()
        defer { av_packet_free(&pkt) }
        var frame: UnsafeMutablePointer<AVFrame>? = av_frame_alloc()
        defer { av_frame_free(&frame) }
        var best: UnsafeMutablePointer<AVFrame>? = av_frame_alloc()
        defer { av_frame_free(&best) }
        guard let dec, let pkt, let frame, let best else { throw PackageError(.ffmpeg, path, "out of memory") }
        do {
            try avCheck(avcodec_parameters_to_context(dec, par), "copy the video parameters")
            dec.pointee.pkt_timebase = tb
            dec.pointee.thread_count = 1
            try avCheck(avcodec_open2(dec, decoder, nil), "open the video decoder")
        } catch {
            throw PackageError(.ffmpeg, path, "\(error)")
        }

        // Seek to the keyframe before the target and decode forward. A demuxer may land after
        // that keyframe (MP4 indexes by decode time, so B-frames put the keyframe's picture after
        // the target; MPEG-TS seeks by bytes into a GOP and the decoder waits for the next
        // keyframe): then seek again further back (1, 2, 4, 8 s), and finally from the start.
        let streamStart = stream.pointee.start_time != nopts ? stream.pointee.start_time : 0
        let oneSecond = MediaTime.scale(1, multiplier: Int64(tb.den), divisor: Int64(tb.num))
        var seekTo = target
        var bestPTS = Int64.min
        for attempt in 0..<6 {
            let fromStart = seekTo <= streamStart || attempt == 5
            do {
                if !fromStart {
                    try avCheck(avformat_seek_file(ctx, Int32(index), Int64.min, seekTo, seekTo, 0), "seek")
                } else if let format = ctx.pointee.iformat, format.pointee.flags & AVFMT_NO_BYTE_SEEK == 0 {
                    // Byte 0: a timestamp seek to the start can land after the first keyframe,
                    // whose decode time is before the stream's start (B-frames).
                    try avCheck(avformat_seek_file(ctx, -1, 0, 0, 0, AVSEEK_FLAG_BYTE), "seek to the start")
                } else {
                    // MP4: a time before the first sample seeks to the first sample.
                    let early = streamStart - oneSecond
                    try avCheck(avformat_seek_file(ctx, Int32(index), Int64.min, early, early, 0), "seek to the start")
                }
            } catch {
                throw PackageError(.corruptInput, path, "cannot seek in the video: \(error)")
            }
            avcodec_flush_buffers(dec)
            av_frame_unref(best)
            let first = try decode(input, index: Int32(index), dec: dec, pkt: pkt, frame: frame, best: best,
                                   target: target, bestPTS: &bestPTS)
            // Done when a frame at or before the target came out (or there is nowhere earlier).
            if fromStart || (first.map { $0 <= target } ?? false) { break }
            seekTo = min(seekTo, first ?? seekTo) - oneSecond * Int64(1 << attempt)
        }
        guard best.pointee.width > 0, best.pointee.height > 0 else {
            throw PackageError(.corruptInput, path, "no video frame could be decoded")
        }
        let frameTime = streamTime(bestPTS, tb) - programStart

        // Scale into the box.
        let sar = av_guess_sample_aspect_ratio(ctx, stream, best)
        let srcWidth = Int(best.pointee.width), srcHeight = Int(best.pointee.height)
        let g = StillGeometry.plan(sourceWidth: srcWidth, sourceHeight: srcHeight, sarNum: Int(sar.num),
                                   sarDen: Int(sar.den), boxWidth: request.width, boxHeight: request.height,
                                   fit: request.fit)
        let dstFormat = format == .jpeg ? AV_PIX_FMT_YUVJ420P : AV_PIX_FMT_RGB24
        var image: UnsafeMutablePointer<AVFrame>? = av_frame_alloc()
        defer { av_frame_free(&image) }
        var view: UnsafeMutablePointer<AVFrame>? = av_frame_alloc()
        defer { av_frame_free(&view) }
        guard let image, let view else { throw PackageError(.ffmpeg, path, "out of memory") }
        image.pointee.width = Int32(request.width)
        image.pointee.height = Int32(request.height)
        image.pointee.format = dstFormat.rawValue
        image.pointee.color_range = AVCOL_RANGE_JPEG
        do {
            try avCheck(av_frame_get_buffer(image, 0), "allocate the image")
            if g.width < request.width || g.height < request.height {
                try fillBlack(image, dstFormat)
            }
            // Source crop and destination rectangle as frame crops (no pointer arithmetic here).
            best.pointee.crop_left = Int(g.cropLeft)
            best.pointee.crop_top = Int(g.cropTop)
            best.pointee.crop_right = Int(g.cropRight)
            best.pointee.crop_bottom = Int(g.cropBottom)
            try avCheck(av_frame_apply_cropping(best, Int32(AV_FRAME_CROP_UNALIGNED)), "crop the picture")
            try avCheck(av_frame_ref(view, image), "reference the image")
            view.pointee.crop_left = g.x
            view.pointee.crop_top = g.y
            view.pointee.crop_right = request.width - g.x - g.width
            view.pointee.crop_bottom = request.height - g.y - g.height
            try avCheck(av_frame_apply_cropping(view, Int32(AV_FRAME_CROP_UNALIGNED)), "place the picture")
        } catch {
            throw PackageError(.ffmpeg, path, "\(error)")
        }
        let srcFormat = AVPixelFormat(rawValue: best.pointee.format)
        guard let sws = sws_getContext(best.pointee.width, best.pointee.height, srcFormat,
                                       view.pointee.width, view.pointee.height, dstFormat,
                                       SWS_BICUBIC | SWS_ACCURATE_RND | SWS_BITEXACT | SWS_FULL_CHR_H_INT, nil, nil, nil)
        else {
            let name = av_get_pix_fmt_name(srcFormat).map { String(cString: $0) } ?? "unknown"
            throw PackageError(.unsupportedCodec, path, "cannot convert \(name) pictures (\(srcWidth)x\(srcHeight))")
        }
        defer { sws_freeContext(sws) }
        setColorDetails(sws, source: best, destinationIsRGB: format == .png)
        do {
            try avCheck(sws_scale_frame(sws, view, best), "scale the picture")
        } catch {
            throw PackageError(.ffmpeg, path, "\(error)")
        }

        // Encode.
        let bytes: [UInt8]
        do {
            bytes = try encode(image, format: format, quality: request.jpegQuality)
        } catch {
            throw PackageError(.ffmpeg, request.output, "cannot encode the \(format == .jpeg ? "JPEG" : "PNG"): \(error)")
        }
        try writeAtomically(bytes, to: request.output)
        return StillReport(
            input: path, output: request.output, format: format, width: request.width, height: request.height,
            fit: request.fit, requested: ReportTime(request.at), frameTime: ReportTime(frameTime),
            sourceWidth: srcWidth, sourceHeight: srcHeight, bytes: bytes.count)
    }

    /// `extract` on a dedicated thread, so FFmpeg's blocking I/O stays off Swift's shared executor.
    public static func extractDetached(_ request: StillRequest) async throws(PackageError) -> StillReport {
        let result: Result<StillReport, PackageError> = await withCheckedContinuation { continuation in
            BlockingThread {
                do throws(PackageError) {
                    continuation.resume(returning: .success(try extract(request)))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }.start()
        }
        return try result.get()
    }

    // MARK: Decoding

    /// Reads and decodes video packets from the current position until a frame shown after
    /// `target` appears (or the stream ends). Leaves in `best` the last frame at or before
    /// `target`, or the first frame when all are later; `bestPTS` is its time (stream ticks).
    /// Returns the first decoded frame's time (nil if none). Borrows every pointer.
    private static func decode(
        _ input: InputFile, index: Int32, dec: UnsafeMutablePointer<AVCodecContext>,
        pkt: UnsafeMutablePointer<AVPacket>, frame: UnsafeMutablePointer<AVFrame>,
        best: UnsafeMutablePointer<AVFrame>, target: Int64, bestPTS: inout Int64
    ) throws(PackageError) -> Int64? {
        let nopts = sr_nopts_value()
        var first: Int64? = nil
        var haveBest = false
        var lastPTS = Int64.min
        var draining = false

        while true {
            if !draining {
                let ret = av_read_frame(input.context, pkt)
                if ret == sr_averror_eof() {
                    draining = true
                    _ = avcodec_send_packet(dec, nil)  // enter draining mode; cannot fail usefully
                } else if ret < 0 {
                    throw DemuxReadError.make(ret, input.path)
                } else {
                    defer { av_packet_unref(pkt) }
                    guard pkt.pointee.stream_index == index else { continue }
                    let sent = avcodec_send_packet(dec, pkt)
                    if sent < 0 && sent != sr_averror_invaliddata() && sent != sr_averror_eagain() {
                        do { try avCheck(sent, "decode a video packet") } catch {
                            throw PackageError(.corruptInput, input.path, "\(error)")
                        }
                    }
                }
            }
            while true {
                let ret = avcodec_receive_frame(dec, frame)
                if ret == sr_averror_eagain() { break }
                if ret == sr_averror_eof() { return first }
                if ret < 0 {
                    do { try avCheck(ret, "decode a video frame") } catch {
                        throw PackageError(.corruptInput, input.path, "\(error)")
                    }
                }
                var pts = frame.pointee.best_effort_timestamp
                if pts == nopts { pts = frame.pointee.pts }
                if pts == nopts { pts = lastPTS == Int64.min ? 0 : lastPTS + 1 }
                lastPTS = pts
                if first == nil { first = pts }
                if pts <= target || !haveBest {
                    av_frame_unref(best)
                    av_frame_move_ref(best, frame)
                    haveBest = true
                    bestPTS = pts
                    if pts > target { return first }
                } else {
                    av_frame_unref(frame)
                    return first
                }
            }
        }
    }

    /// The end of the video from the program start: the stream's start + duration, else the
    /// container's duration.
    private static func videoEnd(_ input: InputFile, _ stream: UnsafeMutablePointer<AVStream>,
                                 programStart: MediaTime) -> MediaTime? {
        let nopts = sr_nopts_value()
        let tb = stream.pointee.time_base
        let d = stream.pointee.duration
        if d != nopts, d > 0 {
            let start = stream.pointee.start_time != nopts ? streamTime(stream.pointee.start_time, tb) : programStart
            return start + streamTime(d, tb) - programStart
        }
        return input.duration
    }

    /// Ticks of a stream time base as a `MediaTime`.
    private static func streamTime(_ ticks: Int64, _ tb: AVRational) -> MediaTime {
        MediaTime(value: ticks, timescale: tb.den) * Int64(tb.num)
    }

    // MARK: Scaling

    /// Black over the whole image (Y 0 and neutral chroma for full-range YUV, zeros for RGB).
    private static func fillBlack(_ image: UnsafeMutablePointer<AVFrame>, _ format: AVPixelFormat) throws(AVCallError) {
        var planes = withUnsafeBytes(of: image.pointee.data) { raw in
            Array(raw.bindMemory(to: UnsafeMutablePointer<UInt8>?.self).prefix(4))
        }
        var lines = withUnsafeBytes(of: image.pointee.linesize) { raw in
            raw.bindMemory(to: Int32.self).prefix(4).map { Int($0) }
        }
        try avCheck(av_image_fill_black(&planes, &lines, format, AVCOL_RANGE_JPEG, image.pointee.width,
                                        image.pointee.height), "fill the bars")
    }

    /// Tells libswscale the source's YUV matrix and range and the destination's full range
    /// (JPEG and RGB are full range). Unspecified matrices are BT.709 from 720 lines up, else
    /// BT.601, as players assume.
    private static func setColorDetails(_ sws: OpaquePointer, source: UnsafeMutablePointer<AVFrame>,
                                        destinationIsRGB: Bool) {
        let srcFormat = AVPixelFormat(rawValue: source.pointee.format)
        let fullRangeFormats: Set<Int32> = [AV_PIX_FMT_YUVJ420P.rawValue, AV_PIX_FMT_YUVJ422P.rawValue,
                                            AV_PIX_FMT_YUVJ444P.rawValue, AV_PIX_FMT_YUVJ440P.rawValue]
        let isRGB = av_pix_fmt_desc_get(srcFormat).map { $0.pointee.flags & UInt64(AV_PIX_FMT_FLAG_RGB) != 0 } ?? false
        let srcFull: Int32 = isRGB || source.pointee.color_range == AVCOL_RANGE_JPEG
            || fullRangeFormats.contains(srcFormat.rawValue) ? 1 : 0
        let space: Int32
        switch source.pointee.colorspace {
        case AVCOL_SPC_BT709: space = SWS_CS_ITU709
        case AVCOL_SPC_BT470BG, AVCOL_SPC_SMPTE170M: space = SWS_CS_ITU601
        case AVCOL_SPC_BT2020_NCL, AVCOL_SPC_BT2020_CL: space = SWS_CS_BT2020
        default: space = source.pointee.height >= 720 ? SWS_CS_ITU709 : SWS_CS_ITU601
        }
        // JFIF is BT.601 full range; RGB output uses the source matrix.
        let dstSpace = destinationIsRGB ? space : SWS_CS_ITU601
        // Returns -1 only for formats it cannot adjust (then the defaults stand): not an AVERROR.
        _ = sws_setColorspaceDetails(sws, sws_getCoefficients(space), srcFull, sws_getCoefficients(dstSpace), 1,
                                     0, 1 << 16, 1 << 16)
    }

    // MARK: Encoding

    /// One image through the mjpeg or png encoder: the packet is the whole file.
    private static func encode(_ image: UnsafeMutablePointer<AVFrame>, format: StillImageFormat,
                               quality: Int) throws(AVCallError) -> [UInt8] {
        let id = format == .jpeg ? AV_CODEC_ID_MJPEG : AV_CODEC_ID_PNG
        guard let codec = avcodec_find_encoder(id) else {
            throw AVCallError(code: sr_averror(ENOSYS), operation: "find the \(format.rawValue) encoder", detail: nil)
        }
        var enc: UnsafeMutablePointer<AVCodecContext>? = avcodec_alloc_context3(codec)
        defer { avcodec_free_context(&enc) }
        var pkt: UnsafeMutablePointer<AVPacket>? = av_packet_alloc()
        defer { av_packet_free(&pkt) }
        guard let enc, let pkt else {
            throw AVCallError(code: sr_averror(ENOMEM), operation: "allocate the encoder", detail: nil)
        }
        enc.pointee.width = image.pointee.width
        enc.pointee.height = image.pointee.height
        enc.pointee.pix_fmt = AVPixelFormat(rawValue: image.pointee.format)
        enc.pointee.time_base = AVRational(num: 1, den: 25)
        enc.pointee.color_range = AVCOL_RANGE_JPEG
        enc.pointee.flags |= Int32(AV_CODEC_FLAG_BITEXACT)
        if format == .jpeg {
            enc.pointee.flags |= Int32(AV_CODEC_FLAG_QSCALE)
            enc.pointee.global_quality = Int32(quality) * Int32(FF_QP2LAMBDA)
            image.pointee.quality = enc.pointee.global_quality
        }
        image.pointee.pts = 0
        try avCheck(avcodec_open2(enc, codec, nil), "open the \(format.rawValue) encoder")
        try avCheck(avcodec_send_frame(enc, image), "encode the image")
        try avCheck(avcodec_send_frame(enc, nil), "flush the encoder")
        var out: [UInt8] = []
        while true {
            let ret = avcodec_receive_packet(enc, pkt)
            if ret == sr_averror_eof() || ret == sr_averror_eagain() { break }
            try avCheck(ret, "receive the encoded image")
            if let data = pkt.pointee.data, pkt.pointee.size > 0 {
                out.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(pkt.pointee.size)))
            }
            av_packet_unref(pkt)
        }
        guard !out.isEmpty else {
            throw AVCallError(code: sr_averror_invaliddata(), operation: "encode the image", detail: "no output")
        }
        return out
    }

    // MARK: Writing

    /// Writes `bytes` to a hidden temporary file beside `path`, then renames it over `path`.
    private static func writeAtomically(_ bytes: [UInt8], to path: String) throws(PackageError) {
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var st = stat()
        guard stat(dir, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
            throw PackageError(.outputNotWritable, path, "the folder \(dir) does not exist")
        }
        var tmp = ""
        var fd: Int32 = -1
        for attempt in 0..<100 {
            tmp = "\(dir)/.\(name).partial-\(getpid())-\(attempt)"
            fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else {
            throw PackageError(.outputNotWritable, path, "cannot create a file in \(dir): \(String(cString: strerror(errno)))")
        }
        var failure = bytes.withUnsafeBufferPointer { SegmentSink.writeAll(fd, $0.baseAddress, $0.count) }
        if failure == 0 && fsync(fd) != 0 { failure = errno }
        if close(fd) != 0 && failure == 0 { failure = errno }
        if failure == 0 && rename(tmp, path) != 0 { failure = errno }
        if failure != 0 {
            unlink(tmp)
            throw PackageError(.outputNotWritable, path, String(cString: strerror(failure)))
        }
    }
}
