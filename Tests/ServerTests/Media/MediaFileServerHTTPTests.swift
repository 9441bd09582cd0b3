import Foundation
import Testing
@testable import Server

/// The media server over real HTTP (a Hummingbird application on 127.0.0.1, a raw socket client).
@Suite("Media file server over HTTP")
struct MediaFileServerHTTPTests {
    @Test("content types, bodies and cache headers for every allowed extension")
    func contentTypes() async throws {
        let fixture = try MediaFixture()
        let expected: [(String, String)] = [
            ("show/v720p/index.m3u8", "application/vnd.apple.mpegurl"),
            ("show/v720p/seg_00000.ts", "video/mp2t"),
            ("show/v720p/seg_00001.m4s", "video/iso.segment"),
            ("show/v720p/init.mp4", "video/mp4"),
            ("show/v720p/audio.m4a", "audio/mp4"),
            ("show/v720p/audio.aac", "audio/aac"),
            ("show/v720p/sub.vtt", "text/vtt"),
            ("show/v720p/sub.webvtt", "text/vtt"),
            ("show/v720p/poster.jpg", "image/jpeg"),
            ("show/v720p/poster.jpeg", "image/jpeg"),
            ("show/v720p/poster.png", "image/png"),
            ("show/v720p/breaks.json", "application/json"),
        ]
        try await withMediaServer(root: fixture.root) { port in
            for (path, type) in expected {
                // Twice: the second small-file response comes from the cache.
                for _ in 0..<2 {
                    let r = try await MediaRawHTTP.request(port: port, target: "/media/" + path)
                    #expect(r.status == 200, "\(path)")
                    #expect(r.header("Content-Type") == type, "\(path)")
                    #expect(r.body.mediaDigest == (fixture.read(path)).mediaDigest, "\(path)")
                    #expect(r.header("Accept-Ranges") == "bytes")
                    #expect(r.header("ETag")?.hasPrefix("\"") == true)
                    #expect(r.header("Last-Modified")?.hasSuffix(" GMT") == true)
                    #expect(r.header("X-Content-Type-Options") == "nosniff")
                    if path.hasSuffix(".m3u8") {
                        #expect(r.header("Cache-Control") == "public, max-age=2")
                        #expect(r.header("Vary") == "Accept-Encoding")
                    } else {
                        #expect(r.header("Cache-Control") == "public, max-age=60")
                        #expect(r.header("Vary") == nil)
                    }
                }
            }
            let immutable = try await MediaRawHTTP.request(port: port, target: "/media/immutable/v1/seg.ts")
            #expect(immutable.status == 200)
            #expect(immutable.header("Cache-Control") == "public, max-age=31536000, immutable")
            let empty = try await MediaRawHTTP.request(port: port, target: "/media/show/v720p/empty.ts")
            #expect(empty.status == 200)
            #expect(empty.header("Content-Length") == "0")
            #expect(empty.body.isEmpty)
            let encodedName = try await MediaRawHTTP.request(port: port, target: "/media/show/v720p/seg%5F00001.ts")
            #expect(encodedName.status == 200)
            #expect(encodedName.body.mediaDigest == (fixture.read("show/v720p/seg_00001.ts")).mediaDigest)
        }
    }

    @Test("a large segment streams whole, also to many clients at once")
    func largeSegmentConcurrent() async throws {
        let fixture = try MediaFixture()
        try await withMediaServer(root: fixture.root) { port in
            try await withThrowingTaskGroup(of: MediaHTTPResponse.self) { group in
                for _ in 0..<12 {
                    group.addTask { try await MediaRawHTTP.request(port: port, target: "/media/show/v720p/seg_00000.ts") }
                }
                for try await r in group {
                    #expect(r.status == 200)
                    #expect(r.header("Content-Length") == String(fixture.bigSegment.count))
                    #expect(r.body.mediaDigest == fixture.bigSegment.mediaDigest)
                }
            }
        }
    }

