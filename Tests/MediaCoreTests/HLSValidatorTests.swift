import MediaCore
import Testing

private func media(_ body: String) throws -> MediaPlaylist {
    try MediaPlaylist.parse("#EXTM3U\n" + body)
}

private func multivariant(_ body: String) throws -> MultivariantPlaylist {
    try MultivariantPlaylist.parse("#EXTM3U\n" + body)
}

private func findings(_ p: MediaPlaylist, _ rule: ValidationRule, facts: [Int: SegmentFacts] = [:]) -> [ValidationFinding] {
    PlaylistValidator.validate(media: p, name: "m.m3u8", facts: facts).filter { $0.rule == rule }
}

@Suite("HLS validator")
struct HLSValidatorTests {
    // MARK: Clean fixtures

    @Test("realistic fixtures have no errors", arguments: [HLSFixtures.ffmpegVOD, HLSFixtures.fmp4, HLSFixtures.iFrames, HLSFixtures.scte35])
    func fixturesAreClean(_ text: String) throws {
        let p = try MediaPlaylist.parse(text)
        let errors = PlaylistValidator.validate(media: p, name: "f").filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(errors)")
    }

    // MARK: 1. Target duration

    @Test func extinfExceedsTarget() throws {
        let bad = try media("#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXTINF:10.4,\na.ts\n#EXTINF:10.5,\nb.ts\n")
        let f = findings(bad, .extinfExceedsTarget)
        #expect(f.count == 1)
        #expect(f.first?.line == 6)
        #expect(f.first?.severity == .error)
        #expect(f.first?.description == "m.m3u8:6: error: EXTINF duration 10.5 rounds to 11 s, more than EXT-X-TARGETDURATION 10 [extinfExceedsTarget]")
        let good = try media("#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:11\n#EXTINF:10.5,\nb.ts\n")
        #expect(findings(good, .extinfExceedsTarget).isEmpty)
    }

    @Test func missingTargetDuration() throws {
        #expect(findings(try media("#EXTINF:1,\na.ts\n"), .missingTargetDuration).count == 1)
        #expect(findings(try media("#EXT-X-TARGETDURATION:1\n#EXTINF:1,\na.ts\n"), .missingTargetDuration).isEmpty)
    }

    // MARK: 2. Target duration changes

    @Test func targetDurationChangedWithinPlaylist() throws {
        let bad = try media("#EXT-X-TARGETDURATION:10\n#EXTINF:1,\na.ts\n#EXT-X-TARGETDURATION:12\n#EXTINF:1,\nb.ts\n")
        let f = findings(bad, .targetDurationChanged)
        #expect(f.map(\.line) == [5])
        #expect(f.first?.message.contains("12") == true)
        #expect(findings(bad, .misplacedHeaderTag).map(\.line) == [5])
        let same = try media("#EXT-X-TARGETDURATION:10\n#EXTINF:1,\na.ts\n#EXT-X-TARGETDURATION:10\n#EXTINF:1,\nb.ts\n")
        #expect(findings(same, .targetDurationChanged).isEmpty)
    }

    @Test func targetDurationChangedBetweenUpdates() throws {
        let previous = try media("#EXT-X-TARGETDURATION:6\n#EXTINF:6,\na.ts\n")
        let changed = try media("#EXT-X-TARGETDURATION:8\n#EXTINF:6,\na.ts\n#EXTINF:6,\nb.ts\n")
        let f = PlaylistValidator.validate(update: changed, previous: previous, name: "live")
        #expect(f.map(\.rule) == [.targetDurationChanged])
        #expect(f.first?.line == 2)
        let appended = try media("#EXT-X-TARGETDURATION:6\n#EXTINF:6,\na.ts\n#EXTINF:6,\nb.ts\n")
        #expect(PlaylistValidator.validate(update: appended, previous: previous, name: "live").isEmpty)
    }

    // MARK: 3. End list and updates

