internal import CShowrunnerAV
import MediaCore

#if canImport(Glibc)
import Glibc
#endif

/// A keyframe as written: where its bytes sit in the segment file, for I-frame playlists.
struct KeyframeRecord: Sendable {
    /// Presentation time in the input's timeline.
    var pts: MediaTime
    /// Byte offset in the segment file where the keyframe's self-contained range starts (the
    /// PAT/PMT before it in TS, the moof in fMP4).
    var offset: Int64
    /// Length of that range (through the end of the keyframe's own data).
    var length: Int64
}

/// One segment of one rendition as written.
struct SegmentRecord: Sendable {
    var index: Int
    var fileName: String
    var size: Int64
    /// Earliest presentation time of any packet in it (input timeline).
    var start: MediaTime
    /// Latest presentation end (pts + duration) of any packet in it.
    var end: MediaTime
    /// Latest presentation end of its video packets (nil without video).
    var videoEnd: MediaTime?
    var keyframes: [KeyframeRecord]
}

/// A stream a rendition carries: the codec parameters and time base of its packets (an input
/// stream when remuxing, an encoder when transcoding), its metadata and disposition. `id` is
/// the stream number packets are pushed with.
struct StreamSource {
    var id: Int
    var codecpar: UnsafePointer<AVCodecParameters>
    var timeBase: AVRational
    /// Language and title tags (an AVDictionary), if any.
    var metadata: OpaquePointer?
    var disposition: Int32
    /// fMP4 track timescale to write (nil: the packets' own time base).
    var outputTimescale: Int32? = nil

    /// The input stream `index` of `input`, as is.
    static func input(_ input: InputFile, _ index: Int) -> StreamSource {
        let st = input.stream(index)
        return StreamSource(id: index, codecpar: UnsafePointer(st.pointee.codecpar), timeBase: st.pointee.time_base,
                            metadata: st.pointee.metadata, disposition: st.pointee.disposition)
    }
}

/// Writes one rendition (one output folder) from a set of streams: one muxer for the
/// whole job, its bytes switched from file to file at segment boundaries (TS), or one fMP4 muxer
/// whose first flush is split into `init.mp4` and the first segment.
final class RenditionWriter {
    enum Container { case ts, fmp4 }

    /// The MPEG-TS muxing delay in microseconds (AVFormatContext.max_delay): how long audio may
    /// wait to be packed into one PES, and how far the PCR runs ahead of the first timestamps.
    static let tsMuxDelayMicroseconds: Int32 = 700_000

    let container: Container
    let directory: String
    private let context: UnsafeMutablePointer<AVFormatContext>
    private let sink: SegmentSink
    /// Input stream index → (output stream index, input time base, output time base, offset in output ticks).
    private var mapping: [Int: StreamMap] = [:]
    private let videoInput: Int?
    private(set) var segments: [SegmentRecord] = []
    private(set) var initFileName: String?
    private var open: OpenSegment?
    private var headerWritten = false

    private struct StreamMap {
        var output: Int32
        /// A bitstream filter the packets go through first (ADTS AAC into MP4 needs aac_adtstoasc).
        var filter: UnsafeMutablePointer<AVBSFContext>?
        var inBase: AVRational
        var outBase: AVRational
        var offset: Int64  // added after rescaling to outBase
        var isVideo: Bool
    }

    private struct OpenSegment {
        var index: Int
        var fileName: String
        var startPosition: Int64
        var start: MediaTime?
        var end: MediaTime?
        var videoEnd: MediaTime?
        var keyframes: [KeyframeRecord] = []
        var packets = 0
        /// fMP4: a fragment is open (packets written since the last fragment flush).
        var fragmentOpen = false
    }

