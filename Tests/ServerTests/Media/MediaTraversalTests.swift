import Foundation
import Testing
@testable import Server

/// Path traversal, encoded and otherwise, over real HTTP: every variant must be 400 or 404 and
/// no response may carry a byte of the secret files placed outside the root (their marker) or
/// of /etc/passwd.
@Suite("Media file server path safety")
struct MediaTraversalTests {
    static let variants: [String] = [
        // plain and encoded dot-dot
        "/media/../secret.txt",
        "/media/../secret.m3u8",
        "/media/../../../../../../../../etc/passwd",
        "/media/show/../../secret.m3u8",
        "/media/show/v720p/../../../secret.ts",
        "/media/%2e%2e/secret.m3u8",
        "/media/%2E%2E/secret.m3u8",
        "/media/%2e%2E/secret.ts",
        "/media/.%2e/secret.m3u8",
        "/media/%2e./secret.m3u8",
        "/media/%2e%2e",
        "/media/show/v720p/%2e%2e/%2e%2e/%2e%2e/secret.m3u8",
        "/media/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        // double encoding
        "/media/%252e%252e/secret.m3u8",
        "/media/%252E%252E/secret.m3u8",
        "/media/..%252fsecret.m3u8",
        "/media/%252fetc%252fpasswd",
        "/media/..%255csecret.m3u8",
        // encoded separators
        "/media/..%2fsecret.m3u8",
        "/media/..%2Fsecret.m3u8",
        "/media/%2e%2e%2fsecret.m3u8",
        "/media/%2fetc%2fpasswd",
        "/media/show%2f..%2f..%2fsecret.m3u8",
        "/media/..%5csecret.m3u8",
        "/media/..%5Csecret.m3u8",
        "/media/%2e%2e%5csecret.m3u8",
        // backslashes, raw
        "/media/..\\secret.m3u8",
        "/media/show\\..\\..\\secret.m3u8",
        // NUL and control characters
        "/media/show/v720p/index.m3u8%00.ts",
        "/media/%00../secret.m3u8",
        "/media/..%00/secret.m3u8",
        "/media/%09../secret.m3u8",
        "/media/..%0d%0asecret.m3u8",
        // absolute paths and empty or dot segments
        "/media//etc/passwd",
        "/media///secret.m3u8",
        "/media/./show/v720p/index.m3u8",
        "/media/show//v720p/index.m3u8",
        "/media/show/v720p/index.m3u8/..",
        // tricks that fool naive filters
        "/media/....//secret.m3u8",
        "/media/....//....//secret.m3u8",
        "/media/..;/secret.m3u8",
        "/media/show/..;/..;/secret.m3u8",
        "/media/%23/../secret.m3u8",
        // overlong UTF-8, %u encoding, look-alike dots
        "/media/%c0%ae%c0%ae/secret.m3u8",
        "/media/%C0%AE%C0%AE/secret.m3u8",
        "/media/..%c0%afsecret.m3u8",
        "/media/%e0%80%ae%e0%80%ae/secret.m3u8",
        "/media/%u002e%u002e/secret.m3u8",
        "/media/..%u2216secret.m3u8",
        "/media/%ef%bc%8e%ef%bc%8e/secret.m3u8",
        "/media/%ff%fe/secret.m3u8",
        // trailing dot, Windows drive letters and UNC paths
        "/media/show/v720p/index.m3u8.",
        "/media/secret.m3u8.",
        "/media/C:/Windows/win.ini",
        "/media/C:%5csecret.m3u8",
        "/media/c:secret.m3u8",
        "/media/\\\\server\\share\\secret.m3u8",
        "/media/%5c%5cserver%5cshare%5csecret.m3u8",
        // very long paths
        "/media/" + String(repeating: "a/", count: 1500) + "x.ts",
        "/media/" + String(repeating: "../", count: 700) + "etc/passwd",
        "/media/" + String(repeating: "%2e%2e/", count: 300) + "secret.m3u8",
        "/media/" + String(repeating: "x", count: 300) + ".ts",
        // symlinks inside the root that lead out of it (file, directory, /etc/passwd, sibling dir)
        "/media/leak.m3u8",
        "/media/passwd.json",
        "/media/secret.ts",
        "/media/outside/secret.ts",
        "/media/outside/index.m3u8",
        "/media/evil/secret.ts",
        // hidden files and package work folders
        "/media/.hidden.m3u8",
        "/media/.show.partial-123-0/index.m3u8",
        "/media/%2eshow.partial-123-0/index.m3u8",
        "/media/%2Ehidden.m3u8",
        // not regular files, not allowed types
        "/media/fifo.ts",
        "/media/dir.m3u8",
        "/media/show/v720p",
        "/media/notes.txt",
        "/media/show/v720p/index.M3U8.txt",
        "/media/inside-link.m3u8",
    ]