    @Test func missingEndList() throws {
        let bad = try media("#EXT-X-TARGETDURATION:6\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:6,\na.ts\n")
        #expect(findings(bad, .missingEndList).map(\.line) == [3])
        let good = try media("#EXT-X-TARGETDURATION:6\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:6,\na.ts\n#EXT-X-ENDLIST\n")
        #expect(findings(good, .missingEndList).isEmpty)
    }

    @Test func eventSegmentsChanged() throws {
        let previous = try media("#EXT-X-TARGETDURATION:6\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXTINF:6,\na.ts\n#EXTINF:6,\nb.ts\n")
        let appended = try media("#EXT-X-TARGETDURATION:6\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXTINF:6,\na.ts\n#EXTINF:6,\nb.ts\n#EXTINF:6,\nc.ts\n")
        #expect(PlaylistValidator.validate(update: appended, previous: previous, name: "e").isEmpty)
        let slid = try media("#EXT-X-TARGETDURATION:6\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXT-X-MEDIA-SEQUENCE:1\n#EXTINF:6,\nb.ts\n")
        #expect(PlaylistValidator.validate(update: slid, previous: previous, name: "e").map(\.rule) == [.eventSegmentsChanged])
        let rewritten = try media("#EXT-X-TARGETDURATION:6\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXTINF:6,\na.ts\n#EXTINF:6,\nX.ts\n")
        let f = PlaylistValidator.validate(update: rewritten, previous: previous, name: "e")
        #expect(f.map(\.rule) == [.eventSegmentsChanged])
        #expect(f.first?.line == 6)  // the changed segment's first line
        let truncated = try media("#EXT-X-TARGETDURATION:6\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXTINF:6,\na.ts\n")
        #expect(PlaylistValidator.validate(update: truncated, previous: previous, name: "e").map(\.rule) == [.eventSegmentsChanged])
    }

    @Test func liveUpdateRules() throws {
        let previous = try media("#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:10\n#EXTINF:6,\na.ts\n#EXTINF:6,\nb.ts\n#EXTINF:6,\nc.ts\n")
        let slid = try media("#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:11\n#EXTINF:6,\nb.ts\n#EXTINF:6,\nc.ts\n#EXTINF:6,\nd.ts\n")
        #expect(PlaylistValidator.validate(update: slid, previous: previous, name: "l").isEmpty)
        let changed = try media("#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:11\n#EXTINF:6,\nb.ts\n#EXTINF:5,\nc.ts\n")
        #expect(PlaylistValidator.validate(update: changed, previous: previous, name: "l").map(\.rule) == [.segmentChanged])
        let back = try media("#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:9\n#EXTINF:6,\nz.ts\n")
        #expect(PlaylistValidator.validate(update: back, previous: previous, name: "l").map(\.rule) == [.mediaSequenceDecreased])
        let far = try media("#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:100\n#EXTINF:6,\nz.ts\n")
        #expect(PlaylistValidator.validate(update: far, previous: previous, name: "l").isEmpty)

        var ended = previous
        ended.endList = true
        #expect(PlaylistValidator.validate(update: ended, previous: ended, name: "l").isEmpty)
        var extended = ended
        extended.segments.append(MediaSegment(duration: MediaTime(seconds: 6), uri: "d.ts"))
        #expect(PlaylistValidator.validate(update: extended, previous: ended, name: "l").map(\.rule) == [.changedAfterEndList])
    }

    // MARK: 4. Discontinuity sequence placement

    @Test func discontinuitySequencePlacement() throws {
        let afterDiscontinuity = try media("#EXT-X-TARGETDURATION:6\n#EXT-X-DISCONTINUITY\n#EXT-X-DISCONTINUITY-SEQUENCE:2\n#EXTINF:6,\na.ts\n")
        let f = findings(afterDiscontinuity, .discontinuitySequencePlacement)
        #expect(f.map(\.line) == [4])
        #expect(f.first?.message.contains("after an EXT-X-DISCONTINUITY") == true)
        let afterSegment = try media("#EXT-X-TARGETDURATION:6\n#EXTINF:6,\na.ts\n#EXT-X-DISCONTINUITY-SEQUENCE:2\n#EXTINF:6,\nb.ts\n")
        #expect(findings(afterSegment, .discontinuitySequencePlacement).map(\.line) == [5])
        let good = try media("#EXT-X-TARGETDURATION:6\n#EXT-X-DISCONTINUITY-SEQUENCE:2\n#EXT-X-DISCONTINUITY\n#EXTINF:6,\na.ts\n")
        #expect(findings(good, .discontinuitySequencePlacement).isEmpty)
    }

