public import Hummingbird
public import Logging
import HTTPTypes
import NIOCore
import NIOPosix

/// Serves HLS playlists, segments and package sidecar files from below a media root.
///
/// - Paths: see `MediaPathValidator` (syntax; 400/404) and `MediaOpenFile.openBelow` (no symlink
///   is ever followed below the root; only regular files). Not one byte from outside the root.
/// - Caching: playlists `public, max-age=2` (short enough for live playlists, which change every
///   target duration, and still lets a CDN collapse the polling of many players; then they
///   revalidate with `If-None-Match`). Segments and sidecars `public, max-age=31536000, immutable`
///   when the caller says the path is inside an immutable package version, else
///   `public, max-age=60`.
/// - Validators: a strong `ETag` from device+inode+size+mtime(ns), `Last-Modified`;
///   `If-None-Match` (weak comparison, `*`) and `If-Modified-Since` → 304; `If-Range`.
/// - Ranges: one range (`bytes=a-b`, `a-`, `-n`) → 206; unsatisfiable → 416 with
///   `Content-Range: bytes */size`; malformed or multi-range → the whole file (200).
/// - gzip: playlists only, when `Accept-Encoding` allows it and no range is served; the
///   compressed body has its own entity tag (suffix `-gz`); `Vary: Accept-Encoding` is sent on
///   every playlist response.
/// - Small files (≤ `inlineReadLimit`; playlists ≤ `gzipMaximumSize`) are read with one `pread`
///   and kept in a bounded cache with their gzip body; a cached file is served only after one
///   `fstatat` shows the same inode, size, mtime and ctime (so a changed live playlist is never
///   served stale).
/// - Larger files are streamed in `chunkSize` pieces read on NIO's blocking thread pool, the next
///   piece being read while the previous one is written; they are never read whole into memory.
public struct MediaFileServer: Sendable {
    public struct Configuration: Sendable {
        /// Size of each read when streaming a large file.
        public var chunkSize: Int = 512 * 1024
        /// Files up to this size (playlists: up to `gzipMaximumSize`) are read in one go, kept in
        /// the small-file cache and sent as one buffer; larger ones are streamed.
        public var inlineReadLimit: Int = 64 * 1024
        /// Read streamed chunks on NIO's blocking thread pool (true) or directly on the task's
        /// thread (false: a little faster from the page cache, but a slow disk then stalls a
        /// Swift concurrency thread).
        public var readOnThreadPool: Bool = true
        public var playlistCacheControl: String = "public, max-age=2"
        public var segmentCacheControl: String = "public, max-age=60"
        public var immutableCacheControl: String = "public, max-age=31536000, immutable"
        /// Compress playlists for clients that accept gzip.
        public var gzipPlaylists: Bool = true
        /// Playlists smaller than this are sent as they are.
        public var gzipMinimumSize: Int = 256
        /// Playlists up to this size are cached (and gzipped); larger ones are streamed as they are.
        public var gzipMaximumSize: Int = 4 * 1024 * 1024
        /// Bounds of the small-file cache (bytes count twice for the room of a gzip body).
        public var cacheMaxBytes: Int = 64 * 1024 * 1024
        public var cacheMaxEntries: Int = 8192

        public init() {}
    }

    /// The media root, as given. Its directory descriptor is reopened by path at most every
    /// second, so the root may be created or swapped for another directory later.
    public let root: String
    public let configuration: Configuration
    let logger: Logger
    let cache: MediaSmallFileCache
    let rootDirectory: MediaRootDirectory

    public init(root: String, logger: Logger) {
        self.init(root: root, logger: logger, configuration: Configuration())
    }

    public init(root: String, logger: Logger, configuration: Configuration) {
        self.root = root
        self.logger = logger
        var configuration = configuration
        configuration.chunkSize = max(4096, configuration.chunkSize)
        configuration.inlineReadLimit = max(0, configuration.inlineReadLimit)
        self.configuration = configuration
        self.rootDirectory = MediaRootDirectory(path: root)
        self.cache = MediaSmallFileCache(maxBytes: configuration.cacheMaxBytes, maxEntries: configuration.cacheMaxEntries)
    }

