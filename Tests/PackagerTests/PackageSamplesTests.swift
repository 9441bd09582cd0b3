import Foundation
import ShowrunnerTestSupport
import MediaCore
import Packager
import Testing

/// The committed samples, packaged in TS and fMP4, checked by clients we did not write (the
/// conformance kit's playlist lint and ffmpeg decode), by ffprobe (every video segment starts with
/// a keyframe; CODECS agrees with the bitstream's profile and level), and against golden playlists.
@Suite(.serialized) struct PackageSamplesTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var sample: String
        var format: SegmentFormat
        var cues: [MediaTime] = []
        var testDescription: String { "\(sample) \(format.rawValue)" }
    }

    static let cases: [Case] = [
        Case(sample: "episode.mp4", format: .ts, cues: [MediaTime(seconds: 10), MediaTime(value: 15_500, timescale: 1000)]),
        Case(sample: "episode.mp4", format: .fmp4, cues: [MediaTime(seconds: 10), MediaTime(value: 15_500, timescale: 1000)]),
        Case(sample: "shortfilm-vertical.mp4", format: .ts),
        Case(sample: "shortfilm-vertical.mp4", format: .fmp4),
        Case(sample: "ad-15s.mp4", format: .ts),
        Case(sample: "ad-15s.mp4", format: .fmp4),
        Case(sample: "ad-10s.mp4", format: .ts),
        Case(sample: "ad-10s.mp4", format: .fmp4),
    ]

    @Test(arguments: cases)
    func packagesAndPlays(_ c: Case) throws {
        let tmp = try TempDir("sample")
        defer { tmp.cleanup() }
        let out = tmp.file("pkg")
        let report = try HLSPackager.package(PackageRequest(
            input: TestEnv.media + "/" + c.sample, output: out, format: c.format, cues: c.cues))
        #expect(report.warnings.isEmpty, "\(report.warnings)")
        #expect(report.targetDuration <= 7)
        try conformanceCheck(out + "/master.m3u8")
        for r in report.renditions {
            if let ifr = r.iFramePlaylist { try conformanceCheck(out + "/" + ifr) }
        }
        try PackageChecks.keyframesStartSegments(out, report)
        try PackageChecks.codecsMatchBitstream(out, report, input: TestEnv.media + "/" + c.sample)
        try Golden.compare(package: out, name: "\(c.sample.replacingOccurrences(of: ".mp4", with: ""))-\(c.format.rawValue)")
    }

    @Test func episodeHasTwoLanguagesAndCutsAtCues() throws {
        let tmp = try TempDir("episode")
        defer { tmp.cleanup() }
        let out = tmp.file("pkg")
        let report = try HLSPackager.package(PackageRequest(
            input: TestEnv.media + "/episode.mp4", output: out, format: .ts,
            cues: [MediaTime(seconds: 10), MediaTime(value: 15_500, timescale: 1000)]))
        let master = try MultivariantPlaylist.parse(String(contentsOfFile: out + "/master.m3u8", encoding: .utf8))
        let audio = master.renditions.filter { $0.type == .audio }
        #expect(audio.map(\.language) == ["en", "es"])
        #expect(audio.map(\.name) == ["English", "Español"])
        #expect(audio.filter(\.isDefault).count == 1)
        #expect(audio[0].uri == nil)  // TS: the default language is muxed with the video
        #expect(audio[1].uri == "audio-spa/index.m3u8")
        // 2 s GOPs: 10 s is a keyframe (no drift); 15.5 s cuts at 16 s.
        #expect(report.cues.map { $0.actual?.seconds } == ["10.000", "16.000"])
        #expect(report.cues.map { $0.drift?.seconds } == ["0.000", "0.500"])
        let media = try MediaPlaylist.parse(String(contentsOfFile: out + "/v360p/index.m3u8", encoding: .utf8))
        var t = MediaTime.zero
        var starts: [MediaTime] = []
        for s in media.segments { starts.append(t); t += s.duration }
        #expect(starts.contains(MediaTime(seconds: 10)))
        #expect(starts.contains(MediaTime(seconds: 16)))
        // The same boundaries in the Spanish rendition.
        let spa = try MediaPlaylist.parse(String(contentsOfFile: out + "/audio-spa/index.m3u8", encoding: .utf8))
        #expect(spa.segments.dropLast().map(\.duration) == media.segments.dropLast().map(\.duration))
        // breaks.json says the same.
        let breaks = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/breaks.json"))) as? [String: Any]
        let cues = breaks?["cues"] as? [[String: Any]]
        #expect((cues?[1]["actual"] as? [String: Any])?["ticks"] as? Int == 16 * 90_000)
        #expect((cues?[1]["asked"] as? [String: Any])?["ticks"] as? Int == 15_500 * 90)
        try PackageChecks.tsTiming(out, audioOnly: "audio-spa", video: "v360p")
    }
}

