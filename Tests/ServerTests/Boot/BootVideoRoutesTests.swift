import Crypto
import Foundation
import Showrunner
import ShowrunnerTestSupport
import Store
import Testing

/// Video boot creatives end to end: `showrunner boot add` with an MP4 renders an MP4 and a short
/// HLS per screen profile of the channel; `GET /v1/boot/{channel}` answers the best-fitting MP4
/// (sha256 equal to the served file's, its real length) and the HLS URL, which plays to the end;
/// the signed prefetch list carries them; a 40 s video, a truncated one and one over the
/// channel's file-size limit are refused and leave nothing behind.
@Suite(.serialized) struct BootVideoRoutesTests {
    /// A server with channel `wall` (1920x1080 and a vertical 1080x1920 screen).
    static func server() async throws -> TestServer {
        let s = try await TestServer.started()
        _ = try await s.service.addChannel(Channel(id: "wall", name: "Wall", endpoint: .tv,
                                                   screens: [ScreenProfile(width: 1920, height: 1080), ScreenProfile(width: 1080, height: 1920)]),
                                           actor: "test")
        return s
    }

    /// Runs the CLI off the cooperative pool (a transcode takes a while).
    static func cli(_ s: TestServer, _ args: [String]) async throws -> ProcessResult {
        try await runProcessAsync([TestEnv.showrunner] + args + ["--db", s.dir.file("catalog.sqlite"), "--media-root", s.library.root])
    }

    static func add(_ s: TestServer, _ file: String, id: String, extra: [String] = []) async throws -> ProcessResult {
        try await cli(s, ["boot", "add", "--channel", "wall", "--creative", file, "--brand", "brew-co", "--from", "2026-11-01",
                    "--until", "2026-12-31", "--priority", "1", "--share", "100", "--id", id] + extra)
    }