    @Test("byte ranges: 206, 416, and the whole file for ranges RFC 9110 lets us ignore")
    func ranges() async throws {
        let fixture = try MediaFixture()
        let big = fixture.bigSegment
        let size = big.count
        try await withMediaServer(root: fixture.root) { port in
            func get(_ path: String, _ headers: [(String, String)]) async throws -> MediaHTTPResponse {
                try await MediaRawHTTP.request(port: port, target: "/media/" + path, headers: headers)
            }
            let seg = "show/v720p/seg_00000.ts"
            let cases: [(String, ClosedRange<Int>)] = [
                ("bytes=0-0", 0...0),
                ("bytes=100-199", 100...199),
                ("bytes=1000000-", 1_000_000...(size - 1)),
                ("bytes=-500", (size - 500)...(size - 1)),
                ("bytes=-99999999", 0...(size - 1)),
                ("bytes=5-99999999999", 5...(size - 1)),
                ("bytes=524280-1048600", 524_280...1_048_600),  // across read chunks
                ("Bytes = 10-20", 10...20),
            ]
            for (header, range) in cases {
                let r = try await get(seg, [("Range", header)])
                #expect(r.status == 206, "\(header)")
                #expect(r.header("Content-Range") == "bytes \(range.lowerBound)-\(range.upperBound)/\(size)", "\(header)")
                #expect(r.body.mediaDigest == (Array(big[range])).mediaDigest, "\(header)")
            }
            // Small (cached) file.
            let playlist = Array(fixture.playlist.utf8)
            let small = try await get("show/v720p/index.m3u8", [("Range", "bytes=7-20"), ("Accept-Encoding", "gzip")])
            #expect(small.status == 206)
            #expect(small.header("Content-Encoding") == nil)
            #expect(small.body.mediaDigest == (Array(playlist[7...20])).mediaDigest)

            for header in ["bytes=\(size)-", "bytes=\(size + 10)-\(size + 20)", "bytes=-0", "bytes=99999999999999999999999-"] {
                let r = try await get(seg, [("Range", header)])
                #expect(r.status == 416, "\(header)")
                #expect(r.header("Content-Range") == "bytes */\(size)", "\(header)")
                #expect(!r.contains("\u{0}"))
            }
            let emptyRange = try await get("show/v720p/empty.ts", [("Range", "bytes=0-")])
            #expect(emptyRange.status == 416)
            #expect(emptyRange.header("Content-Range") == "bytes */0")

            for header in ["bytes=0-1,5-9", "bytes=5-2", "bytes=abc", "items=0-10", "bytes=", "bytes=-", "bytes=1-2-3", "bytes=0x10-"] {
                let r = try await get(seg, [("Range", header)])
                #expect(r.status == 200, "\(header)")
                #expect(r.body.mediaDigest == big.mediaDigest, "\(header)")
            }
            // If-Range: matching validator → range; stale validator → whole file.
            let etag = try #require(try await get(seg, []).header("ETag"))
            let matching = try await get(seg, [("Range", "bytes=0-9"), ("If-Range", etag)])
            #expect(matching.status == 206)
            let stale = try await get(seg, [("Range", "bytes=0-9"), ("If-Range", "\"0-stale\"")])
            #expect(stale.status == 200)
            #expect(stale.body.count == size)
        }
    }

    @Test("HEAD: the GET headers without a body")
    func head() async throws {
        let fixture = try MediaFixture()
        try await withMediaServer(root: fixture.root) { port in
            for path in ["show/v720p/seg_00000.ts", "show/v720p/index.m3u8", "show/v720p/init.mp4"] {
                let get = try await MediaRawHTTP.request(port: port, target: "/media/" + path)
                let head = try await MediaRawHTTP.request(port: port, target: "/media/" + path, method: "HEAD")
                #expect(head.status == 200)
                #expect(head.body.isEmpty)
                for name in ["Content-Length", "Content-Type", "ETag", "Last-Modified", "Cache-Control", "Accept-Ranges"] {
                    #expect(head.header(name) == get.header(name), "\(path) \(name)")
                }
            }
            let gz = try await MediaRawHTTP.request(
                port: port,
                target: "/media/show/v720p/index.m3u8",
                method: "HEAD",
                headers: [("Accept-Encoding", "gzip")]
            )
            #expect(gz.header("Content-Encoding") == "gzip")
            #expect(gz.body.isEmpty)
            let missing = try await MediaRawHTTP.request(port: port, target: "/media/nope.ts", method: "HEAD")
            #expect(missing.status == 404)
        }
    }

    @Test("conditional requests: If-None-Match and If-Modified-Since → 304")
    func notModified() async throws {
        let fixture = try MediaFixture()
        try await withMediaServer(root: fixture.root) { port in
            for path in ["show/v720p/seg_00000.ts", "show/v720p/index.m3u8"] {
                let first = try await MediaRawHTTP.request(port: port, target: "/media/" + path)
                let etag = try #require(first.header("ETag"))
                let lastModified = try #require(first.header("Last-Modified"))
                for condition in [
                    ("If-None-Match", etag), ("If-None-Match", "W/" + etag), ("If-None-Match", "\"x\", \(etag)"),
                    ("If-None-Match", "*"), ("If-Modified-Since", lastModified),
                    ("If-Modified-Since", "Fri, 01 Jan 2100 00:00:00 GMT"),
                ] {
                    let r = try await MediaRawHTTP.request(port: port, target: "/media/" + path, headers: [condition])
                    #expect(r.status == 304, "\(path) \(condition)")
                    #expect(r.body.isEmpty)
                    #expect(r.header("ETag") == etag)
                    #expect(r.header("Cache-Control") == first.header("Cache-Control"))
                }
                for condition in [
                    ("If-None-Match", "\"other\""), ("If-Modified-Since", "Thu, 01 Jan 1970 00:00:00 GMT"),
                    ("If-Modified-Since", "yesterday"),
                ] {
                    let r = try await MediaRawHTTP.request(port: port, target: "/media/" + path, headers: [condition])
                    #expect(r.status == 200, "\(path) \(condition)")
                }
                // If-None-Match wins over If-Modified-Since.
                let both = try await MediaRawHTTP.request(
                    port: port,
                    target: "/media/" + path,
                    headers: [("If-None-Match", "\"other\""), ("If-Modified-Since", lastModified)]
                )
                #expect(both.status == 200)
            }
        }
    }

