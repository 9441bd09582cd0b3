import Foundation
import MediaCore
import Showrunner
import ShowrunnerTestSupport
import Store
import Testing

/// The real binary end to end: catalog commands, `showrunner serve` on a free port played by
/// ffmpeg and GStreamer, crashes during publish, concurrent publishes, a locked database.
@Suite(.serialized) struct CLIServeTests {
    /// A workdir with a database and media root, seeded through the CLI: channel tv, series s
    /// with episode ep1 and two versions (ad-10s, ad-15s), v1 published on tv.
    struct Workdir {
        let dir: TempDir
        var db: String { dir.file("catalog.sqlite") }
        var media: String { dir.file("media") }

        init() throws { dir = try TempDir("cli") }

        @discardableResult
        func cli(_ args: [String], env: [String: String] = [:], expectSuccess: Bool = true,
                 sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessResult {
            let r = try runProcess([TestEnv.showrunner] + args + ["--db", db], environment: env)
            if expectSuccess {
                #expect(r.status == 0, "showrunner \(args.joined(separator: " ")): \(r.stderr)", sourceLocation: sourceLocation)
            }
            return r
        }

        func seed() throws {
            try cli(["channel", "add", "tv", "--name", "TV", "--endpoint", "tv", "--screen", "1920x1080"])
            try cli(["series", "add", "s", "--name", "Series"])
            try cli(["episode", "add", "ep1", "--name", "One", "--series", "s", "--season", "1", "--episode", "1"])
            for sample in ["ad-10s.mp4", "ad-15s.mp4"] {
                try cli(["package", TestEnv.media + "/" + sample, "--title", "ep1", "--media-root", media, "--cue", "4"])
            }
            try cli(["publish", "ep1", "--channel", "tv", "--version", "v1"])
        }

        func cleanup() { dir.cleanup() }
    }

    /// A running `showrunner serve`.
    final class Serve {
        let process = Process()
        var port = 0
        var base: String { "http://127.0.0.1:\(port)" }

        init(_ w: Workdir) throws {
            process.executableURL = URL(fileURLWithPath: TestEnv.showrunner)
            process.arguments = ["serve", "--db", w.db, "--media-root", w.media, "--port", "0"]
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            var text = ""
            let deadline = Date().addingTimeInterval(20)
            while port == 0 && Date() < deadline {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                text += String(decoding: chunk, as: UTF8.self)
                if let r = text.range(of: "listening on http://127.0.0.1:") {
                    let digits = text[r.upperBound...].prefix { $0.isNumber }
                    port = Int(digits) ?? 0
                }
            }
            guard port != 0 else { throw TestFailure("serve did not start: \(text)") }
        }

        /// SIGTERM, and the exit status (0 after a graceful shutdown).
        func stop() -> Int32 {
            process.terminate()
            process.waitUntilExit()
            return process.terminationStatus
        }
    }

    @Test func servePlaysPublishedTitleInRealPlayers() async throws {
        let w = try Workdir()
        defer { w.cleanup() }
        try w.seed()
        let s = try Serve(w)
        let url = s.base + "/v1/play/tv/ep1/master.m3u8?device=ci-1"
        let gstReady = FileManager.default.isExecutableFile(atPath: "/usr/bin/gst-launch-1.0")
        try conformanceCheck(url, kinds: gstReady || TestEnv.conformanceRequired ? "lint,ffmpeg,gst" : "lint,ffmpeg")
        let titles = try await HTTP.get(s.base + "/v1/channels/tv/titles")
        #expect(titles.text.contains("\"ep1\""))
        #expect(s.stop() == 0, "graceful shutdown on SIGTERM exits 0")
    }

