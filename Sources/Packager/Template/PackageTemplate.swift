internal import CShowrunnerAV
public import MediaCore

#if canImport(Glibc)
import Glibc
#endif

/// The splice template of a package folder made by `showrunner package` (`master.m3u8`, media
/// playlists, TS or fMP4 segments): what an ad stitched into it must match. The fields come from
/// the playlists (CODECS, EXT-X-TARGETDURATION, EXTINF, EXT-X-MAP) and from probing the first
/// segment of each rendition with FFmpeg (size, profile, level, pixel format, frame rate,
/// timescale, the first picture's NAL type, audio rate and channels).
///
/// Read members of the template directly: `template.video`, `template.audio`, ...
@dynamicMemberLookup
public struct PackageTemplate: Sendable, Hashable, Codable {
    /// The package folder it was read from.
    public var folder: String
    /// The measured template (what `StitchPreflight.check` compares).
    public var splice: SpliceTemplate
    /// Oddities noticed while reading (e.g. CODECS disagreeing with the bitstream).
    public var warnings: [String]

    /// A template for `folder` with the given values.
    public init(folder: String, splice: SpliceTemplate, warnings: [String] = []) {
        self.folder = folder
        self.splice = splice
        self.warnings = warnings
    }

    /// The template's fields, e.g. `template.format`, `template.video`.
    public subscript<T>(dynamicMember keyPath: KeyPath<SpliceTemplate, T>) -> T { splice[keyPath: keyPath] }