    /// - Parameters:
    ///   - streams: input streams to carry (video first if any), with their input time bases.
    ///   - timelineStart: the earliest input time of the whole job; output timestamps are shifted
    ///     by the same amount in every rendition so they stay in sync.
    init(
        container: Container, directory: String, sources: [StreamSource], timelineStart: MediaTime
    ) throws(AVCallError) {
        self.container = container
        self.directory = directory
        self.sink = try SegmentSink()

        var ctx: UnsafeMutablePointer<AVFormatContext>? = nil
        try avCheck(
            avformat_alloc_output_context2(&ctx, nil, container == .ts ? "mpegts" : "mp4", nil),
            "create \(container == .ts ? "MPEG-TS" : "MP4") muxer")
        guard let ctx else { throw AVCallError(code: sr_averror(ENOMEM), operation: "create muxer") }
        self.context = ctx
        ctx.pointee.pb = sink.io
        ctx.pointee.flags |= AVFMT_FLAG_CUSTOM_IO
        ctx.pointee.avoid_negative_ts = AVFMT_AVOID_NEG_TS_DISABLED
        // Our AVIO is not seekable, which makes libavformat flush after every packet by default
        // (one write(2) per packet); segment boundaries flush explicitly instead.
        ctx.pointee.flush_packets = 0

        var video: Int? = nil
        for source in sources {
            let s = source.id
            guard let out = avformat_new_stream(ctx, nil) else {
                throw AVCallError(code: sr_averror(ENOMEM), operation: "add output stream")
            }
            try avCheck(avcodec_parameters_copy(out.pointee.codecpar, source.codecpar), "copy codec parameters")
            out.pointee.codecpar.pointee.codec_tag = 0
            let par = source.codecpar.pointee
            let isVideo = par.codec_type == AVMEDIA_TYPE_VIDEO
            if isVideo {
                video = s
                if container == .fmp4, par.codec_id == AV_CODEC_ID_HEVC {
                    out.pointee.codecpar.pointee.codec_tag = sr_mktag(0x68, 0x76, 0x63, 0x31)  // hvc1
                }
            }
            var filter: UnsafeMutablePointer<AVBSFContext>? = nil
            if container == .fmp4, par.codec_id == AV_CODEC_ID_AAC, par.extradata_size == 0 {
                // AAC with ADTS headers (from MPEG-TS or .aac): MP4 wants raw frames plus an
                // AudioSpecificConfig, which the filter derives from the first header.
                filter = try Self.makeFilter("aac_adtstoasc", source)
                try avCheck(avcodec_parameters_copy(out.pointee.codecpar, filter!.pointee.par_out), "copy filtered codec parameters")
                out.pointee.codecpar.pointee.codec_tag = 0
            }
            out.pointee.time_base = container == .ts ? AVRational(num: 1, den: 90_000)
                : source.outputTimescale.map { AVRational(num: 1, den: $0) } ?? source.timeBase
            // Language and title travel with the stream.
            var tag: UnsafeMutablePointer<AVDictionaryEntry>? = nil
            while let t = av_dict_get(source.metadata, "", tag, AV_DICT_IGNORE_SUFFIX) {
                tag = t
                let key = String(cString: t.pointee.key)
                if key == "language" || key == "title" || key == "handler_name" {
                    av_dict_set(&out.pointee.metadata, t.pointee.key, t.pointee.value, 0)
                }
            }
            out.pointee.disposition = source.disposition
            mapping[s] = StreamMap(output: out.pointee.index, filter: filter, inBase: source.timeBase,
                                   outBase: out.pointee.time_base, offset: 0, isVideo: isVideo)
        }
        self.videoInput = video

        var options: OpaquePointer? = nil
        defer { av_dict_free(&options) }
        switch container {
        case .ts:
            av_dict_set(&options, "mpegts_flags", "+resend_headers", 0)
            // A muxing delay, as the ffmpeg tool uses (its -muxdelay 0.7): audio frames are packed
            // several to a PES (up to half the delay or about 2.9 KB) and the PCR runs ahead of the timestamps. The
            // library default (0) writes one AAC frame per PES with PCR = PTS, and an audio-only
            // rendition muxed that way stalls GStreamer's hlsdemux (1.22, playbin) after an
            // EXT-X-DISCONTINUITY about every other run: every stitched session with an alternate
            // audio track. mpegts_copyts keeps our timestamps (the muxer would otherwise add twice
            // the delay to them).
            ctx.pointee.max_delay = Self.tsMuxDelayMicroseconds
            av_dict_set(&options, "mpegts_copyts", "1", 0)
        case .fmp4:
            av_dict_set(&options, "movflags", "+frag_custom+delay_moov+default_base_moof+skip_trailer", 0)
        }
        // fMP4: ftyp+moov are written at the first flush (delay_moov); capture them for init.mp4.
        if container == .fmp4 { sink.capture = [] }
        // The muxer may change time bases in write_header; the offsets are computed after it.
        try avCheck(avformat_write_header(ctx, &options), "write \(container == .ts ? "MPEG-TS" : "MP4") header")
        headerWritten = true
        // TS timestamps start at 10 s (room for B-frame decode delay and audio priming before
        // the first frame); fMP4 at 0 (the muxer writes edit lists).
        let base = container == .ts ? MediaTime(seconds: 10) : .zero
        let shift = base - timelineStart
        for (s, m) in mapping {
            let out = ctx.pointee.streams[Int(m.output)]!
            var updated = m
            updated.outBase = out.pointee.time_base
            updated.offset = av_rescale_q(shift.value, AVRational(num: 1, den: shift.timescale), updated.outBase)
            mapping[s] = updated
        }
    }

