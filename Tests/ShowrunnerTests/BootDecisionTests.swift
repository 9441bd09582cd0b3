
import Showrunner
import Testing

@Suite struct BootDecisionTests {
    typealias F = BootFixture

    @Test func onlyCreativesInFlightAreShown() {
        let from = F.t("2026-12-01T00:00:00Z"), until = F.t("2026-12-02T00:00:00Z")
        let set = [F.creative("brew", share: 100, from: from, until: until), F.house]
        #expect(F.decide(set, now: from.adding(milliseconds: -1))?.creative == "house-default")
        #expect(F.decide(set, now: from)?.creative == "brew")
        #expect(F.decide(set, now: until.adding(milliseconds: -1))?.creative == "brew")
        #expect(F.decide(set, now: until)?.creative == "house-default")
        #expect(F.decide(set, now: until)?.reason == "no boot ad eligible, default shown; exact profile 1920x1080")
    }

    @Test func choiceCarriesTimingsAndReason() throws {
        var brew = F.creative("brew", share: 100, kind: .video, durationMS: 15_000)
        brew.skippableAfterMS = 5000
        brew.closePromptMS = 500
        let c = try #require(F.decide([brew]))
        #expect(c.creative == "brew" && c.brand == "brew-co" && c.kind == .video && !c.isDefault && c.priority == 1)
        #expect(c.durationMS == 15_000 && c.skippableAfterMS == 5000 && c.closePromptMS == 500 && c.closeWithinMS == 3000)
        #expect(c.variant.path == "boot/tv/brew/1920x1080.mp4" && c.variant.mime == "video/mp4")
        #expect(c.variant.durationMS == 15_000 && c.variant.hlsMaster == "boot/tv/brew/1920x1080/master.m3u8")
        let b = BootDecision.bucket(channel: "tv", device: "dev-1", day: F.rules.localDay(of: F.noon), priority: 1)
        #expect(c.reason == "priority 1, share 100 % (bucket \(b) of 100), brew-co; exact profile 1920x1080")
        // The channel's close prompt when the creative has none.
        #expect(F.decide([F.creative("still", share: 100)])?.closePromptMS == 1000)
    }

    @Test func tierWhitelistFollowsTheModel() {
        let set = [F.creative("brew", brand: "brew-co", priority: 1, share: 100),
                   F.creative("acme", brand: "acme", priority: 2, share: 100),
                   F.creative("zeta", brand: "zeta", priority: 3, share: 100), F.house]
        #expect(F.decide(set, model: "Y1")?.creative == "brew")       // not listed: every tier
        #expect(F.decide(set, model: nil)?.creative == "brew")
        #expect(F.decide(set, model: "X9-PRO")?.creative == "acme")   // exact key: premium only
        #expect(F.decide(set, model: "X9-LITE")?.creative == "brew")  // `X9*`: premium and standard
        let rules = BootRules(channel: "tv", modelTiers: ["X9-PRO": [.premium]], utcOffsetMinutes: 480)
        let standardOnly = [F.creative("brew", share: 100), F.creative("d", brand: "zeta", isDefault: true)]
        #expect(F.decide(standardOnly, model: "X9-PRO", rules: rules) == nil)  // even the (basic) default is not allowed
        #expect(rules.allowedTiers(model: "X9-PRO") == [.premium])
        #expect(rules.allowedTiers(model: "other") == nil)
    }

    @Test func unknownBrandOrNoVariantIsNeverShown() {
        var noVariants = F.creative("empty", share: 100)
        noVariants.variants = []
        #expect(F.decide([F.creative("ghost", brand: "gone", share: 100), noVariants, F.house])?.creative == "house-default")
    }

    @Test func capOfThreeADayThenTheDefault() throws {
        let set = [F.creative("brew", share: 100), F.house]
        let today = [F.t("2026-12-01T01:00:00Z"), F.t("2026-12-01T02:00:00Z")]  // 09:00 and 10:00 local
        #expect(F.decide(set, history: today)?.creative == "brew")
        let three = today + [F.t("2026-12-01T03:00:00Z")]
        let c = try #require(F.decide(set, history: three))
        #expect(c.creative == "house-default" && c.isDefault)
        #expect(c.reason == "capped: 3 today (cap 3), default shown; exact profile 1920x1080")
        // Yesterday (local) does not count: 2026-11-30T15:30Z is 23:30 on Nov 30 at UTC+8.
        let yesterday = [F.t("2026-11-30T13:00:00Z"), F.t("2026-11-30T14:00:00Z"), F.t("2026-11-30T15:30:00Z")]
        #expect(F.decide(set, history: yesterday + today)?.creative == "brew")
        // ... but 16:30Z is 00:30 on Dec 1 local: it does.
        #expect(F.decide(set, history: today + [F.t("2026-11-30T16:30:00Z")])?.creative == "house-default")
        // Impressions after `now` (a skewed clock) are ignored.
        #expect(F.decide(set, history: today + [F.t("2026-12-01T05:00:00Z")])?.creative == "brew")
    }

    @Test func tenMinuteInterval() throws {
        let set = [F.creative("brew", share: 100), F.house]
        let c = try #require(F.decide(set, history: [F.noon.adding(seconds: -9 * 60)]))
        #expect(c.creative == "house-default")
        #expect(c.reason == "capped: last boot ad 9 min ago (minimum interval 10 min), default shown; exact profile 1920x1080")
        #expect(F.decide(set, history: [F.noon.adding(seconds: -10 * 60)])?.creative == "brew")
        let zero = BootRules(channel: "tv", minIntervalMS: 0, utcOffsetMinutes: 480)
        #expect(F.decide(set, history: [F.noon.adding(seconds: -1)], rules: zero)?.creative == "brew")
    }

