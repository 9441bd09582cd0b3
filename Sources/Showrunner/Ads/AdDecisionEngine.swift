import MediaCore

/// Decides what plays in each ad break of a playback session.
///
/// Pure and deterministic: no I/O, no clock (the request carries `now`), no randomness, no
/// dependence on dictionary order. Equal candidates rotate across sessions through a stable hash
/// of the session id, so the same request always gets the same answer and different sessions
/// share the inventory fairly.
///
/// Per break, in order:
/// 1. The channel's policy: an endpoint the policy does not list, or a position it has off, gets
///    one `.policy` note and nothing else (not even the slate).
/// 2. The external ad server's offer for the break (`external[breakIndex]`), in the server's
///    order: our creatives with a package for the version's template, subject to the channel's
///    policy (category, tier, separation, max ads, length) but not to caps or pacing, which the
///    ad server owns. Its error, unknown creatives and an empty answer become `.vastError` notes.
/// 3. The built-in engine's candidates (campaigns live at `now`, targeting this request, with a
///    packaged creative), by priority, then the campaign furthest behind its even pacing, then
///    the session's rotation; one creative per campaign per break; each refused candidate gets
///    one row with its first reason (policy, goal, caps, pacing, separation, max ads, length).
/// 4. The channel's slate, repeated while it fits the time left.
/// 5. Nothing placed and no slate: one `.unfilled` note.
///
/// Every placed ad counts towards caps and pacing for the later breaks of the same session.
public enum AdDecisionEngine {
    /// Decides every break of `request.breaks` at once.
    ///
    /// - Parameters:
    ///   - inventory: campaigns, creatives and brands by id.
    ///   - counts: what was placed before this session (today and before today, channel-local days).
    ///   - external: the external ad server's offer per break index; breaks without an entry use
    ///     the built-in engine alone.
    /// - Returns: one `BreakDecision` per break, in plan order: placed slots numbered from 0 in
    ///   play order (ads from the ad server, then the engine's, then the slate), then refused
    ///   candidates and notes with slot -1.
    public static func decide(_ request: DecisionRequest, inventory: AdInventory, counts: DeliveryCounts,
                              external: [Int: ExternalOffer] = [:]) -> [BreakDecision] {
        let template = AdTemplate.key(of: request.version)
        let candidates = engineCandidates(request, inventory: inventory, template: template)
        var counts = counts
        var decisions: [BreakDecision] = []
        for (index, plan) in request.breaks.enumerated() {
            var b = BreakState(index: index, id: breakID(request.breaks, index: index), plan: plan, policy: request.policy)
            fill(&b, request: request, inventory: inventory, template: template, candidates: candidates,
                 counts: &counts, offer: external[index])
            decisions.append(BreakDecision(index: index, id: b.id, plan: plan, slots: b.placed + b.notes))
        }
        return decisions
    }

    // MARK: One break

    /// A break being filled.
    struct BreakState {
        let index: Int
        let id: String
        let plan: BreakPlan
        var leftMS: Int64
        let maxAds: Int
        var ads = 0
        var placed: [SlotDecision] = []
        var notes: [SlotDecision] = []
        /// Brand categories and campaigns already in the break.
        var categories: [String: String] = [:]
        var campaigns: Set<String> = []
        var creatives: Set<String> = []

        init(index: Int, id: String, plan: BreakPlan, policy: AdPolicy) {
            self.index = index
            self.id = id
            self.plan = plan
            self.leftMS = max(0, min(plan.plannedMS, policy.maxAdMSPerBreak))
            self.maxAds = max(0, policy.maxAdsPerBreak)
        }

        mutating func note(_ reason: SlotReason, _ detail: String, source: DecisionSource,
                           creative: String? = nil, campaign: String? = nil, brand: String? = nil) {
            notes.append(SlotDecision(breakIndex: index, breakID: id, position: plan.position, slot: -1, creative: creative,
                                      campaign: campaign, brand: brand, durationMS: 0, reason: reason, detail: detail,
                                      source: source))
        }

        mutating func place(creative: String, campaign: String?, brand: Brand?, durationMS: Int64, trimmed: Bool,
                            reason: SlotReason, detail: String, source: DecisionSource) {
            placed.append(SlotDecision(breakIndex: index, breakID: id, position: plan.position, slot: placed.count,
                                       creative: creative, campaign: campaign, brand: brand?.id, durationMS: durationMS,
                                       trimmed: trimmed, reason: reason, detail: detail, source: source))
            leftMS -= durationMS
            creatives.insert(creative)
            if let campaign { campaigns.insert(campaign) }
            if let brand { categories[brand.category] = categories[brand.category] ?? brand.id }
            if reason == .filled { ads += 1 }
        }
    }

