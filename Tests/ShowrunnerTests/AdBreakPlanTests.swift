
import MediaCore
import Showrunner
import Testing

@Suite struct AdBreakPlanTests {
    typealias F = AdFixture

    @Test func derivedPlanHasPreMidsAndPost() throws {
        var v = F.version
        v.cutsMS = [1_200_000, 0, 600_000, 600_000, 1_800_000, 2_000_000]  // unsorted, 0, duplicate, end, past end
        let plans = try AdDecisionEngine.plan(version: v, breaks: nil, policy: F.policy())
        #expect(plans == [
            BreakPlan(position: .pre, atMS: 0, plannedMS: 15_000),
            BreakPlan(position: .mid, atMS: 600_000, plannedMS: 30_000),
            BreakPlan(position: .mid, atMS: 1_200_000, plannedMS: 30_000),
            BreakPlan(position: .post, atMS: 1_800_000, plannedMS: 15_000),
        ])
        #expect(plans.indices.map { AdDecisionEngine.breakID(plans, index: $0) } == ["pre", "mid-1", "mid-2", "post"])
    }

    @Test func derivedPlanKeepsOnlyPositionsThatAreOn() throws {
        let plans = try AdDecisionEngine.plan(version: F.version, breaks: nil, policy: F.policy { $0.positions = [.mid] })
        #expect(plans.map(\.position) == [.mid, .mid])
        let none = try AdDecisionEngine.plan(version: F.version, breaks: nil, policy: F.policy { $0.positions = [] })
        #expect(none.isEmpty)
    }

    @Test func derivedDurationsAreClampedToTheMaximum() throws {
        let report = try AdDecisionEngine.planReport(version: F.version, breaks: nil,
                                                     policy: F.policy { $0.midRollMS = 200_000; $0.maxAdMSPerBreak = 90_000 })
        #expect(report.plans.filter { $0.position == .mid }.allSatisfy { $0.plannedMS == 90_000 })
        #expect(report.notes == ["mid-1: planned 200.000 s clamped to the channel's 90.000 s per break",
                                 "mid-2: planned 200.000 s clamped to the channel's 90.000 s per break"])
    }

    @Test func explicitPlanIsUsedClampedAndFiltered() throws {
        let explicit = TitleBreaks(title: "ep1", breaks: [
            BreakPlan(position: .pre, atMS: 0, plannedMS: 10_000),
            BreakPlan(position: .mid, atMS: 1_200_000, plannedMS: 150_000),
            BreakPlan(position: .post, atMS: 1_800_000, plannedMS: 5_000),
        ])
        let all = try AdDecisionEngine.planReport(version: F.version, breaks: explicit, policy: F.policy())
        #expect(all.plans.map(\.plannedMS) == [10_000, 120_000, 5_000])  // not the policy's defaults
        #expect(all.notes == ["mid-1: planned 150.000 s clamped to the channel's 120.000 s per break"])
        // Positions the policy has off are left out of an explicit plan too.
        let mid = try AdDecisionEngine.planReport(version: F.version, breaks: explicit, policy: F.policy { $0.positions = [.mid] })
        #expect(mid.plans == [BreakPlan(position: .mid, atMS: 1_200_000, plannedMS: 120_000)])
        #expect(mid.notes == ["pre at 0.000 s: pre-roll breaks are off on channel tv-oled",
                              "post at 1800.000 s: post-roll breaks are off on channel tv-oled",
                              "mid-1: planned 150.000 s clamped to the channel's 120.000 s per break"])
        // A channel without a policy (the server's default has no positions) gets no breaks.
        #expect(try AdDecisionEngine.plan(version: F.version, breaks: explicit, policy: AdPolicy(channel: "x", positions: [])).isEmpty)
    }

    @Test func validPlanPasses() throws {
        try AdDecisionEngine.validate(TitleBreaks(title: "ep1", breaks: [
            BreakPlan(position: .pre, atMS: 0, plannedMS: 1),
            BreakPlan(position: .mid, atMS: 600_000, plannedMS: 30_000),
            BreakPlan(position: .post, atMS: 1_800_000, plannedMS: 500_000),
        ]), version: F.version)
        try AdDecisionEngine.validate(TitleBreaks(title: "ep1", breaks: []), version: F.version)
    }

    struct BadPlan: Sendable, CustomTestStringConvertible {
        var name: String
        var breaks: [BreakPlan]
        var title = "ep1"
        var field: String
        var words: [String]
        var testDescription: String { name }
    }

    static let badPlans: [BadPlan] = [
        BadPlan(name: "mid off a cut point", breaks: [BreakPlan(position: .mid, atMS: 610_000, plannedMS: 30_000)],
                field: "breaks[0].at_ms", words: ["610000 ms is not a cut point of version v1", "nearest cut points: 600000 ms and 1200000 ms"]),
        BadPlan(name: "mid off a cut point after the last", breaks: [BreakPlan(position: .mid, atMS: 1_500_000, plannedMS: 30_000)],
                field: "breaks[0].at_ms", words: ["nearest cut point: 1200000 ms"]),
        BadPlan(name: "mid at 0", breaks: [BreakPlan(position: .mid, atMS: 0, plannedMS: 30_000)],
                field: "breaks[0].at_ms", words: ["inside the title"]),
        BadPlan(name: "mid after the end", breaks: [BreakPlan(position: .mid, atMS: 1_900_000, plannedMS: 30_000)],
                field: "breaks[0].at_ms", words: ["inside the title", "1800000"]),
        BadPlan(name: "pre not at 0", breaks: [BreakPlan(position: .pre, atMS: 5, plannedMS: 30_000)],
                field: "breaks[0].at_ms", words: ["pre break starts at 0 ms"]),
        BadPlan(name: "post not at the end", breaks: [BreakPlan(position: .post, atMS: 1_799_000, plannedMS: 30_000)],
                field: "breaks[0].at_ms", words: ["1800000 ms"]),
        BadPlan(name: "duplicate", breaks: [BreakPlan(position: .mid, atMS: 600_000, plannedMS: 30_000),
                                            BreakPlan(position: .mid, atMS: 600_000, plannedMS: 20_000)],
                field: "breaks[1].at_ms", words: ["both at 600000 ms"]),
        BadPlan(name: "unsorted", breaks: [BreakPlan(position: .mid, atMS: 1_200_000, plannedMS: 30_000),
                                           BreakPlan(position: .mid, atMS: 600_000, plannedMS: 30_000)],
                field: "breaks[1].at_ms", words: ["sorted"]),
        BadPlan(name: "planned 0", breaks: [BreakPlan(position: .pre, atMS: 0, plannedMS: 0)],
                field: "breaks[0].planned_ms", words: ["above 0"]),
        BadPlan(name: "another title", breaks: [], title: "ep2", field: "title", words: ["'ep2'", "'ep1'"]),
    ]

    @Test(arguments: badPlans)
    func validationNamesTheField(bad: BadPlan) {
        let plan = TitleBreaks(title: bad.title, breaks: bad.breaks)
        #expect(throws: ShowrunnerError.self) { try AdDecisionEngine.validate(plan, version: F.version) }
        do {
            try AdDecisionEngine.validate(plan, version: F.version)
        } catch {
            #expect(error.code == .invalid)
            #expect(error.field == bad.field)
            for w in bad.words { #expect(error.message.contains(w), "\(error.message) lacks \(w)") }
        }
        // plan() applies the same validation.
        #expect(throws: ShowrunnerError.self) { try AdDecisionEngine.plan(version: F.version, breaks: plan, policy: F.policy()) }
    }

    @Test func validationListsEveryProblem() {
        let plan = TitleBreaks(title: "ep1", breaks: [BreakPlan(position: .pre, atMS: 0, plannedMS: 0),
                                                      BreakPlan(position: .mid, atMS: 700_000, plannedMS: 1)])
        do {
            try AdDecisionEngine.validate(plan, version: F.version)
            Issue.record("expected an error")
        } catch {
            #expect(error.field == "breaks[0].planned_ms")
            #expect(error.message.contains("breaks[1].at_ms"))
        }
    }

    @Test func versionWithoutCutsSaysSo() {
        var v = F.version
        v.cutsMS = []
        do {
            try AdDecisionEngine.validate(TitleBreaks(title: "ep1", breaks: [BreakPlan(position: .mid, atMS: 5000, plannedMS: 1)]), version: v)
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("no cut points"))
        }
    }

    @Test func midBreaksAreNumberedInTimeOrder() {
        let plans = [BreakPlan(position: .mid, atMS: 1_200_000, plannedMS: 1), BreakPlan(position: .pre, atMS: 0, plannedMS: 1),
                     BreakPlan(position: .mid, atMS: 600_000, plannedMS: 1)]
        #expect(AdDecisionEngine.breakID(plans, index: 0) == "mid-2")
        #expect(AdDecisionEngine.breakID(plans, index: 1) == "pre")
        #expect(AdDecisionEngine.breakID(plans, index: 2) == "mid-1")
        #expect(AdDecisionEngine.breakID(plans, index: 3) == "break-3")
    }

    @Test(arguments: [("", 0xcbf2_9ce4_8422_2325 as UInt64), ("a", 0xaf63_dc4c_8601_ec8c), ("foobar", 0x8594_4171_f739_67e8)])
    func hash64IsFNV1a(input: String, hash: UInt64) {
        #expect(AdDecisionEngine.hash64(input) == hash)
    }

    @Test func eventIDsAreStableAndDistinct() {
        let a = AdDecisionEngine.eventID(session: "s-1", breakID: "pre")
        #expect(a == AdDecisionEngine.eventID(session: "s-1", breakID: "pre"))
        #expect(a == UInt32(truncatingIfNeeded: AdDecisionEngine.hash64("s-1\u{0}pre")))
        #expect(a != AdDecisionEngine.eventID(session: "s-1", breakID: "mid-1"))
        #expect(a != AdDecisionEngine.eventID(session: "s-2", breakID: "pre"))
        for i in 0..<2000 { #expect(AdDecisionEngine.eventID(session: "s-\(i)", breakID: "post") != 0) }
    }
}