/// Checks on a finished package with ffprobe.
enum PackageChecks {
    /// Every segment of every video rendition starts with a keyframe (ffprobe's first video packet).
    static func keyframesStartSegments(_ dir: String, _ report: PackageReport) throws {
        for r in report.renditions where r.kind == "video" {
            let playlist = try MediaPlaylist.parse(String(contentsOfFile: dir + "/" + r.playlist, encoding: .utf8))
            let base = dir + "/" + r.id + "/"
            for seg in playlist.segments {
                let input = report.format == .fmp4 ? "concat:\(base)init.mp4|\(base)\(seg.uri)" : base + seg.uri
                let json = try ffprobeJSON(["-select_streams", "v:0", "-read_intervals", "%+#1",
                                            "-show_entries", "packet=flags", input])
                let flags = ((json["packets"] as? [[String: Any]])?.first?["flags"] as? String) ?? ""
                #expect(flags.hasPrefix("K"), "\(r.id)/\(seg.uri) starts with flags '\(flags)', not a keyframe")
            }
        }
    }

    /// The video CODECS string's profile and level are what ffprobe reads from the input bitstream.
    static func codecsMatchBitstream(_ dir: String, _ report: PackageReport, input: String) throws {
        let json = try ffprobeJSON(["-select_streams", "v:0", "-show_entries", "stream=codec_name,profile,level", input])
        guard let s = (json["streams"] as? [[String: Any]])?.first else { return }
        let master = try MultivariantPlaylist.parse(String(contentsOfFile: dir + "/master.m3u8", encoding: .utf8))
        guard let video = master.variants.first?.codecs.first else {
            Issue.record("no CODECS")
            return
        }
        let profile = s["profile"] as? String ?? ""
        let level = s["level"] as? Int ?? -1
        switch s["codec_name"] as? String {
        case "h264":
            let hex = video.dropFirst("avc1.".count)
            let pp = Int(hex.prefix(2), radix: 16), ll = Int(hex.suffix(2), radix: 16)
            let expected = ["Baseline": 66, "Constrained Baseline": 66, "Main": 77, "Extended": 88, "High": 100, "High 10": 110, "High 4:2:2": 122, "High 4:4:4 Predictive": 244][profile]
            #expect(video.hasPrefix("avc1."))
            #expect(pp == expected, "CODECS \(video) vs ffprobe profile \(profile)")
            #expect(ll == level, "CODECS \(video) vs ffprobe level \(level)")
        case "hevc":
            let parts = video.split(separator: ".")
            let expected = ["Main": "1", "Main 10": "2", "Rext": "4"][profile]
            #expect(parts.first == "hvc1")
            #expect(parts.count > 3 && String(parts[1].filter(\.isNumber)) == expected, "CODECS \(video) vs ffprobe profile \(profile)")
            #expect(parts.count > 3 && Int(parts[3].dropFirst()) == level, "CODECS \(video) vs ffprobe level \(level)")
        default:
            break
        }
    }
}

extension PackageChecks {
    /// The MPEG-TS muxing of a package, segment by segment. In the audio-only rendition the PCR
    /// runs at least 0.5 s ahead of the first PTS and a PES carries several AAC frames (at most
    /// 5 PES a second; one frame per PES would be about 47). Muxed that way (libavformat's
    /// default, max_delay 0) an alternate audio rendition stalled GStreamer 1.22's hlsdemux after
    /// an EXT-X-DISCONTINUITY in about half the runs. Timestamps still start at 10 s: the video's
    /// first PTS is exactly 10 s, the audio's at most 0.1 s before (its priming).
    static func tsTiming(_ dir: String, audioOnly: String, video: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let audio = try MediaPlaylist.parse(String(contentsOfFile: "\(dir)/\(audioOnly)/index.m3u8", encoding: .utf8))
        #expect(!audio.segments.isEmpty, sourceLocation: sourceLocation)
        for (i, seg) in audio.segments.enumerated() {
            let ts = try TSFacts.read("\(dir)/\(audioOnly)/\(seg.uri)")
            #expect(ts.pes.count == 1, "\(audioOnly)/\(seg.uri): elementary PIDs \(ts.pes.keys.sorted())", sourceLocation: sourceLocation)
            guard let (pid, pesCount) = ts.pes.first, let pts = ts.firstPTS[pid], let pcr = ts.firstPCR[pid] else {
                Issue.record("\(audioOnly)/\(seg.uri): no PES with PTS and PCR", sourceLocation: sourceLocation)
                continue
            }
            #expect(pts - pcr >= 45_000, "\(audioOnly)/\(seg.uri): PCR \(pcr) is not 0.5 s ahead of PTS \(pts)", sourceLocation: sourceLocation)
            let ms = seg.duration.milliseconds
            #expect(Int64(pesCount) * 1000 <= 5 * max(ms, 1000), "\(audioOnly)/\(seg.uri): \(pesCount) PES in \(ms) ms", sourceLocation: sourceLocation)
            if i == 0 {
                #expect((10 * 90_000 - 9_000)...(10 * 90_000) ~= pts,
                        "\(audioOnly)/\(seg.uri): first PTS \(pts) is not just before 10 s", sourceLocation: sourceLocation)
            }
        }
        let v = try MediaPlaylist.parse(String(contentsOfFile: "\(dir)/\(video)/index.m3u8", encoding: .utf8))
        let first = try TSFacts.read("\(dir)/\(video)/\(try #require(v.segments.first).uri)")
        let videoPTS: Int64 = first.firstPTS.values.max() ?? -1
        #expect(videoPTS == 900_000, "\(video): first PTS per PID \(first.firstPTS)", sourceLocation: sourceLocation)
    }
}

