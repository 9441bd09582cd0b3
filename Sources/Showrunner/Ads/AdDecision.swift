public import MediaCore

/// Why a slot holds what it holds (or why a candidate was refused), for the audit.
public enum SlotReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// An ad was placed.
    case filled
    /// The channel's slate filled time no ad could.
    case slate
    /// Refused: a frequency cap (device or household, per day) was reached.
    case capped
    /// Refused: another ad of the same brand category is already in the break.
    case separated
    /// Refused: the campaign is ahead of its even daily pacing (or met its goal).
    case paced
    /// Refused or left out by the channel's policy (position off, endpoint, category, tier,
    /// length, max ads or seconds).
    case policy
    /// The external VAST ad server failed or returned nothing usable; the built-in engine took over.
    case vastError = "vast_error"
    /// Nothing filled the time and there is no slate.
    case unfilled
}

/// Where a placed ad came from.
public enum DecisionSource: String, Sendable, Hashable, Codable {
    case engine, vast, slate, none
}

/// Who is watching what, where and when: the input of a decision.
public struct DecisionRequest: Sendable {
    public var sessionID: String
    public var channel: Channel
    public var policy: AdPolicy
    public var title: Title
    public var version: TitleVersion
    public var device: String
    /// The device's household, or the device id itself when unlinked.
    public var household: String
    public var model: String?
    public var endpoint: EndpointKind
    public var now: Timestamp
    /// The title's breaks (see `AdDecisionEngine.plan`).
    public var breaks: [BreakPlan]

    public init(sessionID: String, channel: Channel, policy: AdPolicy, title: Title, version: TitleVersion, device: String,
                household: String, model: String?, endpoint: EndpointKind, now: Timestamp, breaks: [BreakPlan]) {
        self.sessionID = sessionID
        self.channel = channel
        self.policy = policy
        self.title = title
        self.version = version
        self.device = device
        self.household = household
        self.model = model
        self.endpoint = endpoint
        self.now = now
        self.breaks = breaks
    }
}

/// What has been delivered, as the engine needs it: counts of placed ads (decisions) per campaign.
/// "Today" is the channel's local day (`AdPolicy.utcOffsetMinutes`).
public struct DeliveryCounts: Sendable, Hashable {
    /// Placed today, per campaign, on every channel.
    public var campaignToday: [String: Int64]
    /// Placed before today, per campaign (the flight so far).
    public var campaignBeforeToday: [String: Int64]
    /// Placed today for this request's device, per campaign.
    public var deviceToday: [String: Int]
    /// Placed today for this request's household, per campaign.
    public var householdToday: [String: Int]

    public init(campaignToday: [String: Int64] = [:], campaignBeforeToday: [String: Int64] = [:],
                deviceToday: [String: Int] = [:], householdToday: [String: Int] = [:]) {
        self.campaignToday = campaignToday
        self.campaignBeforeToday = campaignBeforeToday
        self.deviceToday = deviceToday
        self.householdToday = householdToday
    }
}

/// What the engine may place: campaigns, creatives and brands by id.
public struct AdInventory: Sendable {
    public var campaigns: [String: Campaign]
    public var creatives: [String: Creative]
    public var brands: [String: Brand]

    public init(campaigns: [String: Campaign] = [:], creatives: [String: Creative] = [:], brands: [String: Brand] = [:]) {
        self.campaigns = campaigns
        self.creatives = creatives
        self.brands = brands
    }
}

/// What an external VAST ad server offered for one break, already mapped to our creatives.
public struct ExternalOffer: Sendable, Hashable {
    /// Our creative ids, in the ad server's order.
    public var creatives: [String]
    /// Why the ad server gave nothing usable (timeout, malformed, wrapper loop, unknown
    /// creative...), nil when it answered.
    public var error: String?

    public init(creatives: [String] = [], error: String? = nil) {
        self.creatives = creatives
        self.error = error
    }
}

/// One slot of a break: an ad or slate placed, or a candidate refused and why.
public struct SlotDecision: Sendable, Hashable, Codable {
    /// 0-based index of the break in the title's plan.
    public var breakIndex: Int
    /// `pre`, `mid-1`, `mid-2`, ..., `post`.
    public var breakID: String
    public var position: BreakPosition
    /// 0-based play order in the break for placed slots; -1 for refused candidates.
    public var slot: Int
    public var creative: String?
    public var campaign: String?
    public var brand: String?
    /// Time the slot takes in the break (after a trim); 0 when refused.
    public var durationMS: Int64
    /// True when `overlong: trim` cut the ad to `durationMS`.
    public var trimmed: Bool
    public var reason: SlotReason
    /// Human-readable why: "priority 1, 40 % behind pacing", "device cap 3/day reached", ...
    public var detail: String
    public var source: DecisionSource

    public init(breakIndex: Int, breakID: String, position: BreakPosition, slot: Int, creative: String?, campaign: String?,
                brand: String?, durationMS: Int64, trimmed: Bool = false, reason: SlotReason, detail: String,
                source: DecisionSource) {
        self.breakIndex = breakIndex
        self.breakID = breakID
        self.position = position
        self.slot = slot
        self.creative = creative
        self.campaign = campaign
        self.brand = brand
        self.durationMS = durationMS
        self.trimmed = trimmed
        self.reason = reason
        self.detail = detail
        self.source = source
    }

    enum CodingKeys: String, CodingKey {
        case position, slot, creative, campaign, brand, trimmed, reason, detail, source
        case breakIndex = "break_index", breakID = "break_id", durationMS = "duration_ms"
    }

    /// Whether this slot plays (an ad or the slate), as opposed to a refused candidate or a note.
    public var placed: Bool { slot >= 0 && creative != nil && (reason == .filled || reason == .slate) }

    /// The slot's id in playlists, tracking and the ledger: `<session>.<break>.<slot>`.
    public func slotID(session: String) -> String { "\(session).\(breakID).\(slot)" }
}

/// The decisions of one break.
public struct BreakDecision: Sendable, Hashable, Codable {
    public var index: Int
    public var id: String
    public var plan: BreakPlan
    /// Placed slots in play order, then refused candidates and notes (slot -1).
    public var slots: [SlotDecision]

    public init(index: Int, id: String, plan: BreakPlan, slots: [SlotDecision]) {
        self.index = index
        self.id = id
        self.plan = plan
        self.slots = slots
    }

    /// The slots that play, in order.
    public var placed: [SlotDecision] { slots.filter(\.placed).sorted { $0.slot < $1.slot } }

    /// Time the placed slots take.
    public var filledMS: Int64 { placed.reduce(0) { $0 + $1.durationMS } }
}
