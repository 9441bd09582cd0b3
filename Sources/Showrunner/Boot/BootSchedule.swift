
/// One line of a channel's boot plan for a day.
public struct BootPlanEntry: Sendable, Hashable {
    /// nil: the boots on which nothing is shown (no default creative live).
    public var creative: BootCreative?
    /// Expected share of the day's boots, in permille; a plan's entries add up to 1000.
    public var expectedPermille: Int

    public init(creative: BootCreative?, expectedPermille: Int) {
        self.creative = creative
        self.expectedPermille = expectedPermille
    }
}

/// A channel's boot plan for one local day: which creatives run and what share of the day's
/// boots each is expected to get (`showrunner boot schedule CHANNEL --day D`, the ops page).
public enum BootSchedule {
    /// The plan of the channel-local day containing `day` (pass its local midnight).
    ///
    /// The day is cut where flights start or end; in each piece the `BootDecision` rule is
    /// applied to the creatives live then (with variants): a creative gets its slot's width of
    /// its group's boots, a group gets what the groups before it leave, the default (lowest
    /// priority number, then id) gets what is left, and with no default that rest is a
    /// `creative: nil` entry. Pieces are weighted by their length (boots spread evenly over the
    /// day), and the permilles are rounded by largest remainder so they add up to exactly 1000
    /// (remainder ties: entry order).
    ///
    /// Before frequency caps (which move a capped device's boots to the default or to nothing)
    /// and before per-model tier whitelists: this is the plan for an unrestricted model.
    ///
    /// Entries: every creative of the channel live during the day and with variants, non-default
    /// ones by priority then id, then defaults by priority then id (0 ‰ for one never reached),
    /// then the nothing entry if any boot gets nothing. A day with no creative at all is one
    /// nothing entry of 1000 ‰.
    public static func day(rules: BootRules, creatives: [BootCreative], day: Timestamp) -> [BootPlanEntry] {
        let start = rules.localMidnight(of: day)
        let end = start.adding(milliseconds: BootRules.dayMS)
        let live = creatives.filter { $0.channel == rules.channel && $0.hasUsableVariant && $0.overlaps(from: start, until: end) }
            .sorted { a, b in
                if a.isDefault != b.isDefault { return !a.isDefault }
                if a.priority != b.priority { return a.priority < b.priority }
                return bootIDPrecedes(a.id, b.id)
            }
        var cuts = Set([start, end])
        for c in live {
            if c.from > start && c.from < end { cuts.insert(c.from) }
            if c.until > start && c.until < end { cuts.insert(c.until) }
        }
        let bounds = cuts.sorted()
        // Mass per entry in (piece ms × parts per million of the piece's boots); the last entry
        // is nothing. At most 86_400_000 × 1_000_000 in all, × 1000 below: fits in Int64.
        let unit: Int64 = 1_000_000
        var mass = [Int64](repeating: 0, count: live.count + 1)
        for (a, b) in zip(bounds, bounds.dropFirst()) {
            let piece = b.milliseconds - a.milliseconds
            let here = live.indices.filter { live[$0].isLive(at: a) }
            let candidates = here.map { BootDecision.Candidate(live[$0]) }
            var remaining = unit
            for (_, slots) in BootDecision.groups(candidates) {
                var taken: Int64 = 0
                for s in slots {
                    let m = remaining * Int64(s.end - s.start) / 100
                    mass[here[s.index]] += m * piece
                    taken += m
                }
                remaining -= taken
            }
            let rest = BootDecision.fallbackDefault(candidates).map { here[$0] } ?? live.count
            mass[rest] += remaining * piece
        }
        let total = BootRules.dayMS * unit
        var permille = mass.map { Int($0 * 1000 / total) }
        let short = 1000 - permille.reduce(0, +)
        let byRemainder = mass.indices.sorted { a, b in
            let (x, y) = (mass[a] * 1000 % total, mass[b] * 1000 % total)
            return x != y ? x > y : a < b
        }
        for i in byRemainder.prefix(short) { permille[i] += 1 }
        var plan = live.indices.map { BootPlanEntry(creative: live[$0], expectedPermille: permille[$0]) }
        if mass[live.count] > 0 || live.isEmpty { plan.append(BootPlanEntry(creative: nil, expectedPermille: permille[live.count])) }
        return plan
    }
}