    @Test("gzip for playlists only, when accepted; the body decompresses to the file")
    func gzip() async throws {
        let fixture = try MediaFixture()
        try await withMediaServer(root: fixture.root) { port in
            let playlist = Array(fixture.playlist.utf8)
            let plain = try await MediaRawHTTP.request(port: port, target: "/media/show/v720p/index.m3u8")
            #expect(plain.header("Content-Encoding") == nil)
            #expect(plain.body.mediaDigest == playlist.mediaDigest)
            for accept in ["gzip", "gzip, deflate, br", "br;q=1.0, gzip;q=0.5", "*", "x-gzip"] {
                for _ in 0..<2 {  // made, then from the cache
                    let r = try await MediaRawHTTP.request(
                        port: port,
                        target: "/media/show/v720p/index.m3u8",
                        headers: [("Accept-Encoding", accept)]
                    )
                    #expect(r.status == 200)
                    #expect(r.header("Content-Encoding") == "gzip", "\(accept)")
                    #expect(r.header("Vary") == "Accept-Encoding")
                    #expect(r.header("ETag") != plain.header("ETag"))
                    #expect(r.body.count < playlist.count / 3)
                    #expect(try mediaGunzip(r.body).mediaDigest == playlist.mediaDigest)
                }
            }
            for accept in ["gzip;q=0", "identity", "deflate", "*;q=0", "gzip;q=0.000"] {
                let r = try await MediaRawHTTP.request(
                    port: port,
                    target: "/media/show/v720p/index.m3u8",
                    headers: [("Accept-Encoding", accept)]
                )
                #expect(r.header("Content-Encoding") == nil, "\(accept)")
                #expect(r.body.mediaDigest == playlist.mediaDigest)
            }
            // Segments are never compressed.
            let segment = try await MediaRawHTTP.request(
                port: port,
                target: "/media/show/v720p/seg_00001.ts",
                headers: [("Accept-Encoding", "gzip")]
            )
            #expect(segment.header("Content-Encoding") == nil)
            #expect(segment.body.mediaDigest == (fixture.read("show/v720p/seg_00001.ts")).mediaDigest)
            // The gzip entity tag revalidates.
            let gz = try await MediaRawHTTP.request(
                port: port,
                target: "/media/show/v720p/index.m3u8",
                headers: [("Accept-Encoding", "gzip")]
            )
            let revalidated = try await MediaRawHTTP.request(
                port: port,
                target: "/media/show/v720p/index.m3u8",
                headers: [("Accept-Encoding", "gzip"), ("If-None-Match", try #require(gz.header("ETag")))]
            )
            #expect(revalidated.status == 304)
        }
    }

    @Test("curl --compressed agrees (an independent client)", .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl")))
    func curlCompressed() async throws {
        let fixture = try MediaFixture()
        try await withMediaServer(root: fixture.root) { port in
            let url = "http://127.0.0.1:\(port)/media/show/v720p/index.m3u8"
            let result = try mediaRun("/usr/bin/curl", ["-sS", "--compressed", "--fail", url])
            #expect(result.status == 0)
            #expect(result.output == Array(fixture.playlist.utf8))
        }
    }

    @Test("a changed file gets a new ETag and its new content (cached small files too)")
    func changes() async throws {
        let fixture = try MediaFixture()
        try await withMediaServer(root: fixture.root) { port in
            for path in ["show/v720p/index.m3u8", "show/v720p/seg_00000.ts"] {
                let before = try await MediaRawHTTP.request(port: port, target: "/media/" + path)
                _ = try await MediaRawHTTP.request(port: port, target: "/media/" + path, headers: [("Accept-Encoding", "gzip")])
                let oldTag = try #require(before.header("ETag"))
                try await Task.sleep(for: .milliseconds(20))
                // Same size, different bytes, rewritten in place.
                var changed = before.body
                changed[0] ^= 0xff
                let handle = try #require(FileHandle(forWritingAtPath: fixture.root + "/" + path))
                try handle.write(contentsOf: Data(changed))
                try handle.close()
                let after = try await MediaRawHTTP.request(port: port, target: "/media/" + path)
                #expect(after.header("ETag") != oldTag, "\(path)")
                #expect(after.body.mediaDigest == changed.mediaDigest, "\(path)")
                let gz = try await MediaRawHTTP.request(port: port, target: "/media/" + path, headers: [("Accept-Encoding", "gzip")])
                if path.hasSuffix(".m3u8") { #expect(try mediaGunzip(gz.body).mediaDigest == changed.mediaDigest) }
                let stale = try await MediaRawHTTP.request(port: port, target: "/media/" + path, headers: [("If-None-Match", oldTag)])
                #expect(stale.status == 200)
            }
            // Replaced by rename (a new inode), as a packager publishes a live playlist.
            let path = "show/v720p/index.m3u8"
            let replacement = Array((fixture.playlist + "#EXTINF:6.0,\nseg_00040.ts\n").utf8)
            try fixture.write(replacement, to: fixture.root + "/show/v720p/.index.m3u8.tmp")
            #expect(rename(fixture.root + "/show/v720p/.index.m3u8.tmp", fixture.root + "/" + path) == 0)
            let renamed = try await MediaRawHTTP.request(port: port, target: "/media/" + path)
            #expect(renamed.body.mediaDigest == replacement.mediaDigest)
            // Removed: 404 even though it was cached.
            try FileManager.default.removeItem(atPath: fixture.root + "/" + path)
            let gone = try await MediaRawHTTP.request(port: port, target: "/media/" + path)
            #expect(gone.status == 404)
        }
    }

    @Test("errors are JSON with a code, a message and the field, and do not echo the path")
    func errorBodies() async throws {
        let fixture = try MediaFixture()
        try await withMediaServer(root: fixture.root) { port in
            let cases: [(String, Int, String)] = [
                ("/media/show/%2e%2e/%3Cscript%3E.ts", 400, "invalid_path"),
                ("/media/show/missing-file.ts", 404, "not_found"),
                ("/media/notes.txt", 404, "not_found"),
            ]
            for (target, status, code) in cases {
                let r = try await MediaRawHTTP.request(port: port, target: target)
                #expect(r.status == status, "\(target)")
                #expect(r.header("Content-Type") == "application/json; charset=utf-8")
                let json = try #require(try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any])
                let error = try #require(json["error"] as? [String: Any])
                #expect(error["code"] as? String == code)
                #expect((error["message"] as? String)?.isEmpty == false)
                #expect(error["field"] as? String == "path")
                #expect(!r.contains("<"))
                #expect(!r.contains("script"))
                #expect(!r.contains("missing"))
            }
        }
    }

    @Test("a missing media root is 503, and is picked up within a second once it exists")
    func missingRoot() async throws {
        let fixture = try MediaFixture()
        let root = fixture.base + "/later"
        try await withMediaServer(root: root) { port in
            let r = try await MediaRawHTTP.request(port: port, target: "/media/a.ts")
            #expect(r.status == 503)
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            try fixture.write([1, 2, 3], to: root + "/a.ts")
            // A missing root is retried at most once a second.
            var ok = try await MediaRawHTTP.request(port: port, target: "/media/a.ts")
            for _ in 0..<30 where ok.status != 200 {
                try await Task.sleep(for: .milliseconds(100))
                ok = try await MediaRawHTTP.request(port: port, target: "/media/a.ts")
            }
            #expect(ok.status == 200)
            #expect(ok.body == [1, 2, 3])
        }
    }

    @Test("small chunk and inline limits still stream exact bytes")
    func tinyChunks() async throws {
        let fixture = try MediaFixture()
        var configuration = MediaFileServer.Configuration()
        configuration.chunkSize = 4096
        configuration.inlineReadLimit = 0
        configuration.readOnThreadPool = false
        try await withMediaServer(root: fixture.root, configuration: configuration) { port in
            let r = try await MediaRawHTTP.request(port: port, target: "/media/show/v720p/seg_00000.ts")
            #expect(r.body.mediaDigest == fixture.bigSegment.mediaDigest)
            let range = try await MediaRawHTTP.request(
                port: port,
                target: "/media/show/v720p/seg_00000.ts",
                headers: [("Range", "bytes=4000-13000")]
            )
            #expect(range.body.mediaDigest == (Array(fixture.bigSegment[4000...13000])).mediaDigest)
            let small = try await MediaRawHTTP.request(port: port, target: "/media/show/v720p/seg_00001.ts")
            #expect(small.body.mediaDigest == (fixture.read("show/v720p/seg_00001.ts")).mediaDigest)
        }
    }
}