    @Test func misplacedHeaderTag() throws {
        let bad = try media("#EXT-X-TARGETDURATION:6\n#EXTINF:6,\na.ts\n#EXT-X-MEDIA-SEQUENCE:4\n#EXT-X-ENDLIST\n#EXT-X-INDEPENDENT-SEGMENTS\n")
        #expect(findings(bad, .misplacedHeaderTag).map(\.line) == [5, 7])
        let good = try media("#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:4\n#EXTINF:6,\na.ts\n")
        #expect(findings(good, .misplacedHeaderTag).isEmpty)
    }

    // MARK: 5–6. Date ranges

    @Test func missingProgramDateTime() throws {
        let bad = try media("#EXT-X-TARGETDURATION:6\n#EXT-X-DATERANGE:ID=\"a\",START-DATE=\"2024-01-01T00:00:00Z\"\n#EXTINF:6,\na.ts\n")
        #expect(findings(bad, .missingProgramDateTime).map(\.line) == [3])
        let good = try media("#EXT-X-TARGETDURATION:6\n#EXT-X-PROGRAM-DATE-TIME:2024-01-01T00:00:00Z\n#EXT-X-DATERANGE:ID=\"a\",START-DATE=\"2024-01-01T00:00:00Z\"\n#EXTINF:6,\na.ts\n")
        #expect(findings(good, .missingProgramDateTime).isEmpty)
    }

    @Test func dateRangeConflict() throws {
        let head = "#EXT-X-TARGETDURATION:6\n#EXT-X-PROGRAM-DATE-TIME:2024-01-01T00:00:00Z\n#EXTINF:6,\na.ts\n"
        let open = "#EXT-X-DATERANGE:ID=\"ad1\",START-DATE=\"2024-01-01T00:00:06Z\",PLANNED-DURATION=30\n"
        let bad = try media(head + open + "#EXT-X-DATERANGE:ID=\"ad1\",START-DATE=\"2024-01-01T00:00:07Z\",DURATION=30\n")
        let f = findings(bad, .dateRangeConflict)
        #expect(f.map(\.line) == [7])
        #expect(f.first?.message.contains("ad1") == true)
        #expect(f.first?.message.contains("START-DATE") == true)
        // Same values (numerically equal decimals) and new attributes are fine.
        let good = try media(head + open + "#EXT-X-DATERANGE:ID=\"ad1\",START-DATE=\"2024-01-01T00:00:06Z\",PLANNED-DURATION=30.000,DURATION=29.5\n")
        #expect(findings(good, .dateRangeConflict).isEmpty)
        // A third one is compared against everything seen so far.
        let third = try media(head + open + "#EXT-X-DATERANGE:ID=\"ad1\",START-DATE=\"2024-01-01T00:00:06Z\",DURATION=29.5\n"
            + "#EXT-X-DATERANGE:ID=\"ad1\",START-DATE=\"2024-01-01T00:00:06Z\",DURATION=30\n")
        #expect(findings(third, .dateRangeConflict).map(\.line) == [8])
    }

    @Test func malformedDateRange() throws {
        let head = "#EXT-X-TARGETDURATION:6\n#EXT-X-PROGRAM-DATE-TIME:2024-01-01T00:00:00Z\n"
        let bad = try media(head + "#EXT-X-DATERANGE:START-DATE=\"2024-01-01T00:00:00Z\"\n#EXT-X-DATERANGE:ID=\"x\"\n#EXTINF:6,\na.ts\n")
        #expect(findings(bad, .malformedDateRange).map(\.line) == [4, 5])
        let good = try media(head + "#EXT-X-DATERANGE:ID=\"x\",START-DATE=\"2024-01-01T00:00:00Z\"\n#EXTINF:6,\na.ts\n")
        #expect(findings(good, .malformedDateRange).isEmpty)
    }

