internal import CShowrunnerAV
import MediaCore

/// AVFrame helpers: the plane pointers and strides Swift sees as fixed-size tuples.
enum FrameTools {
    /// The 8 data pointers of a frame.
    static func planes(_ f: UnsafeMutablePointer<AVFrame>) -> [UnsafeMutablePointer<UInt8>?] {
        withUnsafeBytes(of: f.pointee.data) { Array($0.bindMemory(to: UnsafeMutablePointer<UInt8>?.self)) }
    }

    /// The 8 line sizes of a frame.
    static func strides(_ f: UnsafeMutablePointer<AVFrame>) -> [Int32] {
        withUnsafeBytes(of: f.pointee.linesize) { Array($0.bindMemory(to: Int32.self)) }
    }

    /// A new frame with its own buffer.
    static func allocVideo(width: Int, height: Int, format: AVPixelFormat) throws(AVCallError) -> UnsafeMutablePointer<AVFrame> {
        guard let f = av_frame_alloc() else { throw AVCallError(code: sr_averror(12), operation: "allocate a frame") }
        f.pointee.width = Int32(width)
        f.pointee.height = Int32(height)
        f.pointee.format = format.rawValue
        let r = av_frame_get_buffer(f, 0)
        if r < 0 {
            var g: UnsafeMutablePointer<AVFrame>? = f
            av_frame_free(&g)
            throw AVCallError(code: r, operation: "allocate a \(width)x\(height) frame")
        }
        return f
    }

    /// Paints a YUV 4:2:0 frame black (Y 16, U/V 128: limited range).
    static func fillBlack(_ f: UnsafeMutablePointer<AVFrame>) {
        let p = planes(f), s = strides(f)
        let w = Int(f.pointee.width), h = Int(f.pointee.height)
        for (plane, value, pw, ph) in [(0, UInt8(16), w, h), (1, UInt8(128), (w + 1) / 2, (h + 1) / 2), (2, UInt8(128), (w + 1) / 2, (h + 1) / 2)] {
            guard let base = p[plane] else { continue }
            for y in 0..<ph { (base + y * Int(s[plane])).update(repeating: value, count: pw) }
        }
    }

    /// A packet's or frame's timestamp as MediaTime in `tb`.
    static func time(_ value: Int64, _ tb: AVRational) -> MediaTime {
        MediaTime(value: value, timescale: tb.den) * Int64(tb.num)
    }
}

/// One rung's scaler and encoder: takes decoded source frames, scales (and pads) them to the
/// rung's size, encodes with libx264/libx265 with IDRs where the schedule says, and hands back
/// packets.
final class RungEncoder {
    let rung: PlannedRung
    let context: UnsafeMutablePointer<AVCodecContext>
    private var sws: OpaquePointer?
    private var swsSource: (Int32, Int32, Int32) = (0, 0, -1)
    private var frame: UnsafeMutablePointer<AVFrame>?
    /// Parameters of the encoded stream (valid after init: extradata with SPS/PPS).
    let parameters: UnsafeMutablePointer<AVCodecParameters>
    /// Encoder time base: one tick per frame at the output frame rate, so the encoder writes the
    /// right frame rate into the stream's VUI (players such as GStreamer read it).
    let timeBase: AVRational
    private var lastPTS = Int64.min
    /// Wall seconds spent scaling and encoding (for per-rung speed).
    private(set) var busy: Double = 0
    private(set) var frames = 0

    init(rung: PlannedRung, frameRate: AVRational, preset: String, gopFrames: Int) throws(AVCallError) {
        self.rung = rung
        self.timeBase = AVRational(num: frameRate.den, den: frameRate.num)
        let codecName = rung.rung.codec == .hevc ? "libx265" : "libx264"
        guard let codec = avcodec_find_encoder_by_name(codecName) else {
            throw AVCallError(code: sr_averror(38), operation: "find the \(codecName) encoder")
        }
        guard let ctx = avcodec_alloc_context3(codec) else { throw AVCallError(code: sr_averror(12), operation: "allocate \(codecName)") }
        context = ctx
        guard let par = avcodec_parameters_alloc() else { throw AVCallError(code: sr_averror(12), operation: "allocate codec parameters") }
        parameters = par
        ctx.pointee.width = Int32(rung.width)
        ctx.pointee.height = Int32(rung.height)
        ctx.pointee.pix_fmt = AV_PIX_FMT_YUV420P
        ctx.pointee.sample_aspect_ratio = AVRational(num: 1, den: 1)
        ctx.pointee.time_base = timeBase
        ctx.pointee.framerate = frameRate
        ctx.pointee.bit_rate = Int64(rung.rung.bitrate)
        ctx.pointee.rc_max_rate = Int64(rung.rung.effectiveMaxrate)
        ctx.pointee.rc_buffer_size = Int32(rung.rung.effectiveBufsize)
        // IDRs come only where we force them (GOP grid and cues), the same frames in every rung.
        ctx.pointee.gop_size = Int32(max(gopFrames * 4, 250))
        ctx.pointee.keyint_min = 1
        ctx.pointee.flags |= sr_codec_flag_global_header()
        ctx.pointee.thread_count = 0
        let priv = ctx.pointee.priv_data
        av_opt_set(priv, "preset", preset, 0)
        av_opt_set(priv, "forced-idr", "1", 0)
        if rung.rung.codec == .h264 {
            if let p = rung.rung.profile { av_opt_set(priv, "profile", p, 0) }
            if let l = rung.rung.level, let t = MediaTime(decimal: l) { ctx.pointee.level = Int32(t.ticks(at: 10)) }
            av_opt_set(priv, "x264-params", "scenecut=0:open-gop=0:repeat-headers=1", 0)
        } else {
            if let p = rung.rung.profile { av_opt_set(priv, "profile", p, 0) }
            var params = "scenecut=0:open-gop=0:repeat-headers=1:log-level=error"
            if let l = rung.rung.level { params += ":level-idc=\(l)" }
            av_opt_set(priv, "x265-params", params, 0)
        }
        do throws(AVCallError) {
            try avCheck(avcodec_open2(ctx, codec, nil), "open \(codecName) for \(rung.width)x\(rung.height)")
            try avCheck(avcodec_parameters_from_context(par, ctx), "read \(codecName) parameters")
            let f = try FrameTools.allocVideo(width: rung.width, height: rung.height, format: AV_PIX_FMT_YUV420P)
            FrameTools.fillBlack(f)
            frame = f
        } catch {
            release()
            throw error
        }
    }