    @Test("at least 30 traversal variants are refused with 400 or 404 and leak nothing")
    func traversal() async throws {
        #expect(Self.variants.count >= 30)
        let fixture = try MediaFixture()
        let passwd = (try? String(contentsOfFile: "/etc/passwd", encoding: .utf8))?.split(separator: "\n").first.map(String.init)
        try await withMediaServer(root: fixture.root) { port in
            for target in Self.variants {
                for method in ["GET", "HEAD"] {
                    let r = try await MediaRawHTTP.request(
                        port: port,
                        target: target,
                        method: method,
                        headers: [("Accept-Encoding", "gzip")]
                    )
                    #expect(r.status == 400 || r.status == 404, "\(method) \(target.prefix(120)) → \(r.status)")
                    #expect(!r.contains(fixture.marker), "\(target.prefix(120)) leaked the secret")
                    if let passwd { #expect(!r.contains(passwd), "\(target.prefix(120)) leaked /etc/passwd") }
                    #expect(!r.contains("secret"), "\(target.prefix(120)) echoed the path")
                    for (_, value) in r.headers { #expect(!value.contains(fixture.marker)) }
                }
            }
            // The tree is intact and the server still serves the legitimate file.
            let ok = try await MediaRawHTTP.request(port: port, target: "/media/show/v720p/index.m3u8")
            #expect(ok.status == 200)
            #expect(ok.body.mediaDigest == (Array(fixture.playlist.utf8)).mediaDigest)
        }
    }

    @Test("a symlink swapped in after the file was cached is not followed")
    func swapAfterCaching() async throws {
        let fixture = try MediaFixture()
        try await withMediaServer(root: fixture.root) { port in
            let path = "/show/v720p/sub.vtt"
            let first = try await MediaRawHTTP.request(port: port, target: "/media" + path)
            #expect(first.status == 200)
            // Replace the cached file by a symlink to a secret outside the root.
            try FileManager.default.removeItem(atPath: fixture.root + path)
            #expect(symlink(fixture.base + "/secret.txt", fixture.root + path) == 0)
            let second = try await MediaRawHTTP.request(port: port, target: "/media" + path)
            #expect(second.status == 404)
            #expect(!second.contains(fixture.marker))
            // Same for a directory on the way.
            let seg = "/show/v720p/seg_00001.ts"
            #expect(try await MediaRawHTTP.request(port: port, target: "/media" + seg).status == 200)
            #expect(rename(fixture.root + "/show", fixture.root + "/show-moved") == 0)
            #expect(symlink(fixture.base + "/outside", fixture.root + "/show") == 0)
            try FileManager.default.createDirectory(atPath: fixture.base + "/outside/v720p", withIntermediateDirectories: true)
            try fixture.write(Array(fixture.marker.utf8), to: fixture.base + "/outside/v720p/seg_00001.ts")
            let third = try await MediaRawHTTP.request(port: port, target: "/media" + seg)
            #expect(third.status == 404)
            #expect(!third.contains(fixture.marker))
        }
    }
}
