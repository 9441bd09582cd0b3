import Foundation
import MediaCore
import Showrunner
import ShowrunnerTestSupport
import Testing

/// Player-facing routes over real HTTP against a seeded server.
@Suite(.serialized) struct PlayRoutesTests {
    @Test func healthAndMetrics() async throws {
        let s = try await TestServer.started()
        defer { Task { await s.stop() } }
        let h = try await HTTP.get(s.base + "/healthz")
        #expect(h.status == 200)
        #expect(try h.json()["status"] as? String == "ok")
        _ = try await HTTP.get(s.base + "/v1/channels/tv/titles")
        let m = try await HTTP.get(s.base + "/metrics")
        #expect(m.status == 200)
        #expect(m.headers["content-type"]?.hasPrefix("text/plain") == true)
        #expect(m.text.contains("http_requests_total{"))
        #expect(m.text.contains("route=\"/v1/channels/{channel}/titles\""))
        #expect(m.text.contains("http_request_duration_seconds_bucket"))
    }

    @Test func channelTitlesFollowRightsWindows() async throws {
        let s = try await TestServer.started()
        defer { Task { await s.stop() } }
        var r = try await HTTP.get(s.base + "/v1/channels/tv/titles")
        #expect(r.status == 200)
        var titles = try r.json()["titles"] as? [[String: Any]] ?? []
        #expect(titles.map { $0["id"] as? String } == ["ep1"])
        #expect(titles.first?["play_url"] as? String == "/v1/play/tv/ep1/master.m3u8")
        #expect(titles.first?["series"] as? String == "long-road")
        #expect(titles.first?["season"] as? Int == 1)
        #expect(titles.first?["kind"] as? String == "episode")
        // Nothing on mobile; unknown channel is 404 naming it.
        r = try await HTTP.get(s.base + "/v1/channels/mobile/titles")
        #expect((try r.json()["titles"] as? [Any])?.isEmpty == true)
        r = try await HTTP.get(s.base + "/v1/channels/radio/titles")
        #expect(r.status == 404)
        #expect(r.errorMessage?.contains("'radio'") == true)
        // Before the window opens, the title is gone.
        s.clock.set(Timestamp(iso8601: "2025-12-31T23:59:59Z")!)
        r = try await HTTP.get(s.base + "/v1/channels/tv/titles")
        titles = try r.json()["titles"] as? [[String: Any]] ?? []
        #expect(titles.isEmpty)
    }

    @Test func masterIsPinnedToTheLiveVersion() async throws {
        let s = try await TestServer.started()
        defer { Task { await s.stop() } }
        let r = try await HTTP.get(s.base + "/v1/play/tv/ep1/master.m3u8?device=tv-1")
        #expect(r.status == 200)
        #expect(r.headers["content-type"] == "application/vnd.apple.mpegurl")
        let master = try MultivariantPlaylist.parse(r.text)
        // No ad policy on the channel: no session, the version's pinned master.
        #expect(r.headers["x-showrunner-session"] == nil)
        #expect(master.variants.first?.uri == "/media/ep1/v1/v360p/index.m3u8")
        #expect(master.iFrameVariants.first?.uri == "/media/ep1/v1/v360p/iframes.m3u8")
        let media = try MediaPlaylist.parse(try await HTTP.get(s.base + master.variants[0].uri).text)
        #expect(!media.segments.isEmpty)
    }

    @Test func playErrorsNameWhatIsWrong() async throws {
        let s = try await TestServer.started()
        defer { Task { await s.stop() } }
        var r = try await HTTP.get(s.base + "/v1/play/tv/nope/master.m3u8")
        #expect(r.status == 404)
        #expect(r.errorMessage == "title 'nope' does not exist")
        r = try await HTTP.get(s.base + "/v1/play/radio/ep1/master.m3u8")
        #expect(r.status == 404)
        #expect(r.errorMessage == "channel 'radio' does not exist")
        r = try await HTTP.get(s.base + "/v1/play/mobile/ep1/master.m3u8")
        #expect(r.status == 403)
        #expect(r.errorMessage == "'ep1' is not published on channel 'mobile'")
        s.clock.set(Timestamp(iso8601: "2025-06-01T00:00:00Z")!)
        r = try await HTTP.get(s.base + "/v1/play/tv/ep1/master.m3u8")
        #expect(r.status == 403)
        #expect(r.errorMessage?.contains("not available on channel 'tv' until 2026-01-01") == true)
        r = try await HTTP.get(s.base + "/v1/play/tv/ep1/master.m3u8?device=a%0D%0A%23EXT-X-ENDLIST")
        #expect(r.status == 400)
        #expect(r.errorField == "device")
        r = try await HTTP.get(s.base + "/v1/nothing-here")
        #expect(r.status == 404)
        #expect(r.errorCode == "not_found")
    }

    @Test func republishSwapsNewSessionsButOldSessionsKeepTheirVersion() async throws {
        let s = try await TestServer.started()
        defer { Task { await s.stop() } }
        let old = try MultivariantPlaylist.parse(try await HTTP.get(s.base + "/v1/play/tv/ep1/master.m3u8").text)
        let oldMedia = try await HTTP.get(s.base + old.variants[0].uri)
        #expect(oldMedia.status == 200)
        let publish = try await HTTP.send("POST", s.base + "/v1/admin/publish", token: s.tokens[.editor], json: ["title": "ep1", "channel": "tv", "version": "v2"])
        #expect(publish.status == 200, "\(publish.text)")
        let fresh = try MultivariantPlaylist.parse(try await HTTP.get(s.base + "/v1/play/tv/ep1/master.m3u8").text)
        #expect(fresh.variants[0].uri.hasPrefix("/media/ep1/v2/"))
        // The old session's playlist and segments are still there, byte for byte.
        let again = try await HTTP.get(s.base + old.variants[0].uri)
        #expect(again.status == 200)
        #expect(again.body == oldMedia.body)
        let seg = try MediaPlaylist.parse(again.text).segments[0].uri
        let base = old.variants[0].uri.split(separator: "/").dropLast().joined(separator: "/")
        #expect(try await HTTP.get(s.base + "/" + base + "/" + seg).status == 200)
    }

    /// Traversal and injection attempts on the player and admin routes' ids (the media route's
    /// own 30+ cases are in MediaTraversalTests): always 400 or 404, never a byte of a file.
    @Test func idsCannotTraverseOrInject() async throws {
        let s = try await TestServer.started()
        defer { Task { await s.stop() } }
        let attacks = [
            "..", "%2e%2e", "%252e%252e", "..%2f..%2fetc%2fpasswd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "..%5c..%5cwindows",
            "%00", "ep1%00", "ep1%0d%0a%23EXT-X-ENDLIST", "%2fetc%2fpasswd", "..;", "ep1%2f..%2f..", "%c0%ae%c0%ae",
            "EP1", "ep1%20", "%u002e%u002e", "....", ".%2e", "ep1%3f", "ep1%23x",
        ]
        for a in attacks {
            for url in ["/v1/play/tv/\(a)/master.m3u8", "/v1/play/\(a)/ep1/master.m3u8", "/v1/channels/\(a)/titles"] {
                let r = try await HTTP.get(s.base + url)
                #expect(r.status == 400 || r.status == 404, "\(url) -> \(r.status)")
                #expect(!r.text.contains("root:") && !r.text.contains("#EXTM3U"), "\(url) leaked content")
            }
            let r = try await HTTP.get(s.base + "/v1/admin/titles/\(a)", token: s.tokens[.viewer])
            #expect(r.status == 400 || r.status == 404, "admin title \(a) -> \(r.status)")
        }
    }
}
