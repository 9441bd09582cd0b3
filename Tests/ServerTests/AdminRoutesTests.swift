import Foundation
import Showrunner
import ShowrunnerTestSupport
import Store
import Testing

/// The admin API over real HTTP: catalog changes, errors naming fields, tokens and roles.
@Suite(.serialized) struct AdminRoutesTests {
    @Test func catalogRoundTrip() async throws {
        let s = try await TestServer.started()
        defer { Task { await s.stop() } }
        let ed = s.tokens[.editor]
        var r = try await HTTP.send("POST", s.base + "/v1/admin/brands", token: ed, json: ["id": "volt", "name": "Volt Motors", "category": "automotive", "tier": "standard"])
        #expect(r.status == 200, "\(r.text)")
        r = try await HTTP.get(s.base + "/v1/admin/brands/volt", token: ed)
        #expect(try r.json()["name"] as? String == "Volt Motors")
        r = try await HTTP.send("POST", s.base + "/v1/admin/series", token: ed, json: ["id": "hills", "name": "Hills"])
        #expect(r.status == 200)
        r = try await HTTP.send("POST", s.base + "/v1/admin/episodes", token: ed,
                                json: ["id": "hills-1", "name": "One", "series": "hills", "season": 2, "episode": 1])
        #expect(r.status == 200, "\(r.text)")
        r = try await HTTP.get(s.base + "/v1/admin/series/hills/seasons", token: ed)
        #expect((try r.json()["seasons"] as? [[String: Any]])?.first?["number"] as? Int == 2)
        r = try await HTTP.send("POST", s.base + "/v1/admin/films", token: ed, json: ["id": "spot", "name": "Spot", "brand": "volt"])
        #expect(r.status == 200)
        r = try await HTTP.send("POST", s.base + "/v1/admin/channels", token: ed,
                                json: ["id": "partner", "name": "Partner", "endpoint": "web", "screens": ["1280x720"], "settings": [String: String]()])
        #expect(r.status == 200, "\(r.text)")
        // Register a package already inside the media root as a new version, then publish it.
        try FileManager.default.copyItem(atPath: try Fixtures.package("ad-10s.mp4"), toPath: s.library.root + "/incoming-spot")
        r = try await HTTP.send("POST", s.base + "/v1/admin/titles/spot/versions", token: ed, json: ["package": "incoming-spot"])
        #expect(r.status == 200, "\(r.text)")
        #expect(try r.json()["path"] as? String == "spot/v1")
        r = try await HTTP.send("POST", s.base + "/v1/admin/publish", token: ed,
                                json: ["title": "spot", "channel": "partner", "from": "2026-11-01T00:00:00Z", "until": "2026-12-01T00:00:00Z"])
        #expect(r.status == 200, "\(r.text)")
        #expect(try r.json()["version"] as? String == "v1")
        r = try await HTTP.get(s.base + "/v1/play/partner/spot/master.m3u8")
        #expect(r.status == 200)
        r = try await HTTP.get(s.base + "/v1/admin/titles/spot/versions", token: ed)
        #expect(((try r.json()["versions"] as? [[String: Any]])?.first?["live_on"] as? [String]) == ["partner"])
        // Unpublish, then rollback has nothing earlier.
        r = try await HTTP.send("POST", s.base + "/v1/admin/unpublish", token: ed, json: ["title": "spot", "channel": "partner"])
        #expect(r.status == 200)
        r = try await HTTP.get(s.base + "/v1/play/partner/spot/master.m3u8")
        #expect(r.status == 403)
        // The change log has it all, newest last, with who did it.
        r = try await HTTP.get(s.base + "/v1/admin/changes?limit=1000", token: s.tokens[.viewer])
        let changes = try r.json()["changes"] as? [[String: Any]] ?? []
        #expect(changes.last?["action"] as? String == "unpublish")
        #expect(changes.last?["actor"] as? String == "token:t-editor")
        #expect(changes.contains { $0["action"] as? String == "version.add" && $0["entity_id"] as? String == "spot/v1" || $0["entity_id"] as? String == "v1" })
    }

