import Foundation
import Hummingbird
import Logging
import NIOCore
@testable import Server

#if canImport(Glibc)
import Glibc
#endif

/// A temporary media tree for the media server tests:
///
///     base/secret.txt, secret.m3u8, secret.ts     ← outside the root, contain `marker`
///     base/outside/{secret.ts,index.m3u8}         ← outside the root
///     base/media-evil/secret.ts                   ← sibling whose name starts like the root
///     base/media/                                 ← the root
///         show/v720p/index.m3u8, seg_00000.ts (3 MB random), seg_00001.ts (small), init.mp4,
///         seg_00001.m4s, audio.aac, audio.m4a, sub.vtt, sub.webvtt, poster.jpg/.jpeg/.png,
///         breaks.json, empty.ts
///         immutable/v1/seg.ts, notes.txt, dir.m3u8/ (a directory), fifo.ts (a FIFO)
///         .hidden.m3u8, .show.partial-123-0/index.m3u8        ← hidden
///         leak.m3u8 → ../secret.m3u8, passwd.json → /etc/passwd, outside → ../outside,
///         evil → ../media-evil, inside-link.m3u8 → show/v720p/index.m3u8   ← symlinks
final class MediaFixture: @unchecked Sendable {
    let base: String
    let root: String
    let marker: String
    let bigSegment: [UInt8]
    let playlist: String

    init() throws {
        var template = Array("/tmp/media-tests.XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw MediaTestError("mkdtemp failed")
        }
        base = String(cString: made)
        root = base + "/media"
        marker = "SHOWRUNNER-SECRET-\(UUID().uuidString)"

        var generator = SystemRandomNumberGenerator()
        bigSegment = (0..<(3 * 1024 * 1024 + 12345)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        var lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-TARGETDURATION:6", "#EXT-X-MEDIA-SEQUENCE:0", "#EXT-X-PLAYLIST-TYPE:VOD"]
        for i in 0..<40 { lines += ["#EXTINF:6.006000,", String(format: "seg_%05d.ts", i)] }
        lines.append("#EXT-X-ENDLIST")
        playlist = lines.joined(separator: "\n") + "\n"

        let fm = FileManager.default
        for dir in ["outside", "media-evil", "media/show/v720p", "media/immutable/v1", "media/dir.m3u8", "media/.show.partial-123-0"] {
            try fm.createDirectory(atPath: base + "/" + dir, withIntermediateDirectories: true)
        }
        let secret = Array("\(marker)\n".utf8)
        for name in ["secret.txt", "secret.m3u8", "secret.ts", "outside/secret.ts", "outside/index.m3u8", "media-evil/secret.ts"] {
            try write(secret, to: base + "/" + name)
        }
        try write(Array(playlist.utf8), to: root + "/show/v720p/index.m3u8")
        try write(bigSegment, to: root + "/show/v720p/seg_00000.ts")
        try write(Array(bigSegment[0..<5000]), to: root + "/show/v720p/seg_00001.ts")
        for name in ["init.mp4", "seg_00001.m4s", "audio.aac", "audio.m4a", "poster.jpg", "poster.jpeg", "poster.png"] {
            try write(Array(bigSegment[100..<1100]), to: root + "/show/v720p/" + name)
        }
        try write(Array("WEBVTT\n\n00:00.000 --> 00:01.000\nhello\n".utf8), to: root + "/show/v720p/sub.vtt")
        try write(Array("WEBVTT\n\n00:00.000 --> 00:01.000\nhi\n".utf8), to: root + "/show/v720p/sub.webvtt")
        try write(Array("{\"breaks\":[]}\n".utf8), to: root + "/show/v720p/breaks.json")
        try write([], to: root + "/show/v720p/empty.ts")
        try write(Array(bigSegment[0..<2000]), to: root + "/immutable/v1/seg.ts")
        try write(Array("notes\n".utf8), to: root + "/notes.txt")
        try write(Array("#EXTM3U\n# \(marker)\n".utf8), to: root + "/.hidden.m3u8")
        try write(Array("#EXTM3U\n# \(marker)\n".utf8), to: root + "/.show.partial-123-0/index.m3u8")
        guard mkfifo(root + "/fifo.ts", 0o644) == 0 else { throw MediaTestError("mkfifo failed") }
        for (link, target) in [
            ("leak.m3u8", "../secret.m3u8"), ("passwd.json", "/etc/passwd"), ("outside", "../outside"),
            ("evil", "../media-evil"), ("inside-link.m3u8", "show/v720p/index.m3u8"), ("secret.ts", base + "/secret.ts"),
        ] {
            guard symlink(target, root + "/" + link) == 0 else { throw MediaTestError("symlink \(link) failed") }
        }
    }

    func write(_ bytes: [UInt8], to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw MediaTestError("cannot write \(path)")
        }
    }

    func read(_ relative: String) -> [UInt8] {
        Array(FileManager.default.contents(atPath: root + "/" + relative) ?? Data())
    }

    deinit { try? FileManager.default.removeItem(atPath: base) }
}

