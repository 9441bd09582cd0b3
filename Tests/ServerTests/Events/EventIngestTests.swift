import Foundation
import MediaCore
import Showrunner
import ShowrunnerTestSupport
import Store
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `POST /v1/events` over real HTTP: durable, idempotent, per-event validation, flags, limits.
@Suite struct EventIngestTests {
    static func event(_ type: String, id: UUID = UUID(), device: String = "tv-5521", ts: String = "2026-11-29T09:59:58.000Z",
                      sent: String = "2026-11-29T10:00:00.000Z", extra: [String: Any] = [:]) -> [String: Any] {
        var e: [String: Any] = ["event_id": id.uuidString.lowercased(), "type": type, "device_id": device, "endpoint": "tv", "model": "ES75",
                                "channel": "tv", "title_id": "ep1", "ts": ts, "sent_at": sent, "app_version": "3.2.1"]
        for (k, v) in extra { e[k] = v }
        return e
    }

    static func post(_ s: TestServer, _ body: Data, contentType: String = "application/json") async throws -> HTTPResult {
        try await HTTP.request("POST", s.base + "/v1/events", headers: ["Content-Type": contentType], body: body)
    }

    static func json(_ v: Any) throws -> Data { try JSONSerialization.data(withJSONObject: v) }

    @Test func acceptedEventsAreStoredOnceAndRetriesAreDuplicates() async throws {
        let s = try await TestServer.started()
        defer { Task { await s.stop() } }
        let batch = [Self.event("play_start", extra: ["position_ms": 0]), Self.event("heartbeat", extra: ["position_ms": 10_000]),
                     Self.event("complete")]
        var r = try await Self.post(s, try Self.json(batch))
        #expect(r.status == 202, "\(r.text)")
        var body = try r.json()
        #expect(body["accepted"] as? Int == 3 && body["duplicates"] as? Int == 0 && (body["rejected"] as? [Any])?.isEmpty == true)
        r = try await Self.post(s, try Self.json(batch))  // a retry
        body = try r.json()
        #expect(body["accepted"] as? Int == 0 && body["duplicates"] as? Int == 3)
        let stats = try await s.store.eventStats()
        #expect(stats.total == 3 && stats.bySource["client"] == 3 && stats.byType["content.play_start"] == 1)
        // Skew corrected from sent_at against the receive time (the test clock: 10:00:00).
        #expect(try await s.store.integrityCheck() == ["ok"])
    }

    @Test func mixedBatchKeepsTheValidEvents() async throws {
        let s = try await TestServer.started()
        defer { Task { await s.stop() } }
        let batch: [Any] = [
            Self.event("play_start", extra: ["position_ms": 0]),
            Self.event("play_start", ts: "yesterday"),
            Self.event("explode"),
            Self.event("pause", extra: ["channel": "radio"]),
            ["type": "pause"],
            Self.event("pause", ts: "2026-11-20T10:00:00Z", sent: "2026-11-29T10:00:00Z"),  // held offline 9 days
            Self.event("resume"),
        ]
        let r = try await Self.post(s, try Self.json(batch))
        #expect(r.status == 202, "\(r.text)")
        let body = try r.json()
        #expect(body["accepted"] as? Int == 2)
        let rejected = try #require(body["rejected"] as? [[String: Any]])
        #expect(rejected.map { $0["index"] as? Int } == [1, 2, 3, 4, 5])
        #expect(rejected.map { $0["field"] as? String } == ["ts", "type", "channel", "event_id", "ts"], "\(rejected)")
        #expect(try await s.store.eventStats().total == 2)
    }

    @Test func ndjsonAndBodyLimits() async throws {
        let s = try await TestServer.started()
        defer { Task { await s.stop() } }
        let lines = try [Self.event("pause"), Self.event("resume")].map { String(decoding: try Self.json($0), as: UTF8.self) }
        var r = try await Self.post(s, Data(lines.joined(separator: "\n").utf8), contentType: "application/x-ndjson")
        #expect(try r.json()["accepted"] as? Int == 2)
        r = try await Self.post(s, Data("not json".utf8))
        #expect(r.status == 400 && r.errorField == "body")
        r = try await Self.post(s, Data([0x5B, 0xFF, 0xFE, 0x5D]))
        #expect(r.status == 400 && r.errorMessage?.contains("UTF-8") == true, "\(r.text)")
        r = try await Self.post(s, Data(repeating: 0x20, count: 600 * 1024))
        #expect(r.status == 413)
        let many = try Self.json((0..<501).map { _ in Self.event("pause") })
        r = try await Self.post(s, many)
        #expect(r.status == 413, "\(r.text)")
        // A 100 MB body is refused without reading it all (and the server stays up).
        r = try await Self.post(s, Data(repeating: 0x5B, count: 100 << 20))
        #expect(r.status == 413)
        #expect(try await HTTP.get(s.base + "/healthz").status == 200)
        #expect(try await s.store.eventStats().total == 2)
    }

