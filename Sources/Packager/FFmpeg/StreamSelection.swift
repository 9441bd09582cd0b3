internal import CShowrunnerAV
import MediaCore

/// A video or audio stream of the input that goes into the package.
struct SelectedStream {
    enum Kind { case video, audio }
    var index: Int
    var kind: Kind
    var codecName: String
    /// RFC 6381 codec string for CODECS.
    var codecString: String
    var timeBase: AVRational
    var language: String?
    var title: String?
    var isDefault: Bool
    // video
    var width = 0
    var height = 0
    var frameRate: FrameRate?
    /// Half a frame, for cut tolerance.
    var halfFrame: MediaTime?
    // audio
    var sampleRate = 0
    var channels = 0
}

/// Which input streams are packaged, and what is left out (with a reason for the user).
struct StreamSelection {
    var video: SelectedStream?
    var audio: [SelectedStream]
    var warnings: [String]

    static let videoCodecs: Set<UInt32> = [AV_CODEC_ID_H264.rawValue, AV_CODEC_ID_HEVC.rawValue]
    static let audioCodecs: Set<UInt32> = [
        AV_CODEC_ID_AAC.rawValue, AV_CODEC_ID_AC3.rawValue, AV_CODEC_ID_EAC3.rawValue, AV_CODEC_ID_MP3.rawValue,
    ]

