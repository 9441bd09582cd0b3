internal import CShowrunnerAV
import MediaCore

#if canImport(Glibc)
import Glibc
#endif

/// An input media file opened for demuxing. FFmpeg reads only this file: the demuxer is probed from
/// its bytes and must be on an allow list (no playlists, concat lists or image sequences, which
/// make FFmpeg open other files), and only the `file` protocol is allowed.
///
/// Owns its FFmpeg pointers; not Sendable — use it on one thread and let it go there.
final class InputFile {
    /// Demuxers we accept, by FFmpeg name (`AVInputFormat.name`).
    static let allowedDemuxers: Set<String> = [
        "mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", "mpegts", "avi", "flv", "mpeg",
        "mp3", "aac", "ac3", "eac3", "wav",
    ]
    /// What we tell the user about demuxers we refuse on purpose.
    static let refusedDemuxers: [String: String] = [
        "hls": "HLS playlists are not accepted as input (they make FFmpeg open other files)",
        "concat": "concat lists are not accepted as input (they make FFmpeg open other files)",
        "ffconcat": "concat lists are not accepted as input (they make FFmpeg open other files)",
        "image2": "image sequences are not accepted as input",
        "dash": "DASH manifests are not accepted as input (they make FFmpeg open other files)",
    ]

    let path: String
    let context: UnsafeMutablePointer<AVFormatContext>
    let size: Int64
    private let reader: InputIO
    /// The demuxer's name, e.g. "mov,mp4,m4a,3gp,3g2,mj2".
    let formatName: String

    /// Single-picture demuxers, accepted when asked for (stills and boot-screen images): they read
    /// the one file given, nothing else.
    static let imageDemuxers: Set<String> = ["jpeg_pipe", "png_pipe", "webp_pipe"]

    /// Opens and probes `path`. With `allowImages`, a single JPEG, PNG or WebP picture is accepted
    /// too (as one frame at time 0). Throws a `PackageError` naming the file and the problem.
    init(path: String, allowImages: Bool = false) throws(PackageError) {
        self.path = path
        FFmpegLog.install()
        FFmpegLog.reset()

        var st = stat()
        guard stat(path, &st) == 0 else {
            let e = errno
            if e == ENOENT || e == ENOTDIR { throw PackageError(.inputNotFound, path, "no such file") }
            throw PackageError(.inputUnreadable, path, String(cString: strerror(e)))
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw PackageError(.inputNotFound, path, "not a regular file")
        }
        guard st.st_size > 0 else { throw PackageError(.inputEmpty, path, "empty file (0 bytes)") }
        self.size = Int64(st.st_size)
        guard access(path, R_OK) == 0 else {
            throw PackageError(.inputUnreadable, path, String(cString: strerror(errno)))
        }

        // Our own reader for the file itself; FFmpeg may open nothing else but plain files
        // (protocol_whitelist) of the demuxers on the allow list (format_whitelist).
        guard let reader = InputIO(path: path, size: size) else {
            throw PackageError(.inputUnreadable, path, String(cString: strerror(errno)))
        }
        self.reader = reader
        let url = "file:" + path
        var options: OpaquePointer? = nil
        av_dict_set(&options, "protocol_whitelist", "file", 0)
        defer { av_dict_free(&options) }

        // Probe the container from the bytes ourselves, so we can refuse formats before opening.
        var format: UnsafePointer<AVInputFormat>? = nil
        var ret = av_probe_input_buffer2(reader.io, &format, url, nil, 0, 0)
        guard ret >= 0, let probed = format else {
            throw PackageError(.notMedia, path, "not a media file FFmpeg recognizes (\(avErrorString(ret)))")
        }
        var name = String(cString: probed.pointee.name)
        var score = ret
        if allowImages, name == "image2" {
            // Matched by the file name (a pattern for image sequences); probe the bytes alone for
            // the single-picture demuxer.
            avio_seek(reader.io, 0, SEEK_SET)
            var single: UnsafePointer<AVInputFormat>? = nil
            ret = av_probe_input_buffer2(reader.io, &single, nil, nil, 0, 0)
            guard ret >= 0, let single else {
                throw PackageError(.notMedia, path, "not a picture or media file FFmpeg recognizes (\(avErrorString(ret)))")
            }
            format = single
            name = String(cString: single.pointee.name)
            score = ret
        }
        let allowed = allowImages ? Self.allowedDemuxers.union(Self.imageDemuxers) : Self.allowedDemuxers
        if !(allowImages && Self.imageDemuxers.contains(name)), let why = Self.refusedDemuxers[name] {
            throw PackageError(.unsupportedContainer, path, why)
        }
        guard allowed.contains(name) else {
            throw PackageError(.unsupportedContainer, path,
                "the \(name) container is not accepted (expected MP4/MOV, Matroska, MPEG-TS or an audio file)")
        }
        // A match on the file name alone scores 1; raw elementary-stream probes are weak too.
        // Demand a confident match from the bytes (AVPROBE_SCORE_RETRY = 25, 50 for raw audio).
        let needed: Int32 = ["mp3", "aac", "ac3", "eac3"].contains(name) ? 50 : 25
        if score < needed {
            throw PackageError(.notMedia, path, "not a media file FFmpeg recognizes (its bytes only weakly resemble \(name), score \(score) of 100)")
        }
        self.formatName = name

        var ctx: UnsafeMutablePointer<AVFormatContext>? = avformat_alloc_context()
        guard let allocated = ctx else { throw PackageError(.ffmpeg, path, "out of memory") }
        allocated.pointee.format_whitelist = av_strdup(Array(allowed).joined(separator: ","))
        allocated.pointee.pb = reader.io
        allocated.pointee.flags |= AVFMT_FLAG_CUSTOM_IO
        ret = avformat_open_input(&ctx, url, format, &options)
        guard ret >= 0, let opened = ctx else {
            // avformat_open_input frees the context on failure.
            throw Self.openError(path: path, code: ret, format: name)
        }
        self.context = opened
        ret = avformat_find_stream_info(opened, nil)
        if ret < 0 {
            let error = Self.openError(path: path, code: ret, format: name)
            avformat_close_input(&ctx)
            throw error
        }
    }

    deinit {
        var ctx: UnsafeMutablePointer<AVFormatContext>? = context
        avformat_close_input(&ctx)
    }

    /// Turns an open/probe failure into a user-facing error.
    static func openError(path: String, code: Int32, format: String) -> PackageError {
        let detail = FFmpegLog.takeLastError() ?? ""
        if detail.contains("moov atom not found") {
            return PackageError(.truncatedInput, path,
                "truncated or incomplete MP4: the moov atom (the file's index) is missing")
        }
        if code == sr_averror_invaliddata() || code == sr_averror_eof() {
            let why = detail.isEmpty ? avErrorString(code) : detail
            return PackageError(.corruptInput, path, "\(format) data is invalid: \(why)")
        }
        let why = detail.isEmpty ? avErrorString(code) : "\(avErrorString(code)) (\(detail))"
        return PackageError(.inputUnreadable, path, why)
    }

    var streamCount: Int { Int(context.pointee.nb_streams) }

    func stream(_ index: Int) -> UnsafeMutablePointer<AVStream> {
        context.pointee.streams[index]!
    }

    /// The container's duration, when it states one.
    var duration: MediaTime? {
        let d = context.pointee.duration
        guard d != sr_nopts_value(), d > 0 else { return nil }
        return MediaTime(value: d, timescale: AV_TIME_BASE)
    }
}