    deinit {
        if open != nil || headerWritten {
            // Abandoned (error path): stop writing to files.
            try? sink.switchFile(to: nil)
        }
        for m in mapping.values {
            var f = m.filter
            if f != nil { av_bsf_free(&f) }
        }
        av_packet_free(&filtered)
        avformat_free_context(context)
    }

    /// A reusable packet for bitstream-filter output.
    private var filtered: UnsafeMutablePointer<AVPacket>? = av_packet_alloc()

    static func makeFilter(_ name: String, _ source: StreamSource) throws(AVCallError) -> UnsafeMutablePointer<AVBSFContext> {
        guard let def = av_bsf_get_by_name(name) else {
            throw AVCallError(code: sr_averror(ENOSYS), operation: "find bitstream filter \(name)")
        }
        var bsf: UnsafeMutablePointer<AVBSFContext>? = nil
        try avCheck(av_bsf_alloc(def, &bsf), "allocate \(name)")
        guard let ctx = bsf else { throw AVCallError(code: sr_averror(ENOMEM), operation: "allocate \(name)") }
        do throws(AVCallError) {
            try avCheck(avcodec_parameters_copy(ctx.pointee.par_in, source.codecpar), "configure \(name)")
            ctx.pointee.time_base_in = source.timeBase
            try avCheck(av_bsf_init(ctx), "start \(name)")
        } catch {
            av_bsf_free(&bsf)
            throw error
        }
        return ctx
    }

    /// Hands a packet to the muxer, through the stream's bitstream filter when it has one.
    private func mux(_ packet: UnsafeMutablePointer<AVPacket>, _ m: StreamMap) throws(AVCallError) {
        guard let filter = m.filter, let out = filtered else {
            try avCheck(av_write_frame(context, packet), "write packet")
            return
        }
        try avCheck(av_bsf_send_packet(filter, packet), "filter packet")
        while true {
            let r = av_bsf_receive_packet(filter, out)
            if r == sr_averror_eagain() || r == sr_averror_eof() { break }
            try avCheck(r, "filter packet")
            out.pointee.stream_index = m.output
            let w = av_write_frame(context, out)
            av_packet_unref(out)
            try avCheck(w, "write packet")
        }
    }

    /// Opens segment `index`; its file is `<directory>/seg_<index>.<ext>`.
    func begin(segment index: Int) throws(AVCallError) {
        let name = Self.segmentName(index, container)
        let path = directory + "/" + name
        if container == .fmp4 && initFileName == nil {
            // Still capturing the init segment: the file opens once it is written (first packet).
            pendingPath = path
            open = OpenSegment(index: index, fileName: name, startPosition: sink.position)
        } else {
            try sink.switchFile(to: path)
            open = OpenSegment(index: index, fileName: name, startPosition: sink.position)
        }
    }

    private var pendingPath: String?

    /// fMP4, after the first packet: flushing makes the muxer write ftyp+moov (delay_moov waited
    /// for the first timestamps, for edit lists, and for codec data that comes with the first
    /// packet). Those bytes become init.mp4; the packet stays in the open fragment.
    private func writeInitSegment() throws(AVCallError) {
        try avCheck(av_write_frame(context, nil), "write the fMP4 init segment")
        try sink.flush()
        guard let captured = sink.capture, let pendingPath else { return }
        let top = ISOBMFF.boxes(in: captured[...])
        guard top.map(\.type) == ["ftyp", "moov"], top.last.map({ $0.offset + $0.size }) == captured.count else {
            throw AVCallError(code: sr_averror_invaliddata(),
                operation: "write the fMP4 init segment (expected ftyp+moov, got \(top.map(\.type)))")
        }
        try SegmentSink.writeFile(directory + "/init.mp4", captured[...])
        initFileName = "init.mp4"
        sink.capture = nil
        try sink.switchFile(to: pendingPath)
        self.pendingPath = nil
        open?.startPosition = sink.position
    }

