
/// The boot creative a device shows on one boot: what `GET /v1/boot/{channel}` answers (the
/// server adds URLs and tracking) and what a device decides offline from its prefetch list.
public struct BootChoice: Sendable, Hashable, Codable {
    /// `BootCreative.id`.
    public var creative: String
    /// `Brand.id`.
    public var brand: String
    public var kind: BootCreativeKind
    /// The variant best fitting the device's screen.
    public var variant: BootVariant
    /// Why: `priority 1, share 60 % (bucket 37 of 100), brew-co; exact profile 1920x1080`,
    /// `capped: 3 today (cap 3), default shown; nearest profile 1920x1080 for 2560x1440 (same aspect ratio)`.
    public var reason: String
    public var durationMS: Int64
    /// When the close prompt appears (never later than the channel's `closePromptMS`).
    public var closePromptMS: Int64
    /// How soon the creative must be gone after the viewer asks to close it.
    public var closeWithinMS: Int64
    public var skippableAfterMS: Int64?
    public var priority: Int
    public var isDefault: Bool

    public init(creative: String, brand: String, kind: BootCreativeKind, variant: BootVariant, reason: String,
                durationMS: Int64, closePromptMS: Int64, closeWithinMS: Int64, skippableAfterMS: Int64?,
                priority: Int, isDefault: Bool) {
        self.creative = creative
        self.brand = brand
        self.kind = kind
        self.variant = variant
        self.reason = reason
        self.durationMS = durationMS
        self.closePromptMS = closePromptMS
        self.closeWithinMS = closeWithinMS
        self.skippableAfterMS = skippableAfterMS
        self.priority = priority
        self.isDefault = isDefault
    }

    enum CodingKeys: String, CodingKey {
        case creative, brand, kind, variant, reason, priority
        case durationMS = "duration_ms", closePromptMS = "close_prompt_ms", closeWithinMS = "close_within_ms"
        case skippableAfterMS = "skippable_after_ms", isDefault = "is_default"
    }
}

/// Which variant fits a screen, and how well.
public struct BootFit: Sendable, Hashable {
    public enum Match: String, Sendable, Hashable, Codable {
        /// Same width and height.
        case exact
        /// Same aspect ratio (`w × H == W × h`), nearest in area.
        case sameAspect = "same_aspect"
        /// No variant has the screen's aspect ratio: the nearest aspect ratio, then area.
        case nearest
        /// No usable screen size given: the largest variant.
        case largest
    }

    public var variant: BootVariant
    public var match: Match
    /// `exact profile 1920x1080`, `nearest profile 1920x1080 for 2560x1440 (same aspect ratio)`,
    /// `nearest profile 1080x2400 for 1170x2532 (closest aspect ratio)`.
    public var reason: String
}

