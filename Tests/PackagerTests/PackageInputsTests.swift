import Foundation
import ShowrunnerTestSupport
import MediaCore
import Packager
import Testing

/// The container and codec combinations the remuxer takes, generated with the ffmpeg CLI, each
/// packaged in TS and fMP4 and played through by the conformance kit.
@Suite struct PackageInputsTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var input: String
        var format: SegmentFormat
        var renditions: [String]
        var codecs: String
        var testDescription: String { "\(input) \(format.rawValue)" }
    }

    static let cases: [Case] = [
        Case(input: "clip-1080p.mp4", format: .ts, renditions: ["v1080p"], codecs: "avc1.640028,mp4a.40.2"),
        Case(input: "clip-1080p.mp4", format: .fmp4, renditions: ["v1080p", "audio-1"], codecs: "avc1.640028,mp4a.40.2"),
        Case(input: "h264-ac3.mkv", format: .ts, renditions: ["v240p"], codecs: "avc1.42c00d,ac-3"),
        Case(input: "h264-ac3.mkv", format: .fmp4, renditions: ["v240p", "audio-1"], codecs: "avc1.42c00d,ac-3"),
        Case(input: "h264-aac.ts", format: .ts, renditions: ["v240p"], codecs: "avc1.42c00d,mp4a.40.2"),
        Case(input: "h264-aac.ts", format: .fmp4, renditions: ["v240p", "audio-1"], codecs: "avc1.42c00d,mp4a.40.2"),
        Case(input: "hevc-eac3.mp4", format: .ts, renditions: ["v240p"], codecs: "hvc1.1.6.L60.90,ec-3"),
        Case(input: "hevc-eac3.mp4", format: .fmp4, renditions: ["v240p", "audio-1"], codecs: "hvc1.1.6.L60.90,ec-3"),
        Case(input: "moov-at-end.mov", format: .ts, renditions: ["v240p"], codecs: "avc1.42c00d,mp4a.40.2"),
        Case(input: "moov-at-end.mov", format: .fmp4, renditions: ["v240p", "audio-1"], codecs: "avc1.42c00d,mp4a.40.2"),
        Case(input: "audio.mp3", format: .ts, renditions: ["audio-0"], codecs: "mp4a.40.34"),
        Case(input: "audio.mp3", format: .fmp4, renditions: ["audio-0"], codecs: "mp4a.40.34"),
        Case(input: "audio-2langs.m4a", format: .ts, renditions: ["audio-fra", "audio-deu"], codecs: "mp4a.40.2"),
        Case(input: "audio-2langs.m4a", format: .fmp4, renditions: ["audio-fra", "audio-deu"], codecs: "mp4a.40.2"),
        Case(input: "editlist.mp4", format: .ts, renditions: ["v360p"], codecs: "avc1.64001e,mp4a.40.2"),
        Case(input: "editlist.mp4", format: .fmp4, renditions: ["v360p", "audio-eng"], codecs: "avc1.64001e,mp4a.40.2"),
    ]

    @Test(arguments: cases)
    func packagesAndPlays(_ c: Case) throws {
        let input = try GeneratedMedia.path(c.input)
        let tmp = try TempDir("input")
        defer { tmp.cleanup() }
        let out = tmp.file("pkg")
        let report = try HLSPackager.package(PackageRequest(input: input, output: out, format: c.format))
        #expect(report.renditions.map(\.id) == c.renditions)
        let master = try MultivariantPlaylist.parse(String(contentsOfFile: out + "/master.m3u8", encoding: .utf8))
        #expect(master.variants.count == 1)
        #expect(master.variants.first?.codecs.joined(separator: ",") == c.codecs)
        try conformanceCheck(out + "/master.m3u8")
        for r in report.renditions where r.kind == "audio" { try conformanceCheck(out + "/" + r.playlist) }
        for r in report.renditions { if let i = r.iFramePlaylist { try conformanceCheck(out + "/" + i) } }
        try PackageChecks.keyframesStartSegments(out, report)
        if c.renditions.first?.hasPrefix("v") == true {
            try PackageChecks.codecsMatchBitstream(out, report, input: input)
        }
    }

    @Test func editListIsHonouredInFMP4() throws {
        // The input starts 1.3 s into a GOP: fMP4 keeps the edit list, so the program is 8 s long
        // and cue times count from its visible start; TS cannot hide frames and says so.
        let input = try GeneratedMedia.path("editlist.mp4")
        let tmp = try TempDir("editlist")
        defer { tmp.cleanup() }
        let f = try HLSPackager.package(PackageRequest(input: input, output: tmp.file("f"), format: .fmp4))
        let t = try HLSPackager.package(PackageRequest(input: input, output: tmp.file("t"), format: .ts))
        let fSeconds = Double(f.duration.seconds) ?? 0
        let tSeconds = Double(t.duration.seconds) ?? 0
        #expect(abs(fSeconds - 8) < 0.2, "fMP4 duration \(f.duration.seconds)")
        #expect(tSeconds > fSeconds + 0.5, "TS duration \(t.duration.seconds) should include the leading frames")
        #expect(t.warnings.contains { $0.contains("edit list") })
    }

    @Test func outputIsReplacedAtomically() throws {
        let tmp = try TempDir("replace")
        defer { tmp.cleanup() }
        let out = tmp.file("pkg")
        _ = try HLSPackager.package(PackageRequest(input: TestEnv.media + "/ad-10s.mp4", output: out, format: .ts))
        _ = try HLSPackager.package(PackageRequest(input: TestEnv.media + "/ad-10s.mp4", output: out, format: .fmp4))
        let entries = try FileManager.default.contentsOfDirectory(atPath: tmp.path)
        #expect(entries == ["pkg"])  // no work folders left behind
        #expect(FileManager.default.fileExists(atPath: out + "/v360p/init.mp4"))
        #expect(!FileManager.default.fileExists(atPath: out + "/v360p/seg_00000.ts"))
    }

    @Test func cancellationLeavesNothing() throws {
        let tmp = try TempDir("cancel")
        defer { tmp.cleanup() }
        let flag = CancellationFlag()
        flag.cancel()
        #expect(throws: PackageError.self) {
            try HLSPackager.package(PackageRequest(input: TestEnv.media + "/episode.mp4", output: tmp.file("pkg")), cancel: flag)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path).isEmpty)
    }

    @Test(arguments: ["0.2", "61"])
    func segmentDurationOutOfRangeIsRefused(_ seconds: String) throws {
        let tmp = try TempDir("range")
        defer { tmp.cleanup() }
        #expect(throws: PackageError.self) {
            try HLSPackager.package(PackageRequest(input: TestEnv.media + "/ad-10s.mp4", output: tmp.file("pkg"),
                                                   segmentDuration: MediaTime(decimal: seconds)!))
        }
    }
}
