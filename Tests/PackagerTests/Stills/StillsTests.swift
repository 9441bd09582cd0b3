import Foundation
import MediaCore
import Packager
import Testing

/// `Stills.extract` on the committed samples, checked by ffprobe (codec, size) and by pixels
/// decoded with ffmpeg (black bars where padding goes, the right frame, deterministic bytes).
struct StillsTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var sample: String
        var at: String
        var width: Int
        var height: Int
        var fit: StillFit
        var ext: String
        /// Black bars expected: rows (letterbox) or columns (pillarbox) on each side.
        var bars: Bars = .none

        enum Bars: Sendable { case none, rows(Int), columns(Int) }

        var testDescription: String { "\(sample) @\(at) \(width)x\(height) \(fit.rawValue) .\(ext)" }
    }

    static let cases: [Case] = [
        // 640x360 (16:9) into 4:3: 320x180 picture, 30 black rows above and below.
        Case(sample: "episode.mp4", at: "10", width: 320, height: 240, fit: .pad, ext: "png", bars: .rows(30)),
        Case(sample: "episode.mp4", at: "00:00:12.500", width: 320, height: 320, fit: .crop, ext: "jpg"),
        Case(sample: "episode.mp4", at: "0", width: 640, height: 360, fit: .crop, ext: "jpeg"),
        // 540x960 (9:16) into 640x360: 202x360 picture at x = 218, pillarbox.
        Case(sample: "shortfilm-vertical.mp4", at: "5", width: 640, height: 360, fit: .pad, ext: "jpg", bars: .columns(218)),
        Case(sample: "shortfilm-vertical.mp4", at: "1.5", width: 200, height: 200, fit: .crop, ext: "png"),
        Case(sample: "shortfilm-vertical.mp4", at: "19.9", width: 360, height: 640, fit: .pad, ext: "png"),
    ]

    @Test(arguments: cases)
    func stillHasTheSizeCodecAndBars(_ c: Case) throws {
        let dir = try StillsFixtures.tempDir("still")
        defer { StillsFixtures.remove(dir) }
        let out = dir + "/still." + c.ext
        let report = try Stills.extract(StillRequest(
            input: StillsFixtures.media + "/" + c.sample, at: try #require(MediaTime(parsing: c.at)),
            width: c.width, height: c.height, fit: c.fit, output: out))
        let png = c.ext == "png"
        #expect(report.format == (png ? .png : .jpeg))
        #expect(report.width == c.width && report.height == c.height)
        #expect(report.frameTime.ticks <= report.requested.ticks)
        #expect(StillsFixtures.list(dir) == ["still." + c.ext], "no temporary file left behind")

        let probe = try #require(try StillsFixtures.probe(out))
        #expect(probe.codec == (png ? "png" : "mjpeg"))
        #expect(probe.pixelFormat == (png ? "rgb24" : "yuvj420p"))
        #expect(probe.width == c.width && probe.height == c.height)
        #expect(report.bytes == (try Data(contentsOf: URL(fileURLWithPath: out))).count)

        let gray = try StillsFixtures.gray(out, width: c.width, height: c.height)
        // Black is exact in PNG; JPEG keeps flat black blocks within a step or two.
        let black: UInt8 = png ? 0 : 6
        switch c.bars {
        case .rows(let n):
            #expect(gray.maxOfRows(0..<(n - 2)) <= black, "top bar")
            #expect(gray.maxOfRows((c.height - n + 2)..<c.height) <= black, "bottom bar")
            #expect(gray.meanOfRow(n + 2) > 40 && gray.meanOfRow(c.height - n - 3) > 40, "picture rows")
            #expect(gray.meanOfColumn(0) > 20 && gray.meanOfColumn(c.width - 1) > 20, "no side bars")
        case .columns(let n):
            // JPEG blocks are 8 pixels wide: stay off the block that holds the edge.
            let margin = png ? 1 : 8
            #expect(gray.maxOfColumns(0..<(n - margin)) <= black, "left bar")
            #expect(gray.maxOfColumns((c.width - n + margin)..<c.width) <= black, "right bar")
            #expect(gray.meanOfColumn(n + 4) > 20 && gray.meanOfColumn(c.width - n - 5) > 20, "picture columns")
            #expect(gray.meanOfRow(0) > 10 && gray.meanOfRow(c.height - 1) > 10, "no top/bottom bars")
        case .none:
            // The picture fills the box: no black edge anywhere.
            for (name, mean) in [("left", gray.meanOfColumn(0)), ("right", gray.meanOfColumn(c.width - 1)),
                                 ("top", gray.meanOfRow(0)), ("bottom", gray.meanOfRow(c.height - 1))] {
                #expect(mean > 20, "\(name) edge looks like a bar: mean \(mean)")
            }
        }
    }

    /// The frame taken is the one shown at the time: it matches ffmpeg's accurate seek to the
    /// same frame (the picture carries a burned-in clock) far better than the frame a second later.
    @Test(arguments: ["10", "20.5"])
    func rightFrame(at: String) throws {
        let dir = try StillsFixtures.tempDir("still-frame")
        defer { StillsFixtures.remove(dir) }
        let episode = StillsFixtures.media + "/episode.mp4"
        let out = dir + "/frame.png"
        let t = try #require(MediaTime(parsing: at))
        let report = try Stills.extract(StillRequest(input: episode, at: t, width: 640, height: 360, fit: .crop, output: out))
        #expect(report.frameTime.seconds == t.decimalString(fractionDigits: 3))
        let ours = try StillsFixtures.gray(out, width: 640, height: 360)
        let same = try StillsFixtures.gray(episode, width: 640, height: 360, seek: at)
        let later = try StillsFixtures.gray(episode, width: 640, height: 360,
                                            seek: (t + MediaTime(seconds: 1)).decimalString(fractionDigits: 3))
        let near = ours.meanDifference(same), far = ours.meanDifference(later)
        #expect(near < 2, "differs from ffmpeg's frame at \(at) s by \(near) on average")
        #expect(far > near * 3, "a second later differs by \(far), the same time by \(near)")
    }

    /// Same request → same bytes; a time between two frames gives the earlier frame; other times
    /// give other pictures.
    @Test func deterministicAndTimeAccurate() throws {
        let dir = try StillsFixtures.tempDir("still-determinism")
        defer { StillsFixtures.remove(dir) }
        let episode = StillsFixtures.media + "/episode.mp4"
        func still(_ at: String, _ name: String, ext: String = "jpg") throws -> Data {
            let out = dir + "/" + name + "." + ext
            _ = try Stills.extract(StillRequest(
                input: episode, at: try #require(MediaTime(parsing: at)), width: 320, height: 180, fit: .crop, output: out))
            return try Data(contentsOf: URL(fileURLWithPath: out))
        }
        let a = try still("10", "a"), again = try still("10", "again")
        #expect(a == again)
        #expect(try still("00:00:10.030", "between") == a, "10.030 s is still frame 240 (24 fps)")
        #expect(try still("10.042", "next") != a, "10.042 s is frame 241")
        #expect(try still("11.990", "before-keyframe") != a)
        #expect(try still("11.990", "before-keyframe-again") == (try still("11.9584", "frame-287")),
                "11.990 s shows frame 287 (11.9583 s), in the GOP before the keyframe at 12 s")
        #expect(try still("20", "b") != a)
        #expect(try still("10", "png", ext: "png") == (try still("10", "png-again", ext: "png")))
    }

    @Test func requestErrorsNameTheField() throws {
        let dir = try StillsFixtures.tempDir("still-errors")
        defer { StillsFixtures.remove(dir) }
        let episode = StillsFixtures.media + "/episode.mp4"
        func error(_ r: StillRequest) -> PackageError? {
            do {
                _ = try Stills.extract(r)
                return nil
            } catch {
                return error
            }
        }
        let ok = StillRequest(input: episode, at: MediaTime(seconds: 1), width: 320, height: 180, output: dir + "/x.jpg")

        var r = ok
        r.at = MediaTime(seconds: 30)
        let past = try #require(error(r))
        #expect(past.code == .invalidRequest && past.subject == "--at")
        #expect(past.message.contains("past the end") && past.message.contains("30.000"), "\(past)")
        r.at = MediaTime(value: -1, timescale: 10)
        #expect(error(r)?.subject == "--at")

        for (w, h) in [(641, 360), (0, 360), (320, -2), (8194, 100), (100, 8200)] {
            r = ok
            r.width = w
            r.height = h
            let e = try #require(error(r))
            #expect(e.code == .invalidRequest && e.subject == "--size", "\(w)x\(h): \(e)")
            #expect(e.message.contains("\(w)x\(h)") && e.message.contains("even"))
        }
        r = ok
        r.width = 8192
        r.height = 2
        #expect(error(r) == nil, "8192x2 is allowed")

        for name in ["x.gif", "x", "x.jpg.tmp", ".png"] {
            r = ok
            r.output = dir + "/" + name
            let e = try #require(error(r))
            #expect(e.code == .invalidRequest && e.subject == "--out", "\(name): \(e)")
        }
        r = ok
        r.output = dir + "/UPPER.JPG"
        #expect(error(r) == nil)

        r = ok
        r.jpegQuality = 1
        #expect(error(r)?.subject == "--quality")

        r = ok
        r.input = dir + "/missing.mp4"
        #expect(error(r)?.code == .inputNotFound)

        r = ok
        r.output = dir + "/no/such/folder/x.jpg"
        let e = try #require(error(r))
        #expect(e.code == .outputNotWritable && e.subject == r.output)
    }

    @Test func audioOnlyInputHasNoVideo() throws {
        let dir = try StillsFixtures.tempDir("still-audio")
        defer { StillsFixtures.remove(dir) }
        let audio = dir + "/tone.m4a"
        let made = try StillsFixtures.run(["ffmpeg", "-v", "error", "-nostdin", "-f", "lavfi", "-i", "sine=d=0.5",
                                           "-c:a", "aac", audio])
        try #require(made.status == 0)
        do {
            _ = try Stills.extract(StillRequest(input: audio, at: .zero, width: 64, height: 64, output: dir + "/x.png"))
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .noStreams && error.subject == audio)
            #expect(error.message.contains("no video stream"))
        }
        #expect(StillsFixtures.list(dir) == ["tone.m4a"])
    }

    @Test func replacesAnExistingFileAtomically() throws {
        let dir = try StillsFixtures.tempDir("still-replace")
        defer { StillsFixtures.remove(dir) }
        let out = dir + "/poster.png"
        try Data("old".utf8).write(to: URL(fileURLWithPath: out))
        let report = try Stills.extract(StillRequest(
            input: StillsFixtures.media + "/shortfilm-vertical.mp4", at: MediaTime(seconds: 3), width: 90, height: 160,
            fit: .crop, output: out))
        #expect(StillsFixtures.list(dir) == ["poster.png"])
        #expect(try StillsFixtures.probe(out) == StillsFixtures.Probe(codec: "png", width: 90, height: 160, pixelFormat: "rgb24"))
        #expect(report.sourceWidth == 540 && report.sourceHeight == 960)
    }
}