    // MARK: 7. Codecs and rendition groups

    @Test func missingCodecs() throws {
        let bad = try multivariant("#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=1,URI=\"i.m3u8\"\n")
        let f = PlaylistValidator.validate(multivariant: bad, name: "mv", media: [:], sizes: [:]).filter { $0.rule == .missingCodecs }
        #expect(f.map(\.line) == [2, 4])
        let good = try multivariant("#EXT-X-STREAM-INF:BANDWIDTH=1,CODECS=\"avc1.640028\"\nv.m3u8\n")
        #expect(PlaylistValidator.validate(multivariant: good, name: "mv", media: [:], sizes: [:]).filter { $0.rule == .missingCodecs }.isEmpty)
    }

    @Test func renditionGroupRules() throws {
        let bad = try multivariant("""
            #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="en",DEFAULT=YES
            #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="de",DEFAULT=YES
            #EXT-X-MEDIA:TYPE=CLOSED-CAPTIONS,GROUP-ID="cc",NAME="CC1",INSTREAM-ID="CC1",URI="cc.m3u8"
            #EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="s",NAME="en"
            #EXT-X-STREAM-INF:BANDWIDTH=1,CODECS="x",AUDIO="b",SUBTITLES="t",CLOSED-CAPTIONS="cc"
            v.m3u8

            """)
        let f = PlaylistValidator.validate(multivariant: bad, name: "mv", media: [:], sizes: [:])
        func lines(_ rule: ValidationRule) -> [Int?] { f.filter { $0.rule == rule }.map(\.line) }
        #expect(lines(.multipleDefaults) == [3])
        #expect(lines(.missingURIForMedia) == [4, 5])
        #expect(lines(.unknownAudioGroup) == [6])
        #expect(lines(.unknownRenditionGroup) == [6])
        let good = try multivariant("""
            #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="en",DEFAULT=YES
            #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="de",DEFAULT=NO
            #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="b",NAME="en",DEFAULT=YES
            #EXT-X-MEDIA:TYPE=CLOSED-CAPTIONS,GROUP-ID="cc",NAME="CC1",INSTREAM-ID="CC1"
            #EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="t",NAME="en",URI="s.m3u8"
            #EXT-X-STREAM-INF:BANDWIDTH=1,CODECS="x",AUDIO="b",SUBTITLES="t",CLOSED-CAPTIONS="cc"
            v.m3u8

            """)
        let g = PlaylistValidator.validate(multivariant: good, name: "mv", media: [:], sizes: [:])
        #expect(g.filter { $0.severity == .error }.isEmpty, "\(g)")
    }

    // MARK: 8. Bandwidth

    /// Video: target 4, durations 4, 4, 2, 4 s. Runs of 2–6 s: each segment, [1,2] and [2,3].
    static let video = "#EXT-X-TARGETDURATION:4\n#EXTINF:4,\nv0.ts\n#EXTINF:4,\nv1.ts\n#EXTINF:2,\nv2.ts\n#EXTINF:4.000,\nv3.ts\n"
    static let videoSizes: [Int64] = [400_000, 600_000, 100_000, 500_000]
    static let audio = "#EXT-X-TARGETDURATION:4\n#EXTINF:4,\na0.ts\n#EXTINF:4,\na1.ts\n#EXTINF:4,\na2.ts\n#EXTINF:2,\na3.ts\n"

