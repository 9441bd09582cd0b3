import FoundationEssentials
import MediaCore
import Testing

/// A content-like template: 3 H.264 rungs at 24 fps, AAC-LC 48 kHz stereo, 6 s TS segments.
private func preflightContent(format: SpliceTemplate.Container = .ts) -> SpliceTemplate {
    let ts: Int32 = format == .ts ? 90_000 : 12_288
    return SpliceTemplate(
        format: format, targetDuration: 6, longestSegment: MediaTime(seconds: 6),
        video: [
            preflightRung("v1080p", 1920, 1080, "avc1.640028", profile: "High", level: 40, timescale: ts),
            preflightRung("v720p", 1280, 720, "avc1.64001f", profile: "High", level: 31, timescale: ts),
            preflightRung("v360p", 640, 360, "avc1.64001e", profile: "High", level: 30, timescale: ts),
        ],
        audio: SpliceTemplate.AudioTrack(
            id: "audio-eng", codecString: "mp4a.40.2", codecName: "aac", profile: "LC", sampleRate: 48_000,
            channels: 2, timescale: format == .ts ? 90_000 : 48_000))
}

private func preflightRung(_ id: String, _ w: Int, _ h: Int, _ codec: String, profile: String, level: Int,
                  timescale: Int32 = 90_000, fps: FrameRate = FrameRate(numerator: 24), idr: Bool = true) -> SpliceTemplate.VideoTrack {
    SpliceTemplate.VideoTrack(
        id: id, width: w, height: h, codecString: codec, codecName: codec.hasPrefix("hvc1") ? "hevc" : "h264",
        profile: profile, level: level, pixelFormat: "yuv420p", frameRate: fps, timescale: timescale,
        startsWithIDR: idr)
}

private func preflightCodes(_ m: [Mismatch]) -> [String] { m.map(\.code.rawValue) }

/// `StitchPreflight.check` on hand-built templates: one test per kind of mismatch.
struct PreflightTests {
    @Test func identicalTemplatesAreStitchable() {
        for format in SpliceTemplate.Container.allCases {
            let m = StitchPreflight.check(content: preflightContent(format: format), ad: preflightContent(format: format))
            #expect(m.isEmpty, "\(m)")
            #expect(StitchPreflight.isStitchable(m))
        }
    }

    @Test func formatDiffers() {
        let m = StitchPreflight.check(content: preflightContent(format: .ts), ad: preflightContent(format: .fmp4))
        // Timescales are not compared across containers: only the format is reported.
        #expect(preflightCodes(m) == ["format"])
        #expect(m[0].content == "ts" && m[0].ad == "fmp4" && m[0].field == "format")
        #expect(m[0].severity == .error)
        #expect(!StitchPreflight.isStitchable(m))
    }

    @Test(arguments: [
        (MediaTime(value: 6_400, timescale: 1000), false),  // EXTINF 6.4 rounds to 6: fits
        (MediaTime(value: 6_500, timescale: 1000), true),  // rounds to 7
        (MediaTime(seconds: 10), true),
        (MediaTime(value: 4_004, timescale: 1000), false),
    ])
    func segmentDuration(longest: MediaTime, breaks: Bool) {
        var ad = preflightContent()
        ad.longestSegment = longest
        ad.targetDuration = Int(longest.ticks(at: 1))
        let m = StitchPreflight.check(content: preflightContent(), ad: ad)
        #expect(preflightCodes(m) == (breaks ? ["segment-duration"] : []))
        if breaks {
            #expect(m[0].content == "6")
            #expect(m[0].ad == longest.decimalString(fractionDigits: 3))
            #expect(m[0].message.contains("EXT-X-TARGETDURATION of 6 s"))
        }
    }

    @Test func otherResolutionSet() {
        var ad = preflightContent()
        ad.video = [
            preflightRung("v720p", 1280, 720, "avc1.64001f", profile: "High", level: 31),
            preflightRung("v480p", 854, 480, "avc1.64001e", profile: "High", level: 30),
        ]
        let m = StitchPreflight.check(content: preflightContent(), ad: ad)
        #expect(preflightCodes(m) == ["rung-missing", "rung-missing", "rung-extra"])
        #expect(m[0].field == "video[1920x1080]" && m[0].content == "1920x1080" && m[0].ad == nil)
        #expect(m[1].field == "video[640x360]")
        #expect(m[1].message.contains("v360p") && m[1].message.contains("1280x720, 854x480"))
        #expect(m[2].field == "video[854x480]" && m[2].content == nil && m[2].ad == "854x480")
        #expect(m[2].severity == .warning)
    }

    @Test func extraRungAloneIsAWarning() {
        var ad = preflightContent()
        ad.video.append(preflightRung("v240p", 426, 240, "avc1.640015", profile: "High", level: 21))
        let m = StitchPreflight.check(content: preflightContent(), ad: ad)
        #expect(preflightCodes(m) == ["rung-extra"])
        #expect(StitchPreflight.isStitchable(m))
    }

