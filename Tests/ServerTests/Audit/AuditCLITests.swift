import Foundation
import ShowrunnerTestSupport
import Testing

/// `showrunner audit ...` through the real binary: marked playlists written on a policy change,
/// markers checked (and a tampered file named by line), the daily report, and the change log
/// verified before and after rows are edited and deleted behind the store's back.
@Suite(.serialized) struct AuditCLITests {
    /// Runs SQL on the database with Python's sqlite3 (the store's triggers forbid edits; the
    /// tamperer drops them first, as an attacker with file access would).
    static func tamper(_ db: String, _ sql: String) throws {
        let r = try runProcess(["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()", db, sql])
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test func auditFromTheCommandLine() throws {
        let w = try CLIServeTests.Workdir()
        defer { w.cleanup() }
        try w.seed()
        // A policy change writes the marked playlists of the live publication.
        try w.cli(["policy", "set", "tv", "--positions", "pre,mid", "--pre-roll", "20", "--mid-roll", "20", "--media-root", w.media])
        let folder = w.media + "/.published/tv/ep1"
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".m3u8") && $0 != "master.m3u8" }.sorted()
        #expect(!names.isEmpty)
        var r = try w.cli(["audit", "markers", "--media-root", w.media])
        #expect(r.stdout.contains("tv/ep1: \(names.count) playlists, 2 of 2 planned breaks marked, 0 findings"), "\(r.stdout)")
        // `audit sync` finds nothing to do.
        r = try w.cli(["audit", "sync", "--media-root", w.media])
        #expect(r.stdout.hasPrefix("0 written"), "\(r.stdout)")

        // A PLANNED-DURATION edited by hand: found, with its file and line; the command fails.
        let path = folder + "/" + names[0]
        var lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
        let i = try #require(lines.firstIndex { $0.contains("PLANNED-DURATION=20.000") })
        lines[i] = lines[i].replacingOccurrences(of: "PLANNED-DURATION=20.000", with: "PLANNED-DURATION=25.000")
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        r = try w.cli(["audit", "markers", "--media-root", w.media], expectSuccess: false)
        #expect(r.status == 1 && r.stdout.contains(".published/tv/ep1/\(names[0]):\(i + 1): plannedDurationMismatch"), "\(r.stdout)")
        r = try w.cli(["audit", "slots", "--media-root", w.media, "--format", "csv"])
        #expect(r.stdout.hasPrefix("title,channel,break") && r.stdout.contains("marker_error"), "\(r.stdout)")

        // The daily report is one self-contained file.
        let report = w.dir.file("report.html")
        r = try w.cli(["audit", "report", "--day", "2026-11-29", "--out", report, "--media-root", w.media])
        let html = try String(contentsOfFile: report, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("ep1") && !html.contains("src=\"http"), "\(html.prefix(200))")

        // Unknown session: one line.
        r = try w.cli(["audit", "session", String(repeating: "a", count: 32), "--media-root", w.media], expectSuccess: false)
        #expect(r.status == 1 && r.stderr.contains("session"), "\(r.stderr)")

        // The change log: intact, then an edited row and a deleted row are named.
        r = try w.cli(["audit", "verify-log"])
        #expect(r.stdout.hasPrefix("change log intact:"), "\(r.stdout)")
        try Self.tamper(w.db, "DROP TRIGGER change_log_no_update; UPDATE change_log SET actor = 'cli:mallory' WHERE seq = 3;")
        try Self.tamper(w.db, "DROP TRIGGER change_log_no_delete; DELETE FROM change_log WHERE seq = 5;")
        r = try w.cli(["audit", "verify-log"], expectSuccess: false)
        #expect(r.status == 1 && r.stdout.contains("seq 3: hash does not match") && r.stdout.contains("seq 5: missing (deleted)"), "\(r.stdout)")
        r = try w.cli(["audit", "verify-log", "--json"], expectSuccess: false)
        #expect(r.stdout.contains("\"intact\" : false"), "\(r.stdout)")
    }
}