    /// The response for `relativePath` (the part of the URL path below the media mount point,
    /// still percent-encoded exactly as it arrived).
    /// - Parameter immutable: the caller knows the path is inside an immutable package version:
    ///   segments and sidecars get a one-year immutable `Cache-Control`.
    public func response(for relativePath: String, request: Request, immutable: Bool) async throws -> Response {
        let isHead = request.method == .head
        guard request.method == .get || isHead else {
            var response = Self.errorResponse(.methodNotAllowed, code: "method_not_allowed", message: "Only GET and HEAD are allowed.")
            response.headers[.allow] = "GET, HEAD"
            return response
        }

        let path: MediaValidatedPath
        switch MediaPathValidator.validate(relativePath) {
        case .success(let valid): path = valid
        case .failure(.malformed(let message)): return Self.errorResponse(.badRequest, code: "invalid_path", message: message)
        case .failure(.notFound(let message)): return Self.errorResponse(.notFound, code: "not_found", message: message)
        }

        guard let rootHandle = rootDirectory.current(logger: logger) else {
            return Self.errorResponse(.serviceUnavailable, code: "media_unavailable", message: "Media storage is unavailable.")
        }
        let key = path.joined
        let isPlaylist = path.kind == .playlist

        // Small files: served from memory while one fstatat shows the same unchanged inode.
        if let cached = cache.get(key) {
            if MediaFileIdentity.current(rootFD: rootHandle.fd, relativePath: key) == cached.identity {
                return try respond(path: path, request: request, immutable: immutable, version: cached, body: .memory(cached))
            }
            cache.remove(key)
        }

        guard let file = MediaOpenFile.openBelow(rootFD: rootHandle.fd, components: path.components) else {
            return Self.errorResponse(.notFound, code: "not_found", message: "No such file.")
        }
        let cacheLimit = isPlaylist ? max(configuration.inlineReadLimit, configuration.gzipMaximumSize) : configuration.inlineReadLimit
        if file.size <= cacheLimit {
            let cached = MediaCachedFile(identity: file.identity, body: try Self.readInline(file, offset: 0, count: file.size))
            cache.put(key, cached)
            return try respond(path: path, request: request, immutable: immutable, version: cached, body: .memory(cached))
        }
        let version = MediaCachedFileVersion(
            identity: file.identity,
            entityTag: file.identity.entityTag,
            lastModified: MediaHTTPHeaders.httpDate(file.identity.mtimeSeconds)
        )
        return try respond(path: path, request: request, immutable: immutable, version: version, body: .file(file))
    }

    private enum BodySource {
        case memory(MediaCachedFile)
        case file(MediaOpenFile)
    }