    deinit { release() }

    private func release() {
        var ctx: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&ctx)
        var par: UnsafeMutablePointer<AVCodecParameters>? = parameters
        avcodec_parameters_free(&par)
        av_frame_free(&frame)
        if sws != nil { sws_freeContext(sws); sws = nil }
    }

    /// Scales `source` into the rung's frame and sends it to the encoder at `time` (rounded to
    /// the frame grid, kept rising), as an IDR when `keyframe`. Encoded packets go to `emit`.
    func encode(_ source: UnsafeMutablePointer<AVFrame>, time: MediaTime, keyframe: Bool,
                emit: (UnsafeMutablePointer<AVCodecContext>) throws(AVCallError) -> Void) throws(AVCallError) {
        guard let frame else { return }
        let start = Self.now()
        var pts = MediaTime.scale(time.value, multiplier: Int64(timeBase.den), divisor: Int64(time.timescale) * Int64(timeBase.num))
        if pts <= lastPTS { pts = lastPTS + 1 }
        lastPTS = pts
        // A rung the size of the source needs no scaling: the encoder takes the decoded frame
        // (a reference; the decoder never writes into a frame it handed out).
        let passthrough = source.pointee.width == Int32(rung.width) && source.pointee.height == Int32(rung.height)
            && source.pointee.format == AV_PIX_FMT_YUV420P.rawValue && rung.padX == 0 && rung.padY == 0
        let input = passthrough ? source : frame
        if !passthrough { try scale(source, into: frame) }
        let savedPTS = input.pointee.pts, savedType = input.pointee.pict_type
        input.pointee.pts = pts
        input.pointee.pict_type = keyframe ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE
        let sent = avcodec_send_frame(context, input)
        if passthrough {
            input.pointee.pts = savedPTS
            input.pointee.pict_type = savedType
        }
        try avCheck(sent, "encode a \(rung.width)x\(rung.height) frame")
        try emit(context)
        busy += Self.now() - start
        frames += 1
    }

    /// Drains the encoder at the end of the input.
    func flush(emit: (UnsafeMutablePointer<AVCodecContext>) throws(AVCallError) -> Void) throws(AVCallError) {
        try avCheck(avcodec_send_frame(context, nil), "flush the \(rung.width)x\(rung.height) encoder")
        try emit(context)
    }

    private func scale(_ src: UnsafeMutablePointer<AVFrame>, into dst: UnsafeMutablePointer<AVFrame>) throws(AVCallError) {
        try avCheck(av_frame_make_writable(dst), "make the \(rung.width)x\(rung.height) frame writable")
        let key = (src.pointee.width, src.pointee.height, src.pointee.format)
        if sws == nil || key != swsSource {
            if sws != nil { sws_freeContext(sws) }
            sws = sws_getContext(src.pointee.width, src.pointee.height, AVPixelFormat(rawValue: src.pointee.format),
                                 Int32(rung.pictureWidth), Int32(rung.pictureHeight), AV_PIX_FMT_YUV420P,
                                 Int32(SWS_BICUBIC), nil, nil, nil)
            swsSource = key
            guard sws != nil else {
                throw AVCallError(code: sr_averror(22), operation: "set up scaling \(src.pointee.width)x\(src.pointee.height) to \(rung.pictureWidth)x\(rung.pictureHeight)")
            }
        }
        let sp = FrameTools.planes(src).map { UnsafePointer($0) }
        let ss = FrameTools.strides(src)
        var dp = FrameTools.planes(dst)
        let ds = FrameTools.strides(dst)
        if rung.padX > 0 || rung.padY > 0 {
            dp[0] = dp[0].map { $0 + rung.padY * Int(ds[0]) + rung.padX }
            dp[1] = dp[1].map { $0 + rung.padY / 2 * Int(ds[1]) + rung.padX / 2 }
            dp[2] = dp[2].map { $0 + rung.padY / 2 * Int(ds[2]) + rung.padX / 2 }
        }
        let r = sp.withUnsafeBufferPointer { spb in
            ss.withUnsafeBufferPointer { ssb in
                dp.withUnsafeBufferPointer { dpb in
                    ds.withUnsafeBufferPointer { dsb in
                        sws_scale(sws, spb.baseAddress, ssb.baseAddress, 0, src.pointee.height, dpb.baseAddress, dsb.baseAddress)
                    }
                }
            }
        }
        try avCheck(r, "scale to \(rung.pictureWidth)x\(rung.pictureHeight)")
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

#if canImport(Glibc)
import Glibc
#endif
