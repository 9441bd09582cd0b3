import Foundation
import MediaCore
import Showrunner
import ShowrunnerTestSupport
import Store
import Testing

/// The audit routes end to end: a real session's slots reconciled from the published playlists
/// on disk to the beacons, tampered markers found by file and line, a replay equal to what was
/// served, the change log verified, and the role checks.
@Suite(.serialized) struct AuditRoutesTests {
    /// Waits for the server to write the marked playlists of `ep1` on `tv`.
    static func published(_ s: TestServer) async throws -> String {
        let folder = s.library.root + "/.published/tv/ep1"
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if FileManager.default.fileExists(atPath: folder + "/publication.json") { return folder }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestFailure("no marked playlists under \(folder)")
    }

    static func slots(_ s: TestServer, _ query: String = "") async throws -> [[String: Any]] {
        let r = try await HTTP.get(s.base + "/v1/audit/slots?channel=tv&from=2026-11-29&to=2026-11-30" + query, token: s.tokens[.viewer])
        #expect(r.status == 200, "\(r.text)")
        return try #require(try r.json()["slots"] as? [[String: Any]])
    }

    @Test func aSessionReconcilesFromPlanToBeacons() async throws {
        let s = try await StitchedSessionTests.server()
        defer { Task { await s.stop() } }
        let folder = try await Self.published(s)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".m3u8") && $0 != "master.m3u8" }
        #expect(!files.isEmpty)
        // Marked playlists on disk are clean.
        let markers = try await HTTP.get(s.base + "/v1/audit/markers?channel=tv", token: s.tokens[.operator])
        let findingCount = try markers.json()["findings"] as? Int
        #expect(markers.status == 200 && findingCount == 0, "\(markers.text)")

        let (sid, master) = try await StitchedSessionTests.session(s)
        let uri = try #require(master.variants.first?.uri)
        let served = try await HTTP.get(s.base + uri)
        let media = try MediaPlaylist.parse(served.text)
        // The player fetches the pre-roll's first ad segment (server impression) and reports it.
        let ad = try #require(media.segments.first { $0.uri.contains("/slots/pre.0/") })
        #expect(try await HTTP.get(s.base + ad.uri).status == 200)
        #expect(try await HTTP.get(s.base + "/v1/sessions/\(sid)/beacon?slot=\(sid).pre.0&event=impression").status == 204)

        let rows = try await Self.slots(s)
        let pre = try #require(rows.first { $0["break"] as? String == "pre" && $0["slot"] as? Int == 0 })
        #expect(pre["title"] as? String == "ep1" && pre["planned"] as? Int == 1 && pre["decided"] as? Int == 1)
        #expect(pre["marked"] as? Int == files.count && pre["renditions"] as? Int == files.count)
        #expect(pre["served"] as? Int == 1 && pre["seen"] as? Int == 1 && pre["discrepancy"] as? Double == 0)
        #expect(pre["flags"] as? [String] == [], "\(pre)")
        // The mid-roll was decided but nothing was fetched or seen.
        let mid = try #require(rows.first { ($0["break"] as? String)?.hasPrefix("mid") == true && $0["slot"] as? Int == 0 })
        #expect((mid["flags"] as? [String])?.contains("not_served") == true, "\(mid)")

        // The replay rebuilds exactly what was served.
        let replay = try await HTTP.get(s.base + "/v1/audit/sessions/\(sid)", token: s.tokens[.operator])
        #expect(replay.status == 200, "\(replay.text)")
        let body = try replay.json()
        let playlists = try #require(body["playlists"] as? [[String: Any]])
        let rendition = String(uri.split(separator: "/").last!.dropLast(5))
        #expect(playlists.first { $0["rendition"] as? String == rendition }?["text"] as? String == served.text)
        #expect((body["findings"] as? [Any])?.isEmpty == true, "\(body["findings"] ?? "")")
        #expect((body["events"] as? [Any])?.count ?? 0 >= 3)  // server impression + start, client impression

        // CSV form.
        let csv = try await HTTP.get(s.base + "/v1/audit/slots?format=csv&channel=tv&from=2026-11-29&to=2026-11-30", token: s.tokens[.operator])
        #expect(csv.status == 200 && csv.text.hasPrefix("title,channel,break,position,slot,"))
    }

    @Test func tamperedMarkersAreFoundByFileAndLine() async throws {
        let s = try await StitchedSessionTests.server()
        defer { Task { await s.stop() } }
        let folder = try await Self.published(s)
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".m3u8") && $0 != "master.m3u8" }.sorted().first)
        var lines = try String(contentsOfFile: folder + "/" + name, encoding: .utf8).components(separatedBy: "\n")
        let i = try #require(lines.firstIndex { $0.contains("SCTE35-OUT=0x") })
        // Flip one hex digit of the cue's payload (its CRC no longer matches).
        let r = try #require(lines[i].range(of: "SCTE35-OUT=0x"))
        var chars = Array(lines[i])
        let at = lines[i].distance(from: lines[i].startIndex, to: r.upperBound) + 20
        chars[at] = chars[at] == "0" ? "1" : "0"
        lines[i] = String(chars)
        try lines.joined(separator: "\n").write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)

        let markers = try await HTTP.get(s.base + "/v1/audit/markers?channel=tv", token: s.tokens[.viewer])
        let pubs = try #require(try markers.json()["publications"] as? [[String: Any]])
        let findings = pubs.flatMap { ($0["findings"] as? [[String: Any]]) ?? [] }
        let crc = try #require(findings.first { $0["code"] as? String == "scte35Invalid" }, "\(findings)")
        #expect(crc["file"] as? String == ".published/tv/ep1/\(name)" && crc["line"] as? Int == i + 1)
        let rows = try await Self.slots(s)
        #expect(rows.contains { ($0["flags"] as? [String])?.contains("marker_error") == true }, "\(rows)")
    }

    @Test func rolesAndTheChangeLog() async throws {
        let s = try await StitchedSessionTests.server()
        defer { Task { await s.stop() } }
        #expect(try await HTTP.get(s.base + "/v1/audit/slots").status == 401)
        #expect(try await HTTP.get(s.base + "/v1/audit/slots", token: s.tokens[.editor]).status == 403)
        #expect(try await HTTP.get(s.base + "/v1/audit/slots?from=yesterday", token: s.tokens[.viewer]).status == 400)
        #expect(try await HTTP.get(s.base + "/v1/audit/sessions/nope", token: s.tokens[.viewer]).status == 404)
        let log = try await HTTP.get(s.base + "/v1/audit/log", token: s.tokens[.operator])
        let body = try log.json()
        #expect(log.status == 200 && body["intact"] as? Bool == true && (body["entries"] as? Int ?? 0) > 5, "\(log.text)")
    }
}