/// Picks the boot creative for one boot of one device. Pure: the time, the device's past boot
/// impressions and the schedule are passed in; the same inputs give the same choice, so a
/// device deciding offline from its prefetch list agrees with the server.
///
/// The rule, in order (a device implementing it offline must follow it exactly):
///
/// 1. **Eligible**: the creative is on `rules.channel`, its flight [from, until) contains `now`,
///    it has at least one variant, and its brand is in `brands` with a tier the device model may
///    show (`rules.allowedTiers(model:)`; nil: every tier). A deleted brand's creatives stop.
/// 2. **Frequency cap** (per device, per channel): `history` is when this device was shown a
///    non-default boot creative of this channel. Times after `now` are ignored. If the entries
///    in `now`'s channel-local day are `≥ capPerDay`, or the latest is less than
///    `minIntervalMS` before `now`, no ad is shown: the default is (below), else nothing.
/// 3. **Priority groups**: eligible non-default creatives grouped by priority, lowest number
///    first. In each group:
///    - its **slots**: creatives in byte-wise UTF-8 order of id (the tie-break for equal
///      priorities and overlapping flights); each takes `sharePercent` consecutive buckets; those
///      without a share split `100 − Σ shares` equally, the first ones in id order taking one
///      more when it does not divide; the line stops at 100 (a later id loses what is over);
///    - its **bucket**: `fmix64(FNV-1a-64(channel ␀ device ␀ localDay ␀ priority)) % 100`
///      (`bucket(channel:device:day:priority:)`), fresh per group, fixed for the device's day;
///    - the creative whose slots hold the bucket is shown. A bucket past the group's slots
///      (shares under 100 %) falls through to the next group, then to the default.
///    So across a fleet each creative gets its share of its group's boots, and of what the
///    groups before it leave; every device keeps one creative for the whole local day and
///    rotates the next day.
/// 4. **Default**: the eligible default creative with the lowest priority number, then lowest
///    id. It is never capped (it is the channel's own fallback, not an ad). None: nil (HTTP 204).
/// 5. **Variant**: `fit(variants:screen:)`.
public enum BootDecision {
    /// The creative to show at `now` on a device (`device` id, `model`, `screen` in pixels), or
    /// nil to show nothing (HTTP 204). See the type's documentation for the rule.
    public static func decide(rules: BootRules, creatives: [BootCreative], brands: [Brand], device: String, model: String?,
                              screen: ScreenProfile, now: Timestamp, history: [Timestamp]) -> BootChoice? {
        let eligible = eligibleCreatives(rules: rules, creatives: creatives, brands: brands, model: model)
            .filter { $0.isLive(at: now) }
        let candidates = eligible.map(Candidate.init)
        guard let (i, why) = pick(candidates, rules: rules, device: device, now: now, history: history),
              let fit = fit(variants: eligible[i].variants, screen: screen) else { return nil }
        let c = eligible[i]
        return BootChoice(creative: c.id, brand: c.brand, kind: c.kind, variant: fit.variant, reason: why + "; " + fit.reason,
                          durationMS: c.durationMS, closePromptMS: rules.closePrompt(for: c), closeWithinMS: rules.closeWithinMS,
                          skippableAfterMS: c.skippableAfterMS, priority: c.priority, isDefault: c.isDefault)
    }

    /// What a device decides from its (verified) prefetch list alone: the same rule over the
    /// list's items whose validity window contains `now`, with the variant chosen when the list
    /// was made. Equals `decide` with the server's data for any `now` in
    /// [list.generatedAt, list.validUntil); nil once the list has expired.
    public static func decideOffline(list: BootPrefetchList, now: Timestamp, history: [Timestamp]) -> BootChoice? {
        let live = list.items.filter { $0.validFrom <= now && now < $0.validUntil }
        let candidates = live.map(Candidate.init)
        guard let (i, why) = pick(candidates, rules: list.rules, device: list.device, now: now, history: history) else { return nil }
        let item = live[i]
        return BootChoice(creative: item.creative, brand: item.brand, kind: item.kind, variant: item.variant,
                          reason: why + "; " + item.fit, durationMS: item.durationMS, closePromptMS: item.closePromptMS,
                          closeWithinMS: list.rules.closeWithinMS, skippableAfterMS: item.skippableAfterMS,
                          priority: item.priority, isDefault: item.isDefault)
    }

    // MARK: Variant fit