    @Test func badInputNamesTheField() async throws {
        let s = try await TestServer.started()
        defer { Task { await s.stop() } }
        let ed = s.tokens[.editor]
        var r = try await HTTP.send("POST", s.base + "/v1/admin/windows", token: ed, json: ["title": "ep1", "channel": "mobile", "from": "2026-13-01"])
        #expect(r.status == 400)
        #expect(r.errorField == "from")
        r = try await HTTP.send("POST", s.base + "/v1/admin/windows", token: ed, json: ["title": "ep1", "channel": "tv", "from": "2026-06-01T00:00:00Z"])
        #expect(r.status == 400, "overlaps the open window from 2026-01-01")
        #expect(r.errorField == "from")
        r = try await HTTP.send("POST", s.base + "/v1/admin/windows", token: ed, json: ["title": "ep1", "channel": "radio", "from": "2026-06-01T00:00:00Z"])
        #expect(r.status == 404)
        #expect(r.errorMessage == "channel 'radio' does not exist")
        r = try await HTTP.send("POST", s.base + "/v1/admin/windows", token: ed,
                                json: ["title": "ep1", "channel": "mobile", "from": "2026-06-01T00:00:00Z", "until": "2026-05-01T00:00:00Z"])
        #expect(r.status == 400)
        #expect(r.errorField == "until")
        r = try await HTTP.send("POST", s.base + "/v1/admin/brands", token: ed, json: ["id": "Bad Id", "name": "x", "category": "c"])
        #expect(r.status == 400)
        #expect(r.errorField == "id")
        r = try await HTTP.send("POST", s.base + "/v1/admin/brands", token: ed, json: ["id": "x"])
        #expect(r.status == 400)
        #expect(r.errorField == "name")
        r = try await HTTP.request("POST", s.base + "/v1/admin/brands", headers: ["Authorization": "Bearer \(ed!)"], body: Data("{not json".utf8))
        #expect(r.status == 400)
        #expect(r.errorField == "body")
        r = try await HTTP.send("POST", s.base + "/v1/admin/publish", token: ed, json: ["title": "ep1", "channel": "tv", "version": "v9"])
        #expect(r.status == 404)
        #expect(r.errorField == "version")
        r = try await HTTP.send("POST", s.base + "/v1/admin/brands", token: ed, json: ["id": "brew-co", "name": "Other", "category": "beverages"])
        #expect(r.status == 409)
        r = try await HTTP.send("POST", s.base + "/v1/admin/titles/ep1/versions", token: ed, json: ["package": "../../etc"])
        #expect(r.status == 400)
        #expect(r.errorField == "package")
        r = try await HTTP.send("DELETE", s.base + "/v1/admin/brands/brew-co", token: ed, json: [String: String]())
        #expect(r.status == 409, "film1 refers to it: \(r.text)")
        // 1 MiB + 1 body.
        let big = Data(repeating: 0x20, count: (1 << 20) + 1)
        r = try await HTTP.request("POST", s.base + "/v1/admin/brands", headers: ["Authorization": "Bearer \(ed!)", "Content-Type": "application/json"], body: big)
        #expect(r.status == 413)
    }

    @Test func tokensAreRequiredAndRevocable() async throws {
        let s = try await TestServer.started()
        defer { Task { await s.stop() } }
        var r = try await HTTP.get(s.base + "/v1/admin/titles")
        #expect(r.status == 401)
        #expect(r.headers["www-authenticate"] == "Bearer")
        r = try await HTTP.get(s.base + "/v1/admin/titles", token: "sr_0000")
        #expect(r.status == 401)
        r = try await HTTP.get(s.base + "/v1/admin/titles", headers: ["Authorization": "Basic dXNlcjpwYXNz"])
        #expect(r.status == 401)
        try await s.service.revokeToken(name: "t-viewer", actor: "test")
        r = try await HTTP.get(s.base + "/v1/admin/titles", token: s.tokens[.viewer])
        #expect(r.status == 401)
        r = try await HTTP.get(s.base + "/v1/admin/titles", token: s.tokens[.operator])
        #expect(r.status == 200)
    }