/// Timing facts of an MPEG-TS file, per PID (90 kHz ticks): the first PCR, the first PES PTS, and
/// how many PES start in it (audio and video stream ids only).
struct TSFacts {
    var firstPCR: [Int: Int64] = [:]
    var firstPTS: [Int: Int64] = [:]
    var pes: [Int: Int] = [:]

    static func read(_ path: String) throws -> TSFacts {
        let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        var facts = TSFacts()
        #expect(data.count % 188 == 0, "\(path): \(data.count) bytes is not whole TS packets")
        var at = 0
        while at + 188 <= data.count {
            let p = data[at..<at + 188]
            at += 188
            let b = p.startIndex
            guard p[b] == 0x47 else { Issue.record("\(path): lost sync at \(b)"); return facts }
            let pid = Int(p[b + 1] & 0x1F) << 8 | Int(p[b + 2])
            let unitStart = p[b + 1] & 0x40 != 0
            let control = (p[b + 3] >> 4) & 3
            var payload = b + 4
            if control & 2 != 0 {
                let length = Int(p[b + 4])
                if length >= 7, p[b + 5] & 0x10 != 0, facts.firstPCR[pid] == nil {
                    let x = p[(b + 6)...].prefix(5).map(Int64.init)
                    facts.firstPCR[pid] = x[0] << 25 | x[1] << 17 | x[2] << 9 | x[3] << 1 | x[4] >> 7
                }
                payload = b + 5 + length
            }
            guard control & 1 != 0, unitStart, payload + 14 <= p.endIndex,
                  p[payload] == 0, p[payload + 1] == 0, p[payload + 2] == 1, (0xC0...0xEF).contains(p[payload + 3]) else { continue }
            facts.pes[pid, default: 0] += 1
            if p[payload + 7] & 0x80 != 0, facts.firstPTS[pid] == nil {
                let x = p[(payload + 9)...].prefix(5).map(Int64.init)
                facts.firstPTS[pid] = (x[0] >> 1 & 7) << 30 | x[1] << 22 | (x[2] >> 1) << 15 | x[3] << 7 | x[4] >> 1
            }
        }
        return facts
    }
}

/// Golden playlists: the playlists and breaks.json of a package, compared byte for byte with
/// files under Tests/PackagerTests/Golden/<name>/. `SHOWRUNNER_RECORD_GOLDEN=1` re-records them.
enum Golden {
    static var root: String { TestEnv.repoRoot + "/Tests/PackagerTests/Golden" }

    static func compare(package dir: String, name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let fm = FileManager.default
        let files = (fm.enumerator(atPath: dir)?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(".m3u8") || $0.hasSuffix(".json") }.sorted()
        let goldenDir = root + "/" + name
        for f in files {
            var text = try String(contentsOfFile: dir + "/" + f, encoding: .utf8)
            text = text.replacingOccurrences(of: TestEnv.repoRoot + "/", with: "")
            let golden = goldenDir + "/" + f
            if TestEnv.recordGolden {
                try fm.createDirectory(atPath: (golden as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try text.write(toFile: golden, atomically: true, encoding: .utf8)
                continue
            }
            guard let expected = try? String(contentsOfFile: golden, encoding: .utf8) else {
                Issue.record("no golden file \(name)/\(f) (record with SHOWRUNNER_RECORD_GOLDEN=1)", sourceLocation: sourceLocation)
                continue
            }
            #expect(text == expected, "\(name)/\(f) differs from its golden file", sourceLocation: sourceLocation)
        }
        if !TestEnv.recordGolden {
            let goldenFiles = (fm.enumerator(atPath: goldenDir)?.allObjects as? [String] ?? [])
                .filter { $0.hasSuffix(".m3u8") || $0.hasSuffix(".json") }.sorted()
            #expect(goldenFiles == files, "package files differ from the golden set for \(name)", sourceLocation: sourceLocation)
        }
    }
}
