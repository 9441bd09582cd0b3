import MediaCore

/// The break plan of a version: derived from its cut points, or the title's explicit plan checked
/// against the version. Pure; no I/O.
extension AdDecisionEngine {
    /// A break plan and what `plan` changed while making it (planned durations clamped to the
    /// channel's maximum), for the audit and the CLI.
    public struct PlanReport: Sendable, Hashable {
        /// The breaks, sorted by time.
        public var plans: [BreakPlan]
        /// One sentence per adjustment, e.g. `mid-1: planned 150.000 s clamped to the channel's 120.000 s per break`.
        public var notes: [String]

        public init(plans: [BreakPlan], notes: [String]) {
            self.plans = plans
            self.notes = notes
        }
    }

    /// The break plan of `version` on a channel with `policy`.
    ///
    /// - With `breaks` (the title's explicit plan, `breaks set`): the plan is validated against the
    ///   version (see `validate`), whole, then its breaks are used as they are.
    /// - Without: a pre-roll at 0, a mid-roll at each of the version's cut points (`cutsMS`, sorted,
    ///   without duplicates, skipping 0 and anything at or after the end) and a post-roll at
    ///   `durationMS`, with the policy's default planned durations; no break whose default
    ///   duration is 0 or less.
    ///
    /// Either way only the positions the policy has on are kept (a channel without ads gets no
    /// empty breaks and no markers), and planned durations above `policy.maxAdMSPerBreak` are
    /// clamped to it; `planReport` says what was left out or clamped.
    ///
    /// - Throws: `ShowrunnerError` `.invalid` naming the field when the explicit plan does not fit the version.
    public static func plan(version: TitleVersion, breaks: TitleBreaks?, policy: AdPolicy) throws(ShowrunnerError) -> [BreakPlan] {
        try planReport(version: version, breaks: breaks, policy: policy).plans
    }

    /// `plan`, with a note for each explicit break left out because its position is off and each
    /// planned duration clamped to `policy.maxAdMSPerBreak`.
    public static func planReport(version: TitleVersion, breaks: TitleBreaks?, policy: AdPolicy) throws(ShowrunnerError) -> PlanReport {
        var plans: [BreakPlan]
        var notes: [String] = []
        if let breaks {
            try validate(breaks, version: version)
            plans = breaks.breaks.filter { policy.positions.contains($0.position) }
            for (i, b) in breaks.breaks.enumerated() where !policy.positions.contains(b.position) {
                notes.append("\(breakID(breaks.breaks, index: i)) at \(seconds(b.atMS)): \(b.position.rawValue)-roll breaks are off on channel \(policy.channel)")
            }
        } else {
            plans = []
            let on = Set(policy.positions)
            if on.contains(.pre), policy.preRollMS > 0 {
                plans.append(BreakPlan(position: .pre, atMS: 0, plannedMS: policy.preRollMS))
            }
            if on.contains(.mid), policy.midRollMS > 0 {
                for cut in Set(version.cutsMS).sorted() where cut > 0 && cut < version.durationMS {
                    plans.append(BreakPlan(position: .mid, atMS: cut, plannedMS: policy.midRollMS))
                }
            }
            if on.contains(.post), policy.postRollMS > 0, version.durationMS > 0 {
                plans.append(BreakPlan(position: .post, atMS: version.durationMS, plannedMS: policy.postRollMS))
            }
        }
        let cap = max(0, policy.maxAdMSPerBreak)
        for i in plans.indices where plans[i].plannedMS > cap {
            notes.append("\(breakID(plans, index: i)): planned \(seconds(plans[i].plannedMS)) clamped to the channel's \(seconds(cap)) per break")
            plans[i].plannedMS = cap
        }
        return PlanReport(plans: plans, notes: notes)
    }

