import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Hummingbird
import Testing
@testable import Server

// See Sources/Server/Media/MediaOpenFile.swift: `struct stat` may be attributed to CNIOLinux.
#if canImport(CNIOLinux)
import CNIOLinux
#endif
// ... or to CDispatch, when another file of this target imports FoundationNetworking first.
#if canImport(CDispatch)
import CDispatch
#endif

@Suite("Media path validation")
struct MediaPathValidatorTests {
    @Test("valid paths decode into components with their kind")
    func valid() throws {
        let cases: [(String, [String], MediaFileKind)] = [
            ("show/v720p/index.m3u8", ["show", "v720p", "index.m3u8"], .playlist),
            ("a.TS", ["a.TS"], .segment),
            ("My%20Show/seg_00001.m4s", ["My Show", "seg_00001.m4s"], .segment),
            ("caf%C3%A9/poster.jpg", ["café", "poster.jpg"], .sidecar),
            ("épisode/breaks.json", ["épisode", "breaks.json"], .sidecar),
            ("a-b_c~d+e=f,g@h/x.vtt", ["a-b_c~d+e=f,g@h", "x.vtt"], .segment),
            ("v1/a..b.ts", ["v1", "a..b.ts"], .segment),
        ]
        for (raw, components, kind) in cases {
            let result = MediaPathValidator.validate(raw)
            guard case .success(let path) = result else {
                Issue.record("\(raw) refused: \(result)")
                continue
            }
            #expect(path.components == components)
            #expect(path.kind == kind)
        }
    }

    @Test("malformed paths are 400, hidden or unknown types are 404")
    func refused() {
        let malformed = [
            "..", ".", "a/../b.ts", "a/./b.ts", "/a.ts", "a//b.ts", "a/", "%2e%2e/a.ts", "%2E./a.ts", "a%2fb.ts",
            "a%5cb.ts", "a\\b.ts", "a%00.ts", "a%zz.ts", "a%2.ts", "a%", "%u002e.ts", "%252e%252e/a.ts", "%c0%ae.ts",
            "%ff.ts", "C:a.ts", "a;b.ts", "a*b.ts", "a?b.ts", "a\"b.ts", "a<b.ts", "a|b.ts", "a#b.ts", "a%7f.ts",
            "a\u{7f}.ts", "a%c2%85.ts", String(repeating: "a", count: 256) + ".ts",
            String(repeating: "a/", count: 40) + "x.ts", String(repeating: "a", count: 3000),
        ]
        for raw in malformed {
            guard case .failure(.malformed) = MediaPathValidator.validate(raw) else {
                Issue.record("\(raw.prefix(60)) not refused as malformed: \(MediaPathValidator.validate(raw))")
                continue
            }
        }
        let notFound = [
            "", ".hidden.m3u8", ".pkg.partial-1-0/index.m3u8", "a/.b/c.ts", "notes.txt", "index.m3u8.", "noext",
            "archive.tar.gz", "index.m3u", "x.html",
        ]
        for raw in notFound {
            switch MediaPathValidator.validate(raw) {
            case .failure(.notFound): break
            case let other: Issue.record("\(raw) → \(other), expected 404")
            }
        }
    }
}

@Suite("Media HTTP header helpers")
struct MediaHTTPHeadersTests {
    @Test("Range parsing")
    func ranges() {
        let size = 1000
        let cases: [(String, MediaRangeRequest)] = [
            ("bytes=0-499", .partial(0...499)),
            ("bytes=500-", .partial(500...999)),
            ("bytes=-200", .partial(800...999)),
            ("bytes=-2000", .partial(0...999)),
            ("bytes=900-5000", .partial(900...999)),
            ("bytes=999-999", .partial(999...999)),
            ("BYTES=1-2", .partial(1...2)),
            ("bytes=1000-", .unsatisfiable),
            ("bytes=1000-2000", .unsatisfiable),
            ("bytes=-0", .unsatisfiable),
            ("bytes=5-4", .full),
            ("bytes=0-1,3-4", .full),
            ("bytes=a-b", .full),
            ("bytes 0-1", .full),
            ("chars=0-1", .full),
            ("bytes=", .full),
            ("bytes=-", .full),
            ("bytes=+1-2", .full),
            ("", .full),
        ]
        for (header, expected) in cases {
            #expect(MediaHTTPHeaders.parseRange(header, size: size) == expected, "\(header)")
        }
        #expect(MediaHTTPHeaders.parseRange("bytes=0-", size: 0) == .unsatisfiable)
        #expect(MediaHTTPHeaders.parseRange("bytes=-5", size: 0) == .unsatisfiable)
    }

    @Test("Accept-Encoding")
    func acceptEncoding() {
        for yes in ["gzip", "GZIP", "deflate, gzip", "gzip;q=0.5", "gzip ; q=1", "*", "x-gzip", "*;q=0.1", "br, *"] {
            #expect(MediaHTTPHeaders.acceptsGzip(yes), "\(yes)")
        }
        for no in [nil, "", "identity", "br", "gzip;q=0", "gzip;q=0.0", "*;q=0", "gzip;q=0, *", "deflate;q=1"] {
            #expect(!MediaHTTPHeaders.acceptsGzip(no), "\(no ?? "nil")")
        }
    }

