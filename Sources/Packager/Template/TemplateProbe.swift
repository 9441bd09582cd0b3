internal import CShowrunnerAV
import MediaCore

#if canImport(Glibc)
import Glibc
#endif

/// What FFmpeg measures in one segment of a package (plus its init segment for fMP4).
struct TemplateProbe {
    struct Video {
        var codecName: String
        /// From the parameter sets (avcC/hvcC or in-band SPS), when they parse.
        var codecString: String?
        var width: Int
        var height: Int
        var profile: String?
        var level: Int?
        var pixelFormat: String?
        var frameRate: FrameRate?
        var timescale: Int32
        var startsWithIDR: Bool
    }

    struct Audio {
        var codecName: String
        /// From the AudioSpecificConfig or the decoder's profile (AAC), fixed strings otherwise.
        var codecString: String?
        var profile: String?
        var sampleRate: Int
        var channels: Int
        var timescale: Int32
    }

    /// The container FFmpeg found: TS, or (fragmented) MP4.
    var container: SpliceTemplate.Container = .ts
    var video: Video?
    var audio: Audio?

    /// Probes `segment` (TS), or `initSegment` followed by `segment` (fMP4, joined in a temporary
    /// file so `InputFile` reads them as one fragmented MP4). Errors name the segment.
    static func run(segment: String, initSegment: String?) throws(PackageError) -> TemplateProbe {
        guard let initSegment else { return try probe(path: segment, naming: segment) }
        var bytes = try TemplateFiles.contents(initSegment)
        bytes += try TemplateFiles.contents(segment)
        let joined = try temporaryFile(bytes, naming: segment)
        defer { unlink(joined) }
        return try probe(path: joined, naming: segment)
    }

    /// Opens `path` with `InputFile`, reads stream parameters and the first video packet.
    /// Owns every FFmpeg pointer it allocates.
    private static func probe(path: String, naming subject: String) throws(PackageError) -> TemplateProbe {
        let input: InputFile
        do {
            input = try InputFile(path: path)
        } catch {
            throw PackageError(error.code, subject, error.message)
        }
        var videoIndex = -1, audioIndex = -1
        for i in 0..<input.streamCount {
            let st = input.stream(i)
            guard let par = st.pointee.codecpar else { continue }
            if par.pointee.codec_type == AVMEDIA_TYPE_VIDEO, videoIndex < 0,
               st.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC == 0 {
                videoIndex = i
            } else if par.pointee.codec_type == AVMEDIA_TYPE_AUDIO, audioIndex < 0 {
                audioIndex = i
            }
        }
        var result = TemplateProbe()
        result.container = input.formatName == "mpegts" ? .ts : .fmp4
        if audioIndex >= 0 { result.audio = audio(input.stream(audioIndex)) }
        guard videoIndex >= 0 else { return result }
        let st = input.stream(videoIndex)
        guard let par = st.pointee.codecpar else { return result }
        let codecID = par.pointee.codec_id
        let codecName = String(cString: avcodec_get_name(codecID))
        let extradata = bytes(par.pointee.extradata, Int(par.pointee.extradata_size))
        var codecString: String? = nil
        var facts: VideoParameterFacts? = nil
        if codecID == AV_CODEC_ID_H264 {
            codecString = try? CodecString.avc(extradata: extradata)
            facts = try? ParameterSets.avcFacts(extradata: extradata)
        } else if codecID == AV_CODEC_ID_HEVC {
            let entry = par.pointee.codec_tag == sr_mktag(0x68, 0x65, 0x76, 0x31) ? "hev1" : "hvc1"  // 'hev1'
            codecString = try? CodecString.hevc(extradata: extradata, sampleEntry: entry)
            facts = try? ParameterSets.hevcFacts(extradata: extradata)
        }
        var profile: String? = nil
        let profileNumber = par.pointee.profile != FF_PROFILE_UNKNOWN ? par.pointee.profile : Int32(facts?.profileIDC ?? -1)
        if profileNumber >= 0, let name = avcodec_profile_name(codecID, profileNumber) { profile = String(cString: name) }
        let level = facts?.levelIDC ?? (par.pointee.level != FF_LEVEL_UNKNOWN ? Int(par.pointee.level) : nil)
        let pixelFormat = par.pointee.format >= 0
            ? av_get_pix_fmt_name(AVPixelFormat(rawValue: par.pointee.format)).map { String(cString: $0) } : nil
        let rate = st.pointee.avg_frame_rate.num > 0 && st.pointee.avg_frame_rate.den > 0
            ? st.pointee.avg_frame_rate : st.pointee.r_frame_rate
        let frameRate = rate.num > 0 && rate.den > 0 ? reduced(Int64(rate.num), Int64(rate.den)) : nil

        // The first video packet: its first VCL NAL unit's type.
        var pkt: UnsafeMutablePointer<AVPacket>? = av_packet_alloc()
        defer { av_packet_free(&pkt) }
        guard let pkt else { throw PackageError(.ffmpeg, subject, "out of memory") }
        var startsWithIDR = false
        while true {
            let ret = av_read_frame(input.context, pkt)
            if ret == sr_averror_eof() { break }
            if ret < 0 {
                throw DemuxReadError.make(ret, subject)
            }
            defer { av_packet_unref(pkt) }
            guard Int(pkt.pointee.stream_index) == videoIndex else { continue }
            let data = bytes(pkt.pointee.data, Int(pkt.pointee.size))
            if let codec = IDRScan.Codec(codecName: codecName) {
                startsWithIDR = IDRScan.startsWithIDR(
                    data, codec: codec, framing: IDRScan.framing(of: data, extradata: extradata, codec: codec))
            } else {
                startsWithIDR = pkt.pointee.flags & AV_PKT_FLAG_KEY != 0
            }
            break
        }

        let tb = st.pointee.time_base
        result.video = Video(
            codecName: codecName, codecString: codecString,
            width: Int(facts?.width ?? Int(par.pointee.width)), height: Int(facts?.height ?? Int(par.pointee.height)),
            profile: profile, level: level, pixelFormat: pixelFormat, frameRate: frameRate,
            timescale: timescale(tb), startsWithIDR: startsWithIDR)
        return result
    }

