import Foundation
import MediaCore
import Packager
import ShowrunnerTestSupport
import Testing

/// Ladder transcoding: every rung has IDRs at the same instants (the GOP grid and every cue),
/// the same segments, and plays in real players. Small rungs and the ultrafast preset keep it quick.
@Suite(.serialized) struct TranscodeTests {
    static let small = Ladder(name: "small", rungs: [
        LadderRung(width: 640, height: 360, bitrate: 700_000, profile: "main", level: "3.0"),
        LadderRung(width: 426, height: 240, bitrate: 400_000, profile: "main", level: "3.0"),
        LadderRung(width: 320, height: 180, bitrate: 250_000, profile: "baseline", level: "3.0"),
    ], gop: MediaTime(seconds: 2), fit: .fit, preset: "ultrafast")

    /// Presentation times of the keyframes in a rendition (segments concatenated, in order).
    static func keyframes(_ dir: String, _ rendition: String, fmp4: Bool) throws -> [String] {
        let playlist = try MediaPlaylist.parse(String(contentsOfFile: dir + "/" + rendition + "/index.m3u8", encoding: .utf8))
        let files = (fmp4 ? ["init.mp4"] : []) + playlist.segments.map(\.uri)
        let input = "concat:" + files.map { dir + "/" + rendition + "/" + $0 }.joined(separator: "|")
        let json = try ffprobeJSON(["-select_streams", "v:0", "-show_entries", "packet=pts_time,flags", input])
        return (json["packets"] as? [[String: Any]] ?? []).filter { ($0["flags"] as? String)?.hasPrefix("K") == true }
            .compactMap { $0["pts_time"] as? String }
    }

    @Test(arguments: [SegmentFormat.ts, .fmp4])
    func rungsShareIDRsSegmentsAndCues(_ format: SegmentFormat) throws {
        let tmp = try TempDir("ladder")
        defer { tmp.cleanup() }
        let out = tmp.file("pkg")
        let report = try HLSPackager.package(PackageRequest(
            input: TestEnv.media + "/episode.mp4", output: out, format: format,
            cues: [MediaTime(seconds: 7), MediaTime(value: 135, timescale: 10)], ladder: Self.small))
        let rungs = report.renditions.filter { $0.kind == "video" }.map(\.id)
        #expect(rungs == ["v360p", "v240p", "v180p"])
        // Cuts exactly at the cues (an IDR was forced there).
        #expect(report.cues.map { $0.drift?.seconds } == ["0.000", "0.000"])
        // The same IDR instants in every rung, including the cue instants.
        let first = try Self.keyframes(out, rungs[0], fmp4: format == .fmp4)
        #expect(first.count >= 15)
        for r in rungs.dropFirst() {
            #expect(try Self.keyframes(out, r, fmp4: format == .fmp4) == first, "\(r) IDRs differ from \(rungs[0])")
        }
        let start = Double(first[0]) ?? 0
        for cue in [7.0, 13.5] {
            #expect(first.contains { abs((Double($0) ?? 0) - start - cue) < 0.001 }, "no IDR at the \(cue) s cue")
        }
        // The same segments (count and EXTINF) in every rung; each starts with a keyframe.
        let playlists = try rungs.map { try MediaPlaylist.parse(String(contentsOfFile: out + "/" + $0 + "/index.m3u8", encoding: .utf8)) }
        for p in playlists.dropFirst() {
            #expect(p.segments.map(\.duration) == playlists[0].segments.map(\.duration))
        }
        try PackageChecks.keyframesStartSegments(out, report)
        // The multivariant lists every rung with measured bandwidths, lowest last.
        let master = try MultivariantPlaylist.parse(String(contentsOfFile: out + "/master.m3u8", encoding: .utf8))
        #expect(master.variants.map(\.uri) == rungs.map { $0 + "/index.m3u8" })
        #expect(master.variants.map(\.bandwidth) == master.variants.map(\.bandwidth).sorted(by: >))
        #expect(master.iFrameVariants.count == 3)
        // GStreamer reads the frame rate from the stream's VUI: it must be the real one.
        let gst = FileManager.default.isExecutableFile(atPath: "/usr/bin/gst-launch-1.0") || TestEnv.conformanceRequired
        try conformanceCheck(out + "/master.m3u8", kinds: gst ? "lint,ffmpeg,gst" : "lint,ffmpeg")
        for r in rungs { try conformanceCheck(out + "/" + r + "/index.m3u8", kinds: "ffmpeg") }
    }

    @Test func padLetterboxesToTheBox() throws {
        let tmp = try TempDir("pad")
        defer { tmp.cleanup() }
        var ladder = Ladder(name: "square", rungs: [LadderRung(width: 320, height: 320, bitrate: 300_000)], preset: "ultrafast")
        ladder.fit = .pad
        let report = try HLSPackager.package(PackageRequest(input: TestEnv.media + "/episode.mp4", output: tmp.file("pkg"), ladder: ladder))
        #expect(report.renditions.first?.resolution == "320x320")
        // Row 0 is padding (black); the middle row is picture.
        let seg = tmp.file("pkg/v320p/seg_00000.ts")
        let file = tmp.file("frame.gray")
        try ffmpeg(["-i", seg, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", file])
        let gray = try Data(contentsOf: URL(fileURLWithPath: file))
        #expect(gray.count == 320 * 320)
        let topRow = gray[0..<320]
        #expect(topRow.allSatisfy { $0 < 24 }, "letterbox bar is black")
        let middle = gray[(160 * 320)..<(161 * 320)]
        #expect(middle.contains { $0 > 60 }, "the picture is in the middle")
    }

    @Test func refusals() throws {
        let tmp = try TempDir("ladder-bad")
        defer { tmp.cleanup() }
        // No video for a video ladder.
        #expect { try HLSPackager.package(PackageRequest(input: try GeneratedMedia.path("audio.mp3"), output: tmp.file("a"), ladder: Self.small)) }
            throws: { ($0 as? PackageError)?.code == .noStreams }
        // Every rung larger than the 640x360 source.
        let big = Ladder(name: "big", rungs: [LadderRung(width: 1920, height: 1080, bitrate: 5_000_000)], preset: "ultrafast")
        #expect { try HLSPackager.package(PackageRequest(input: TestEnv.media + "/episode.mp4", output: tmp.file("b"), ladder: big)) }
            throws: { ($0 as? PackageError)?.message.contains("larger than the 640x360 source") == true }
        // A cue past the end (remux and transcode alike).
        #expect { try HLSPackager.package(PackageRequest(input: TestEnv.media + "/ad-10s.mp4", output: tmp.file("c"), cues: [MediaTime(seconds: 45)])) }
            throws: { ($0 as? PackageError)?.subject == "--cue" }
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path).isEmpty, "no partial output")
    }

    @Test func badLadderFileIsOneLineNamingTheField() throws {
        let tmp = try TempDir("ladder-file")
        defer { tmp.cleanup() }
        let file = tmp.file("ladder.json")
        try Data(#"{"rungs": [{"resolution": "640x360", "bitrate": "1M"}, {"resolution": "320x180", "bitrate": "fast"}]}"#.utf8)
            .write(to: URL(fileURLWithPath: file))
        let r = try runProcess([TestEnv.showrunner, "package", TestEnv.media + "/ad-10s.mp4", "--out", tmp.file("pkg"), "--ladder", file])
        #expect(r.status == 1)
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(r.stderr.contains("rungs[1].bitrate"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: tmp.file("pkg")))
    }
}