    @Test func adEventsGetTheirCampaignAndFlags() async throws {
        let s = try await StitchedSessionTests.server()
        defer { Task { await s.stop() } }
        let (sid, _) = try await StitchedSessionTests.session(s)
        let slot = "\(sid).pre.0"
        let batch = [
            Self.event("complete", ts: "2026-11-29T09:59:50.000Z", extra: ["slot_id": slot, "session_id": sid]),  // no start: flagged
            Self.event("impression", ts: "2026-11-29T09:59:51.000Z", extra: ["slot_id": slot, "session_id": sid]),
            Self.event("pause", extra: ["session_id": "0123456789abcdef0123456789abcdef"]),  // unknown session: flagged
        ]
        let r = try await Self.post(s, try Self.json(batch))
        #expect(try r.json()["accepted"] as? Int == 3, "\(r.text)")
        let events = try await s.store.events(session: sid)
        let complete = try #require(events.first { $0.type == "ad.complete" })
        #expect(complete.flags == ["complete_without_start"])
        #expect(complete.campaignID == "brew" && complete.creativeID == "brew-15")
        #expect(events.first { $0.type == "ad.impression" }?.flags == [])
        #expect(try await s.store.eventStats().flagged == 2)
    }

    @Test func identityLinkChangesTheHouseholdOfNewSessions() async throws {
        let s = try await StitchedSessionTests.server()  // a channel with ads: masters make sessions
        defer { Task { await s.stop() } }
        var r = try await HTTP.send("POST", s.base + "/v1/identity/link", token: nil, json: ["device_id": "phone-1", "household_id": "hh-9"])
        let changed = try r.json()["changed"] as? Bool
        #expect(r.status == 200 && changed == true, "\(r.text)")
        r = try await HTTP.send("POST", s.base + "/v1/identity/link", token: nil, json: ["device_id": "phone 1", "household_id": "hh-9"])
        #expect(r.status == 400 && r.errorField == "device_id")
        let m = try await HTTP.get(s.base + "/v1/play/tv/ep1/master.m3u8?device=phone-1")
        let sid = try #require(m.headers["x-showrunner-session"])
        #expect(try await s.store.session(id: sid)?.session.household == "hh-9")
    }

    @Test func reportsOverHTTPAndHeadRequests() async throws {
        let s = try await StitchedSessionTests.server()
        defer { Task { await s.stop() } }
        let (sid, _) = try await StitchedSessionTests.session(s)
        let playlist = try await HTTP.get(s.base + "/v1/sessions/\(sid)/v360p.m3u8")
        let head = try await HTTP.request("HEAD", s.base + "/v1/sessions/\(sid)/v360p.m3u8")
        #expect(head.status == 200 && head.body.isEmpty && head.headers["content-length"] == String(playlist.body.count))
        // HEAD on the master checks availability but makes no session.
        let masterHead = try await HTTP.request("HEAD", s.base + "/v1/play/tv/ep1/master.m3u8?device=tv-head")
        #expect(masterHead.status == 200 && masterHead.headers["x-showrunner-session"] == nil)
        #expect(try await HTTP.request("HEAD", s.base + "/v1/play/tv/nope/master.m3u8").status == 404)
        // Fetch the pre-roll's segments (server beacons), and report a client impression.
        let media = try MediaPlaylist.parse(playlist.text)
        for seg in media.segments where seg.uri.contains("/slots/pre.0/") { _ = try await HTTP.get(s.base + seg.uri) }
        _ = try await Self.post(s, try Self.json([Self.event("impression", device: "tv-1", ts: "2026-11-29T09:59:59.000Z", extra: ["slot_id": "\(sid).pre.0", "session_id": sid])]))
        #expect(try await HTTP.get(s.base + "/v1/reports/ads").status == 401)
        let r = try await HTTP.get(s.base + "/v1/reports/ads?from=2026-11-29&to=2026-11-30", token: s.tokens[.viewer])
        let rows = try #require(try r.json()["rows"] as? [[String: Any]])
        let pre = try #require(rows.first { $0["break"] as? String == "pre" })
        #expect((pre["server"] as? [String: Int])?["impression"] == 1 && (pre["client"] as? [String: Int])?["impression"] == 1)
        let csv = try await HTTP.get(s.base + "/v1/reports/reach?from=2026-11-29&to=2026-11-30&format=csv", token: s.tokens[.viewer])
        #expect(csv.headers["content-type"]?.hasPrefix("text/csv") == true)
        #expect(csv.text.hasPrefix("campaign,impressions,devices,households,average_frequency,devices_by_endpoint\r\nbrew,1,1,1,1.000,tv=1\r\n"), "\(csv.text)")
        #expect(try await HTTP.get(s.base + "/v1/reports/nope", token: s.tokens[.viewer]).status == 404)
    }

    /// A client that sends its body too slowly gets 408 (the test server waits 1.5 s), and what
    /// it sent is not stored; the server keeps serving.
    @Test func slowBodiesGet408() async throws {
        let s = try await TestServer.started()
        defer { Task { await s.stop() } }
        let script = """
            import select, socket, sys, time
            c = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
            c.sendall(b"POST /v1/events HTTP/1.1\\r\\nHost: x\\r\\nContent-Type: application/json\\r\\nContent-Length: 4000\\r\\n\\r\\n[")
            deadline = time.time() + 20
            while time.time() < deadline:
                r, _, _ = select.select([c], [], [], 0.1)
                if r:
                    print(c.recv(200).decode("latin-1").split("\\r\\n")[0])
                    break
                try:
                    c.sendall(b" ")
                except OSError:
                    pass
            """
        let r = try runProcess(["python3", "-c", script, String(s.port)])
        #expect(r.stdout.contains("408"), "\(r.stdout)\(r.stderr)")
        #expect(try await HTTP.get(s.base + "/healthz").status == 200)
        #expect(try await s.store.eventStats().total == 0)
    }
}