    /// Picks the streams of `input`. When remuxing (`transcoding` false) a video or audio stream
    /// in a codec HLS cannot carry is an error naming the stream and codec; when transcoding any
    /// codec FFmpeg can decode is fine. Throws when nothing is left to package.
    init(input: InputFile, transcoding: Bool = false) throws(PackageError) {
        var videos: [SelectedStream] = []
        var audios: [SelectedStream] = []
        var warnings: [String] = []
        for i in 0..<input.streamCount {
            let st = input.stream(i)
            let par = st.pointee.codecpar.pointee
            let codecName = String(cString: avcodec_get_name(par.codec_id))
            let disposition = st.pointee.disposition
            switch par.codec_type {
            case AVMEDIA_TYPE_VIDEO:
                if disposition & AV_DISPOSITION_ATTACHED_PIC != 0 {
                    warnings.append("stream #\(i) (\(codecName) cover art) is not packaged")
                    continue
                }
                guard transcoding || Self.videoCodecs.contains(par.codec_id.rawValue) else {
                    throw PackageError(.unsupportedCodec, input.path,
                        "video stream #\(i) is \(codecName), which HLS cannot carry without transcoding (H.264 or HEVC needed; use --ladder)")
                }
                guard !transcoding || avcodec_find_decoder(par.codec_id) != nil else {
                    throw PackageError(.unsupportedCodec, input.path, "video stream #\(i) is \(codecName), which FFmpeg here cannot decode")
                }
                guard par.width > 0, par.height > 0 else {
                    throw PackageError(.corruptInput, input.path, "video stream #\(i) (\(codecName)) has no frame size")
                }
                let codecString: String
                if transcoding {
                    codecString = ""
                } else { do throws(CodecStringError) {
                    let extradata = Self.extradata(par)
                    codecString = par.codec_id == AV_CODEC_ID_H264
                        ? try CodecString.avc(extradata: extradata)
                        : try CodecString.hevc(extradata: extradata)
                } catch {
                    throw PackageError(.corruptInput, input.path,
                        "video stream #\(i) (\(codecName)): cannot read its parameter sets for CODECS: \(error.message)")
                } }
                var s = SelectedStream(index: i, kind: .video, codecName: codecName, codecString: codecString,
                                       timeBase: st.pointee.time_base, language: Self.tag(st, "language"),
                                       title: Self.tag(st, "title"), isDefault: disposition & AV_DISPOSITION_DEFAULT != 0)
                s.width = Int(par.width)
                s.height = Int(par.height)
                let rate = st.pointee.avg_frame_rate.num > 0 ? st.pointee.avg_frame_rate : st.pointee.r_frame_rate
                if rate.num > 0, rate.den > 0 {
                    s.frameRate = FrameRate(numerator: Int64(rate.num), denominator: Int64(rate.den))
                    s.halfFrame = MediaTime(value: Int64(rate.den), timescale: rate.num * 2)
                }
                videos.append(s)
            case AVMEDIA_TYPE_AUDIO:
                guard transcoding || Self.audioCodecs.contains(par.codec_id.rawValue) else {
                    throw PackageError(.unsupportedCodec, input.path,
                        "audio stream #\(i) is \(codecName), which HLS cannot carry without transcoding (AAC, AC-3, E-AC-3 or MP3 needed; use --ladder)")
                }
                guard !transcoding || avcodec_find_decoder(par.codec_id) != nil else {
                    throw PackageError(.unsupportedCodec, input.path, "audio stream #\(i) is \(codecName), which FFmpeg here cannot decode")
                }
                guard par.sample_rate > 0 else {
                    throw PackageError(.corruptInput, input.path, "audio stream #\(i) (\(codecName)) has no sample rate")
                }
                let codecString: String
                switch par.codec_id {
                case AV_CODEC_ID_AAC:
                    let asc = Self.extradata(par)
                    if !asc.isEmpty, let s = try? CodecString.aac(audioSpecificConfig: asc) {
                        codecString = par.profile == FF_PROFILE_AAC_HE_V2 ? "mp4a.40.29"
                            : (par.profile == FF_PROFILE_AAC_HE && s == "mp4a.40.2" ? "mp4a.40.5" : s)
                    } else {
                        codecString = CodecString.aac(ffmpegProfile: Int(par.profile))
                    }
                case AV_CODEC_ID_AC3: codecString = CodecString.ac3
                case AV_CODEC_ID_EAC3: codecString = CodecString.eac3
                default: codecString = CodecString.mp3
                }
                var s = SelectedStream(index: i, kind: .audio, codecName: codecName, codecString: codecString,
                                       timeBase: st.pointee.time_base, language: Self.tag(st, "language"),
                                       title: Self.tag(st, "title"), isDefault: disposition & AV_DISPOSITION_DEFAULT != 0)
                s.sampleRate = Int(par.sample_rate)
                s.channels = Int(par.ch_layout.nb_channels)
                audios.append(s)
            case AVMEDIA_TYPE_SUBTITLE:
                warnings.append("subtitle stream #\(i) (\(codecName)) is not packaged yet")
            default:
                let type = av_get_media_type_string(par.codec_type).map { String(cString: $0) } ?? "unknown"
                warnings.append("\(type) stream #\(i) (\(codecName)) is not packaged")
            }
        }
        if videos.count > 1 {
            // One video rendition per package when remuxing: the default stream, else the largest.
            let pick = videos.first(where: \.isDefault) ?? videos.max(by: { $0.width * $0.height < $1.width * $1.height })!
            for v in videos where v.index != pick.index {
                warnings.append("video stream #\(v.index) is not packaged (only stream #\(pick.index) is)")
            }
            videos = [pick]
        }
        guard !videos.isEmpty || !audios.isEmpty else {
            throw PackageError(.noStreams, input.path, "no video or audio stream to package")
        }
        // The default audio track first: it is the one muxed with video in TS and marked DEFAULT.
        if let d = audios.firstIndex(where: \.isDefault), d > 0 {
            audios.insert(audios.remove(at: d), at: 0)
        }
        self.video = videos.first
        self.audio = audios
        self.warnings = warnings
    }

    static func extradata(_ par: AVCodecParameters) -> [UInt8] {
        guard let p = par.extradata, par.extradata_size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: p, count: Int(par.extradata_size)))
    }

    static func tag(_ st: UnsafeMutablePointer<AVStream>, _ key: String) -> String? {
        guard let e = av_dict_get(st.pointee.metadata, key, nil, 0), let v = e.pointee.value else { return nil }
        let s = String(cString: v)
        return s.isEmpty || s == "und" ? nil : s
    }
}