    static func fill(_ b: inout BreakState, request: DecisionRequest, inventory: AdInventory, template: String,
                     candidates: [Candidate], counts: inout DeliveryCounts, offer: ExternalOffer?) {
        let policy = request.policy
        if !policy.endpoints.isEmpty, !policy.endpoints.contains(request.endpoint) {
            b.note(.policy, "endpoint \(request.endpoint.rawValue) gets no ads on channel \(request.channel.id)", source: .none)
            return
        }
        if !policy.positions.contains(b.plan.position) {
            b.note(.policy, "\(b.plan.position.rawValue)-roll breaks are off on channel \(request.channel.id)", source: .none)
            return
        }
        if b.plan.plannedMS > policy.maxAdMSPerBreak {
            b.note(.policy, "planned \(seconds(b.plan.plannedMS)) clamped to the channel's \(seconds(max(0, policy.maxAdMSPerBreak))) per break",
                   source: .none)
        }
        if let offer {
            fillExternal(&b, offer: offer, request: request, inventory: inventory, template: template, counts: &counts)
        }
        fillEngine(&b, request: request, candidates: candidates, counts: &counts)
        fillSlate(&b, request: request, inventory: inventory, template: template)
    }

    // MARK: Rules shared by the ad server's offers and the engine

    /// The channel's brand rules: excluded categories and the model's tier whitelist.
    static func brandRefusal(_ brand: Brand, request: DecisionRequest) -> String? {
        let policy = request.policy
        if policy.excludedCategories.contains(brand.category) {
            return "brand category \(brand.category) is excluded on channel \(request.channel.id)"
        }
        if let tiers = policy.allowedTiers(model: request.model), !tiers.contains(brand.tier) {
            let list = tiers.isEmpty ? "none" : tiers.map(\.rawValue).joined(separator: ", ")
            return "brand tier \(brand.tier.rawValue) is not allowed on model \(request.model ?? "?") (allowed: \(list))"
        }
        return nil
    }

    /// Competitive separation: another ad of the same category already in the break.
    static func separationRefusal(_ brand: Brand, _ b: BreakState) -> String? {
        guard let other = b.categories[brand.category] else { return nil }
        return "category \(brand.category) is already in this break (brand \(other))"
    }

    /// Whether an ad of `durationMS` fits what is left: its duration in the break and whether it
    /// was trimmed, or why not.
    static func fit(_ durationMS: Int64, _ b: BreakState, rule: OverlongRule) -> Result<(Int64, Bool), Refusal> {
        if durationMS <= b.leftMS { return .success((durationMS, false)) }
        switch rule {
        case .drop:
            return .failure(Refusal("\(seconds(durationMS)) ad, \(seconds(b.leftMS)) left: dropped"))
        case .trim:
            guard b.leftMS >= minimumTrimMS else {
                return .failure(Refusal("\(seconds(durationMS)) ad, \(seconds(b.leftMS)) left: too short to trim (under \(seconds(minimumTrimMS)))"))
            }
            return .success((b.leftMS, true))
        }
    }

    /// Why a candidate was left out (always `.policy` when used with `fit`).
    struct Refusal: Error, Hashable {
        var reason: SlotReason
        var detail: String
        init(_ detail: String, reason: SlotReason = .policy) {
            self.reason = reason
            self.detail = detail
        }
    }

    static func maxAdsRefusal(_ b: BreakState) -> String? {
        b.ads >= b.maxAds ? "max \(b.maxAds) ads per break reached" : nil
    }

    // MARK: External offers