    static func segmentName(_ index: Int, _ container: Container) -> String {
        let n = String(index)
        return "seg_" + String(repeating: "0", count: max(0, 5 - n.count)) + n + (container == .ts ? ".ts" : ".m4s")
    }

    /// Writes one packet of input stream `stream` to the open segment. `pts`/`end` are its
    /// presentation start and end on the input timeline (for EXTINF and I-frame durations).
    func write(_ packet: UnsafeMutablePointer<AVPacket>, stream: Int, pts: MediaTime, end: MediaTime, isKeyframe: Bool) throws(AVCallError) {
        guard var seg = open, let m = mapping[stream] else { return }
        // Rescale in place; the packet is not used again after this.
        packet.pointee.stream_index = m.output
        if m.inBase.num != m.outBase.num || m.inBase.den != m.outBase.den {
            av_packet_rescale_ts(packet, m.inBase, m.outBase)
        }
        if packet.pointee.pts != sr_nopts_value() { packet.pointee.pts += m.offset }
        if packet.pointee.dts != sr_nopts_value() { packet.pointee.dts += m.offset }

        let keyVideo = isKeyframe && m.isVideo
        if seg.start == nil || pts < seg.start! { seg.start = pts }
        if seg.end == nil || end > seg.end! { seg.end = end }
        if m.isVideo, seg.videoEnd == nil || end > seg.videoEnd! { seg.videoEnd = end }
        seg.packets += 1

        switch container {
        case .ts:
            if keyVideo {
                // PAT/PMT right before every keyframe: each I-frame byte range stands alone.
                av_opt_set(context.pointee.priv_data, "mpegts_flags", "+resend_headers", 0)
                let before = sink.position
                try mux(packet, m)
                let after = sink.position
                seg.keyframes.append(KeyframeRecord(pts: pts, offset: before - seg.startPosition, length: after - before))
            } else {
                try mux(packet, m)
            }
        case .fmp4:
            if keyVideo {
                // Every keyframe gets a fragment of its own (moof+mdat holding just that frame),
                // so an I-frame byte range is a whole, self-consistent fragment; the rest of the
                // GOP follows in the next fragment.
                if seg.fragmentOpen {
                    open = seg
                    try flushFragment()
                    seg = open!
                }
                try mux(packet, m)
                seg.fragmentOpen = true
                open = seg
                if initFileName == nil { try writeInitSegment() }
                let start = sink.position
                try flushFragment()
                seg = open!
                seg.keyframes.append(KeyframeRecord(pts: pts, offset: start - seg.startPosition, length: sink.position - start))
            } else {
                try mux(packet, m)
                seg.fragmentOpen = true
                if initFileName == nil {
                    open = seg
                    try writeInitSegment()
                    seg = open!
                }
            }
        }
        open = seg
    }

    /// fMP4: writes the open fragment (moof+mdat) into the segment.
    private func flushFragment() throws(AVCallError) {
        guard open?.fragmentOpen == true else { return }
        try avCheck(av_write_frame(context, nil), "flush fragment")
        try sink.flush()
        open?.fragmentOpen = false
    }

    /// Closes the open segment and returns its record.
    @discardableResult
    func end() throws(AVCallError) -> SegmentRecord? {
        guard open != nil else { return nil }
        switch container {
        case .ts:
            try avCheck(av_write_frame(context, nil), "flush muxer")
            try sink.flush()
        case .fmp4:
            try flushFragment()
        }
        guard let seg = open else { return nil }
        let size = sink.position - seg.startPosition
        let record = SegmentRecord(
            index: seg.index, fileName: seg.fileName, size: size,
            start: seg.start ?? .zero, end: seg.end ?? seg.start ?? .zero, videoEnd: seg.videoEnd, keyframes: seg.keyframes)
        segments.append(record)
        open = nil
        return record
    }

    /// Ends the muxer (after the last segment) and closes files.
    func finish() throws(AVCallError) {
        if open != nil { try end() }
        try sink.switchFile(to: nil)
        if headerWritten {
            headerWritten = false
            try avCheck(av_write_trailer(context), "finish muxer")
            try sink.flush()
        }
    }
}