    /// Every admin route × every role: reads for all, catalog and publishing changes for editors.
    @Test func roleMatrix() async throws {
        let s = try await TestServer.started()
        defer { Task { await s.stop() } }
        struct Route { var method: String; var path: String; var body: [String: Any]; var write: Bool }
        let routes: [Route] = [
            Route(method: "GET", path: "/v1/admin/brands", body: [:], write: false),
            Route(method: "GET", path: "/v1/admin/brands/brew-co", body: [:], write: false),
            Route(method: "GET", path: "/v1/admin/series", body: [:], write: false),
            Route(method: "GET", path: "/v1/admin/series/long-road/seasons", body: [:], write: false),
            Route(method: "GET", path: "/v1/admin/titles", body: [:], write: false),
            Route(method: "GET", path: "/v1/admin/titles/ep1", body: [:], write: false),
            Route(method: "GET", path: "/v1/admin/titles/ep1/versions", body: [:], write: false),
            Route(method: "GET", path: "/v1/admin/channels", body: [:], write: false),
            Route(method: "GET", path: "/v1/admin/channels/tv", body: [:], write: false),
            Route(method: "GET", path: "/v1/admin/windows", body: [:], write: false),
            Route(method: "GET", path: "/v1/admin/publications", body: [:], write: false),
            Route(method: "GET", path: "/v1/admin/changes", body: [:], write: false),
            Route(method: "POST", path: "/v1/admin/brands", body: ["id": "b-%R", "name": "B", "category": "c"], write: true),
            Route(method: "PUT", path: "/v1/admin/brands/brew-co", body: ["id": "brew-co", "name": "Brew & Co.", "category": "beverages", "tier": "premium"], write: true),
            Route(method: "POST", path: "/v1/admin/series", body: ["id": "s-%R", "name": "S"], write: true),
            Route(method: "POST", path: "/v1/admin/series/long-road/seasons", body: ["number": 1], write: true),
            Route(method: "POST", path: "/v1/admin/episodes", body: ["id": "e-%R", "name": "E", "series": "long-road", "season": 1, "episode": 9], write: true),
            Route(method: "POST", path: "/v1/admin/films", body: ["id": "f-%R", "name": "F"], write: true),
            Route(method: "POST", path: "/v1/admin/channels", body: ["id": "c-%R", "name": "C", "endpoint": "web", "screens": [String](), "settings": [String: String]()], write: true),
            Route(method: "PUT", path: "/v1/admin/channels/mobile", body: ["id": "mobile", "name": "Mobile", "endpoint": "mobile", "screens": [String](), "settings": [String: String]()], write: true),
            Route(method: "POST", path: "/v1/admin/windows", body: ["title": "film1", "channel": "tv", "from": "2027-0%N-01T00:00:00Z", "until": "2027-0%N-02T00:00:00Z"], write: true),
            Route(method: "POST", path: "/v1/admin/publish", body: ["title": "ep1", "channel": "tv"], write: true),
            Route(method: "POST", path: "/v1/admin/unpublish", body: ["title": "ep1", "channel": "mobile"], write: true),
        ]
        var n = 0
        for role in Role.allCases {
            for route in routes {
                n += 1
                var body = route.body
                for (k, v) in body {
                    if let t = v as? String {
                        body[k] = t.replacingOccurrences(of: "%R", with: role.rawValue)
                            .replacingOccurrences(of: "%N", with: String(Role.allCases.firstIndex(of: role)! + 1))
                    }
                }
                let r = route.method == "GET"
                    ? try await HTTP.get(s.base + route.path, token: s.tokens[role])
                    : try await HTTP.send(route.method, s.base + route.path, token: s.tokens[role], json: body)
                let allowed = !route.write || role == .editor
                if allowed {
                    #expect(r.status == 200, "\(role) \(route.method) \(route.path): \(r.status) \(r.text)")
                } else {
                    #expect(r.status == 403, "\(role) \(route.method) \(route.path): \(r.status) \(r.text)")
                    #expect(r.errorField == "role")
                }
            }
        }
        #expect(n == routes.count * 3)
    }
}
