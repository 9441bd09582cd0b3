
import MediaCore
import Showrunner

/// Fixtures for the ad decision tests, built in code: one channel and policy, five brands in
/// four categories and three tiers, five campaigns, 15 s creatives packaged for the version's
/// template, and a 6 s slate.
enum AdFixture {
    static func ts(_ s: String) -> Timestamp { Timestamp(iso8601: s)! }

    /// 14:00 UTC on a Sunday; flights run the whole of November and December.
    static let now = ts("2026-11-29T14:00:00Z")

    static let channel = Channel(id: "tv-oled", name: "OLED TVs", endpoint: .tv)

    /// 30 minutes, cut points at 10 and 20 minutes.
    static let version = TitleVersion(
        id: "v1", title: "ep1", path: "ep1/v1", format: "fmp4", durationMS: 1_800_000,
        renditions: [
            VersionRendition(id: "v1080", kind: "video", codecs: ["avc1.640028"], resolution: "1920x1080", bandwidth: 6_000_000),
            VersionRendition(id: "v720", kind: "video", codecs: ["avc1.64001f"], resolution: "1280x720", bandwidth: 3_000_000),
            VersionRendition(id: "aac", kind: "audio", codecs: ["mp4a.40.2"], resolution: nil, bandwidth: 128_000),
        ],
        cutsMS: [600_000, 1_200_000], createdAt: ts("2026-11-01"), source: nil)

    static var template: String { AdTemplate.key(of: version) }

    static let episode = Title(id: "ep1", name: "Pilot", kind: .episode(series: "long-road", season: 1, number: 1))

    static let brands: [Brand] = [
        Brand(id: "brew-co", name: "Brew Co", category: "beverages", tier: .premium),
        Brand(id: "fizz", name: "Fizz", category: "beverages", tier: .standard),
        Brand(id: "motor", name: "Motor", category: "automotive", tier: .standard),
        Brand(id: "bank", name: "Bank", category: "finance", tier: .basic),
        Brand(id: "vodka", name: "Vodka", category: "alcohol", tier: .premium),
    ]

    static func campaign(_ id: String, brand: String, priority: Int = 5, pacing: Pacing = .asap, goal: Int64 = 1_000_000,
                         from: String = "2026-11-01", until: String = "2027-01-01", targeting: Targeting = Targeting(),
                         capPerDevice: Int? = nil, capPerHousehold: Int? = nil, paused: Bool = false) -> Campaign {
        Campaign(id: id, name: id, brand: brand, from: ts(from), until: ts(until), impressionGoal: goal, priority: priority,
                 pacing: pacing, targeting: targeting, capPerDevice: capPerDevice, capPerHousehold: capPerHousehold,
                 paused: paused)
    }

    /// Five campaigns, one per brand, priorities 1 (brew) ... 4 (vodka).
    static let campaigns: [Campaign] = [
        campaign("c-brew", brand: "brew-co", priority: 1),
        campaign("c-fizz", brand: "fizz", priority: 2),
        campaign("c-motor", brand: "motor", priority: 3),
        campaign("c-bank", brand: "bank", priority: 3),
        campaign("c-vodka", brand: "vodka", priority: 4),
    ]

    static func creative(_ id: String, campaign: String?, ms: Int64, template: String? = nil, slate: Bool = false) -> Creative {
        let t = template ?? self.template
        return Creative(id: id, campaign: campaign, name: id, durationMS: ms,
                        packages: [CreativePackage(template: t, path: "ads/\(id)/", durationMS: ms, renditions: version.renditions)],
                        slate: slate)
    }

    /// One 15 s creative per campaign (`<campaign>-15`), and the 6 s slate `slate-6`.
    static var creatives: [Creative] {
        campaigns.map { creative("\($0.id)-15", campaign: $0.id, ms: 15_000) } + [creative("slate-6", campaign: nil, ms: 6000, slate: true)]
    }

    static func inventory(campaigns: [Campaign] = campaigns, creatives: [Creative] = creatives, brands: [Brand] = brands) -> AdInventory {
        AdInventory(campaigns: Dictionary(campaigns.map { ($0.id, $0) }, uniquingKeysWith: { $1 }),
                    creatives: Dictionary(creatives.map { ($0.id, $0) }, uniquingKeysWith: { $1 }),
                    brands: Dictionary(brands.map { ($0.id, $0) }, uniquingKeysWith: { $1 }))
    }

    static func policy(_ change: (inout AdPolicy) -> Void = { _ in }) -> AdPolicy {
        var p = AdPolicy(channel: channel.id)
        change(&p)
        return p
    }

    /// One pre-roll of `plannedMS`.
    static func preOnly(_ plannedMS: Int64 = 60_000) -> [BreakPlan] {
        [BreakPlan(position: .pre, atMS: 0, plannedMS: plannedMS)]
    }

    static func request(session: String = "s-1", policy: AdPolicy = policy(), title: Title = episode,
                        model: String? = "LG-C3", endpoint: EndpointKind = .tv, now: Timestamp = now,
                        breaks: [BreakPlan]? = nil, channel: Channel = channel) -> DecisionRequest {
        let plan = breaks ?? (try! AdDecisionEngine.plan(version: version, breaks: nil, policy: policy))
        return DecisionRequest(sessionID: session, channel: channel, policy: policy, title: title, version: version,
                               device: "dev-1", household: "home-1", model: model, endpoint: endpoint, now: now, breaks: plan)
    }
}

extension BreakDecision {
    /// Campaign ids of the placed ads, in play order.
    var placedCampaigns: [String] { placed.compactMap(\.campaign) }
    /// The refusal or note row of a campaign, if any.
    func refusal(of campaign: String) -> SlotDecision? { slots.first { $0.slot == -1 && $0.campaign == campaign } }
    /// Rows that are notes or refusals (slot -1).
    var unplacedRows: [SlotDecision] { slots.filter { $0.slot == -1 } }
}
