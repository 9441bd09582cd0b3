import Foundation
import MediaCore
import Packager
import ShowrunnerTestSupport
import Testing

/// Ad conditioning: an ad made to a content package's template passes preflight against it and
/// plays; content audio we cannot match is refused up front.
@Suite(.serialized) struct ConditionTests {
    @Test(arguments: [SegmentFormat.ts, .fmp4])
    func conditionedAdPassesPreflight(_ format: SegmentFormat) throws {
        let tmp = try TempDir("condition")
        defer { tmp.cleanup() }
        let content = tmp.file("episode")
        _ = try HLSPackager.package(PackageRequest(input: TestEnv.media + "/episode.mp4", output: content, format: format))
        // The raw ad differs: 25 fps, 44.1 kHz mono, Main profile.
        let raw = tmp.file("raw")
        _ = try HLSPackager.package(PackageRequest(input: TestEnv.media + "/ad-10s.mp4", output: raw, format: format))
        let before = StitchPreflight.check(content: try PackageTemplate.read(folder: content).splice, ad: try PackageTemplate.read(folder: raw).splice)
        #expect(before.contains { $0.code.rawValue.hasPrefix("audio-sample-rate") })
        #expect(before.contains { $0.code.rawValue.hasPrefix("audio-channels") })
        // Conditioned: nothing left, not even a warning.
        let out = tmp.file("ad")
        let result = try AdConditioner.condition(ad: TestEnv.media + "/ad-10s.mp4", like: content, output: out)
        #expect(result.warnings.isEmpty, "\(result.warnings)")
        let ad = try PackageTemplate.read(folder: out).splice
        #expect(StitchPreflight.check(content: result.content, ad: ad).isEmpty)
        #expect(ad.audio?.sampleRate == 48_000)
        #expect(ad.audio?.channels == 2)
        #expect(ad.video.map(\.resolution) == ["640x360"])
        #expect(abs((Double(result.report.duration.seconds) ?? 0) - 10) < 0.1)
        try conformanceCheck(out + "/master.m3u8")
    }

    @Test func heAACContentIsRefused() {
        let content = SpliceTemplate(
            format: .ts, targetDuration: 6, longestSegment: MediaTime(seconds: 6),
            video: [.init(id: "v360p", width: 640, height: 360, codecString: "avc1.64001e", codecName: "h264", profile: "High",
                          level: 30, pixelFormat: "yuv420p", frameRate: FrameRate(numerator: 24, denominator: 1), timescale: 90_000, startsWithIDR: true)],
            audio: .init(id: "a", codecString: "mp4a.40.5", codecName: "aac", profile: "HE-AAC", sampleRate: 22_050, channels: 2, timescale: 90_000))
        #expect { try AdConditioner.ladder(for: content, bandwidths: [:]) } throws: {
            ($0 as? PackageError)?.message.contains("mp4a.40.5") == true
        }
    }

    @Test func ladderReproducesTheContentRungs() throws {
        let content = SpliceTemplate(
            format: .fmp4, targetDuration: 6, longestSegment: MediaTime(seconds: 6),
            video: [.init(id: "v720p", width: 1280, height: 720, codecString: "avc1.64001f", codecName: "h264", profile: "High",
                          level: 31, pixelFormat: "yuv420p", frameRate: FrameRate(numerator: 30, denominator: 1), timescale: 15_360, startsWithIDR: true),
                    .init(id: "v360p", width: 640, height: 360, codecString: "avc1.4d401e", codecName: "h264", profile: "Main",
                          level: 30, pixelFormat: "yuv420p", frameRate: FrameRate(numerator: 30, denominator: 1), timescale: 15_360, startsWithIDR: true)],
            audio: .init(id: "a", codecString: "mp4a.40.2", codecName: "aac", profile: "LC", sampleRate: 48_000, channels: 2, timescale: 48_000))
        let l = try AdConditioner.ladder(for: content, bandwidths: ["v720p": 3_128_000, "v360p": 1_128_000])
        #expect(l.rungs.map { "\($0.width)x\($0.height) \($0.profile ?? "-") \($0.level ?? "-") \($0.bitrate)" }
                == ["1280x720 high 3.1 3000000", "640x360 main 3.0 1000000"])
        #expect(l.fit == .pad)
        #expect(l.videoTimescale == 15_360)
        #expect(l.audio.sampleRate == 48_000)
    }
}