    @Test func videoCodecHidesProfileAndLevel() {
        var ad = preflightContent()
        ad.video[1] = preflightRung("v720p", 1280, 720, "hvc1.1.6.L93.B0", profile: "Main", level: 93)
        let m = StitchPreflight.check(content: preflightContent(), ad: ad)
        #expect(preflightCodes(m) == ["video-codec"])
        #expect(m[0].field == "video[1280x720].codecName" && m[0].content == "h264" && m[0].ad == "hevc")
        #expect(m[0].message.contains("H.264 (avc1.64001f)") && m[0].message.contains("HEVC (hvc1.1.6.L93.B0)"))
    }

    @Test func profileDiffers() {
        var ad = preflightContent()
        ad.video[2] = preflightRung("v360p", 640, 360, "avc1.4d401e", profile: "Main", level: 30)
        let m = StitchPreflight.check(content: preflightContent(), ad: ad)
        #expect(preflightCodes(m) == ["video-profile"])
        #expect(m[0].content == "High" && m[0].ad == "Main" && m[0].field == "video[640x360].profile")
    }

    @Test func levelDiffers() {
        var ad = preflightContent()
        ad.video[0] = preflightRung("v1080p", 1920, 1080, "avc1.64002a", profile: "High", level: 42)
        let m = StitchPreflight.check(content: preflightContent(), ad: ad)
        #expect(preflightCodes(m) == ["video-level"])
        #expect(m[0].content == "4.0" && m[0].ad == "4.2")
        #expect(m[0].message.contains("higher"))
    }

    @Test func codecStringAloneDiffers() {
        // Same profile and level, other constraint flags (avc1.64081f: constraint_set4).
        var ad = preflightContent()
        ad.video[1].codecString = "avc1.64081f"
        let m = StitchPreflight.check(content: preflightContent(), ad: ad)
        #expect(preflightCodes(m) == ["video-codec-string"])
        #expect(m[0].content == "avc1.64001f" && m[0].ad == "avc1.64081f")
        // Case alone is not a difference.
        ad.video[1].codecString = "AVC1.64001F"
        #expect(StitchPreflight.check(content: preflightContent(), ad: ad).isEmpty)
    }

    @Test func pixelFormatDiffers() {
        var ad = preflightContent()
        ad.video[0].pixelFormat = "yuv420p10le"
        let m = StitchPreflight.check(content: preflightContent(), ad: ad)
        #expect(preflightCodes(m) == ["video-pixel-format"])
        #expect(m[0].ad == "yuv420p10le")
    }

    @Test func frameRateIsAWarning() {
        var ad = preflightContent()
        for i in ad.video.indices { ad.video[i].frameRate = FrameRate(numerator: 30_000, denominator: 1001) }
        let m = StitchPreflight.check(content: preflightContent(), ad: ad)
        #expect(preflightCodes(m) == ["video-frame-rate", "video-frame-rate", "video-frame-rate"])
        #expect(m.allSatisfy { $0.severity == .warning })
        #expect(m[0].content == "24/1" && m[0].ad == "30000/1001")
        #expect(m[0].description.hasPrefix("warning: video-frame-rate: "))
        #expect(StitchPreflight.isStitchable(m))
        // Equal rationals are equal rates.
        for i in ad.video.indices { ad.video[i].frameRate = FrameRate(numerator: 48, denominator: 2) }
        #expect(StitchPreflight.check(content: preflightContent(), ad: ad).isEmpty)
    }

    @Test func timescaleOnlyForFMP4() {
        var ad = preflightContent(format: .fmp4)
        ad.video[2].timescale = 12_800
        ad.audio?.timescale = 44_100
        let m = StitchPreflight.check(content: preflightContent(format: .fmp4), ad: ad)
        #expect(preflightCodes(m) == ["video-timescale", "audio-timescale"])
        #expect(m[0].content == "12288" && m[0].ad == "12800")
        // TS timestamps are always 90 kHz: a differing value there is not compared.
        var tsAd = preflightContent(format: .ts)
        tsAd.video[2].timescale = 12_800
        #expect(StitchPreflight.check(content: preflightContent(format: .ts), ad: tsAd).isEmpty)
    }

    @Test func adRungNotStartingWithIDR() {
        var ad = preflightContent()
        ad.video[1].startsWithIDR = false
        let m = StitchPreflight.check(content: preflightContent(), ad: ad)
        #expect(preflightCodes(m) == ["video-not-idr"])
        #expect(m[0].field == "video[1280x720].startsWithIDR" && m[0].ad == "false")
        // The content's own first segment does not matter (the splice returns at a cue).
        var c = preflightContent()
        c.video[1].startsWithIDR = false
        #expect(StitchPreflight.check(content: c, ad: preflightContent()).isEmpty)
    }

    @Test func heAAC22kVersusLC48k() {
        var ad = preflightContent()
        ad.audio = SpliceTemplate.AudioTrack(
            id: "audio-1", codecString: "mp4a.40.5", codecName: "aac", profile: "HE", sampleRate: 22_050,
            channels: 2, timescale: 90_000)
        let m = StitchPreflight.check(content: preflightContent(), ad: ad)
        #expect(preflightCodes(m) == ["audio-profile", "audio-sample-rate"])
        #expect(m[0].content == "LC" && m[0].ad == "HE")
        #expect(m[0].message.contains("AAC-LC (mp4a.40.2)") && m[0].message.contains("HE-AAC (mp4a.40.5)"))
        #expect(m[1].content == "48000" && m[1].ad == "22050")
        #expect(m[1].message.contains("48 kHz") && m[1].message.contains("22.05 kHz"))
    }