    @Test func bitrateComputation() throws {
        let p = try media(Self.video)
        let rates = try #require(PlaylistValidator.bitrates(of: p, sizes: Self.videoSizes))
        // Peak: v1 alone, 600 000 B × 8 / 4 s. ([1,2] = 5.6 Mb / 6 s = 933 333.3; [2,3] = 800 000.)
        #expect(rates.peak == 1_200_000)
        // Average: 1 600 000 B × 8 / 14 s = 914 285.71… rounded up.
        #expect(rates.average == 914_286)
        // A two-segment run can be the peak: make v2 dense.
        let dense = try #require(PlaylistValidator.bitrates(of: p, sizes: [400_000, 600_000, 400_000, 500_000]))
        #expect(dense.peak == 1_600_000)  // v2 alone: 400 000 × 8 / 2
        #expect(PlaylistValidator.bitrates(of: p, sizes: [1, 2, 3]) == nil)
        #expect(PlaylistValidator.bitrates(of: p, sizes: [1, 2, 3, -4]) == nil)
        #expect(PlaylistValidator.bitrates(of: try media("#EXTINF:4,\na.ts\n"), sizes: [1]) == nil)
        // A playlist shorter than half a target duration: the whole playlist is the only run.
        let short = try media("#EXT-X-TARGETDURATION:10\n#EXTINF:1,\na.ts\n#EXTINF:2,\nb.ts\n")
        let shortRates = try #require(PlaylistValidator.bitrates(of: short, sizes: [1000, 500]))
        #expect(shortRates.peak == 4000)
        #expect(shortRates.average == 4000)
        // Overflowing sums are reported as nil, not trapped.
        let huge = try media("#EXT-X-TARGETDURATION:9000000000\n#EXTINF:9000000000.000000001,\na.ts\n#EXTINF:9000000000.000000001,\nb.ts\n")
        #expect(PlaylistValidator.bitrates(of: huge, sizes: [Int64.max, 1]) == nil)
        #expect(PlaylistValidator.bitrates(of: huge, sizes: [1, 1]) == nil)
    }

    @Test func runsSpanningTwoSegmentsCanBeThePeak() throws {
        // Target 4: 1 s segments are too short alone (< 2 s); pairs and triples qualify.
        let p = try media("#EXT-X-TARGETDURATION:4\n#EXTINF:1,\na\n#EXTINF:1,\nb\n#EXTINF:1,\nc\n#EXTINF:1,\nd\n")
        let rates = try #require(PlaylistValidator.bitrates(of: p, sizes: [100, 1000, 1000, 100]))
        #expect(rates.peak == 8000)  // b+c: 2000 B × 8 / 2 s
        #expect(rates.average == 4400)
    }

    private func bandwidthPlaylist(_ bandwidth: Int64, _ average: Int64?) throws -> MultivariantPlaylist {
        let avg = average.map { ",AVERAGE-BANDWIDTH=\($0)" } ?? ""
        return try multivariant("""
            #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="en",DEFAULT=YES,URI="en.m3u8"
            #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="de",URI="de.m3u8"
            #EXT-X-STREAM-INF:BANDWIDTH=\(bandwidth)\(avg),CODECS="avc1.640028,mp4a.40.2",AUDIO="aud"
            video.m3u8

            """)
    }

    private func bandwidthFindings(_ p: MultivariantPlaylist) throws -> [ValidationFinding] {
        let media = [
            "video.m3u8": try media(Self.video), "en.m3u8": try media(Self.audio), "de.m3u8": try media(Self.audio),
        ]
        let sizes: [String: [Int64]] = [
            "video.m3u8": Self.videoSizes, "en.m3u8": [64_000, 64_000, 64_000, 32_000], "de.m3u8": [32_000, 32_000, 32_000, 16_000],
        ]
        return PlaylistValidator.validate(multivariant: p, name: "mv", media: media, sizes: sizes)
    }

    @Test func bandwidthBelowPeak() throws {
        // Video peak 1 200 000 + largest audio peak (en: 128 000) = 1 328 000.
        #expect(try bandwidthFindings(try bandwidthPlaylist(1_328_000, 1_042_286)).isEmpty)
        let f = try bandwidthFindings(try bandwidthPlaylist(1_327_999, 1_042_286))
        #expect(f.map(\.rule) == [.bandwidthBelowPeak])
        #expect(f.first?.line == 4)
        #expect(f.first?.message.contains("1328000") == true)
    }