    /// The variant best fitting a `screen`: the exact size; else among the variants of the same
    /// aspect ratio (`w × H == W × h`) the nearest in area; else the nearest aspect ratio
    /// (smallest `|w/h − W/H|`, compared exactly in integers), then the nearest area. Remaining
    /// ties: the larger area (downscaling beats upscaling), then the smaller width. A screen
    /// with a non-positive side gets the largest variant. Nil when there are no variants.
    public static func fit(variants: [BootVariant], screen: ScreenProfile) -> BootFit? {
        guard !variants.isEmpty else { return nil }
        let (W, H) = (screen.width, screen.height)
        let usable = variants.filter { $0.width > 0 && $0.height > 0 }
        guard !usable.isEmpty else { return nil }
        guard W > 0, H > 0 else {
            let v = usable.min { areaTieBreak($0, $1) }!
            return BootFit(variant: v, match: .largest, reason: "no screen size, largest profile \(v.sizeText)")
        }
        if let v = usable.first(where: { $0.width == W && $0.height == H }) {
            return BootFit(variant: v, match: .exact, reason: "exact profile \(v.sizeText)")
        }
        let area = W * H
        func areaDiff(_ v: BootVariant) -> Int { abs(v.width * v.height - area) }
        let same = usable.filter { $0.width * H == W * $0.height }
        if let v = same.min(by: { a, b in
            areaDiff(a) != areaDiff(b) ? areaDiff(a) < areaDiff(b) : areaTieBreak(a, b)
        }) {
            return BootFit(variant: v, match: .sameAspect, reason: "nearest profile \(v.sizeText) for \(screen) (same aspect ratio)")
        }
        // |w/h − W/H| = |w·H − W·h| / (h·H); compare a/b < c/d as a·d < c·b in full width.
        func aspect(_ v: BootVariant) -> (num: UInt, den: UInt) {
            ((v.width * H - W * v.height).magnitude, UInt(v.height * H))
        }
        func aspectLess(_ x: BootVariant, _ y: BootVariant) -> Bool? {
            let (a, b) = aspect(x), (c, d) = aspect(y)
            let l = a.multipliedFullWidth(by: d), r = c.multipliedFullWidth(by: b)
            if l.high != r.high || l.low != r.low { return (l.high, l.low) < (r.high, r.low) }
            return nil
        }
        let v = usable.min { a, b in
            if let less = aspectLess(a, b) { return less }
            return areaDiff(a) != areaDiff(b) ? areaDiff(a) < areaDiff(b) : areaTieBreak(a, b)
        }!
        return BootFit(variant: v, match: .nearest, reason: "nearest profile \(v.sizeText) for \(screen) (closest aspect ratio)")
    }

    /// Larger area first, then smaller width, then path: the last tie-break of `fit`.
    private static func areaTieBreak(_ a: BootVariant, _ b: BootVariant) -> Bool {
        let (x, y) = (a.width * a.height, b.width * b.height)
        if x != y { return x > y }
        if a.width != b.width { return a.width < b.width }
        return bootIDPrecedes(a.path, b.path)
    }

    // MARK: Buckets

    /// The device's bucket, 0...99, in one priority group on one channel-local day:
    /// `fmix64(FNV-1a-64("<channel>\0<device>\0<day>\0<priority>")) % 100`, `day` and `priority`
    /// in decimal. FNV-1a is `AdDecisionEngine.hash64`; fmix64 is MurmurHash3's 64-bit finalizer
    /// (FNV-1a alone leaves ids that differ in their last byte too close). Stable across
    /// processes and platforms, unlike Swift's `Hasher`.
    public static func bucket(channel: String, device: String, day: Int64, priority: Int) -> Int {
        var k = AdDecisionEngine.hash64("\(channel)\u{0}\(device)\u{0}\(day)\u{0}\(priority)")
        k ^= k >> 33
        k = k &* 0xff51_afd7_ed55_8ccd
        k ^= k >> 33
        k = k &* 0xc4ce_b9fe_1a85_ec53
        k ^= k >> 33
        return Int(k % 100)
    }

    // MARK: The rule

    /// What the rule needs of a creative or a prefetch item.
    struct Candidate {
        var id: String
        var brand: String
        var priority: Int
        var sharePercent: Int?
        var isDefault: Bool

        init(_ c: BootCreative) {
            (id, brand, priority, sharePercent, isDefault) = (c.id, c.brand, c.priority, c.sharePercent, c.isDefault)
        }

        init(_ i: BootPrefetchItem) {
            (id, brand, priority, sharePercent, isDefault) = (i.creative, i.brand, i.priority, i.sharePercent, i.isDefault)
        }
    }

    /// A creative's buckets in its group: [start, end) within 0...100.
    struct Slot {
        var index: Int
        var start: Int
        var end: Int
        /// No share of its own: an equal part of what the shares leave.
        var split: Bool
    }