    @Test("If-None-Match matching")
    func noneMatch() {
        let tags = ["\"a-1\"", "\"a-1-gz\""]
        #expect(MediaHTTPHeaders.noneMatch("\"a-1\"", tags: tags))
        #expect(MediaHTTPHeaders.noneMatch("W/\"a-1\"", tags: tags))
        #expect(MediaHTTPHeaders.noneMatch("\"b\", \"a-1-gz\"", tags: tags))
        #expect(MediaHTTPHeaders.noneMatch("*", tags: tags))
        #expect(!MediaHTTPHeaders.noneMatch("\"a-2\"", tags: tags))
        #expect(!MediaHTTPHeaders.noneMatch("a-1", tags: tags))
    }

    @Test("HTTP dates round-trip")
    func dates() {
        #expect(MediaHTTPHeaders.httpDate(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(MediaHTTPHeaders.parseHTTPDate("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777)
        for t in [0, 951_782_400, 1_700_000_000, 4_102_444_800] {
            #expect(MediaHTTPHeaders.parseHTTPDate(MediaHTTPHeaders.httpDate(t)) == t)
        }
        for bad in ["", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 06 Foo 1994 08:49:37 GMT"] {
            #expect(MediaHTTPHeaders.parseHTTPDate(bad) == nil, "\(bad)")
        }
    }

    @Test("JSON escaping of error text")
    func jsonEscaping() {
        #expect(MediaFileServer.jsonString("a\"b\\c\n<x>&\u{1}") == "\"a\\\"b\\\\c\\n\\u003cx\\u003e\\u0026\\u0001\"")
    }
}

@Suite("Media gzip encoder")
struct MediaGzipTests {
    static func inputs() -> [(String, [UInt8])] {
        var generator = SystemRandomNumberGenerator()
        let random = (0..<70_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        var playlist = "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:6\n#EXT-X-MAP:URI=\"init.mp4\"\n"
        for i in 0..<3000 { playlist += "#EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:\(i % 60):00.000Z\n#EXTINF:6.006,\nseg_\(i).m4s\n" }
        let text = Array(playlist.utf8)
        let lowEntropy = (0..<100_000).map { _ in UInt8.random(in: 65...70, using: &generator) }
        // Repeats at the far end of the window (distance 32768) and just beyond it.
        let block = Array(random[0..<32768])
        return [
            ("empty", []), ("one byte", [42]), ("two bytes", [1, 2]), ("three equal", [7, 7, 7]),
            ("run", [UInt8](repeating: 0x41, count: 100_000)), ("random", random), ("playlist", text),
            ("low entropy", lowEntropy), ("window edge", block + block + Array(block[0..<1000])),
            ("beyond window", block + [0] + block), ("all bytes", (0..<4096).map { UInt8($0 % 256) }),
        ]
    }

    @Test("gzip -d restores every input, and playlists shrink well")
    func roundTrip() throws {
        for (name, input) in Self.inputs() {
            let compressed = MediaGzip.compress(input)
            #expect(compressed.prefix(3) == [0x1f, 0x8b, 8], "\(name)")
            #expect(try mediaGunzip(compressed) == input, "\(name)")
            if name == "playlist" { #expect(compressed.count * 5 < input.count, "playlist: \(compressed.count) of \(input.count)") }
            if name == "random" { #expect(compressed.count < input.count + input.count / 7 + 64) }
        }
    }

    @Test("CRC-32 matches the standard check value")
    func crc() {
        #expect(MediaGzip.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(MediaGzip.crc32([]) == 0)
    }
}

@Suite("Media small-file cache")
struct MediaSmallFileCacheTests {
    static func file(_ size: Int, inode: UInt64) -> MediaCachedFile {
        var info = stat()
        info.st_mode = S_IFREG | 0o644
        info.st_ino = numericCast(inode)
        info.st_size = off_t(size)
        return MediaCachedFile(identity: MediaFileIdentity(info)!, body: ByteBuffer(repeating: 1, count: size))
    }

    @Test("bounded by entries and bytes, least recently used first")
    func bounds() {
        let cache = MediaSmallFileCache(maxBytes: 10_000, maxEntries: 3)
        cache.put("a", Self.file(100, inode: 1))
        cache.put("b", Self.file(100, inode: 2))
        cache.put("c", Self.file(100, inode: 3))
        #expect(cache.get("a") != nil)  // a is now more recent than b
        cache.put("d", Self.file(100, inode: 4))
        #expect(cache.count == 3)
        #expect(cache.get("b") == nil)
        #expect(cache.get("a") != nil)
        cache.put("big", Self.file(4000, inode: 5))  // cost 8256: evicts until it fits
        #expect(cache.totalBytes <= 10_000)
        #expect(cache.get("big") != nil)
        cache.put("huge", Self.file(6000, inode: 6))  // cost > maxBytes: not cached
        #expect(cache.get("huge") == nil)
        cache.put("big", Self.file(10, inode: 7))  // replaces its own entry
        #expect(cache.get("big")?.identity.inode == 7)
        cache.remove("big")
        #expect(cache.get("big") == nil)
    }
}