    @Test func averageBandwidthMismatch() throws {
        // Measured average: 914 286 + 128 000 = 1 042 286; 10 % = 104 228.6.
        #expect(try bandwidthFindings(try bandwidthPlaylist(2_000_000, 1_146_000)).isEmpty)
        #expect(try bandwidthFindings(try bandwidthPlaylist(2_000_000, 938_100)).isEmpty)
        #expect(try bandwidthFindings(try bandwidthPlaylist(2_000_000, 1_200_000)).map(\.rule) == [.averageBandwidthMismatch])
        #expect(try bandwidthFindings(try bandwidthPlaylist(2_000_000, 900_000)).map(\.rule) == [.averageBandwidthMismatch])
        let missing = try bandwidthFindings(try bandwidthPlaylist(2_000_000, nil))
        #expect(missing.map(\.rule) == [.missingAverageBandwidth])
        #expect(missing.first?.severity == .warning)
    }

    @Test func notChecked() throws {
        let p = try bandwidthPlaylist(1, 1)
        let none = PlaylistValidator.validate(multivariant: p, name: "mv", media: [:], sizes: [:])
        #expect(none.map(\.rule) == [.notChecked])
        #expect(none.first?.severity == .warning)
        // Audio rendition playlists missing: still not checked (rather than a wrong result).
        let noAudio = PlaylistValidator.validate(multivariant: p, name: "mv", media: ["video.m3u8": try media(Self.video)],
                                                 sizes: ["video.m3u8": Self.videoSizes])
        #expect(noAudio.map(\.rule) == [.notChecked])
        // Sizes that do not match the segments.
        let mismatch = PlaylistValidator.validate(multivariant: p, name: "mv", media: ["video.m3u8": try media(Self.video)],
                                                  sizes: ["video.m3u8": [1]])
        #expect(mismatch.map(\.rule) == [.notChecked])
    }

    @Test func iFrameBandwidthUsesByteRanges() throws {
        let iframes = try MediaPlaylist.parse(HLSFixtures.iFrames)
        // Peak: 10 528 B × 8 / 2.002 s = 42 069.9 → 42 070; average 27 072 × 8 / 6.006 → 36 060.
        #expect(PlaylistValidator.bitrates(of: iframes, sizes: [9400, 7144, 10528]).map { [$0.peak, $0.average] } == [42_070, 36_060])
        func check(_ bandwidth: Int) throws -> [ValidationRule] {
            let p = try multivariant("#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=\(bandwidth),CODECS=\"avc1.640028\",URI=\"i.m3u8\"\n")
            return PlaylistValidator.validate(multivariant: p, name: "mv", media: ["i.m3u8": iframes], sizes: [:]).map(\.rule)
        }
        #expect(try check(42_070).isEmpty)
        #expect(try check(42_069) == [.bandwidthBelowPeak])
    }

    // MARK: 9. Versions

    struct VersionCase: Sendable, CustomTestStringConvertible {
        var feature: String
        var required: Int
        var line: Int  // of the feature, with EXT-X-VERSION on line 2
        var body: String
        var multivariant = false
        var testDescription: String { feature }
    }