    @Test func heAACv2Profile() {
        var ad = preflightContent()
        ad.audio?.codecString = "mp4a.40.29"
        ad.audio?.profile = "HE-v2"
        let m = StitchPreflight.check(content: preflightContent(), ad: ad)
        #expect(preflightCodes(m) == ["audio-profile"])
        #expect(m[0].message.contains("HE-AACv2"))
    }

    @Test func channelsDiffer() {
        var ad = preflightContent()
        ad.audio?.channels = 1
        ad.audio?.sampleRate = 44_100
        let m = StitchPreflight.check(content: preflightContent(), ad: ad)
        #expect(preflightCodes(m) == ["audio-sample-rate", "audio-channels"])
        #expect(m[1].content == "2" && m[1].ad == "1" && m[1].message.contains("mono"))
        #expect(m[0].message.contains("44.1 kHz"))
    }

    @Test func audioCodecDiffersHidesProfile() {
        var ad = preflightContent()
        ad.audio = SpliceTemplate.AudioTrack(
            id: "v720p", codecString: "ac-3", codecName: "ac3", profile: nil, sampleRate: 48_000, channels: 6,
            timescale: 90_000)
        let m = StitchPreflight.check(content: preflightContent(), ad: ad)
        #expect(preflightCodes(m) == ["audio-codec", "audio-channels"])
        #expect(m[0].message.contains("AAC-LC") && m[0].message.contains("AC-3"))
    }

    @Test func audioCodecStringAloneDiffers() {
        var ad = preflightContent()
        ad.audio?.codecString = "mp4a.40.02"
        #expect(preflightCodes(StitchPreflight.check(content: preflightContent(), ad: ad)) == ["audio-codec-string"])
    }

    @Test func audioMissingOrExtra() {
        var ad = preflightContent()
        ad.audio = nil
        let missing = StitchPreflight.check(content: preflightContent(), ad: ad)
        #expect(preflightCodes(missing) == ["audio-missing"])
        #expect(missing[0].ad == nil && missing[0].content == "mp4a.40.2")
        let extra = StitchPreflight.check(content: ad, ad: preflightContent())
        #expect(preflightCodes(extra) == ["audio-extra"])
    }

    @Test func everythingAtOnceInAFixedOrder() {
        var ad = preflightContent(format: .fmp4)
        ad.longestSegment = MediaTime(seconds: 8)
        ad.video = [preflightRung("v720p", 1280, 720, "avc1.4d401f", profile: "Main", level: 31, idr: false)]
        ad.audio?.sampleRate = 44_100
        let m = StitchPreflight.check(content: preflightContent(), ad: ad)
        #expect(preflightCodes(m) == [
            "format", "segment-duration", "rung-missing", "rung-missing", "video-profile", "video-not-idr",
            "audio-sample-rate",
        ])
    }

    @Test func templateCodableRoundTrip() throws {
        var t = preflightContent(format: .fmp4)
        t.video[0].frameRate = FrameRate(numerator: 30_000, denominator: 1001)
        t.video[1].frameRate = nil
        let data = try JSONEncoder().encode(t)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"frameRate\":\"30000\\/1001\"") || text.contains("\"frameRate\":\"30000/1001\""))
        let back = try JSONDecoder().decode(SpliceTemplate.self, from: data)
        #expect(back == t)
        let mismatch = StitchPreflight.check(content: preflightContent(), ad: t)
        let decoded = try JSONDecoder().decode([Mismatch].self, from: try JSONEncoder().encode(mismatch))
        #expect(decoded == mismatch)
        #expect(String(decoding: try JSONEncoder().encode(Mismatch.Code.videoLevel), as: UTF8.self) == "\"video-level\"")
    }

    @Test func levelText() {
        #expect(preflightRung("a", 2, 2, "avc1.64001f", profile: "High", level: 31).levelText == "3.1")
        #expect(preflightRung("a", 2, 2, "hvc1.1.6.L93.B0", profile: "Main", level: 93).levelText == "3.1")
        #expect(preflightRung("a", 2, 2, "hvc1.1.6.L120.B0", profile: "Main", level: 120).levelText == "4")
        #expect(SpliceTemplate.AudioTrack.aacProfile(codecString: "mp4a.40.29") == "HE-v2")
        #expect(SpliceTemplate.AudioTrack.aacProfile(codecString: "ac-3") == nil)
        #expect(SpliceTemplate.frameRate("30000/1001") == FrameRate(numerator: 30_000, denominator: 1001))
        #expect(SpliceTemplate.frameRate("25") == FrameRate(numerator: 25))
        #expect(SpliceTemplate.frameRate("0/1") == nil)
        #expect(SpliceTemplate.fractionText(FrameRate(numerator: 48, denominator: 2)) == "24/1")
    }
}
