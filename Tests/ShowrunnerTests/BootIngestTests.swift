
import Showrunner
import Testing

@Suite struct BootIngestTests {
    typealias F = BootFixture

    func refusal(_ c: BootCreative, existing: [BootCreative] = [], rules: BootRules = F.rules) -> ShowrunnerError? {
        do {
            try rules.check(creative: c, brands: F.brands, existing: existing)
            return nil
        } catch let e as ShowrunnerError {
            return e
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    @Test func validCreativesPass() {
        #expect(refusal(F.creative("brew-60", share: 60)) == nil)
        #expect(refusal(F.creative("clip", kind: .video, durationMS: 30_000)) == nil)  // exactly the maximum
        #expect(refusal(F.house) == nil)
        #expect(F.creative("still").durationMS == 5000)  // images default to 5 s
    }

    @Test func fortySecondVideoIsRefused() {
        let e = refusal(F.creative("long", kind: .video, durationMS: 40_000))
        #expect(e?.field == "duration_ms")
        #expect(e?.code == .invalid)
        #expect(e?.message == "duration_ms: 40.000 s is longer than the channel's maximum of 30.000 s")
        #expect(refusal(F.creative("nolength", kind: .video))?.field == "duration_ms")  // a video needs its length
    }

    @Test func videoVariantsAreMP4sWithLengthAndHLS() {
        #expect(refusal(F.creative("clip", kind: .video, durationMS: 10_000)) == nil)
        var c = F.creative("clip", kind: .video, durationMS: 10_000)
        c.variants[0].mime = "image/jpeg"
        #expect(refusal(c)?.message == "variants: variant 1920x1080: a video variant is video/mp4, not image/jpeg")
        c = F.creative("clip", kind: .video, durationMS: 10_000)
        c.variants[1].durationMS = nil
        #expect(refusal(c)?.message == "variants: variant 3840x2160: a video variant needs its duration")
        c = F.creative("clip", kind: .video, durationMS: 10_000)
        c.variants[1].durationMS = 31_000
        #expect(refusal(c)?.message == "variants: variant 3840x2160 is 31.000 s long, over the channel's maximum of 30.000 s")
        c = F.creative("clip", kind: .video, durationMS: 10_000)
        c.variants[2].hlsMaster = nil
        #expect(refusal(c)?.field == "variants")
        c.variants[2].hlsMaster = "boot/../../etc/master.m3u8"
        #expect(refusal(c)?.message.contains("without '..'") == true)
        // An image variant has neither.
        c = F.creative("still")
        c.variants[0].hlsMaster = "boot/tv/still/1920x1080/master.m3u8"
        #expect(refusal(c)?.message == "variants: variant 1920x1080: an image variant has no duration or HLS of its own")
        // The largest video variant over the channel's file-size limit is refused like an image's.
        c = F.creative("clip", kind: .video, durationMS: 10_000)
        c.variants[1].size = 60 * 1024 * 1024
        #expect(refusal(c)?.message.contains("variant 3840x2160 is 62914560 bytes, over the channel's maximum of 52428800 bytes") == true)
    }

    @Test func oversizeVariantIsRefused() {
        var c = F.creative("big")
        c.variants[1].size = 60 * 1024 * 1024
        let e = refusal(c)
        #expect(e?.field == "variants")
        #expect(e?.message.contains("variant 3840x2160 is 62914560 bytes, over the channel's maximum of 52428800 bytes") == true)
        var ok = F.creative("edge")
        ok.variants[0].size = 50 * 1024 * 1024
        #expect(refusal(ok) == nil)
    }

    @Test func unknownOrMissingBrandIsRefused() {
        let e = refusal(F.creative("x", brand: "nobody"))
        #expect(e?.code == .notFound)
        #expect(e?.field == "brand")
        #expect(e?.message == "brand 'nobody' does not exist")
        #expect(refusal(F.creative("x", brand: ""))?.field == "brand")
    }

    @Test func reversedOrEmptyFlightIsRefused() {
        let e = refusal(F.creative("x", from: F.t("2026-12-10T00:00:00Z"), until: F.t("2026-12-01T00:00:00Z")))
        #expect(e?.field == "until")
        #expect(e?.message.contains("the flight must end after it starts") == true)
        #expect(refusal(F.creative("x", from: F.noon, until: F.noon))?.field == "until")
    }

    @Test(arguments: [0, 101, -5]) func shareOutOfRangeIsRefused(share: Int) {
        #expect(refusal(F.creative("x", share: share))?.field == "share_percent")
    }

    @Test func otherFieldsAreChecked() {
        #expect(refusal(F.creative("x", priority: 0))?.field == "priority")
        #expect(refusal(F.creative("x", priority: 11))?.field == "priority")
        #expect(refusal(F.creative("d", brand: "house", share: 50, isDefault: true))?.field == "share_percent")
        #expect(refusal(F.creative("x", channel: "mobile"))?.field == "channel")
        var c = F.creative("x")
        c.closePromptMS = 1500  // the prompt must come within the channel's 1 s
        #expect(refusal(c)?.field == "close_prompt_ms")
        c = F.creative("x")
        c.skippableAfterMS = 6000  // beyond the image's 5 s
        #expect(refusal(c)?.field == "skippable_after_ms")
        c = F.creative("x")
        c.variants[0].sha256 = "XYZ"
        #expect(refusal(c)?.field == "variants")
        c = F.creative("x")
        c.variants[0].path = "/etc/passwd"
        #expect(refusal(c)?.field == "variants")
        c = F.creative("x")
        c.variants[2].path = "boot/../../secret.jpg"
        #expect(refusal(c)?.field == "variants")
        c = F.creative("x")
        c.variants[0].width = 0
        #expect(refusal(c)?.message == "variants: variant 0x1080: width and height must be 1...16384")
        c = F.creative("x")
        c.variants.append(c.variants[0])
        #expect(refusal(c)?.message.contains("appears twice") == true)
    }

    @Test func shareOfVoiceOver100IsRefusedNamingTheCreatives() {
        let existing = [F.creative("brew-a", share: 60), F.creative("acme-b", brand: "acme", share: 30)]
        let e = refusal(F.creative("zeta-c", brand: "zeta", share: 20), existing: existing)
        #expect(e?.code == .conflict)
        #expect(e?.field == "share_percent")
        #expect(e?.message == "share_percent: share of voice over 100 % at priority 1 from 2026-11-01T00:00:00.000Z: acme-b 30 %, brew-a 60 % and zeta-c 20 % make 110 %")
        #expect(refusal(F.creative("zeta-c", brand: "zeta", share: 10), existing: existing) == nil)  // exactly 100 %
    }

    @Test func shareOfVoiceIsSummedPerInstantNotPerPair() {
        // a (60 %) and b (50 %) never run together; c (40 %) overlaps both: at most 100 % at any instant.
        let a = F.creative("a", share: 60, from: F.t("2026-12-01T00:00:00Z"), until: F.t("2026-12-05T00:00:00Z"))
        let b = F.creative("b", share: 50, from: F.t("2026-12-05T00:00:00Z"), until: F.t("2026-12-10T00:00:00Z"))
        let c = F.creative("c", share: 40, from: F.t("2026-12-01T00:00:00Z"), until: F.t("2026-12-10T00:00:00Z"))
        #expect(refusal(c, existing: [a, b]) == nil)
        var c41 = c
        c41.sharePercent = 41
        let e = refusal(c41, existing: [a, b])
        #expect(e?.message.contains("a 60 % and c 41 % make 101 %") == true)
        // b starting inside c's flight is found too.
        var b2 = b
        b2.sharePercent = 61
        #expect(refusal(c, existing: [a, b2])?.message.contains("from 2026-12-05T00:00:00.000Z: b 61 % and c 40 % make 101 %") == true)
    }

    @Test func overlapsWithEqualPriorityAreAllowedAndOthersIgnored() {
        // Equal priority, overlapping, no shares: allowed (split in id order by BootDecision).
        #expect(refusal(F.creative("b"), existing: [F.creative("a"), F.creative("c")]) == nil)
        // Shares of other priorities, other channels, defaults and the creative being replaced do not count.
        let existing = [F.creative("p2", priority: 2, share: 90), F.creative("m", share: 90, channel: "mobile"),
                        F.creative("x", share: 90), F.house]
        #expect(refusal(F.creative("x", share: 100), existing: existing) == nil)
        // Flights that only touch ([from, until) is half-open) do not overlap.
        let before = F.creative("before", share: 100, from: F.t("2026-11-01T00:00:00Z"), until: F.t("2026-12-01T00:00:00Z"))
        #expect(refusal(F.creative("after", share: 100, from: F.t("2026-12-01T00:00:00Z")), existing: [before]) == nil)
    }

    @Test func rulesValidateAndHaveTheIssuesDefaults() throws {
        try F.rules.validate()
        #expect(throws: ShowrunnerError.self) { try BootRules(channel: "tv", capPerDay: -1).validate() }
        #expect(throws: ShowrunnerError.self) { try BootRules(channel: "tv", utcOffsetMinutes: 20 * 60).validate() }
        let d = BootRules(channel: "tv")
        #expect(d.maxDurationMS == 30_000 && d.closePromptMS == 1000 && d.closeWithinMS == 3000)
        #expect(d.capPerDay == 3 && d.minIntervalMS == 600_000 && d.maxFileBytes == 52_428_800)
    }
}
