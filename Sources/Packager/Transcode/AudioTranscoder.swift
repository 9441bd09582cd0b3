internal import CShowrunnerAV
import MediaCore

/// One audio track: decode, resample (libswresample) to the AAC encoder's format, rate and
/// channels, rechunk into 1024-sample frames, encode AAC-LC. Output timestamps count samples at
/// the output rate from the track's first presentation time, so A/V sync follows the source.
final class AudioTranscoder {
    let decoder: UnsafeMutablePointer<AVCodecContext>
    let encoder: UnsafeMutablePointer<AVCodecContext>
    let parameters: UnsafeMutablePointer<AVCodecParameters>
    private var swr: OpaquePointer?
    private var fifo: OpaquePointer?
    private var decoded: UnsafeMutablePointer<AVFrame>?
    private var converted: UnsafeMutablePointer<AVFrame>?
    private var chunk: UnsafeMutablePointer<AVFrame>?
    private let inputTimeBase: AVRational
    /// Samples at the output rate since the first frame; the next chunk's pts.
    private var nextPTS: Int64?
    let sampleRate: Int32
    let channels: Int32

    /// - Parameters:
    ///   - stream: the input audio stream.
    init(stream: UnsafeMutablePointer<AVStream>, audio: LadderAudio) throws(AVCallError) {
        let par = stream.pointee.codecpar
        inputTimeBase = stream.pointee.time_base
        guard let dcodec = avcodec_find_decoder(par!.pointee.codec_id) else {
            throw AVCallError(code: sr_averror(38), operation: "find a decoder for \(String(cString: avcodec_get_name(par!.pointee.codec_id)))")
        }
        guard let dctx = avcodec_alloc_context3(dcodec) else { throw AVCallError(code: sr_averror(12), operation: "allocate an audio decoder") }
        decoder = dctx
        guard let ecodec = avcodec_find_encoder(AV_CODEC_ID_AAC), let ectx = avcodec_alloc_context3(ecodec) else {
            throw AVCallError(code: sr_averror(38), operation: "find the AAC encoder")
        }
        encoder = ectx
        guard let p = avcodec_parameters_alloc() else { throw AVCallError(code: sr_averror(12), operation: "allocate codec parameters") }
        parameters = p
        let srcRate = par!.pointee.sample_rate
        let srcChannels = par!.pointee.ch_layout.nb_channels
        sampleRate = Int32(audio.sampleRate ?? Int(srcRate))
        channels = Int32(audio.channels ?? Int(min(2, max(1, srcChannels))))
        do throws(AVCallError) {
            try avCheck(avcodec_parameters_to_context(dctx, par), "configure the audio decoder")
            dctx.pointee.pkt_timebase = stream.pointee.time_base
            try avCheck(avcodec_open2(dctx, dcodec, nil), "open the audio decoder")
            ectx.pointee.sample_fmt = AV_SAMPLE_FMT_FLTP
            ectx.pointee.sample_rate = sampleRate
            av_channel_layout_default(&ectx.pointee.ch_layout, channels)
            ectx.pointee.bit_rate = Int64(audio.bitrate)
            ectx.pointee.profile = FF_PROFILE_AAC_LOW
            ectx.pointee.time_base = AVRational(num: 1, den: sampleRate)
            ectx.pointee.flags |= sr_codec_flag_global_header()
            try avCheck(avcodec_open2(ectx, ecodec, nil), "open the AAC encoder (\(sampleRate) Hz, \(channels) ch)")
            try avCheck(avcodec_parameters_from_context(p, ectx), "read AAC parameters")
            fifo = av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, channels, 4096)
            decoded = av_frame_alloc()
            converted = av_frame_alloc()
            chunk = av_frame_alloc()
            guard fifo != nil, decoded != nil, converted != nil, chunk != nil else {
                throw AVCallError(code: sr_averror(12), operation: "allocate audio buffers")
            }
        } catch {
            release()
            throw error
        }
    }

    deinit { release() }

    private func release() {
        var d: UnsafeMutablePointer<AVCodecContext>? = decoder
        avcodec_free_context(&d)
        var e: UnsafeMutablePointer<AVCodecContext>? = encoder
        avcodec_free_context(&e)
        var p: UnsafeMutablePointer<AVCodecParameters>? = parameters
        avcodec_parameters_free(&p)
        if swr != nil { swr_free(&swr) }
        if fifo != nil { av_audio_fifo_free(fifo); fifo = nil }
        av_frame_free(&decoded)
        av_frame_free(&converted)
        av_frame_free(&chunk)
    }

    /// Feeds one demuxed packet (nil at the end) and emits encoded packets.
    func send(_ packet: UnsafeMutablePointer<AVPacket>?, emit: (UnsafeMutablePointer<AVCodecContext>) throws(AVCallError) -> Void) throws(AVCallError) {
        let r = avcodec_send_packet(decoder, packet)
        if r < 0 && r != sr_averror_eof() {
            // A damaged audio packet: skip it rather than fail the whole title.
            if r != sr_averror_invaliddata() { try avCheck(r, "decode audio") }
        }
        guard let decoded else { return }
        while true {
            let rr = avcodec_receive_frame(decoder, decoded)
            if rr == sr_averror_eagain() || rr == sr_averror_eof() { break }
            if rr == sr_averror_invaliddata() { continue }
            try avCheck(rr, "decode audio")
            try push(decoded, emit: emit)
            av_frame_unref(decoded)
        }
        if packet == nil {
            try drain(final: true, emit: emit)
            try avCheck(avcodec_send_frame(encoder, nil), "flush the AAC encoder")
            try emit(encoder)
        }
    }

    private func push(_ frame: UnsafeMutablePointer<AVFrame>, emit: (UnsafeMutablePointer<AVCodecContext>) throws(AVCallError) -> Void) throws(AVCallError) {
        guard let converted, let fifo else { return }
        if nextPTS == nil {
            let ts = frame.pointee.best_effort_timestamp != sr_nopts_value() ? frame.pointee.best_effort_timestamp : frame.pointee.pts
            let t = ts == sr_nopts_value() ? MediaTime.zero : FrameTools.time(ts, inputTimeBase)
            nextPTS = t.ticks(at: sampleRate)
        }
        if swr == nil {
            var out = AVChannelLayout()
            av_channel_layout_default(&out, channels)
            defer { av_channel_layout_uninit(&out) }
            try avCheck(swr_alloc_set_opts2(&swr, &out, AV_SAMPLE_FMT_FLTP, sampleRate,
                                            &frame.pointee.ch_layout, AVSampleFormat(rawValue: frame.pointee.format), frame.pointee.sample_rate, 0, nil),
                        "set up audio resampling")
            try avCheck(swr_init(swr), "set up audio resampling (\(frame.pointee.sample_rate) Hz to \(sampleRate) Hz)")
        }
        av_frame_unref(converted)
        converted.pointee.format = AV_SAMPLE_FMT_FLTP.rawValue
        converted.pointee.sample_rate = sampleRate
        av_channel_layout_default(&converted.pointee.ch_layout, channels)
        try avCheck(swr_convert_frame(swr, converted, frame), "resample audio")
        if converted.pointee.nb_samples > 0 {
            let n = converted.pointee.nb_samples
            let written = converted.pointee.extended_data.withMemoryRebound(to: UnsafeMutableRawPointer?.self, capacity: Int(channels)) {
                av_audio_fifo_write(fifo, $0, n)
            }
            try avCheck(written, "buffer audio")
        }
        try drain(final: false, emit: emit)
    }

    /// Encodes every full 1024-sample chunk (and at the end, the remainder).
    private func drain(final: Bool, emit: (UnsafeMutablePointer<AVCodecContext>) throws(AVCallError) -> Void) throws(AVCallError) {
        guard let fifo, let chunk else { return }
        if final, let swr {
            // Samples still inside the resampler.
            guard let converted else { return }
            av_frame_unref(converted)
            converted.pointee.format = AV_SAMPLE_FMT_FLTP.rawValue
            converted.pointee.sample_rate = sampleRate
            av_channel_layout_default(&converted.pointee.ch_layout, channels)
            if swr_convert_frame(swr, converted, nil) >= 0, converted.pointee.nb_samples > 0 {
                let n = converted.pointee.nb_samples
                _ = converted.pointee.extended_data.withMemoryRebound(to: UnsafeMutableRawPointer?.self, capacity: Int(channels)) {
                    av_audio_fifo_write(fifo, $0, n)
                }
            }
        }
        let size = encoder.pointee.frame_size > 0 ? encoder.pointee.frame_size : 1024
        while av_audio_fifo_size(fifo) >= size || (final && av_audio_fifo_size(fifo) > 0) {
            let n = min(size, av_audio_fifo_size(fifo))
            av_frame_unref(chunk)
            chunk.pointee.nb_samples = n
            chunk.pointee.format = AV_SAMPLE_FMT_FLTP.rawValue
            chunk.pointee.sample_rate = sampleRate
            av_channel_layout_default(&chunk.pointee.ch_layout, channels)
            try avCheck(av_frame_get_buffer(chunk, 0), "allocate an audio frame")
            let read = chunk.pointee.extended_data.withMemoryRebound(to: UnsafeMutableRawPointer?.self, capacity: Int(channels)) {
                av_audio_fifo_read(fifo, $0, n)
            }
            try avCheck(read, "read buffered audio")
            chunk.pointee.pts = nextPTS ?? 0
            nextPTS = (nextPTS ?? 0) + Int64(n)
            try avCheck(avcodec_send_frame(encoder, chunk), "encode AAC")
            try emit(encoder)
        }
    }
}
