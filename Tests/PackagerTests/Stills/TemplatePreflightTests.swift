import Foundation
import MediaCore
import Packager
import Testing

/// `PackageTemplate.read` on packages made by `HLSPackager` from the samples, and
/// `StitchPreflight.check` between them: the ads fail against the episode for the right reasons,
/// a package passes against itself.
struct TemplatePreflightTests {
    /// Packages `sample` into `dir/name` and reads its template.
    private static func template(_ sample: String, _ format: SegmentFormat, in dir: String, name: String? = nil,
                                 segmentDuration: MediaTime = MediaTime(seconds: 6)) throws -> PackageTemplate {
        let out = dir + "/" + (name ?? "\(sample)-\(format.rawValue)")
        _ = try HLSPackager.package(PackageRequest(
            input: StillsFixtures.media + "/" + sample, output: out, format: format, segmentDuration: segmentDuration))
        return try PackageTemplate.read(folder: out)
    }

    private static func codes(_ m: [Mismatch]) -> [String] { m.map(\.code.rawValue) }

    /// The content and ad values of the first mismatch with `code`.
    private static func values(_ m: [Mismatch], _ code: Mismatch.Code) -> [String?] {
        m.first { $0.code == code }.map { [$0.content, $0.ad] } ?? []
    }

    @Test(arguments: SegmentFormat.allCases)
    func episodeTemplate(format: SegmentFormat) throws {
        let dir = try StillsFixtures.tempDir("template")
        defer { StillsFixtures.remove(dir) }
        let t = try Self.template("episode.mp4", format, in: dir)
        #expect(t.warnings.isEmpty, "\(t.warnings)")
        #expect(t.format == (format == .ts ? .ts : .fmp4))
        #expect(t.targetDuration == 6)
        #expect(t.longestSegment == MediaTime(seconds: 6))
        try #require(t.video.count == 1)
        let v = t.video[0]
        #expect(v.id == "v360p" && v.width == 640 && v.height == 360 && v.resolution == "640x360")
        #expect(v.codecString == "avc1.64001e" && v.codecName == "h264")
        #expect(v.profile == "High" && v.level == 30 && v.levelText == "3.0")
        #expect(v.pixelFormat == "yuv420p")
        #expect(v.frameRate == FrameRate(numerator: 24))
        #expect(v.timescale == (format == .ts ? 90_000 : 12_288), "fMP4: the init segment's mdhd timescale")
        #expect(v.startsWithIDR)
        let a = try #require(t.audio)
        #expect(a.id == (format == .ts ? "v360p" : "audio-eng"), "TS muxes the default audio with the video")
        #expect(a.codecString == "mp4a.40.2" && a.codecName == "aac" && a.profile == "LC")
        #expect(a.sampleRate == 48_000 && a.channels == 2)
        #expect(a.timescale == (format == .ts ? 90_000 : 48_000))

        // ffprobe agrees on what it can see in the first segment.
        if format == .ts {
            let r = try StillsFixtures.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                                            "stream=profile,level,pix_fmt,time_base", "-of", "csv=p=0",
                                            t.folder + "/v360p/seg_00000.ts"])
            // (The stream is listed twice: under its program and alone.)
            let lines = String(decoding: r.stdout, as: UTF8.self).split(whereSeparator: \.isNewline)
            #expect(lines.first == "High,yuv420p,30,1/90000", "\(lines)")
        }

        // A package is stitchable into itself; JSON round-trips.
        #expect(StitchPreflight.check(content: t.splice, ad: t.splice).isEmpty)
        let back = try JSONDecoder().decode(PackageTemplate.self, from: JSONEncoder().encode(t))
        #expect(back == t)
    }

    @Test func adsFailAgainstTheEpisodeForTheRightReasons() throws {
        let dir = try StillsFixtures.tempDir("preflight-ts")
        defer { StillsFixtures.remove(dir) }
        let episode = try Self.template("episode.mp4", .ts, in: dir)
        let ad10 = try Self.template("ad-10s.mp4", .ts, in: dir)
        let ad15 = try Self.template("ad-15s.mp4", .ts, in: dir)

        // ad-10s: same 640x360 rung but H.264 Main at 25 fps, AAC-LC 44.1 kHz mono.
        let m10 = StitchPreflight.check(content: episode.splice, ad: ad10.splice)
        #expect(Self.codes(m10) == ["video-profile", "video-frame-rate", "audio-sample-rate", "audio-channels"], "\(m10)")
        #expect(Self.values(m10, .videoProfile) == ["High", "Main"])
        #expect(Self.values(m10, .audioSampleRate) == ["48000", "44100"])
        #expect(Self.values(m10, .audioChannels) == ["2", "1"])
        #expect(m10.first { $0.code == .videoFrameRate }?.severity == .warning)
        #expect(!StitchPreflight.isStitchable(m10))

        // ad-15s: 1280x720 only (the episode's 640x360 rung has no match); audio matches.
        let m15 = StitchPreflight.check(content: episode.splice, ad: ad15.splice)
        #expect(Self.codes(m15) == ["rung-missing", "rung-extra"], "\(m15)")
        #expect(m15[0].content == "640x360" && m15[1].ad == "1280x720")
        #expect(!StitchPreflight.isStitchable(m15))

        // Each package against itself, and a second packaging of the episode, pass.
        for t in [episode, ad10, ad15] {
            #expect(StitchPreflight.check(content: t.splice, ad: t.splice).isEmpty, "\(t.folder)")
        }
        let again = try Self.template("episode.mp4", .ts, in: dir, name: "episode-again")
        #expect(StitchPreflight.check(content: episode.splice, ad: again.splice).isEmpty)
    }

    @Test func fmp4AdsAlsoDifferInTimescaleAndContainer() throws {
        let dir = try StillsFixtures.tempDir("preflight-fmp4")
        defer { StillsFixtures.remove(dir) }
        let episode = try Self.template("episode.mp4", .fmp4, in: dir)
        let ad10 = try Self.template("ad-10s.mp4", .fmp4, in: dir)
        let m = StitchPreflight.check(content: episode.splice, ad: ad10.splice)
        #expect(Self.codes(m) == [
            "video-profile", "video-frame-rate", "video-timescale", "audio-sample-rate", "audio-channels",
            "audio-timescale",
        ], "\(m)")
        #expect(Self.values(m, .videoTimescale) == ["12288", "12800"])
        #expect(Self.values(m, .audioTimescale) == ["48000", "44100"])

        let episodeTS = try Self.template("episode.mp4", .ts, in: dir)
        #expect(Self.codes(StitchPreflight.check(content: episodeTS.splice, ad: episode.splice)) == ["format"])
    }

    @Test func adSegmentsLongerThanTheTargetDuration() throws {
        let dir = try StillsFixtures.tempDir("preflight-duration")
        defer { StillsFixtures.remove(dir) }
        let six = try Self.template("ad-15s.mp4", .ts, in: dir, name: "six")
        let ten = try Self.template("ad-15s.mp4", .ts, in: dir, name: "ten", segmentDuration: MediaTime(seconds: 10))
        #expect(ten.targetDuration == 10 && ten.longestSegment == MediaTime(seconds: 10))
        let m = StitchPreflight.check(content: six.splice, ad: ten.splice)
        #expect(Self.codes(m) == ["segment-duration"], "\(m)")
        #expect(m[0].content == "6" && m[0].ad == "10.000")
        // Shorter ad segments are fine.
        #expect(StitchPreflight.check(content: ten.splice, ad: six.splice).isEmpty)
    }

    @Test func adWhoseFirstSegmentIsNotAnIDR() throws {
        let dir = try StillsFixtures.tempDir("preflight-idr")
        defer { StillsFixtures.remove(dir) }
        let episode = try Self.template("episode.mp4", .ts, in: dir, name: "episode")
        let broken = try Self.template("episode.mp4", .ts, in: dir, name: "broken")
        // Replace the first segment with one cut 1 s into its GOP (stream copy keeping the
        // leading non-keyframes).
        let first = broken.folder + "/v360p/seg_00000.ts"
        let cut = try StillsFixtures.run(["ffmpeg", "-v", "error", "-nostdin", "-ss", "1", "-i", episode.folder + "/v360p/seg_00000.ts",
                                          "-c", "copy", "-copyinkf", "-f", "mpegts", "-y", first])
        try #require(cut.status == 0)
        let t = try PackageTemplate.read(folder: broken.folder)
        #expect(t.video.first?.startsWithIDR == false)
        let m = StitchPreflight.check(content: episode.splice, ad: t.splice)
        #expect(Self.codes(m) == ["video-not-idr"], "\(m)")
    }

    @Test func stillFromAPackagedTSSegment() throws {
        let dir = try StillsFixtures.tempDir("preflight-still")
        defer { StillsFixtures.remove(dir) }
        let t = try Self.template("episode.mp4", .ts, in: dir)
        // Segment 2 starts at 12 s of the episode; 1.5 s into it is 13.5 s (frame 324).
        let out = dir + "/seg2.png"
        let report = try Stills.extract(StillRequest(
            input: t.folder + "/v360p/seg_00002.ts", at: MediaTime(value: 1_500, timescale: 1000), width: 640,
            height: 360, output: out))
        #expect(report.frameTime.seconds == "1.500")
        let ours = try StillsFixtures.gray(out, width: 640, height: 360)
        let same = try StillsFixtures.gray(StillsFixtures.media + "/episode.mp4", width: 640, height: 360, seek: "13.5")
        #expect(ours.meanDifference(same) < 2)
    }

    @Test func unreadablePackagesNameTheFile() throws {
        let dir = try StillsFixtures.tempDir("template-errors")
        defer { StillsFixtures.remove(dir) }
        func error(_ folder: String) -> PackageError? {
            do {
                _ = try PackageTemplate.read(folder: folder)
                return nil
            } catch {
                return error
            }
        }
        let missing = try #require(error(dir + "/nothing"))
        #expect(missing.code == .inputNotFound && missing.subject == dir + "/nothing/master.m3u8")

        let t = try Self.template("ad-10s.mp4", .fmp4, in: dir, name: "pkg")
        let master = t.folder + "/master.m3u8"
        let text = try String(contentsOfFile: master, encoding: .utf8)

        try FileManager.default.removeItem(atPath: t.folder + "/v360p/init.mp4")
        let noInit = try #require(error(t.folder))
        #expect(noInit.code == .inputNotFound && noInit.subject == t.folder + "/v360p/init.mp4")

        try text.replacingOccurrences(of: "v360p/index.m3u8", with: "../v360p/index.m3u8")
            .write(toFile: master, atomically: true, encoding: .utf8)
        let escape = try #require(error(t.folder))
        #expect(escape.code == .corruptInput && escape.subject == master && escape.message.contains("../v360p/index.m3u8"))

        try "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6,\nseg.ts\n".write(toFile: master, atomically: true, encoding: .utf8)
        let notMaster = try #require(error(t.folder))
        #expect(notMaster.code == .corruptInput && notMaster.subject == master, "\(notMaster)")
    }
}