    private func respond(
        path: MediaValidatedPath,
        request: Request,
        immutable: Bool,
        version: some MediaFileVersion,
        body source: BodySource
    ) throws -> Response {
        let isHead = request.method == .head
        let isPlaylist = path.kind == .playlist
        let size = version.identity.size
        let entityTag = version.entityTag

        // Every name below is set once: append (no search) instead of the subscript setter.
        var headers = HTTPFields()
        headers.reserveCapacity(11)
        headers.append(HTTPField(name: .contentType, value: path.contentType))
        headers.append(HTTPField(name: .lastModified, value: version.lastModified))
        headers.append(
            HTTPField(
                name: .cacheControl,
                value: isPlaylist
                    ? configuration.playlistCacheControl
                    : (immutable ? configuration.immutableCacheControl : configuration.segmentCacheControl)
            )
        )
        if isPlaylist { headers.append(HTTPField(name: .vary, value: "Accept-Encoding")) }
        headers.append(HTTPField(name: .mediaContentTypeOptions, value: "nosniff"))

        var gzipSource: MediaCachedFile? = nil
        if isPlaylist, configuration.gzipPlaylists, size >= configuration.gzipMinimumSize, case .memory(let cached) = source,
            MediaHTTPHeaders.acceptsGzip(request.headers[.acceptEncoding])
        {
            gzipSource = cached
        }
        let gzipEntityTag = version.gzipEntityTag

        // Conditional requests (RFC 9110 §13.2.2: If-None-Match, else If-Modified-Since).
        if let ifNoneMatch = request.headers[values: .ifNoneMatch].joinedIfAny {
            if MediaHTTPHeaders.noneMatch(ifNoneMatch, tags: [entityTag, gzipEntityTag]) {
                return Self.notModified(headers, entityTag: gzipSource != nil ? gzipEntityTag : entityTag)
            }
        } else if let since = request.headers[.ifModifiedSince], let sinceSeconds = MediaHTTPHeaders.parseHTTPDate(since),
            version.identity.mtimeSeconds <= sinceSeconds
        {
            return Self.notModified(headers, entityTag: gzipSource != nil ? gzipEntityTag : entityTag)
        }

        headers.append(HTTPField(name: .acceptRanges, value: "bytes"))

        // Range (GET only; ignored when If-Range does not match the current version).
        var range: ClosedRange<Int>? = nil
        if !isHead, let rangeHeader = request.headers[.range] {
            let ifRange = request.headers[.ifRange]
            if ifRange == nil || ifRange == entityTag || ifRange == version.lastModified {
                switch MediaHTTPHeaders.parseRange(rangeHeader, size: size) {
                case .full: break
                case .partial(let r): range = r
                case .unsatisfiable:
                    var response = Self.errorResponse(
                        .rangeNotSatisfiable,
                        code: "range_not_satisfiable",
                        message: "The requested range is outside the file.",
                        field: "range"
                    )
                    response.headers[.contentRange] = "bytes */\(size)"
                    response.headers[.eTag] = entityTag
                    response.headers[.acceptRanges] = "bytes"
                    return response
                }
            }
        }

        if range == nil, let gzipSource, let compressed = gzipSource.gzipBody() {
            headers.append(HTTPField(name: .contentEncoding, value: "gzip"))
            headers.append(HTTPField(name: .eTag, value: gzipEntityTag))
            headers.append(HTTPField(name: .contentLength, value: String(compressed.readableBytes)))
            return Response(status: .ok, headers: headers, body: isHead ? ResponseBody() : ResponseBody(byteBuffer: compressed))
        }

        headers.append(HTTPField(name: .eTag, value: entityTag))
        let status: HTTPResponse.Status
        let span: ClosedRange<Int>?
        if let range {
            status = .partialContent
            headers.append(HTTPField(name: .contentRange, value: "bytes \(range.lowerBound)-\(range.upperBound)/\(size)"))
            span = range
        } else {
            status = .ok
            span = size > 0 ? 0...(size - 1) : nil
        }
        headers.append(HTTPField(name: .contentLength, value: String(span?.count ?? 0)))
        guard !isHead, let span else {
            return Response(status: status, headers: headers, body: ResponseBody())
        }
        switch source {
        case .memory(let cached):
            let slice = cached.body.getSlice(at: cached.body.readerIndex + span.lowerBound, length: span.count)!
            return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: slice))
        case .file(let file):
            if span.count <= configuration.inlineReadLimit {
                let buffer = try Self.readInline(file, offset: span.lowerBound, count: span.count)
                return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: buffer))
            }
            return Response(status: status, headers: headers, body: streamingBody(file: file, span: span))
        }
    }

    // MARK: - Bodies

    private func streamingBody(file: MediaOpenFile, span: ClosedRange<Int>) -> ResponseBody {
        let chunkSize = configuration.chunkSize
        let onPool = configuration.readOnThreadPool
        return ResponseBody(contentLength: span.count) { writer in
            var offset = span.lowerBound
            var remaining = span.count
            // Buffers are recycled: the one written two steps ago is usually no longer held by
            // the channel, so `clear()` reuses its memory instead of faulting in fresh pages for
            // every chunk (when it is still held, `clear()` allocates: always correct).
            var recycled: ByteBuffer? = nil
            var current = try await Self.readChunk(
                file,
                offset: offset,
                count: min(chunkSize, remaining),
                onPool: onPool,
                reusing: MediaBufferBox(nil)
            )
            while true {
                offset += current.readableBytes
                remaining -= current.readableBytes
                if remaining == 0 {
                    try await writer.write(current)
                    break
                }
                // Read the next piece while this one goes out.
                let box = MediaBufferBox(recycled)
                recycled = nil
                let nextOffset = offset
                let nextCount = min(chunkSize, remaining)
                async let next = Self.readChunk(file, offset: nextOffset, count: nextCount, onPool: onPool, reusing: box)
                try await writer.write(current)
                recycled = current
                current = try await next
            }
            try await writer.finish(nil)
        }
    }

    private static func readChunk(
        _ file: MediaOpenFile,
        offset: Int,
        count: Int,
        onPool: Bool,
        reusing box: MediaBufferBox
    ) async throws -> ByteBuffer {
        if onPool {
            return try await NIOThreadPool.singleton.runIfActive {
                try read(file, offset: offset, count: count, into: box.take())
            }
        }
        return try read(file, offset: offset, count: count, into: box.take())
    }

    /// Reads `count` bytes at `offset` into `buffer` (cleared first) or a new buffer.
    static func read(_ file: MediaOpenFile, offset: Int, count: Int, into buffer: consuming ByteBuffer?) throws -> ByteBuffer {
        var buffer = buffer ?? ByteBufferAllocator().buffer(capacity: count)
        buffer.clear()
        if count > 0 {
            try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { pointer in
                try file.read(into: UnsafeMutableRawBufferPointer(rebasing: pointer[0..<count]), offset: offset)
                return count
            }
        }
        return buffer
    }

    static func readInline(_ file: MediaOpenFile, offset: Int, count: Int) throws -> ByteBuffer {
        try read(file, offset: offset, count: count, into: nil)
    }

    // MARK: - Small responses

    private static func notModified(_ headers: HTTPFields, entityTag: String) -> Response {
        var fields = HTTPFields()
        for name in [HTTPField.Name.cacheControl, .lastModified, .vary] {
            if let value = headers[name] { fields[name] = value }
        }
        fields[.eTag] = entityTag
        var response = Response(status: .notModified, headers: fields, body: ResponseBody())
        response.headers[.contentLength] = nil
        return response
    }

    /// `{"error": {"code": …, "message": …, "field": "path"}}`. Messages are fixed strings: the
    /// request path is never echoed.
    static func errorResponse(_ status: HTTPResponse.Status, code: String, message: String, field: String = "path") -> Response {
        let json = "{\"error\":{\"code\":\(jsonString(code)),\"message\":\(jsonString(message)),\"field\":\(jsonString(field))}}"
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[.mediaContentTypeOptions] = "nosniff"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: json)))
    }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// Hands a buffer to the thread that fills it without keeping a second reference (which would
