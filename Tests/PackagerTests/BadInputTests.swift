import Foundation
import ShowrunnerTestSupport
import Testing

/// Bad input through the real CLI: each case exits non-zero with exactly one line on stderr that
/// names the input (or output) and the problem, and leaves no output folder and no work folder.
@Suite struct BadInputTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var input: String
        var expect: String
        var testDescription: String { input }
    }

    static let cases: [Case] = [
        Case(input: "empty.mp4", expect: "empty file (0 bytes)"),
        Case(input: "random.mp4", expect: "not a media file"),
        Case(input: "text.mp4", expect: "not a media file"),
        Case(input: "truncated.mov", expect: "moov atom"),
        Case(input: "truncated-mdat.mp4", expect: "truncated"),
        Case(input: "rawvideo.avi", expect: "rawvideo, which HLS cannot carry"),
        Case(input: "opus.mkv", expect: "opus, which HLS cannot carry"),
        Case(input: "nonmonotonic.mkv", expect: "non-monotonic timestamps in stream #0: packet 50"),
        Case(input: "playlist.m3u8", expect: "HLS playlists are not accepted"),
    ]

    @Test(arguments: cases)
    func refusedWithOneClearLine(_ c: Case) throws {
        let input = try GeneratedMedia.path(c.input)
        let tmp = try TempDir("bad")
        defer { tmp.cleanup() }
        let out = tmp.file("pkg")
        let r = try runProcess([TestEnv.showrunner, "package", input, "--out", out])
        #expect(r.status != 0)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(r.stderr)")
        #expect(r.stderr.hasPrefix("showrunner: error: \(input): "), "stderr: \(r.stderr)")
        #expect(r.stderr.contains(c.expect), "stderr: \(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path).isEmpty, "left files behind")
    }

    @Test func missingFile() throws {
        let tmp = try TempDir("missing")
        defer { tmp.cleanup() }
        let r = try runProcess([TestEnv.showrunner, "package", tmp.file("nope.mp4"), "--out", tmp.file("pkg")])
        #expect(r.status != 0)
        #expect(r.stderr == "showrunner: error: \(tmp.file("nope.mp4")): no such file\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path).isEmpty)
    }

    @Test func unwritableOutput() throws {
        // A folder under a regular file cannot be made, even by root.
        let tmp = try TempDir("unwritable")
        defer { tmp.cleanup() }
        try Data("x".utf8).write(to: URL(fileURLWithPath: tmp.file("file")))
        let r = try runProcess([TestEnv.showrunner, "package", TestEnv.media + "/ad-10s.mp4", "--out", tmp.file("file/pkg")])
        #expect(r.status != 0)
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(r.stderr.contains(tmp.file("file")) && r.stderr.contains("not a folder"), "stderr: \(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path) == ["file"])
    }

    @Test func badArguments() throws {
        let r = try runProcess([TestEnv.showrunner, "package", TestEnv.media + "/ad-10s.mp4", "--cue", "soon"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("--cue 'soon' is not a time"))
    }

    @Test func interruptRemovesPartialOutput() throws {
        // SIGINT once the job is writing (its work folder exists): exit 130, no package, no work folder.
        let input = try GeneratedMedia.path("long-720p.mp4")
        let tmp = try TempDir("sigint")
        defer { tmp.cleanup() }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: TestEnv.showrunner)
        p.arguments = ["package", input, "--out", tmp.file("pkg")]
        p.standardError = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        var started = false
        for _ in 0..<400 where !started && p.isRunning {
            started = (try? FileManager.default.contentsOfDirectory(atPath: tmp.path))?.contains { $0.hasPrefix(".pkg.partial-") } ?? false
            if !started { usleep(5_000) }
        }
        p.interrupt()
        p.waitUntilExit()
        if p.terminationStatus == 0 {
            // It finished before the signal landed: then the package must be complete.
            #expect(FileManager.default.fileExists(atPath: tmp.file("pkg/master.m3u8")))
        } else {
            #expect(started, "the job never started writing")
            #expect(p.terminationStatus == 130)
            #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path).isEmpty)
        }
    }
}