    static func fillExternal(_ b: inout BreakState, offer: ExternalOffer, request: DecisionRequest, inventory: AdInventory,
                             template: String, counts: inout DeliveryCounts) {
        if let error = offer.error {
            b.note(.vastError, "ad server: \(error); the built-in engine fills the break", source: .vast)
        } else if offer.creatives.isEmpty {
            b.note(.vastError, "ad server returned no ads; the built-in engine fills the break", source: .vast)
        }
        var unknown: [String] = [], unpackaged: [String] = [], unbranded: [String] = []
        var usable: [(Creative, CreativePackage, Campaign?, Brand)] = []
        for id in offer.creatives {
            guard let creative = inventory.creatives[id], !creative.slate else { unknown.append(id); continue }
            guard let package = creative.package(for: template), package.durationMS > 0 else { unpackaged.append(id); continue }
            let campaign = creative.campaign.flatMap { inventory.campaigns[$0] }
            guard let brand = campaign.flatMap({ inventory.brands[$0.brand] }) else { unbranded.append(id); continue }
            usable.append((creative, package, campaign, brand))
        }
        var problems: [String] = []
        if !unknown.isEmpty { problems.append("unknown creatives \(unknown.joined(separator: ", "))") }
        if !unpackaged.isEmpty { problems.append("no package for template \(template): \(unpackaged.joined(separator: ", "))") }
        if !unbranded.isEmpty { problems.append("no campaign or brand: \(unbranded.joined(separator: ", "))") }
        if !problems.isEmpty {
            b.note(.vastError, "ad server offered creatives we cannot play: \(problems.joined(separator: "; "))", source: .vast)
        }
        for (k, (creative, package, campaign, brand)) in usable.enumerated() {
            func refuse(_ reason: SlotReason, _ detail: String) {
                b.note(reason, detail, source: .vast, creative: creative.id, campaign: campaign?.id, brand: brand.id)
            }
            if b.creatives.contains(creative.id) { refuse(.policy, "creative \(creative.id) is already in this break"); continue }
            if let why = brandRefusal(brand, request: request) { refuse(.policy, why); continue }
            if let why = separationRefusal(brand, b) { refuse(.separated, why); continue }
            if let why = maxAdsRefusal(b) { refuse(.policy, why); continue }
            switch fit(package.durationMS, b, rule: request.policy.overlong) {
            case .failure(let r):
                refuse(r.reason, r.detail)
            case .success(let (duration, trimmed)):
                var detail = "ad server offer \(k + 1) of \(usable.count)"
                if trimmed { detail += "; trimmed from \(seconds(package.durationMS)) to \(seconds(duration))" }
                b.place(creative: creative.id, campaign: campaign?.id, brand: brand, durationMS: duration, trimmed: trimmed,
                        reason: .filled, detail: detail, source: .vast)
                if let campaign { count(campaign.id, in: &counts) }
            }
        }
    }

    // MARK: The built-in engine

    /// A campaign that may serve this request, with its playable creatives in the session's rotation order.
    struct Candidate {
        var campaign: Campaign
        var brand: Brand
        var creatives: [(creative: Creative, durationMS: Int64)]
        var rotation: UInt64
    }

    /// Campaigns that are not paused, in flight at `now`, targeting this request, with a known
    /// brand and at least one creative (not a slate) packaged for `template`. Targeting
    /// mismatches are not candidates and leave no row.
    static func engineCandidates(_ request: DecisionRequest, inventory: AdInventory, template: String) -> [Candidate] {
        var byCampaign: [String: [(creative: Creative, durationMS: Int64)]] = [:]
        for creative in inventory.creatives.values where !creative.slate {
            guard let campaign = creative.campaign, let package = creative.package(for: template), package.durationMS > 0 else { continue }
            byCampaign[campaign, default: []].append((creative, package.durationMS))
        }
        let hour = localHour(request.now, offsetMinutes: request.policy.utcOffsetMinutes)
        var result: [Candidate] = []
        for id in inventory.campaigns.keys.sorted() {
            guard let c = inventory.campaigns[id], !c.paused, c.from <= request.now, request.now < c.until,
                  targets(c.targeting, request: request, hour: hour),
                  let brand = inventory.brands[c.brand], let creatives = byCampaign[c.id], !creatives.isEmpty else { continue }
            let ordered = creatives.sorted {
                let (a, b) = (rotationKey(session: request.sessionID, id: $0.creative.id),
                              rotationKey(session: request.sessionID, id: $1.creative.id))
                return a != b ? a < b : $0.creative.id < $1.creative.id
            }
            result.append(Candidate(campaign: c, brand: brand, creatives: ordered,
                                    rotation: rotationKey(session: request.sessionID, id: c.id)))
        }
        return result
    }

    /// Whether a campaign's targeting matches the request (an empty list matches anything).
    static func targets(_ t: Targeting, request: DecisionRequest, hour: Int) -> Bool {
        (t.channels.isEmpty || t.channels.contains(request.channel.id))
            && (t.endpoints.isEmpty || t.endpoints.contains(request.endpoint))
            && Targeting.matches(model: request.model, patterns: t.models)
            && (t.hours.isEmpty || t.hours.contains(hour))
            && (t.series.isEmpty || request.title.series.map(t.series.contains) == true)
            && (t.titles.isEmpty || t.titles.contains(request.title.id))
    }

