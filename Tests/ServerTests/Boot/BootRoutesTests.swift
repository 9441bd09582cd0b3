import Crypto
import Foundation
import Showrunner
import ShowrunnerTestSupport
import Store
import Testing

/// Boot screens end to end: `showrunner boot add` renders an image per screen profile into the
/// media root, `GET /v1/boot/{channel}` picks one for a TV (variant, sha256, timings, tracking),
/// beacons count toward the frequency cap, then the default shows, and with nothing left, 204.
@Suite(.serialized) struct BootRoutesTests {
    @Test func bootCreativeChosenServedAndCapped() async throws {
        let s = try await TestServer.started()
        defer { Task { await s.stop() } }
        func cli(_ args: [String]) throws -> ProcessResult {
            try runProcess([TestEnv.showrunner] + args + ["--db", s.dir.file("catalog.sqlite"), "--media-root", s.library.root])
        }
        let image = TestEnv.media + "/boot-1080p.jpg"
        var r = try cli(["boot", "add", "--channel", "tv", "--creative", image, "--brand", "brew-co", "--from", "2026-11-01",
                         "--until", "2026-12-31", "--priority", "1", "--share", "100", "--id", "brew-boot"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("1920x1080"))
        r = try cli(["boot", "add", "--channel", "tv", "--creative", image, "--brand", "brew-co", "--from", "2026-11-01",
                     "--until", "2026-12-31", "--default", "--id", "house"])
        #expect(r.status == 0, "\(r.stderr)")
        // Refused at ingest: neither an image nor a video, and over 100 % share of voice.
        try Data("not a picture".utf8).write(to: URL(fileURLWithPath: s.dir.file("notes.jpg")))
        r = try cli(["boot", "add", "--channel", "tv", "--creative", s.dir.file("notes.jpg"), "--brand", "brew-co",
                     "--from", "2026-11-01", "--until", "2026-12-31"])
        #expect(r.status != 0 && r.stderr.contains("notes.jpg: neither a JPEG/PNG image nor a video"), "\(r.stderr)")
        r = try cli(["boot", "add", "--channel", "tv", "--creative", image, "--brand", "brew-co", "--from", "2026-11-01",
                     "--until", "2026-12-31", "--priority", "1", "--share", "10", "--id", "extra"])
        #expect(r.status != 0 && r.stderr.contains("share of voice over 100 %"), "\(r.stderr)")
        r = try runProcess([TestEnv.showrunner, "boot", "schedule", "tv", "--day", "2026-11-29", "--db", s.dir.file("catalog.sqlite")])
        #expect(r.stdout.contains("brew-boot\tbrew-co\t100.0 %"), "\(r.stdout)\(r.stderr)")
        try await s.caughtUp()

        let url = s.base + "/v1/boot/tv?device=tv-1&model=ES75&w=2560&h=1440"
        var answer = try await HTTP.get(url).json()
        #expect(answer["creative"] as? String == "brew-boot")
        let variant = try #require(answer["variant"] as? [String: Any])
        #expect(variant["width"] as? Int == 1920 && variant["height"] as? Int == 1080)
        #expect((answer["reason"] as? String)?.contains("1920x1080") == true)
        let file = try await HTTP.get(s.base + (variant["url"] as? String ?? ""))
        #expect(file.status == 200 && Int64(file.body.count) == variant["size"] as? Int64 ?? Int64(variant["size"] as? Int ?? -1))
        #expect(SHA256.hex(Array(file.body)) == variant["sha256"] as? String)
        #expect(answer["close_prompt_ms"] as? Int == 1000 && answer["close_within_ms"] as? Int == 3000)
        let tracking = try #require(answer["tracking"] as? [String: String])
        // An impression, then the 10-minute interval leaves the default.
        #expect(try await HTTP.get(s.base + tracking["impression"]!).status == 204)
        answer = try await HTTP.get(url).json()
        #expect(answer["creative"] as? String == "house", "\(answer)")
        // Deterministic: the same device and day get the same answer.
        #expect(try await HTTP.get(url).json()["creative"] as? String == "house")
        // A channel with nothing scheduled: 204. Bad requests name the field.
        #expect(try await HTTP.get(s.base + "/v1/boot/mobile?device=p-1&w=1080&h=2400").status == 204)
        #expect(try await HTTP.get(s.base + "/v1/boot/tv?device=tv-1&w=0&h=1080").errorField == "w")
        #expect(try await HTTP.get(s.base + "/v1/boot/radio?device=tv-1&w=1920&h=1080").status == 404)
        #expect(try await HTTP.get(s.base + "/v1/boot/tv/beacon?creative=nope&device=tv-1&event=impression").status == 404)
        // The change log holds the boot creatives.
        #expect(try await s.store.changes(after: 0, limit: 1000).filter { $0.action == "boot.creative.add" }.count == 2)
    }

    @Test func prefetchListIsSignedAndTamperingIsDetected() async throws {
        let s = try await TestServer.started()
        defer { Task { await s.stop() } }
        let r = try runProcess([TestEnv.showrunner, "boot", "add", "--channel", "tv", "--creative", TestEnv.media + "/boot-1080p.jpg",
                                "--brand", "brew-co", "--from", "2026-11-01", "--until", "2026-12-31", "--share", "100", "--id", "brew-boot",
                                "--db", s.dir.file("catalog.sqlite"), "--media-root", s.library.root])
        #expect(r.status == 0, "\(r.stderr)")
        try await s.caughtUp()
        let keys = try #require(try await HTTP.get(s.base + "/v1/boot/keys").json()["keys"] as? [[String: Any]])
        let publicKey = try Curve25519.Signing.PublicKey(rawRepresentation: try #require(Data(base64Encoded: keys[0]["public_key"] as? String ?? "")))
        let signed = try await HTTP.get(s.base + "/v1/boot/tv/prefetch?device=tv-1&model=ES75&w=1920&h=1080&days=3").json()
        #expect(signed["kid"] as? String == keys[0]["kid"] as? String)
        let payload = try #require(Data(base64Encoded: signed["payload"] as? String ?? ""))
        let signature = try #require(Data(base64Encoded: signed["signature"] as? String ?? ""))
        #expect(publicKey.isValidSignature(signature, for: payload))
        // The TV decides offline from the verified list, as the server would.
        let list = try JSONDecoder().decode(BootPrefetchList.self, from: payload)
        #expect(list.items.map(\.creative) == ["brew-boot"] && list.device == "tv-1")
        #expect(BootDecision.decideOffline(list: list, now: s.clock.now(), history: [])?.creative == "brew-boot")
        // One byte changed: the signature no longer holds.
        var tampered = payload
        tampered[tampered.count / 2] ^= 0x01
        #expect(!publicKey.isValidSignature(signature, for: tampered))
        // The key survives a restart (same file).
        #expect(FileManager.default.fileExists(atPath: s.dir.file("boot.key")))
        #expect(try await HTTP.get(s.base + "/v1/boot/tv/prefetch?device=tv-1&w=1920&h=1080&days=40").errorField == "days")
    }
}
