import Foundation
import MediaCore
import Packager
import ShowrunnerTestSupport
import Testing

/// Boot-screen videos: one progressive MP4 per screen size and a short HLS of the same encode,
/// checked with ffprobe and the conformance kit; the length limit is checked before decoding;
/// broken inputs are refused naming the file and leave nothing behind. Renders run detached, off
/// the cooperative pool the other suites' test servers need.
@Suite(.serialized) struct BootVideoTests {
    /// The top-level MP4 boxes in file order.
    static func topLevelBoxes(_ path: String) throws -> [String] {
        let d = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        var boxes: [String] = []
        var at = 0
        while at + 8 <= d.count {
            var size = d[at..<at + 4].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: d[at + 4..<at + 8], as: UTF8.self)
            if size == 1, at + 16 <= d.count { size = d[at + 8..<at + 16].reduce(0) { $0 << 8 | Int($1) } }
            if size == 0 { size = d.count - at }
            guard size >= 8 else { break }
            boxes.append(type)
            at += size
        }
        return boxes
    }

    /// ffprobe's streams and format of a file.
    static func probe(_ path: String) throws -> (video: [String: Any], audio: [String: Any]?, format: [String: Any]) {
        let j = try ffprobeJSON(["-show_streams", "-show_format", path])
        let streams = j["streams"] as? [[String: Any]] ?? []
        guard let v = streams.first(where: { $0["codec_type"] as? String == "video" }) else { throw TestFailure("\(path): no video stream") }
        return (v, streams.first(where: { $0["codec_type"] as? String == "audio" }), j["format"] as? [String: Any] ?? [:])
    }

    static func seconds(_ any: Any?) -> Double { Double(any as? String ?? "") ?? -1 }

    @Test func tenSecondSampleRendersAnMP4AndAnHLSPerSize() async throws {
        let dir = try TempDir("boot-video")
        defer { dir.cleanup() }
        let input = TestEnv.media + "/ad-10s.mp4"
        let sizes = [BootVideoSize(width: 1920, height: 1080), BootVideoSize(width: 1080, height: 1920)]
        let started = Date()
        let report = try await BootVideo.renderDetached(BootVideoRequest(input: input, sizes: sizes, outputDirectory: dir.path,
                                                           maxDuration: MediaTime(seconds: 30)))
        print("boot video: ad-10s.mp4 to \(sizes.map(\.description).joined(separator: " + ")) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        #expect(report.probe.width == 640 && report.probe.height == 360 && report.probe.durationMS == 10_000 && report.probe.hasAudio)
        #expect(report.probe.frameRate == FrameRate(numerator: 25))
        #expect(report.variants.map(\.size) == sizes)
        #expect(report.warnings.contains("1920x1080 is upscaled from 640x360"), "\(report.warnings)")
        let source = try Self.probe(input)
        let sourceDuration = Self.seconds(source.video["duration"])
        for v in report.variants {
            let mp4 = dir.file(v.mp4)
            let p = try Self.probe(mp4)
            let line = "ffprobe \(v.mp4): \(p.video["codec_name"] ?? "?") \(p.video["profile"] ?? "?") \(p.video["width"] ?? 0)x\(p.video["height"] ?? 0) \(p.video["avg_frame_rate"] ?? "?") video \(p.video["duration"] ?? "?") s, audio \(p.audio?["codec_name"] ?? "none") \(p.audio?["duration"] ?? "-") s, \(p.format["size"] ?? "?") bytes"
            print(line)
            #expect(p.video["codec_name"] as? String == "h264" && p.video["profile"] as? String == "High", "\(line)")
            #expect(p.video["width"] as? Int == v.size.width && p.video["height"] as? Int == v.size.height, "\(line)")
            #expect(p.video["avg_frame_rate"] as? String == "25/1", "\(line)")  // the source's
            // Within one frame (40 ms at 25 fps) of the source.
            #expect(abs(Self.seconds(p.video["duration"]) - sourceDuration) <= 0.04 + 1e-9, "\(line)")
            #expect(abs(Double(v.durationMS) / 1000 - sourceDuration) <= 0.04 + 1e-9)
            #expect(p.audio?["codec_name"] as? String == "aac" && p.audio?["profile"] as? String == "LC", "\(line)")
            #expect(Int64(p.format["size"] as? String ?? "") == v.bytes)
            // Faststart: the index (moov) before the media (mdat).
            let boxes = try Self.topLevelBoxes(mp4)
            let moov = try #require(boxes.firstIndex(of: "moov")), mdat = try #require(boxes.firstIndex(of: "mdat"))
            #expect(moov < mdat, "\(v.mp4) boxes \(boxes)")
            print("boxes \(v.mp4): \(boxes.joined(separator: " "))")
            // The HLS: ~2 s TS segments, plays to the end in the kit's ffmpeg check.
            let master = dir.file(v.hlsMaster)
            #expect(v.hlsMaster == "\(v.size)/master.m3u8" && v.hlsSegments == 5)
            let media = try String(contentsOfFile: master, encoding: .utf8).split(separator: "\n").first { $0.hasSuffix(".m3u8") && !$0.hasPrefix("#") }
            let playlist = try String(contentsOfFile: dir.file("\(v.size)/\(try #require(media))"), encoding: .utf8)
            #expect(playlist.contains("#EXT-X-TARGETDURATION:2"), "\(playlist)")
            let extinf = playlist.split(separator: "\n").filter { $0.hasPrefix("#EXTINF:") }.map { Double($0.dropFirst(8).split(separator: ",")[0]) ?? -1 }
            #expect(extinf.count == 5 && extinf.allSatisfy { abs($0 - 2) < 0.001 }, "\(extinf)")
            print(try conformanceCheck(master, kinds: "lint,ffmpeg").trimmingCharacters(in: .whitespacesAndNewlines))
        }
        // Nothing else left in the folder (no partial files).
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(names == ["1080x1920", "1080x1920.mp4", "1920x1080", "1920x1080.mp4"])
    }

    @Test func fortySecondVideoIsRefusedBeforeTranscoding() async throws {
        let dir = try TempDir("boot-video")
        defer { dir.cleanup() }
        let long = dir.file("long-40s.mp4")
        try ffmpeg(["-f", "lavfi", "-i", "testsrc=size=640x360:rate=25", "-t", "40", "-c:v", "libx264", "-preset", "ultrafast",
                    "-pix_fmt", "yuv420p", long])
        #expect(try BootVideo.probe(long).durationMS == 40_000)
        let out = dir.file("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let started = Date()
        await #expect {
            _ = try await BootVideo.renderDetached(BootVideoRequest(input: long, sizes: [BootVideoSize(width: 1920, height: 1080)], outputDirectory: out,
                                                      maxDuration: MediaTime(seconds: 30)))
        } throws: { error in
            guard let e = error as? PackageError else { return false }
            return e.code == .invalidRequest && e.subject == long && e.message == "the video is 40.000 s long, over the maximum of 30.000 s"
        }
        #expect(Date().timeIntervalSince(started) < 2)  // refused from the stream, nothing transcoded
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).isEmpty)
    }

    @Test func truncatedVideoIsRefusedNamingTheFileAndLeavesNothing() async throws {
        let dir = try TempDir("boot-video")
        defer { dir.cleanup() }
        let whole = try Data(contentsOf: URL(fileURLWithPath: TestEnv.media + "/ad-10s.mp4"))
        let half = dir.file("ad-10s-half.mp4")
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: half))
        let out = dir.file("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        await #expect {
            _ = try await BootVideo.renderDetached(BootVideoRequest(input: half, sizes: [BootVideoSize(width: 1280, height: 720), BootVideoSize(width: 720, height: 1280)],
                                                      outputDirectory: out))
        } throws: { error in
            guard let e = error as? PackageError else { return false }
            return e.code == .truncatedInput && e.subject == half && e.description.hasPrefix(half + ": truncated")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).isEmpty)
    }

    @Test func silentVideoHasNoAudioTrackAndPadLetterboxes() async throws {
        let dir = try TempDir("boot-video")
        defer { dir.cleanup() }
        let input = dir.file("silent-4x3.mkv")
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=640x480:rate=30", "-t", "2", "-c:v", "libx264", "-preset", "ultrafast",
                    "-pix_fmt", "yuv420p", input])
        let report = try await BootVideo.renderDetached(BootVideoRequest(input: input, sizes: [BootVideoSize(width: 640, height: 360)], fit: .pad,
                                                           outputDirectory: dir.path))
        #expect(!report.probe.hasAudio && report.warnings.isEmpty && report.variants[0].upscaled == false)
        let p = try Self.probe(dir.file("640x360.mp4"))
        #expect(p.audio == nil && p.video["width"] as? Int == 640 && p.video["height"] as? Int == 360)
        #expect(p.video["avg_frame_rate"] as? String == "30/1")
        // Pillarboxed: the left and right columns are black (a 4:3 picture 480 wide in the middle).
        let r = try runProcess(["ffmpeg", "-v", "error", "-i", dir.file("640x360.mp4"), "-frames:v", "1", "-vf", "crop=64:360:0:0,format=gray",
                                "-f", "rawvideo", "-"])
        let bytes = Array(r.stdout.utf8)
        #expect(!bytes.isEmpty && bytes.allSatisfy { $0 <= 20 }, "left bar not black")
        try conformanceCheck(dir.file(report.variants[0].hlsMaster), kinds: "ffmpeg")
        // An audio-only file is not a boot video.
        let audio = dir.file("tone.m4a")
        try ffmpeg(["-f", "lavfi", "-i", "sine=f=440:d=1", "-c:a", "aac", audio])
        #expect { _ = try BootVideo.probe(audio) } throws: { e in
            (e as? PackageError)?.code == .noStreams && "\(e)".contains("tone.m4a") && "\(e)".contains("no video stream")
        }
    }
}