/// make the buffer copy-on-write).
final class MediaBufferBox: @unchecked Sendable {
    private var buffer: ByteBuffer?

    init(_ buffer: consuming ByteBuffer?) { self.buffer = buffer }

    /// Called once, by the reading task, after the creator let go of the box's contents.
    func take() -> ByteBuffer? {
        defer { buffer = nil }
        return buffer
    }
}

/// What the headers of a response need to know about one version of a file.
protocol MediaFileVersion {
    var identity: MediaFileIdentity { get }
    var entityTag: String { get }
    /// The entity tag of the gzip representation (a strong tag must differ per encoding).
    var gzipEntityTag: String { get }
    var lastModified: String { get }
}

extension MediaCachedFile: MediaFileVersion {}

struct MediaCachedFileVersion: MediaFileVersion {
    let identity: MediaFileIdentity
    let entityTag: String
    let lastModified: String
    var gzipEntityTag: String { mediaGzipEntityTag(entityTag) }
}

func mediaGzipEntityTag(_ entityTag: String) -> String { String(entityTag.dropLast()) + "-gz\"" }

extension Array where Element == String {
    /// Values of a repeated header joined as one list, nil when absent.
    fileprivate var joinedIfAny: String? { isEmpty ? nil : joined(separator: ",") }
}

extension HTTPField.Name {
    fileprivate static var mediaContentTypeOptions: Self { .init("X-Content-Type-Options")! }
}