    /// Reads the template of the package in `folder` (blocking: reads playlists and the first
    /// segment of each rendition; fMP4 init + first segment are joined in a temporary file).
    ///
    /// Every EXT-X-STREAM-INF (one per distinct URI) gives a video rung; the audio is the
    /// DEFAULT (else first) EXT-X-MEDIA of the first variant's AUDIO group (its own playlist),
    /// or the audio muxed in the variant's segments when that rendition has no URI or there is
    /// no group. Target duration and longest segment cover every media playlist the
    /// multivariant playlist names.
    ///
    /// - Throws: `PackageError` naming the file: `.inputNotFound` (no `master.m3u8`, a missing
    ///   playlist or segment), `.corruptInput` (a playlist that does not parse, no variants or
    ///   no segments, a URI outside the folder), `.unsupportedContainer` (mixed TS/fMP4), and the
    ///   input errors of `InputFile` for segments FFmpeg cannot read.
    public static func read(folder: String) throws(PackageError) -> PackageTemplate {
        var root = folder
        while root.count > 1, root.hasSuffix("/") { root.removeLast() }
        let masterPath = root + "/master.m3u8"
        let master: MultivariantPlaylist
        do {
            master = try MultivariantPlaylist.parse(try TemplateFiles.text(masterPath))
        } catch let e as PlaylistError {
            throw PackageError(.corruptInput, masterPath, "not an HLS multivariant playlist: \(e)")
        } catch let e as PackageError {
            throw e
        } catch {
            throw PackageError(.corruptInput, masterPath, "\(error)")
        }
        var seen: Set<String> = []
        let variants = master.variants.filter { seen.insert($0.uri).inserted }
        guard !variants.isEmpty else {
            throw PackageError(.corruptInput, masterPath, "no EXT-X-STREAM-INF variant: not a package's master playlist")
        }

        var warnings: [String] = []
        var timing = Timing()
        var format: SpliceTemplate.Container? = nil
        var video: [SpliceTemplate.VideoTrack] = []
        var audio: SpliceTemplate.AudioTrack? = nil
        var muxedAudio: [String: SpliceTemplate.AudioTrack] = [:]
        var measuredMuxedAudio: [String: String?] = [:]

        func note(_ f: SpliceTemplate.Container, _ playlist: String) throws(PackageError) {
            if let format, format != f {
                throw PackageError(.unsupportedContainer, playlist,
                    "has \(f == .fmp4 ? "fMP4" : "TS") segments but the package's other renditions have \(format == .fmp4 ? "fMP4" : "TS") segments")
            }
            format = f
        }

        /// The playlist's EXT-X-MAP says fMP4 (or its absence TS): the segment's bytes must agree.
        func check(_ container: SpliceTemplate.Container, _ first: TemplateFiles.FirstSegment) throws(PackageError) {
            guard container == first.format else {
                throw PackageError(.unsupportedContainer, first.segment,
                    container == .ts ? "is MPEG-TS, but its playlist has an EXT-X-MAP (fMP4)" : "is MP4, but its playlist has no EXT-X-MAP (TS expected)")
            }
        }

        for variant in variants {
            let playlistPath = try TemplateFiles.resolve(variant.uri, from: masterPath)
            let first = try timing.add(playlistPath)
            try note(first.format, playlistPath)
            let probe = try TemplateProbe.run(segment: first.segment, initSegment: first.initSegment)
            try check(probe.container, first)
            let id = TemplateFiles.renditionID(variant.uri)
            let videoCodec = variant.codecs.first(where: TemplateFiles.isVideoCodec)
            let audioCodec = variant.codecs.first { !TemplateFiles.isVideoCodec($0) }
            if let v = probe.video {
                let codecString = videoCodec ?? v.codecString ?? v.codecName
                if let measured = v.codecString, let advertised = videoCodec,
                   measured.lowercased() != advertised.lowercased() {
                    warnings.append("\(id): CODECS says \(advertised) but the first segment's parameter sets say \(measured)")
                }
                if let r = variant.resolution, r.width != v.width || r.height != v.height {
                    warnings.append("\(id): RESOLUTION says \(r.text) but the first segment is \(v.width)x\(v.height)")
                }
                video.append(SpliceTemplate.VideoTrack(
                    id: id, width: v.width, height: v.height, codecString: codecString, codecName: v.codecName,
                    profile: v.profile, level: v.level, pixelFormat: v.pixelFormat, frameRate: v.frameRate,
                    timescale: v.timescale, startsWithIDR: v.startsWithIDR))
            }
            if let a = probe.audio {
                measuredMuxedAudio[variant.uri] = a.codecString
                muxedAudio[variant.uri] = SpliceTemplate.AudioTrack(
                    id: id, codecString: audioCodec ?? a.codecString ?? a.codecName, codecName: a.codecName,
                    profile: a.profile, sampleRate: a.sampleRate, channels: a.channels, timescale: a.timescale)
            }
        }

        // Every audio rendition's playlist counts for the timing; the default one is probed.
        let firstVariant = variants[0]
        let audioCodec = firstVariant.codecs.first { !TemplateFiles.isVideoCodec($0) }
        let group = firstVariant.audioGroup.map { g in master.renditions.filter { $0.type == .audio && $0.groupID == g } } ?? []
        let chosen = group.first(where: \.isDefault) ?? group.first
        var measuredAudioCodec: String? = chosen?.uri == nil ? measuredMuxedAudio[firstVariant.uri] ?? nil : nil
        for rendition in master.renditions where rendition.type == .audio {
            guard let uri = rendition.uri else { continue }
            let playlistPath = try TemplateFiles.resolve(uri, from: masterPath)
            let first = try timing.add(playlistPath)
            try note(first.format, playlistPath)
            guard audio == nil, let chosen, rendition == chosen else { continue }
            let probe = try TemplateProbe.run(segment: first.segment, initSegment: first.initSegment)
            try check(probe.container, first)
            guard let a = probe.audio else {
                throw PackageError(.corruptInput, first.segment, "the audio rendition's first segment has no audio stream")
            }
            measuredAudioCodec = a.codecString
            audio = SpliceTemplate.AudioTrack(
                id: TemplateFiles.renditionID(uri), codecString: audioCodec ?? a.codecString ?? a.codecName,
                codecName: a.codecName, profile: a.profile, sampleRate: a.sampleRate, channels: a.channels,
                timescale: a.timescale)
        }
        if audio == nil, chosen?.uri == nil {
            audio = muxedAudio[firstVariant.uri]
        }
        if let a = audio, let advertised = audioCodec, let measured = measuredAudioCodec,
           advertised.lowercased() != measured.lowercased() {
            warnings.append("\(a.id): CODECS says \(advertised) but the first segment's audio is \(measured)")
        }

        let splice = SpliceTemplate(
            format: format ?? .ts, targetDuration: timing.targetDuration, longestSegment: timing.longest,
            video: video, audio: audio)
        return PackageTemplate(folder: root, splice: splice, warnings: warnings)
    }