struct MediaTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs a real Hummingbird application on 127.0.0.1 (port 0) that mounts the media server at
/// `/media` (paths under `immutable/` are declared immutable), for the duration of `body`.
func withMediaServer<T: Sendable>(
    root: String,
    configuration: MediaFileServer.Configuration = .init(),
    _ body: @Sendable (_ port: Int) async throws -> T
) async throws -> T {
    var logger = Logger(label: "media-tests")
    logger.logLevel = .critical
    let router = Router()
    let server = MediaFileServer(root: root, logger: logger, configuration: configuration)
    router.addMediaRoutes(server, immutable: { $0.hasPrefix("immutable/") })
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    let app = Application(
        router: router,
        configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in
            continuation.yield(channel.localAddress?.port ?? 0)
            continuation.finish()
        },
        logger: logger
    )
    let running = Task { try await app.run() }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next(), port > 0 else {
        running.cancel()
        throw MediaTestError("server did not start")
    }
    do {
        let result = try await body(port)
        running.cancel()
        _ = await running.result
        return result
    } catch {
        running.cancel()
        _ = await running.result
        throw error
    }
}

/// A response as read off the socket.
struct MediaHTTPResponse: Sendable {
    let status: Int
    let headers: [(name: String, value: String)]
    let body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var bodyText: String { String(decoding: body, as: UTF8.self) }

    func contains(_ needle: String) -> Bool { body.mediaContains(needle) }
}

extension MediaHTTPResponse: CustomStringConvertible {
    /// Short, so a failed expectation does not print megabytes.
    var description: String {
        "HTTP \(status), \(headers.count) headers, \(body.count) body bytes: \(String(decoding: body.prefix(120), as: UTF8.self).debugDescription)"
    }
}

/// A deliberately dumb HTTP/1.1 client over a plain socket, so that request targets reach the
/// server byte for byte (no URL normalisation, no re-encoding), run on its own thread so it never
/// blocks Swift concurrency's threads (which the server needs).
enum MediaRawHTTP {
    static func request(
        port: Int,
        target: String,
        method: String = "GET",
        headers: [(String, String)] = []
    ) async throws -> MediaHTTPResponse {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        let raw = Array(head.utf8)
        let bytes: [UInt8] = try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try exchange(port: port, request: raw) })
            }
        }
        return try parse(bytes, isHead: method == "HEAD")
    }

    private static func exchange(port: Int, request: [UInt8]) throws -> [UInt8] {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw MediaTestError("socket failed") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw MediaTestError("connect failed") }
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw MediaTestError("send failed") }
            sent += n
        }
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 256 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                response += chunk[0..<n]
            } else if n == 0 {
                break
            } else if errno == EINTR {
                continue
            } else {
                throw MediaTestError("recv failed (errno \(errno)) after \(response.count) bytes")
            }
        }
        return response
    }

    private static func parse(_ bytes: [UInt8], isHead: Bool) throws -> MediaHTTPResponse {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0..<max(0, bytes.count - 3)).first(where: { Array(bytes[$0..<($0 + 4)]) == separator }) else {
            throw MediaTestError("no header end in \(bytes.count) bytes: \(String(decoding: bytes.prefix(200), as: UTF8.self))")
        }
        let head = String(decoding: bytes[0..<end], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw MediaTestError("bad status line") }
        let headers = lines.compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let body = Array(bytes[(end + 4)...])
        let response = MediaHTTPResponse(status: status, headers: headers, body: body)
        if !isHead, status != 304, let length = response.header("Content-Length").flatMap(Int.init), length != body.count {
            throw MediaTestError("Content-Length \(length) but \(body.count) body bytes")
        }
        return response
    }
}

/// Runs a program, feeding `input` through a temporary file; returns stdout and the exit status.
func mediaRun(_ executable: String, _ arguments: [String], input: [UInt8]? = nil) throws -> (output: [UInt8], status: Int32) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    var inputPath: String? = nil
    if let input {
        let path = NSTemporaryDirectory() + "media-test-\(UUID().uuidString)"
        guard FileManager.default.createFile(atPath: path, contents: Data(input)) else { throw MediaTestError("temp file") }
        process.standardInput = FileHandle(forReadingAtPath: path)
        inputPath = path
    }
    defer { if let inputPath { try? FileManager.default.removeItem(atPath: inputPath) } }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (Array(output), process.terminationStatus)
}

/// gunzip through the system's `gzip -dc` (an independent decoder).
func mediaGunzip(_ bytes: [UInt8]) throws -> [UInt8] {
    let result = try mediaRun("/bin/gzip", ["-dc"], input: bytes)
    guard result.status == 0 else { throw MediaTestError("gzip -dc failed with \(result.status)") }
    return result.output
}

extension Array where Element == UInt8 {
    /// Length and FNV-1a hash: compare bodies through this so a failure prints two short strings.
    var mediaDigest: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in self { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return "\(count) bytes #\(String(hash, radix: 16))"
    }

    func mediaContains(_ needle: String) -> Bool {
        let n = Array(needle.utf8)
        guard !n.isEmpty, count >= n.count else { return false }
        for i in 0...(count - n.count) where self[i] == n[0] && Array(self[i..<(i + n.count)]) == n { return true }
        return false
    }
}