    static let versionCases: [VersionCase] = [
        VersionCase(feature: "IV", required: 2, line: 4,
                    body: "#EXT-X-TARGETDURATION:6\n#EXT-X-KEY:METHOD=AES-128,URI=\"k\",IV=0x0123456789ABCDEF0123456789ABCDEF\n#EXTINF:6,\na.ts\n"),
        VersionCase(feature: "float EXTINF", required: 3, line: 4, body: "#EXT-X-TARGETDURATION:6\n#EXTINF:5.5,\na.ts\n"),
        VersionCase(feature: "BYTERANGE", required: 4, line: 5, body: "#EXT-X-TARGETDURATION:6\n#EXTINF:6,\n#EXT-X-BYTERANGE:100@0\na.ts\n"),
        VersionCase(feature: "I-FRAMES-ONLY", required: 4, line: 4, body: "#EXT-X-TARGETDURATION:6\n#EXT-X-I-FRAMES-ONLY\n#EXTINF:6,\na.ts\n"),
        VersionCase(feature: "KEYFORMAT", required: 5, line: 4,
                    body: "#EXT-X-TARGETDURATION:6\n#EXT-X-KEY:METHOD=SAMPLE-AES,URI=\"skd://k\",KEYFORMAT=\"com.apple.streamingkeydelivery\"\n#EXTINF:6,\na.ts\n"),
        VersionCase(feature: "MAP in I-frames playlist", required: 5, line: 5,
                    body: "#EXT-X-TARGETDURATION:6\n#EXT-X-I-FRAMES-ONLY\n#EXT-X-MAP:URI=\"i.mp4\"\n#EXTINF:6,\na.mp4\n"),
        VersionCase(feature: "MAP", required: 6, line: 4, body: "#EXT-X-TARGETDURATION:6\n#EXT-X-MAP:URI=\"i.mp4\"\n#EXTINF:6,\na.mp4\n"),
        VersionCase(feature: "INSTREAM-ID SERVICE", required: 7, line: 3,
                    body: "#EXT-X-MEDIA:TYPE=CLOSED-CAPTIONS,GROUP-ID=\"cc\",NAME=\"s1\",INSTREAM-ID=\"SERVICE1\"\n", multivariant: true),
    ]

    @Test("versionTooLow", arguments: versionCases)
    func versionTooLow(_ c: VersionCase) throws {
        func rules(_ version: Int) throws -> [ValidationFinding] {
            let text = "#EXT-X-VERSION:\(version)\n" + c.body
            let all = c.multivariant
                ? PlaylistValidator.validate(multivariant: try multivariant(text), name: "v", media: [:], sizes: [:])
                : PlaylistValidator.validate(media: try media(text), name: "v")
            return all.filter { $0.rule == .versionTooLow }
        }
        let low = try rules(c.required - 1)
        #expect(low.count == 1)
        #expect(low.first?.line == c.line)
        #expect(low.first?.message.contains("EXT-X-VERSION \(c.required)") == true)
        #expect(try rules(c.required).isEmpty)
    }

    @Test func missingVersionCountsAsOne() throws {
        let f = findings(try media("#EXT-X-TARGETDURATION:6\n#EXTINF:5.5,\na.ts\n"), .versionTooLow)
        #expect(f.count == 1)
        #expect(f.first?.message.contains("no EXT-X-VERSION") == true)
        #expect(findings(try media("#EXT-X-TARGETDURATION:6\n#EXTINF:5,\na.ts\n"), .versionTooLow).isEmpty)
    }

    @Test func multipleVersions() throws {
        let bad = try media("#EXT-X-VERSION:3\n#EXT-X-VERSION:4\n#EXT-X-TARGETDURATION:6\n")
        #expect(findings(bad, .multipleVersions).map(\.line) == [3])
        #expect(findings(try media("#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:6\n"), .multipleVersions).isEmpty)
        let mv = try multivariant("#EXT-X-VERSION:3\n#EXT-X-VERSION:3\n")
        #expect(PlaylistValidator.validate(multivariant: mv, name: "mv", media: [:], sizes: [:]).map(\.rule) == [.multipleVersions])
    }

    // MARK: Facts

    @Test func byteRangeSizeMismatch() throws {
        let p = try MediaPlaylist.parse(HLSFixtures.iFrames)
        let bad = findings(p, .byteRangeSizeMismatch, facts: [1: SegmentFacts(size: 7000)])
        #expect(bad.map(\.line) == [11])  // the BYTERANGE line
        #expect(findings(p, .byteRangeSizeMismatch, facts: [1: SegmentFacts(size: 7144)]).isEmpty)
    }

    @Test func builtPlaylistsHaveNoLines() {
        var p = MediaPlaylist(targetDuration: 1, version: 3)
        p.append(MediaSegment(duration: MediaTime(seconds: 2), uri: "a.ts"))
        let f = findings(p, .extinfExceedsTarget)
        #expect(f.count == 1)
        #expect(f.first?.line == nil)
        #expect(f.first?.description == "m.m3u8: error: EXTINF duration 2 rounds to 2 s, more than EXT-X-TARGETDURATION 1 [extinfExceedsTarget]")
    }
}