    /// An audio stream's parameters (after `avformat_find_stream_info` ran the decoder, so HE-AAC
    /// reports its SBR rate and PS its stereo output).
    private static func audio(_ st: UnsafeMutablePointer<AVStream>) -> Audio? {
        guard let par = st.pointee.codecpar else { return nil }
        let codecName = String(cString: avcodec_get_name(par.pointee.codec_id))
        var codecString: String? = nil
        var profile: String? = nil
        switch par.pointee.codec_id {
        case AV_CODEC_ID_AAC:
            let asc = bytes(par.pointee.extradata, Int(par.pointee.extradata_size))
            var s = (try? CodecString.aac(audioSpecificConfig: asc)) ?? CodecString.aac(ffmpegProfile: Int(par.pointee.profile))
            // The decoder finds implicitly signalled SBR/PS, which the ASC does not show.
            if par.pointee.profile == FF_PROFILE_AAC_HE_V2 { s = "mp4a.40.29" }
            if par.pointee.profile == FF_PROFILE_AAC_HE && s == "mp4a.40.2" { s = "mp4a.40.5" }
            codecString = s
            profile = SpliceTemplate.AudioTrack.aacProfile(codecString: s)
        case AV_CODEC_ID_AC3: codecString = CodecString.ac3
        case AV_CODEC_ID_EAC3: codecString = CodecString.eac3
        case AV_CODEC_ID_MP3: codecString = CodecString.mp3
        default: break
        }
        return Audio(
            codecName: codecName, codecString: codecString, profile: profile, sampleRate: Int(par.pointee.sample_rate),
            channels: Int(par.pointee.ch_layout.nb_channels), timescale: timescale(st.pointee.time_base))
    }

    /// Ticks per second of a time base 1/N (N/k for k/N when k divides it).
    private static func timescale(_ tb: AVRational) -> Int32 {
        guard tb.num > 0, tb.den > 0 else { return 1 }
        return tb.num == 1 || tb.den % tb.num != 0 ? tb.den : tb.den / tb.num
    }

    private static func reduced(_ n: Int64, _ d: Int64) -> FrameRate {
        var (a, b) = (n, d)
        while b != 0 { (a, b) = (b, a % b) }
        return FrameRate(numerator: n / a, denominator: d / a)
    }

    private static func bytes(_ pointer: UnsafeMutablePointer<UInt8>?, _ count: Int) -> [UInt8] {
        guard let pointer, count > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: pointer, count: count))
    }

    /// Writes `bytes` to a new private file in the temporary folder and returns its path.
    private static func temporaryFile(_ bytes: [UInt8], naming subject: String) throws(PackageError) -> String {
        var base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        if base.isEmpty { base = "/tmp" }
        var template = Array((base + "/showrunner-template-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw PackageError(.outputNotWritable, base, "cannot create a temporary file to read \(subject): \(String(cString: strerror(errno)))")
        }
        let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let failure = bytes.withUnsafeBufferPointer { SegmentSink.writeAll(fd, $0.baseAddress, $0.count) }
        close(fd)
        if failure != 0 {
            unlink(path)
            throw PackageError(.outputNotWritable, base, "cannot write a temporary file to read \(subject): \(String(cString: strerror(failure)))")
        }
        return path
    }
}

/// A failed `av_read_frame` as a `PackageError` naming the file.
enum DemuxReadError {
    static func make(_ code: Int32, _ path: String) -> PackageError {
        let detail = FFmpegLog.takeLastError() ?? ""
        let why = detail.isEmpty ? avErrorString(code) : detail
        if detail.contains("partial file") { return PackageError(.truncatedInput, path, "truncated: \(why)") }
        if code == sr_averror_invaliddata() { return PackageError(.corruptInput, path, "invalid data: \(why)") }
        return PackageError(.inputUnreadable, path, detail.isEmpty ? why : "\(avErrorString(code)) (\(detail))")
    }
}