    /// SIGKILL `showrunner publish` at each step (before, inside the write transaction, after
    /// commit) and at random times: the database stays intact, the server serves either the old
    /// version byte for byte or the new one, never a mix, and the change log verifies.
    @Test func killedPublishLeavesCatalogConsistent() async throws {
        let w = try Workdir()
        defer { w.cleanup() }
        try w.seed()
        let s = try Serve(w)
        defer { _ = s.stop() }
        let before = try await HTTP.get(s.base + "/v1/play/tv/ep1/master.m3u8")
        #expect(before.text.contains("/media/ep1/v1/"))
        for point in ["publish.start", "store.before-commit"] {
            let r = try w.cli(["publish", "ep1", "--channel", "tv", "--version", "v2"], env: ["SHOWRUNNER_CRASH_AT": point], expectSuccess: false)
            #expect(r.status != 0, "killed at \(point)")
            try await Task.sleep(for: .milliseconds(150))
            let now = try await HTTP.get(s.base + "/v1/play/tv/ep1/master.m3u8")
            #expect(now.body == before.body, "after a kill at \(point) the old version is served unchanged")
            let media = try await HTTP.get(s.base + "/media/ep1/v1/v360p/index.m3u8")
            #expect(media.status == 200)
        }
        // Killed right after the commit: the new version is in, whole.
        _ = try w.cli(["publish", "ep1", "--channel", "tv", "--version", "v2"], env: ["SHOWRUNNER_CRASH_AT": "store.after-commit"], expectSuccess: false)
        try await Task.sleep(for: .milliseconds(300))
        let after = try await HTTP.get(s.base + "/v1/play/tv/ep1/master.m3u8")
        #expect(after.text.contains("/media/ep1/v2/"))
        // Random kills while flipping between versions.
        for i in 0..<6 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: TestEnv.showrunner)
            p.arguments = ["publish", "ep1", "--channel", "tv", "--version", i % 2 == 0 ? "v1" : "v2", "--db", w.db]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            usleep(useconds_t(2_000 + i * 7_000))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let m = try await HTTP.get(s.base + "/v1/play/tv/ep1/master.m3u8")
            #expect(m.status == 200)
            #expect(m.text.contains("/media/ep1/v1/") != m.text.contains("/media/ep1/v2/"), "one version, never a mix")
        }
        let store = try SQLiteStore(path: w.db)
        defer { store.close() }
        #expect(try await store.integrityCheck() == ["ok"])
        #expect(try await store.verifyChangeLog().isEmpty)
    }

    @Test func concurrentPublishesSerialize() async throws {
        let w = try Workdir()
        defer { w.cleanup() }
        try w.seed()
        let results = try await withThrowingTaskGroup(of: ProcessResult.self) { group in
            for i in 0..<8 {
                group.addTask {
                    try runProcess([TestEnv.showrunner, "publish", "ep1", "--channel", "tv", "--version", i % 2 == 0 ? "v1" : "v2", "--db", w.db])
                }
            }
            var all: [ProcessResult] = []
            for try await r in group { all.append(r) }
            return all
        }
        for r in results { #expect(r.status == 0, "\(r.stderr)") }
        let store = try SQLiteStore(path: w.db)
        defer { store.close() }
        let live = try await store.snapshot().live[CatalogSnapshot.pair("ep1", "tv")]
        #expect(live == "v1" || live == "v2")
        #expect(try await store.verifyChangeLog().isEmpty)
        #expect(try await store.integrityCheck() == ["ok"])
    }

    @Test func lockedDatabaseFailsWithOneClearLine() async throws {
        let w = try Workdir()
        defer { w.cleanup() }
        try w.seed()
        // Another process holds the write lock.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = ["python3", "-c", "import sqlite3,time,sys; c=sqlite3.connect(sys.argv[1], isolation_level=None); c.execute('BEGIN IMMEDIATE'); print('locked', flush=True); time.sleep(30)", w.db]
        let out = Pipe()
        holder.standardOutput = out
        try holder.run()
        defer {
            kill(holder.processIdentifier, SIGKILL)
            holder.waitUntilExit()
        }
        _ = out.fileHandleForReading.availableData  // wait for "locked"
        let r = try w.cli(["publish", "ep1", "--channel", "tv", "--version", "v2"], env: ["SHOWRUNNER_BUSY_TIMEOUT_MS": "300"], expectSuccess: false)
        #expect(r.status == 1)
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(r.stderr.contains("locked"), "\(r.stderr)")
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        let store = try SQLiteStore(path: w.db)
        defer { store.close() }
        #expect(try await store.snapshot().live[CatalogSnapshot.pair("ep1", "tv")] == "v1", "nothing written")
    }

    /// An immutable database file (chattr +i: even root cannot write it): one clear line, exit 1.
    @Test func readOnlyDatabaseFailsWithOneClearLine() async throws {
        let w = try Workdir()
        defer { w.cleanup() }
        try w.seed()
        // Checkpoint the WAL into the main file, so the read-only file holds everything.
        _ = try runProcess(["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('PRAGMA wal_checkpoint(TRUNCATE)'); c.close()", w.db])
        guard try runProcess(["chattr", "+i", w.db]).status == 0 else { return }  // filesystem without immutable files
        defer { _ = try? runProcess(["chattr", "-i", w.db]) }
        let r = try w.cli(["publish", "ep1", "--channel", "tv", "--version", "v2"], expectSuccess: false)
        #expect(r.status == 1)
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(r.stderr.contains("read-only") || r.stderr.contains("readonly"), "\(r.stderr)")
    }

    /// A database on a full filesystem (a 512 KiB tmpfs, filled): one clear line, exit 1, and the
    /// catalog as it was.
    @Test func fullDiskFailsWithOneClearLine() async throws {
        let w = try Workdir()
        defer { w.cleanup() }
        try w.seed()
        let mnt = w.dir.file("small")
        try FileManager.default.createDirectory(atPath: mnt, withIntermediateDirectories: true)
        guard try runProcess(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", mnt]).status == 0 else { return }  // not allowed here
        defer { _ = try? runProcess(["umount", mnt]) }
        _ = try runProcess(["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('PRAGMA wal_checkpoint(TRUNCATE)'); c.close()", w.db])
        try FileManager.default.copyItem(atPath: w.db, toPath: mnt + "/catalog.sqlite")
        _ = try runProcess(["dd", "if=/dev/zero", "of=\(mnt)/filler", "bs=4096"])  // fills the filesystem
        let r = try runProcess([TestEnv.showrunner, "publish", "ep1", "--channel", "tv", "--version", "v2", "--db", mnt + "/catalog.sqlite"])
        #expect(r.status == 1)
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(r.stderr.contains("full"), "\(r.stderr)")
        try? FileManager.default.removeItem(atPath: mnt + "/filler")
        let store = try SQLiteStore(path: mnt + "/catalog.sqlite")
        defer { store.close() }
        #expect(try await store.integrityCheck() == ["ok"])
        #expect(try await store.snapshot().live[CatalogSnapshot.pair("ep1", "tv")] == "v1", "nothing written")
    }
}