    static func fillEngine(_ b: inout BreakState, request: DecisionRequest, candidates: [Candidate], counts: inout DeliveryCounts) {
        let offset = request.policy.utcOffsetMinutes
        // Order with the counts as they stand at this break.
        let ranked = candidates
            .map { ($0, paceState($0.campaign, counts: counts, now: request.now, offsetMinutes: offset)) }
            .sorted { x, y in
                if x.0.campaign.priority != y.0.campaign.priority { return x.0.campaign.priority < y.0.campaign.priority }
                if x.1.isBehind(y.1) { return true }
                if y.1.isBehind(x.1) { return false }
                if x.0.rotation != y.0.rotation { return x.0.rotation < y.0.rotation }
                return x.0.campaign.id < y.0.campaign.id
            }
        for (cand, pace) in ranked {
            let c = cand.campaign
            if b.campaigns.contains(c.id) { continue }  // placed by the ad server: one per campaign per break
            let first = cand.creatives[0].creative.id
            func refuse(_ reason: SlotReason, _ detail: String, creative: String? = nil) {
                b.note(reason, detail, source: .engine, creative: creative ?? first, campaign: c.id, brand: cand.brand.id)
            }
            if let why = brandRefusal(cand.brand, request: request) { refuse(.policy, why); continue }
            if pace.goalMet { refuse(.paced, "goal met: \(pace.beforeToday + pace.today)/\(pace.goal) impressions"); continue }
            if let cap = c.capPerDevice, (counts.deviceToday[c.id] ?? 0) >= cap {
                refuse(.capped, "device cap \(cap)/day reached"); continue
            }
            if let cap = c.capPerHousehold, (counts.householdToday[c.id] ?? 0) >= cap {
                refuse(.capped, "household cap \(cap)/day reached"); continue
            }
            if pace.ahead {
                refuse(.paced, "even pacing: \(pace.today) placed today, \(pace.allowed) allowed so far (daily target \(pace.dailyTarget) over \(pace.remainingDays) days left)")
                continue
            }
            if let why = separationRefusal(cand.brand, b) { refuse(.separated, why); continue }
            if let why = maxAdsRefusal(b) { refuse(.policy, why); continue }
            // The first creative in rotation order that fits whole; else trim the first (overlong: trim).
            let chosen = cand.creatives.first { $0.durationMS <= b.leftMS } ?? cand.creatives[0]
            switch fit(chosen.durationMS, b, rule: request.policy.overlong) {
            case .failure(let r):
                refuse(r.reason, r.detail, creative: chosen.creative.id)
            case .success(let (duration, trimmed)):
                var detail = "priority \(c.priority), \(pace.summary)"
                if trimmed { detail += "; trimmed from \(seconds(chosen.durationMS)) to \(seconds(duration))" }
                b.place(creative: chosen.creative.id, campaign: c.id, brand: cand.brand, durationMS: duration, trimmed: trimmed,
                        reason: .filled, detail: detail, source: .engine)
                count(c.id, in: &counts)
            }
        }
    }

    /// A placed ad counts towards caps and pacing for the session's later breaks.
    static func count(_ campaign: String, in counts: inout DeliveryCounts) {
        counts.deviceToday[campaign, default: 0] += 1
        counts.householdToday[campaign, default: 0] += 1
        counts.campaignToday[campaign, default: 0] += 1
    }

    // MARK: Slate

    static func fillSlate(_ b: inout BreakState, request: DecisionRequest, inventory: AdInventory, template: String) {
        var unusable: String? = nil
        if let id = request.policy.slate {
            if let slate = inventory.creatives[id], slate.slate, let package = slate.package(for: template), package.durationMS > 0 {
                let d = package.durationMS
                let n = b.leftMS > 0 ? b.leftMS / d : 0
                if n > 0 {
                    let leftover = b.leftMS - n * d
                    var detail = "slate fills \(seconds(n * d))" + (n > 1 ? " (\(n) × \(seconds(d)))" : "")
                    if leftover > 0 { detail += ", \(seconds(leftover)) left unfilled" }
                    for _ in 0..<n {
                        b.place(creative: id, campaign: nil, brand: nil, durationMS: d, trimmed: false, reason: .slate,
                                detail: detail, source: .slate)
                    }
                } else {
                    unusable = "the \(seconds(d)) slate \(id) is longer than the \(seconds(b.leftMS)) left"
                }
            } else if let slate = inventory.creatives[id] {
                unusable = slate.slate ? "slate \(id) has no package for template \(template)" : "creative \(id) is not a slate"
            } else {
                unusable = "slate \(id) does not exist"
            }
        }
        if b.placed.isEmpty {
            let total = max(0, min(b.plan.plannedMS, request.policy.maxAdMSPerBreak))
            b.note(.unfilled, "nothing placed in \(seconds(total)); " + (unusable ?? "channel \(request.channel.id) has no slate"),
                   source: .none)
        }
    }
}
