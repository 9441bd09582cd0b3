
import Showrunner
import Testing

/// Share of voice across a fleet: every device decides alone, the fleet shows the shares.
@Suite struct BootShareTests {
    typealias F = BootFixture

    @Test func sixtyFortyHoldsAcrossTenThousandDevices() {
        let counts = F.tally([F.creative("brew", share: 60), F.creative("acme", brand: "acme", share: 40), F.house])
        #expect((5800...6200).contains(counts["brew"] ?? 0), "\(counts)")
        #expect((3800...4200).contains(counts["acme"] ?? 0), "\(counts)")
        #expect(counts["house-default"] == nil)
    }

    @Test func threeWayFiftyThirtyTwenty() {
        let counts = F.tally([F.creative("a", share: 50), F.creative("b", share: 30), F.creative("c", share: 20)])
        #expect((4800...5200).contains(counts["a"] ?? 0), "\(counts)")
        #expect((2800...3200).contains(counts["b"] ?? 0), "\(counts)")
        #expect((1800...2200).contains(counts["c"] ?? 0), "\(counts)")
    }

    @Test func sharesHoldOnOtherDaysAndForSimilarIDs() {
        // Ids that differ only in their last byte, on three other days.
        for day in ["2026-12-02T04:00:00Z", "2026-12-09T04:00:00Z", "2026-12-24T04:00:00Z"] {
            let counts = F.tally([F.creative("camp-a", share: 60), F.creative("camp-b", share: 40)], now: F.t(day))
            #expect((5800...6200).contains(counts["camp-a"] ?? 0), "\(day) \(counts)")
        }
    }

    @Test func remainderGoesToLowerPrioritiesThenDefault() {
        // Priority 1 sells 50 %; priority 2 gets 60/40 of the other half; the default what is left.
        let counts = F.tally([F.creative("top", share: 50), F.creative("p2a", priority: 2, share: 60),
                              F.creative("p2b", priority: 2, share: 20), F.house])
        #expect((4800...5200).contains(counts["top"] ?? 0), "\(counts)")
        #expect((2800...3200).contains(counts["p2a"] ?? 0), "\(counts)")
        #expect((800...1200).contains(counts["p2b"] ?? 0), "\(counts)")
        #expect((800...1200).contains(counts["house-default"] ?? 0), "\(counts)")
    }

    @Test func shareLessCreativesSplitTheRest() {
        let counts = F.tally([F.creative("a", share: 40), F.creative("b"), F.creative("c")])
        #expect((3800...4200).contains(counts["a"] ?? 0), "\(counts)")
        #expect((2800...3200).contains(counts["b"] ?? 0), "\(counts)")
        #expect((2800...3200).contains(counts["c"] ?? 0), "\(counts)")
    }
}