    /// Creatives of the channel that may ever be shown to `model`, whatever the time: channel,
    /// variants, brand known and its tier allowed.
    static func eligibleCreatives(rules: BootRules, creatives: [BootCreative], brands: [Brand], model: String?) -> [BootCreative] {
        let tiers = rules.allowedTiers(model: model)
        let brandTier = Dictionary(brands.map { ($0.id, $0.tier) }, uniquingKeysWith: { a, _ in a })
        return creatives.filter { c in
            guard c.channel == rules.channel, c.hasUsableVariant, let tier = brandTier[c.brand] else { return false }
            return tiers.map { $0.contains(tier) } ?? true
        }
    }

    /// The non-default candidates by priority, lowest number first, each with its slots.
    static func groups(_ candidates: [Candidate]) -> [(priority: Int, slots: [Slot])] {
        let ads = candidates.indices.filter { !candidates[$0].isDefault }
        let byPriority = Dictionary(grouping: ads, by: { candidates[$0].priority })
        return byPriority.keys.sorted().map { p in
            let members = byPriority[p]!.sorted { bootIDPrecedes(candidates[$0].id, candidates[$1].id) }
            let explicit = members.reduce(0) { $0 + max(0, candidates[$1].sharePercent ?? 0) }
            let unshared = members.filter { candidates[$0].sharePercent == nil }.count
            let rest = max(0, 100 - explicit)
            var cursor = 0, k = 0
            var slots: [Slot] = []
            for i in members {
                let width: Int
                if let s = candidates[i].sharePercent {
                    width = max(0, s)
                } else {
                    width = rest / unshared + (k < rest % unshared ? 1 : 0)
                    k += 1
                }
                let end = min(100, cursor + width)
                slots.append(Slot(index: i, start: cursor, end: end, split: candidates[i].sharePercent == nil))
                cursor = end
            }
            return (p, slots)
        }
    }

    /// The default to fall back to: lowest priority number, then lowest id.
    static func fallbackDefault(_ candidates: [Candidate]) -> Int? {
        candidates.indices.filter { candidates[$0].isDefault }.min { a, b in
            let (x, y) = (candidates[a], candidates[b])
            return x.priority != y.priority ? x.priority < y.priority : bootIDPrecedes(x.id, y.id)
        }
    }

    /// Steps 2–4 of the rule over candidates live at `now`: the index picked and why.
    static func pick(_ candidates: [Candidate], rules: BootRules, device: String, now: Timestamp,
                     history: [Timestamp]) -> (Int, String)? {
        func fallback(_ why: String) -> (Int, String)? {
            guard let d = fallbackDefault(candidates) else { return nil }
            return (d, why + ", default shown")
        }
        let day = rules.localDay(of: now)
        let past = history.filter { $0 <= now }
        let today = past.filter { rules.localDay(of: $0) == day }.count
        if today >= rules.capPerDay {
            return fallback("capped: \(today) today (cap \(rules.capPerDay))")
        }
        if let last = past.max(), rules.minIntervalMS > 0, now.milliseconds - last.milliseconds < rules.minIntervalMS {
            return fallback("capped: last boot ad \(span(now.milliseconds - last.milliseconds)) ago (minimum interval \(span(rules.minIntervalMS)))")
        }
        let groups = groups(candidates)
        guard !groups.isEmpty else { return fallback("no boot ad eligible") }
        var passed: [String] = []
        for (p, slots) in groups {
            let b = bucket(channel: rules.channel, device: device, day: day, priority: p)
            if let s = slots.first(where: { b >= $0.start && b < $0.end }) {
                let c = candidates[s.index]
                let share = s.split ? "equal split \(s.end - s.start) %" : "share \(s.end - s.start) %"
                return (s.index, (passed + ["priority \(p), \(share) (bucket \(b) of 100), \(c.brand)"]).joined(separator: "; "))
            }
            passed.append("priority \(p): bucket \(b) of 100 past its \(slots.last?.end ?? 0) %")
        }
        return fallback(passed.joined(separator: "; "))
    }

    /// `10 min`, `245 s`, `1.500 s`.
    private static func span(_ ms: Int64) -> String {
        if ms % 60_000 == 0 { return "\(ms / 60_000) min" }
        if ms % 1000 == 0 { return "\(ms / 1000) s" }
        return bootSeconds(ms)
    }
}
