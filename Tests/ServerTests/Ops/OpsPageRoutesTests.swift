import Foundation
import MediaCore
import Showrunner
import ShowrunnerTestSupport
import Testing

/// `/ops` through a real server: the sign-in flow (curl, cookies and redirects as a browser
/// sees them), the roles, the exports, the replay page, and the page in headless Chromium.
@Suite(.serialized) struct OpsPageRoutesTests {
    /// A seeded server with one session whose pre-roll was served and seen.
    static func server() async throws -> (TestServer, String) {
        let s = try await StitchedSessionTests.server()
        let (sid, master) = try await StitchedSessionTests.session(s)
        let uri = try #require(master.variants.first?.uri)
        let media = try MediaPlaylistText.segments(try await HTTP.get(s.base + uri).text)
        let ad = try #require(media.first { $0.contains("/slots/pre.0/") })
        #expect(try await HTTP.get(s.base + ad).status == 200)
        #expect(try await HTTP.get(s.base + "/v1/sessions/\(sid)/beacon?slot=\(sid).pre.0&event=impression").status == 204)
        return (s, sid)
    }

    static func curl(_ args: [String]) async throws -> ProcessResult {
        try await runProcessAsync(["curl", "-s", "-S", "--max-time", "60"] + args)
    }

    @Test func signInFlowRolesAndExports() async throws {
        let (s, sid) = try await Self.server()
        defer { Task { await s.stop() } }
        let jar = try TempDir("ops").file("cookies")
        // Not signed in: to the form, with the page to come back to.
        let anonymous = try await Self.curl(["-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", s.base + "/ops?channel=tv&day=2026-11-29"])
        #expect(anonymous.stdout.hasPrefix("303 ") && anonymous.stdout.contains("/ops/sign-in?next=%2Fops%3Fchannel%3Dtv%26day%3D2026-11-29"),
                "\(anonymous.stdout)")
        // A wrong token and an editor token are refused on the form.
        let wrong = try await Self.curl(["-o", "/dev/null", "-w", "%{http_code}", "--data-urlencode", "token=nope", "-d", "next=/ops", s.base + "/ops/sign-in"])
        #expect(wrong.stdout == "401")
        let editor = try await Self.curl(["-o", "/dev/null", "-w", "%{http_code}", "--data-urlencode", "token=\(s.tokens[.editor]!)", s.base + "/ops/sign-in"])
        #expect(editor.stdout == "403")
        // An open redirect is not possible.
        let offsite = try await Self.curl(["-o", "/dev/null", "-w", "%{redirect_url}", "-c", jar, "--data-urlencode", "token=\(s.tokens[.viewer]!)",
                                     "--data-urlencode", "next=//evil.example/ops", s.base + "/ops/sign-in"])
        #expect(offsite.stdout == s.base + "/ops", "\(offsite.stdout)")
        let cookies = try String(contentsOfFile: jar, encoding: .utf8)
        #expect(cookies.contains("#HttpOnly_127.0.0.1") && cookies.contains("sr_ops"), "\(cookies)")
        // Signed in: the dashboard, with the session's slots.
        let page = try await Self.curl(["-b", jar, "-D", "-", s.base + "/ops?channel=tv&day=2026-11-29"])
        #expect(page.stdout.contains("HTTP/1.1 200") && page.stdout.lowercased().contains("content-security-policy:"), "\(page.stdout.prefix(600))")
        #expect(page.stdout.contains("<table") && page.stdout.contains("ep1") && page.stdout.contains("/ops/sessions/\(sid)"))
        // Exports and the replay page, with the cookie or a bearer header.
        let csv = try await Self.curl(["-b", jar, s.base + "/ops/export/slots.csv?channel=tv&day=2026-11-29"])
        #expect(csv.stdout.split(separator: "\r\n").count >= 2 && csv.stdout.contains("ep1"), "\(csv.stdout)")
        let replay = try await Self.curl(["-H", "Authorization: Bearer \(s.tokens[.operator]!)", s.base + "/ops/sessions/\(sid)"])
        #expect(replay.stdout.contains("#EXTM3U") && replay.stdout.contains(sid))
        let events = try await Self.curl(["-b", jar, s.base + "/ops/sessions/\(sid)/events.csv"])
        #expect(events.stdout.contains("impression"))
        #expect(try await Self.curl(["-o", "/dev/null", "-w", "%{http_code}", "-H", "Authorization: Bearer \(s.tokens[.editor]!)", s.base + "/ops"]).stdout == "403")
        // Signing out forgets the cookie.
        _ = try await Self.curl(["-b", jar, "-c", jar, "-X", "POST", s.base + "/ops/sign-out"])
        #expect(try await Self.curl(["-o", "/dev/null", "-w", "%{http_code}", "-b", jar, s.base + "/ops"]).stdout == "303")
    }

    /// The page in headless Chromium (selenium, as the conformance kit runs hls.js): signed in
    /// through the form, the expected slot rows, no console errors, with JavaScript on and off.
    @Test func pageLoadsInHeadlessChromium() async throws {
        let home = ProcessInfo.processInfo.environment["CONFORMANCE_HOME"] ?? "/tmp/showrunner-conformance"
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver"),
              FileManager.default.isExecutableFile(atPath: home + "/venv/bin/python") else {
            if TestEnv.conformanceRequired { Issue.record("chromium-driver or the kit's venv missing (setup.sh --with hlsjs)") }
            return
        }
        let (s, _) = try await Self.server()
        defer { Task { await s.stop() } }
        let json = try await HTTP.get(s.base + "/v1/audit/slots?channel=tv&from=2026-11-29&to=2026-11-30", token: s.tokens[.viewer]).json()
        let rows = try #require(json["slots"] as? [Any]).count
        let script = TestEnv.repoRoot + "/Tests/Browser/ops_page_check.py"
        let url = s.base + "/ops?channel=tv&day=2026-11-29"
        var args = [script, url, "--token", s.tokens[.operator]!, "--expect-rows", String(rows)]
        if let shot = ProcessInfo.processInfo.environment["SHOWRUNNER_OPS_SCREENSHOT"] { args += ["--screenshot", shot] }
        let on = try await runProcessAsync(["python3"] + args)
        #expect(on.status == 0 && on.stdout.hasPrefix("OK"), "\(on.stdout)\(on.stderr)")
        let off = try await runProcessAsync(["python3", script, url, "--token", s.tokens[.operator]!, "--expect-rows", String(rows), "--no-js"])
        #expect(off.status == 0 && off.stdout.hasPrefix("OK"), "\(off.stdout)\(off.stderr)")
    }
}

/// Segment URIs of a media playlist's text.
enum MediaPlaylistText {
    static func segments(_ text: String) -> [String] {
        text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }.map(String.init)
    }
}
