/// Field checks of the ad side of the catalog that need no stored state.
public enum AdRules {
    public static func check(_ p: AdPolicy) throws(ShowrunnerError) {
        try CatalogRules.checkID(p.channel, field: "channel")
        guard Set(p.positions).count == p.positions.count else { throw .invalid("positions", "a position is listed twice") }
        for (field, ms) in [("pre_roll_ms", p.preRollMS), ("mid_roll_ms", p.midRollMS), ("post_roll_ms", p.postRollMS)] {
            guard (1_000...600_000).contains(ms) else { throw .invalid(field, "\(ms) ms is not within 1 s...10 min") }
        }
        guard (1_000...1_800_000).contains(p.maxAdMSPerBreak) else {
            throw .invalid("max_ad_ms_per_break", "\(p.maxAdMSPerBreak) ms is not within 1 s...30 min")
        }
        guard (1...20).contains(p.maxAdsPerBreak) else { throw .invalid("max_ads_per_break", "\(p.maxAdsPerBreak) is not within 1...20") }
        for c in p.excludedCategories { try CatalogRules.checkID(c, field: "excluded_categories") }
        for (model, tiers) in p.modelTiers {
            guard !model.isEmpty, model.utf8.count <= 64, !model.dropLast().contains("*"),
                  model.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.*".unicodeScalars.contains($0) }) else {
                throw .invalid("model_tiers", "'\(model)' is not a model name or prefix pattern (letters, digits, - _ . and a trailing *)")
            }
            guard !tiers.isEmpty else { throw .invalid("model_tiers.\(model)", "lists no tier: the model could show no ad") }
        }
        if let slate = p.slate { try CatalogRules.checkID(slate, field: "slate") }
        if let url = p.vastURL { try checkHTTPURL(url, field: "vast_url") }
        guard (100...10_000).contains(p.vastTimeoutMS) else { throw .invalid("vast_timeout_ms", "\(p.vastTimeoutMS) is not within 100...10000") }
        guard (60...7 * 86_400).contains(p.sessionTTLSeconds) else {
            throw .invalid("session_ttl_s", "\(p.sessionTTLSeconds) is not within 60 s...7 days")
        }
        guard (-14 * 60...14 * 60).contains(p.utcOffsetMinutes) else {
            throw .invalid("utc_offset_minutes", "\(p.utcOffsetMinutes) is not within -840...840")
        }
    }

    public static func check(_ b: TitleBreaks) throws(ShowrunnerError) {
        try CatalogRules.checkID(b.title, field: "title")
        guard b.breaks.count <= 64 else { throw .invalid("breaks", "at most 64 breaks per title") }
        for (i, plan) in b.breaks.enumerated() {
            guard plan.atMS >= 0 else { throw .invalid("breaks[\(i)].at_ms", "\(plan.atMS) is negative") }
            guard (1_000...1_800_000).contains(plan.plannedMS) else {
                throw .invalid("breaks[\(i)].planned_ms", "\(plan.plannedMS) ms is not within 1 s...30 min")
            }
        }
    }

    public static func check(_ c: Campaign) throws(ShowrunnerError) {
        try CatalogRules.checkID(c.id, field: "id")
        try CatalogRules.checkName(c.name, field: "name")
        try CatalogRules.checkID(c.brand, field: "brand")
        guard c.from < c.until else { throw .invalid("until", "the flight ends (\(c.until)) before it starts (\(c.from))") }
        guard c.impressionGoal > 0, c.impressionGoal <= 10_000_000_000 else {
            throw .invalid("impression_goal", "\(c.impressionGoal) is not within 1...10^10")
        }
        guard (1...10).contains(c.priority) else { throw .invalid("priority", "\(c.priority) is not within 1 (first)...10") }
        if let cap = c.capPerDevice, !(1...1000).contains(cap) { throw .invalid("cap_per_device", "\(cap) is not within 1...1000") }
        if let cap = c.capPerHousehold, !(1...1000).contains(cap) { throw .invalid("cap_per_household", "\(cap) is not within 1...1000") }
        for h in c.targeting.hours where !(0...23).contains(h) { throw .invalid("targeting.hours", "\(h) is not an hour 0...23") }
        for id in c.targeting.channels + c.targeting.series + c.targeting.titles { try CatalogRules.checkID(id, field: "targeting") }
    }

    public static func check(_ c: Creative) throws(ShowrunnerError) {
        try CatalogRules.checkID(c.id, field: "id")
        try CatalogRules.checkName(c.name, field: "name")
        if let campaign = c.campaign { try CatalogRules.checkID(campaign, field: "campaign") }
        if c.slate, c.campaign != nil { throw .invalid("campaign", "a slate belongs to no campaign") }
        if !c.slate, c.campaign == nil { throw .invalid("campaign", "an ad creative needs a campaign (or mark it a slate)") }
        guard (500...600_000).contains(c.durationMS) else { throw .invalid("duration_ms", "\(c.durationMS) ms is not within 0.5 s...10 min") }
        for (i, p) in c.packages.enumerated() {
            let parts = p.path.split(separator: "/", omittingEmptySubsequences: false)
            guard !p.path.isEmpty, !p.path.hasPrefix("/"), !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
                throw .invalid("packages[\(i)].path", "'\(p.path)' is not a relative folder path under the media root")
            }
            guard p.durationMS > 0 else { throw .invalid("packages[\(i)].duration_ms", "\(p.durationMS) is not positive") }
        }
    }

    /// An absolute http(s) URL with a host, no spaces or control characters.
    public static func checkHTTPURL(_ url: String, field: String) throws(ShowrunnerError) {
        let lower = url.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            throw .invalid(field, "'\(url.prefix(80))' is not an http:// or https:// URL")
        }
        let rest = url.drop(while: { $0 != "/" }).dropFirst(2)
        guard url.utf8.count <= 2048, !rest.isEmpty, !rest.hasPrefix("/"),
              !url.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) else {
            throw .invalid(field, "'\(url.prefix(80))' is not a well-formed URL")
        }
    }
}