    /// What is under the channel's boot folder (hidden staging folders included).
    static func bootFiles(_ s: TestServer) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: s.library.root + "/boot/wall"))?.sorted() ?? []
    }

    @Test func videoCreativeIsRenderedDecidedServedAndPlays() async throws {
        let s = try await Self.server()
        defer { Task { await s.stop() } }
        let started = Date()
        let r = try await Self.add(s, TestEnv.media + "/ad-10s.mp4", id: "volt-video", extra: ["--skippable-after", "5", "--json"])
        print("boot add ad-10s.mp4 (1920x1080 + 1080x1920): \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("warning: 1920x1080 is upscaled from 640x360"), "\(r.stderr)")
        let made = try JSONDecoder().decode(BootCreative.self, from: Data(r.stdout.utf8))
        #expect(made.kind == .video && made.durationMS == 10_000 && made.skippableAfterMS == 5000)
        #expect(made.variants.map(\.path) == ["boot/wall/volt-video/1920x1080.mp4", "boot/wall/volt-video/1080x1920.mp4"])
        #expect(made.variants.map { $0.hlsMaster ?? "" } == ["boot/wall/volt-video/1920x1080/master.m3u8", "boot/wall/volt-video/1080x1920/master.m3u8"])
        #expect(Self.bootFiles(s) == ["volt-video"])
        try await s.caughtUp()

        for (w, h) in [(1920, 1080), (1080, 1920), (3840, 2160), (1080, 2400)] {
            let answer = try await HTTP.get(s.base + "/v1/boot/wall?device=tv-\(w)&w=\(w)&h=\(h)").json()
            #expect(answer["creative"] as? String == "volt-video" && answer["kind"] as? String == "video")
            #expect(answer["duration_ms"] as? Int == 10_000 && answer["skippable_after_ms"] as? Int == 5000)
            #expect(answer["close_prompt_ms"] as? Int == 1000 && answer["close_within_ms"] as? Int == 3000)
            let variant = try #require(answer["variant"] as? [String: Any])
            let landscape = w > h
            #expect(variant["width"] as? Int == (landscape ? 1920 : 1080) && variant["height"] as? Int == (landscape ? 1080 : 1920))
            #expect(variant["mime"] as? String == "video/mp4" && variant["duration_ms"] as? Int == 10_000)
            let size = landscape ? "1920x1080" : "1080x1920"
            #expect(variant["url"] as? String == "/media/boot/wall/volt-video/\(size).mp4")
            #expect(variant["hls_url"] as? String == "/media/boot/wall/volt-video/\(size)/master.m3u8")
            // The sha256 and size in the decision are the served file's.
            let file = try await HTTP.get(s.base + (variant["url"] as? String ?? ""))
            #expect(file.status == 200 && file.headers["content-type"] == "video/mp4")
            #expect(Int(file.body.count) == variant["size"] as? Int)
            #expect(SHA256.hex(Array(file.body)) == variant["sha256"] as? String)
        }
        // Each served MP4 is what it says (ffprobe over HTTP), and each served HLS plays to the end.
        for size in ["1920x1080", "1080x1920"] {
            let url = s.base + "/media/boot/wall/volt-video/\(size).mp4"
            let probe = try ffprobeJSON(["-show_entries", "stream=codec_name,width,height,duration", url])
            let streams = probe["streams"] as? [[String: Any]] ?? []
            print("ffprobe \(size).mp4 over HTTP: \(streams.map { "\($0["codec_name"] ?? "?") \($0["width"].map { "\($0)x" } ?? "")\($0["height"].map { "\($0) " } ?? "")\($0["duration"] ?? "?") s" }.joined(separator: ", "))")
            #expect(streams.first?["codec_name"] as? String == "h264" && "\(streams.first?["width"] ?? 0)x\(streams.first?["height"] ?? 0)" == size)
            #expect(abs((Double(streams.first?["duration"] as? String ?? "") ?? 0) - 10) <= 0.04)
            print(try conformanceCheck(s.base + "/media/boot/wall/volt-video/\(size)/master.m3u8", kinds: "lint,ffmpeg")
                .trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    @Test func badVideosAreRefusedAndRegisterNothing() async throws {
        let s = try await Self.server()
        defer { Task { await s.stop() } }
        let dir = try TempDir("boot-video-bad")
        defer { dir.cleanup() }
        // 40 s: refused from the stream, before transcoding, naming the file, its length and the limit.
        let long = dir.file("long-40s.mp4")
        try ffmpeg(["-f", "lavfi", "-i", "testsrc=size=640x360:rate=25", "-t", "40", "-c:v", "libx264", "-preset", "ultrafast",
                    "-pix_fmt", "yuv420p", long])
        var started = Date()
        var r = try await Self.add(s, long, id: "long")
        #expect(r.status != 0)
        #expect(r.stderr.contains("\(long): duration_ms: 40.000 s is longer than the channel's maximum of 30.000 s"), "\(r.stderr)")
        #expect(Date().timeIntervalSince(started) < 5)
        // Truncated to half: named, with what is wrong.
        let whole = try Data(contentsOf: URL(fileURLWithPath: TestEnv.media + "/ad-10s.mp4"))
        let half = dir.file("ad-10s-half.mp4")
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: half))
        r = try await Self.add(s, half, id: "half")
        #expect(r.status != 0 && r.stderr.contains("\(half): truncated"), "\(r.stderr)")
        // Over the channel's file-size limit (the largest MP4): refused after rendering, files removed.
        r = try await runProcessAsync([TestEnv.showrunner, "boot", "rules", "wall", "--max-file-bytes", "200000", "--db", s.dir.file("catalog.sqlite")])
        #expect(r.status == 0, "\(r.stderr)")
        let short = dir.file("short-3s.mp4")
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=25", "-t", "3", "-c:v", "libx264", "-preset", "ultrafast",
                    "-pix_fmt", "yuv420p", short])
        started = Date()
        r = try await Self.add(s, short, id: "big")
        print("boot add short-3s.mp4 refused for size in \(String(format: "%.1f", Date().timeIntervalSince(started))) s: \(r.stderr)")
        #expect(r.status != 0 && r.stderr.contains("variants: variant 1920x1080 is ") && r.stderr.contains("bytes, over the channel's maximum of 200000 bytes"),
                "\(r.stderr)")
        // --duration is for images.
        r = try await Self.add(s, short, id: "timed", extra: ["--duration", "3"])
        #expect(r.status != 0 && r.stderr.contains("--duration is for images"), "\(r.stderr)")
        // Nothing registered, nothing left on disk.
        #expect(try await s.store.snapshot().bootCreatives["wall"] == nil)
        #expect(try await s.store.changes(after: 0, limit: 1000).filter { $0.entity == "boot_creative" }.isEmpty)
        #expect(Self.bootFiles(s).isEmpty, "\(Self.bootFiles(s))")
    }

    @Test func prefetchListWithAVideoVerifiesAndTamperingFails() async throws {
        let s = try await Self.server()
        defer { Task { await s.stop() } }
        let dir = try TempDir("boot-video-prefetch")
        defer { dir.cleanup() }
        let clip = dir.file("clip-4s.mp4")
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=25", "-f", "lavfi", "-i", "sine=f=440:r=48000", "-t", "4",
                    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", clip])
        let r = try await Self.add(s, clip, id: "clip")
        #expect(r.status == 0, "\(r.stderr)")
        // As for images, a source shorter than a profile (1080 < 1920) is said to be scaled up.
        #expect(r.stderr == "warning: 1080x1920 is upscaled from 1920x1080\n", "\(r.stderr)")
        try await s.caughtUp()
        let keys = try #require(try await HTTP.get(s.base + "/v1/boot/keys").json()["keys"] as? [[String: Any]])
        let publicKey = try Curve25519.Signing.PublicKey(rawRepresentation: try #require(Data(base64Encoded: keys[0]["public_key"] as? String ?? "")))
        let signed = try await HTTP.get(s.base + "/v1/boot/wall/prefetch?device=tv-1&w=1080&h=1920&days=3").json()
        let payload = try #require(Data(base64Encoded: signed["payload"] as? String ?? ""))
        let signature = try #require(Data(base64Encoded: signed["signature"] as? String ?? ""))
        #expect(publicKey.isValidSignature(signature, for: payload))
        let list = try JSONDecoder().decode(BootPrefetchList.self, from: payload)
        let item = try #require(list.items.first)
        #expect(list.items.count == 1 && item.creative == "clip" && item.kind == .video && item.durationMS == 4000)
        #expect(item.variant.path == "boot/wall/clip/1080x1920.mp4" && item.variant.mime == "video/mp4" && item.variant.durationMS == 4000)
        #expect(item.variant.hlsMaster == "boot/wall/clip/1080x1920/master.m3u8")
        // The payload bytes are the list's canonical bytes, and the file it names is the one served.
        #expect(Array(payload) == list.canonicalBytes())
        let file = try await HTTP.get(s.base + "/media/" + item.variant.path)
        #expect(SHA256.hex(Array(file.body)) == item.variant.sha256 && Int64(file.body.count) == item.variant.size)
        #expect(try await HTTP.get(s.base + "/media/" + (item.variant.hlsMaster ?? "")).status == 200)
        #expect(BootDecision.decideOffline(list: list, now: s.clock.now(), history: [])?.variant == item.variant)
        // Tampering: another HLS path, or one byte flipped, and the signature fails.
        var edited = list
        edited.items[0].variant.hlsMaster = "boot/wall/evil/master.m3u8"
        #expect(!publicKey.isValidSignature(signature, for: Data(edited.canonicalBytes())))
        var flipped = payload
        flipped[flipped.count / 2] ^= 0x01
        #expect(!publicKey.isValidSignature(signature, for: flipped))
    }
}
