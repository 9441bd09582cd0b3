import Foundation
import Showrunner
import ShowrunnerTestSupport
import Store
import Testing

/// The operator's ad routes: roles, validation naming the field, the change log, break plans
/// checked against the packaged cut points.
@Suite struct AdAdminRoutesTests {
    @Test func policiesNeedAnOperatorAndAreChangeLogged() async throws {
        let s = try await TestServer.started()
        defer { Task { await s.stop() } }
        let url = s.base + "/v1/admin/policies/tv"
        let body: [String: Any] = ["positions": ["pre", "mid"], "mid_roll_ms": 20_000, "markers": "daterange"]
        #expect(try await HTTP.send("PUT", url, token: nil, json: body).status == 401)
        #expect(try await HTTP.send("PUT", url, token: s.tokens[.editor], json: body).status == 403)
        #expect(try await HTTP.send("PUT", url, token: s.tokens[.viewer], json: body).status == 403)
        let ok = try await HTTP.send("PUT", url, token: s.tokens[.operator], json: body)
        #expect(ok.status == 200, "\(ok.text)")
        #expect(try ok.json()["markers"] as? String == "daterange")
        let read = try await HTTP.get(url, token: s.tokens[.viewer])
        #expect(try read.json()["mid_roll_ms"] as? Int == 20_000)
        let bad = try await HTTP.send("PUT", url, token: s.tokens[.operator], json: ["vast_url": "file:///etc/passwd"])
        #expect(bad.status == 400)
        #expect(bad.errorField == "vast_url")
        let unknownSlate = try await HTTP.send("PUT", url, token: s.tokens[.operator], json: ["slate": "nope"])
        #expect(unknownSlate.status == 404)
        let changes = try await s.store.changes(after: 0, limit: 1000)
        let entry = try #require(changes.last { $0.action == "policy.put" })
        #expect(entry.actor == "token:t-operator" && entry.before == nil && entry.after?.contains("\"daterange\"") == true)
        #expect(try await s.store.verifyChangeLog().isEmpty)
    }

    @Test func campaignsAddUpdateAndConflict() async throws {
        let s = try await TestServer.started()
        defer { Task { await s.stop() } }
        let c: [String: Any] = ["id": "brew", "name": "Brew", "brand": "brew-co", "from": "2026-11-01", "until": "2026-12-01",
                                "impression_goal": 1000, "priority": 1, "cap_per_device": 3]
        let made = try await HTTP.send("POST", s.base + "/v1/admin/campaigns", token: s.tokens[.operator], json: c)
        #expect(made.status == 201, "\(made.text)")
        #expect(try await HTTP.send("POST", s.base + "/v1/admin/campaigns", token: s.tokens[.operator], json: c).status == 201)  // same: no-op
        var other = c
        other["impression_goal"] = 5
        #expect(try await HTTP.send("POST", s.base + "/v1/admin/campaigns", token: s.tokens[.operator], json: other).status == 409)
        other["paused"] = true
        let put = try await HTTP.send("PUT", s.base + "/v1/admin/campaigns/brew", token: s.tokens[.operator], json: other)
        #expect(put.status == 200)
        let list = try await HTTP.get(s.base + "/v1/admin/campaigns", token: s.tokens[.viewer]).json()["campaigns"] as? [[String: Any]]
        #expect(list?.first?["paused"] as? Bool == true)
        var bad = c
        bad["id"] = "late"
        bad["until"] = "2026-10-01"
        let r = try await HTTP.send("POST", s.base + "/v1/admin/campaigns", token: s.tokens[.operator], json: bad)
        #expect(r.status == 400 && r.errorField == "until")
        bad["until"] = "2026-12-01"
        bad["brand"] = "nobody"
        #expect(try await HTTP.send("POST", s.base + "/v1/admin/campaigns", token: s.tokens[.operator], json: bad).status == 404)
    }

    @Test func breakPlansMustSitOnCutPoints() async throws {
        let s = try await TestServer.started()
        defer { Task { await s.stop() } }
        // ep1 v1 and v2 were packaged with a cut at 4 s; the newest (v2) is checked.
        let url = s.base + "/v1/admin/titles/ep1/breaks"
        let off = try await HTTP.send("PUT", url, token: s.tokens[.operator],
                                      json: ["breaks": [["position": "mid", "at_ms": 5000, "planned_ms": 10_000]]])
        #expect(off.status == 400)
        #expect(off.errorField == "breaks[0].at_ms", "\(off.text)")
        #expect(off.errorMessage?.contains("nearest cut point: 4000 ms") == true, "\(off.errorMessage ?? off.text)")
        let ok = try await HTTP.send("PUT", url, token: s.tokens[.operator],
                                     json: ["breaks": [["position": "pre", "at_ms": 0, "planned_ms": 10_000],
                                                       ["position": "mid", "at_ms": 4000, "planned_ms": 12_000]]])
        #expect(ok.status == 200, "\(ok.text)")
        _ = try await HTTP.send("PUT", s.base + "/v1/admin/policies/tv", token: s.tokens[.operator], json: ["positions": ["mid"]])
        try await s.caughtUp()
        let plan = try await HTTP.get(url + "?channel=tv", token: s.tokens[.viewer]).json()
        let breaks = try #require(plan["breaks"] as? [[String: Any]])
        #expect(breaks.count == 1)
        #expect(breaks.first?["at_ms"] as? Int == 4000 && breaks.first?["planned_ms"] as? Int == 12_000)
    }

    @Test func sessionRecordIsReadable() async throws {
        let s = try await StitchedSessionTests.server()  // a channel with ads: masters make sessions
        defer { Task { await s.stop() } }
        let r = try await HTTP.get(s.base + "/v1/play/tv/ep1/master.m3u8?device=tv-7&model=ES75")
        let sid = try #require(r.headers["x-showrunner-session"])
        let body = try await HTTP.get(s.base + "/v1/admin/sessions/\(sid)", token: s.tokens[.viewer]).json()
        let session = try #require(body["session"] as? [String: Any])
        #expect(session["device"] as? String == "tv-7" && session["model"] as? String == "ES75" && session["household"] as? String == "tv-7")
        #expect(try await HTTP.get(s.base + "/v1/admin/sessions/nope", token: s.tokens[.viewer]).status == 404)
    }
}
