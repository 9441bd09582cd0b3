
import Showrunner
import Testing

@Suite struct BootScheduleTests {
    typealias F = BootFixture
    /// 2026-12-01 00:00 at UTC+8.
    static let day = F.t("2026-11-30T16:00:00Z")

    func plan(_ creatives: [BootCreative], day: Timestamp = day) -> [String: Int] {
        let entries = BootSchedule.day(rules: F.rules, creatives: creatives, day: day)
        #expect(entries.reduce(0) { $0 + $1.expectedPermille } == 1000)
        return Dictionary(entries.map { ($0.creative?.id ?? "-", $0.expectedPermille) }, uniquingKeysWith: +)
    }

    @Test func sixtyFortyAndTheDefault() {
        let entries = BootSchedule.day(rules: F.rules, creatives: [F.house, F.creative("b", share: 40), F.creative("a", share: 60)],
                                       day: Self.day)
        #expect(entries.map { $0.creative?.id } == ["a", "b", "house-default"])
        #expect(entries.map(\.expectedPermille) == [600, 400, 0])
    }

    @Test func remainderFlowsDownThenToDefaultOrNothing() {
        #expect(plan([F.creative("a", share: 50), F.creative("b", share: 30), F.creative("c", priority: 2, share: 100), F.house])
                == ["a": 500, "b": 300, "c": 200, "house-default": 0])
        #expect(plan([F.creative("a", share: 50), F.creative("c", priority: 2, share: 60), F.house])
                == ["a": 500, "c": 300, "house-default": 200])
        #expect(plan([F.creative("a", share: 70)]) == ["a": 700, "-": 300])
        #expect(plan([]) == ["-": 1000])
        #expect(plan([F.creative("a"), F.creative("b"), F.creative("c")]) == ["a": 340, "b": 330, "c": 330])
    }

    @Test func flightsInsideTheDayAreWeightedByTime() {
        // a runs from local noon: half the day.
        #expect(plan([F.creative("a", share: 100, from: F.t("2026-12-01T04:00:00Z")), F.house]) == ["a": 500, "house-default": 500])
        // b ends at 06:00 local, c starts then; a quarter and three quarters of 50 %.
        let b = F.creative("b", share: 50, until: F.t("2026-11-30T22:00:00Z"))
        let c = F.creative("c", share: 50, from: F.t("2026-11-30T22:00:00Z"))
        #expect(plan([b, c, F.house]) == ["b": 125, "c": 375, "house-default": 500])
        // Creatives outside the day or on another channel are not in the plan.
        #expect(plan([F.creative("old", share: 100, until: Self.day), F.creative("m", share: 100, channel: "mobile"), F.house])
                == ["house-default": 1000])
    }

    @Test func oddPiecesStillAddUpTo1000() {
        var set: [BootCreative] = [F.house]
        for i in 0..<7 {
            let from = Self.day.adding(milliseconds: Int64(i) * 9_876_543)
            set.append(F.creative("c\(i)", priority: 1 + i % 3, share: [33, 17, 29, nil, 11, 7, 13][i], from: from,
                                  until: from.adding(milliseconds: 31_234_567)))
        }
        _ = plan(set)
        _ = plan(Array(set.dropFirst()))
    }

    @Test func planMatchesWhatTheFleetGets() {
        let set = [F.creative("a", share: 45), F.creative("b", share: 25), F.creative("c", priority: 2), F.creative("d", priority: 2, share: 30), F.house]
        let expected = plan(set)
        let counts = F.tally(set)  // at local noon, all live
        for (id, permille) in expected {
            #expect(abs((counts[id] ?? 0) - permille * 10) <= 200, "\(id): \(counts[id] ?? 0) of 10,000 vs \(permille) ‰")
        }
    }
}