    /// Checks an explicit break plan against the version it will play on, before `breaks set`
    /// stores it: the plan is for the version's title; a pre break is at 0; a mid break is strictly
    /// inside the title and exactly (±0 ms) at one of the version's cut points; a post break is at
    /// the version's duration; breaks are sorted by time with no two at the same time; planned
    /// durations are above 0. (The channel's per-break maximum is applied by `plan`, which clamps.)
    ///
    /// - Throws: `ShowrunnerError` `.invalid`; `field` names the first field at fault
    ///   (`title`, `breaks[2].at_ms`, `breaks[0].planned_ms`, ...) and the message lists every problem.
    public static func validate(_ breaks: TitleBreaks, version: TitleVersion) throws(ShowrunnerError) {
        var problems: [(field: String, message: String)] = []
        if breaks.title != version.title {
            problems.append(("title", "the plan is for '\(breaks.title)' but version \(version.id) belongs to '\(version.title)'"))
        }
        let cuts = Set(version.cutsMS).sorted()
        let end = version.durationMS
        for (i, b) in breaks.breaks.enumerated() {
            let at = "breaks[\(i)].at_ms"
            switch b.position {
            case .pre:
                if b.atMS != 0 { problems.append((at, "a pre break starts at 0 ms, not \(b.atMS)")) }
            case .post:
                if b.atMS != end { problems.append((at, "a post break starts at the end of version \(version.id), \(end) ms, not \(b.atMS)")) }
            case .mid:
                if b.atMS <= 0 || b.atMS >= end {
                    problems.append((at, "a mid break must be inside the title, between 0 and \(end) ms (exclusive), not at \(b.atMS)"))
                } else if !cuts.contains(b.atMS) {
                    problems.append((at, "\(b.atMS) ms is not a cut point of version \(version.id); \(nearestCuts(b.atMS, cuts: cuts, end: end))"))
                }
            }
            if b.plannedMS <= 0 {
                problems.append(("breaks[\(i)].planned_ms", "must be above 0, not \(b.plannedMS)"))
            }
            if i > 0 {
                let prev = breaks.breaks[i - 1]
                if b.atMS == prev.atMS {
                    problems.append((at, "breaks[\(i - 1)] and breaks[\(i)] are both at \(b.atMS) ms; one break per time"))
                } else if b.atMS < prev.atMS {
                    problems.append((at, "breaks must be sorted by time: \(b.atMS) ms comes after \(prev.atMS) ms"))
                }
            }
        }
        guard let first = problems.first else { return }
        let message = problems.map { "\($0.field): \($0.message)" }.joined(separator: "; ")
        throw ShowrunnerError(.invalid, message, field: first.field)
    }

    /// The id of break `index` of `plans`: `pre`, `post`, or `mid-N` where N counts the mid breaks
    /// in time order from 1 (ties in time keep list order). An index outside `plans` gives `break-<index>`.
    public static func breakID(_ plans: [BreakPlan], index: Int) -> String {
        guard plans.indices.contains(index) else { return "break-\(index)" }
        let b = plans[index]
        switch b.position {
        case .pre: return "pre"
        case .post: return "post"
        case .mid:
            let earlier = plans.indices.filter { j in
                plans[j].position == .mid && (plans[j].atMS < b.atMS || (plans[j].atMS == b.atMS && j < index))
            }
            return "mid-\(earlier.count + 1)"
        }
    }

    /// "nearest cut points: 60000 ms and 125000 ms", or why there are none to pick.
    static func nearestCuts(_ at: Int64, cuts: [Int64], end: Int64) -> String {
        let inside = cuts.filter { $0 > 0 && $0 < end }
        guard !inside.isEmpty else { return "the version has no cut points inside it (package it with break points)" }
        let before = inside.last { $0 < at }
        let after = inside.first { $0 > at }
        let names = [before, after].compactMap { $0 }.map { "\($0) ms" }
        return names.count == 1 ? "nearest cut point: \(names[0])" : "nearest cut points: \(names.joined(separator: " and "))"
    }
}