    /// `read` on a dedicated thread, so FFmpeg's blocking I/O stays off Swift's shared executor.
    public static func readDetached(folder: String) async throws(PackageError) -> PackageTemplate {
        let result: Result<PackageTemplate, PackageError> = await withCheckedContinuation { continuation in
            BlockingThread {
                do throws(PackageError) {
                    continuation.resume(returning: .success(try read(folder: folder)))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }.start()
        }
        return try result.get()
    }

    /// Target duration and longest segment over the media playlists read so far.
    private struct Timing {
        var targetDuration = 0
        var longest = MediaTime.zero
        var read: [String: TemplateFiles.FirstSegment] = [:]

        /// Parses the media playlist at `path` (once), folds in its timing and returns its first
        /// segment.
        mutating func add(_ path: String) throws(PackageError) -> TemplateFiles.FirstSegment {
            if let done = read[path] { return done }
            let playlist: MediaPlaylist
            do {
                playlist = try MediaPlaylist.parse(try TemplateFiles.text(path))
            } catch let e as PlaylistError {
                throw PackageError(.corruptInput, path, "not an HLS media playlist: \(e)")
            } catch let e as PackageError {
                throw e
            } catch {
                throw PackageError(.corruptInput, path, "\(error)")
            }
            guard let target = playlist.targetDuration else {
                throw PackageError(.corruptInput, path, "no EXT-X-TARGETDURATION")
            }
            guard let first = playlist.segments.first else {
                throw PackageError(.corruptInput, path, "no segments")
            }
            targetDuration = max(targetDuration, target)
            for segment in playlist.segments where segment.duration > longest { longest = segment.duration }
            let segmentPath = try TemplateFiles.resolve(first.uri, from: path)
            var initPath: String? = nil
            if let map = first.map {
                guard let uri = map.string("URI") else { throw PackageError(.corruptInput, path, "EXT-X-MAP without a URI") }
                initPath = try TemplateFiles.resolve(uri, from: path)
            }
            let result = TemplateFiles.FirstSegment(
                segment: segmentPath, initSegment: initPath, format: initPath == nil ? .ts : .fmp4)
            read[path] = result
            return result
        }
    }
}

/// File helpers for reading a package: paths, text files, codec classes.
enum TemplateFiles {
    /// The first segment of a media playlist.
    struct FirstSegment {
        var segment: String
        var initSegment: String?
        var format: SpliceTemplate.Container
    }

    /// Video sample entries as they start a CODECS item.
    static let videoPrefixes = ["avc1", "avc3", "hvc1", "hev1", "dvh1", "dvhe", "av01", "vp09", "vp08"]

    /// Whether a CODECS item names a video codec.
    static func isVideoCodec(_ codec: String) -> Bool {
        let lower = codec.lowercased()
        return videoPrefixes.contains { lower.hasPrefix($0) }
    }

    /// The rendition folder of a playlist URI: `"v720p/index.m3u8"` → `"v720p"`; a URI without a
    /// folder gives its name without the extension.
    static func renditionID(_ uri: String) -> String {
        let parts = uri.split(separator: "/")
        if parts.count >= 2 { return String(parts[parts.count - 2]) }
        let name = parts.last.map(String.init) ?? uri
        if let dot = name.lastIndex(of: "."), dot > name.startIndex { return String(name[..<dot]) }
        return name
    }

    /// `uri` relative to the playlist at `from`. Only plain relative paths inside the package are
    /// followed: URLs, absolute paths and `..` are refused.
    static func resolve(_ uri: String, from playlist: String) throws(PackageError) -> String {
        let parts = uri.split(separator: "/", omittingEmptySubsequences: false)
        guard !uri.isEmpty, !uri.hasPrefix("/"), !uri.contains("://"), !uri.contains("?"),
              !parts.contains(where: { $0 == ".." || $0.isEmpty }) else {
            throw PackageError(.corruptInput, playlist, "the URI '\(uri)' does not name a file inside the package")
        }
        let dir = playlist.lastIndex(of: "/").map { String(playlist[..<$0]) } ?? "."
        return dir + "/" + uri
    }

    /// A playlist's text (at most 16 MiB, UTF-8).
    static func text(_ path: String) throws(PackageError) -> String {
        let bytes = try contents(path, limit: 16 << 20)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A file's bytes; `.inputNotFound` / `.inputUnreadable` naming it.
    static func contents(_ path: String, limit: Int = 1 << 30) throws(PackageError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let e = errno
            if e == ENOENT || e == ENOTDIR { throw PackageError(.inputNotFound, path, "no such file") }
            throw PackageError(.inputUnreadable, path, String(cString: strerror(e)))
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            throw PackageError(.inputNotFound, path, "not a regular file")
        }
        guard Int(st.st_size) <= limit else {
            throw PackageError(.inputUnreadable, path, "too large (\(st.st_size) bytes)")
        }
        var out = [UInt8](repeating: 0, count: Int(st.st_size))
        var filled = 0
        var failure: Int32 = 0
        out.withUnsafeMutableBytes { buf in
            while filled < buf.count {
                let n = Glibc.read(fd, buf.baseAddress! + filled, buf.count - filled)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                if n == 0 { break }
                filled += n
            }
        }
        if failure != 0 { throw PackageError(.inputUnreadable, path, String(cString: strerror(failure))) }
        return Array(out[..<filled])
    }
}