    @Test func nothingWhenCappedWithoutDefault() {
        let set = [F.creative("brew", share: 100)]
        #expect(F.decide(set, history: [F.noon.adding(seconds: -60)]) == nil)
        #expect(F.decide(set, history: [F.t("2026-12-01T00:00:00Z"), F.t("2026-12-01T01:00:00Z"), F.t("2026-12-01T02:00:00Z")]) == nil)
        #expect(F.decide([]) == nil)
        let off = BootRules(channel: "tv", capPerDay: 0, utcOffsetMinutes: 480)
        #expect(F.decide(set + [F.house], rules: off)?.creative == "house-default")  // cap 0: ads off
    }

    @Test func defaultIsNeverCappedAndLowestPriorityThenIDWins() {
        let d1 = F.creative("z-default", brand: "house", priority: 3, isDefault: true)
        let d2 = F.creative("b-default", brand: "house", priority: 5, isDefault: true)
        let d3 = F.creative("a-default", brand: "house", priority: 5, isDefault: true)
        let many = (0..<10).map { F.noon.adding(seconds: Int64(-60 * $0 - 60)) }
        #expect(F.decide([d2, d3], history: many)?.creative == "a-default")
        #expect(F.decide([d2, d1, d3], history: many)?.creative == "z-default")
    }

    @Test func sameInputsSameChoiceInAnyOrder() {
        let set = [F.creative("a", share: 30), F.creative("b", share: 30), F.creative("c"), F.creative("d", priority: 2), F.house]
        let history = [F.t("2026-11-30T20:00:00Z"), F.t("2026-12-01T02:00:00Z")]
        for d in 0..<300 {
            let one = F.decide(set, device: "dev-\(d)", history: history)
            #expect(one == F.decide(set.reversed(), device: "dev-\(d)", history: history.reversed()))
            #expect(one == F.decide(set, device: "dev-\(d)", history: history))
        }
    }

    @Test func aDeviceKeepsItsCreativeAllDayAndRotatesDaily() {
        let set = [F.creative("a", share: 60), F.creative("b", share: 40)]
        var changed = 0
        for d in 0..<2000 {
            let morning = F.decide(set, device: "dev-\(d)", now: F.t("2026-11-30T16:30:00Z"))  // 00:30 local Dec 1
            let night = F.decide(set, device: "dev-\(d)", now: F.t("2026-12-01T15:30:00Z"))    // 23:30 local Dec 1
            let next = F.decide(set, device: "dev-\(d)", now: F.t("2026-12-01T16:30:00Z"))     // 00:30 local Dec 2
            #expect(morning?.creative == night?.creative)
            if next?.creative != night?.creative { changed += 1 }
        }
        // A 60/40 pick is redrawn each day: it changes with probability 2 × 0.6 × 0.4 = 48 %.
        #expect((860...1060).contains(changed), "changed \(changed) of 2000")
    }

    @Test func equalPriorityTieBreakIsIDOrderWithEqualSplit() {
        // No shares: a, b, c split 100 buckets 34 / 33 / 33 in byte-wise id order, whatever the input order.
        let set = [F.creative("c"), F.creative("a"), F.creative("b")]
        let day = F.rules.localDay(of: F.noon)
        for d in 0..<500 {
            let b = BootDecision.bucket(channel: "tv", device: "dev-\(d)", day: day, priority: 1)
            let expected = b < 34 ? "a" : b < 67 ? "b" : "c"
            let choice = F.decide(set, device: "dev-\(d)")
            #expect(choice?.creative == expected)
            #expect(choice?.reason.hasPrefix("priority 1, equal split \(expected == "a" ? 34 : 33) % (bucket \(b) of 100)") == true)
        }
        // Byte-wise: uppercase sorts before lowercase; a share-less creative splits what the shares leave.
        let mixed = [F.creative("a", share: 50), F.creative("B"), F.creative("c")]
        for d in 0..<300 {
            let b = BootDecision.bucket(channel: "tv", device: "dev-\(d)", day: day, priority: 1)
            let expected = b < 25 ? "B" : b < 75 ? "a" : "c"
            #expect(F.decide(mixed, device: "dev-\(d)")?.creative == expected)
        }
    }

    @Test func bucketPastTheSharesFallsThroughToTheNextPriorityThenDefault() throws {
        let set = [F.creative("a", share: 50), F.creative("lower", priority: 4, share: 100), F.house]
        let day = F.rules.localDay(of: F.noon)
        for d in 0..<300 {
            let b = BootDecision.bucket(channel: "tv", device: "dev-\(d)", day: day, priority: 1)
            let c = try #require(F.decide(set, device: "dev-\(d)"))
            #expect(c.creative == (b < 50 ? "a" : "lower"))
            if b >= 50 { #expect(c.reason.hasPrefix("priority 1: bucket \(b) of 100 past its 50 %; priority 4, share 100 %")) }
            let noLower = try #require(F.decide([set[0], F.house], device: "dev-\(d)"))
            #expect(noLower.creative == (b < 50 ? "a" : "house-default"))
            if b >= 50 { #expect(noLower.reason == "priority 1: bucket \(b) of 100 past its 50 %, default shown; exact profile 1920x1080") }
            #expect(F.decide([set[0]], device: "dev-\(d)")?.creative == (b < 50 ? "a" : nil))
        }
    }
}
