public import MediaCore

/// The ad side of the catalog: per-channel policy, breaks per title, campaigns and creatives.
/// Values only; `CatalogStore` keeps them (change-logged like the rest of the catalog) and
/// `AdDecisionEngine` decides from them. Durations are integer milliseconds; JSON is snake_case.

/// How a channel marks ad breaks in playlists.
public enum MarkerSetting: String, Sendable, Hashable, Codable, CaseIterable {
    /// `EXT-X-DATERANGE` with SCTE35-OUT/IN (RFC 8216bis).
    case daterange
    /// `EXT-X-CUE-OUT` / `-CUE-OUT-CONT` / `-CUE-IN`.
    case cue
    case both
}

/// Which SCTE-35 command the markers carry.
public enum CueSetting: String, Sendable, Hashable, Codable, CaseIterable {
    /// `splice_insert` out/in.
    case spliceInsert = "splice_insert"
    /// `time_signal` with Provider Placement Opportunity Start/End descriptors.
    case timeSignal = "time_signal"
}

/// What happens to an ad longer than the time left in its break.
public enum OverlongRule: String, Sendable, Hashable, Codable, CaseIterable {
    /// Leave it out (another ad or the slate may fill the time).
    case drop
    /// Keep its whole segments that fit and cut the rest (the ad ends early).
    case trim
}

/// A channel's ad policy.
public struct AdPolicy: Sendable, Hashable, Codable {
    public var channel: String
    /// Break positions that carry ads on this channel.
    public var positions: [BreakPosition]
    /// Planned durations used for a title's breaks when its break plan does not say.
    public var preRollMS: Int64
    public var midRollMS: Int64
    public var postRollMS: Int64
    /// Upper bounds per break.
    public var maxAdMSPerBreak: Int64
    public var maxAdsPerBreak: Int
    /// Endpoint kinds that get ads (empty: all).
    public var endpoints: [EndpointKind]
    /// Brand categories never shown on this channel.
    public var excludedCategories: [String]
    /// Device model → advertiser tiers it may show (premium models: premium brands only). A key
    /// ending in `*` is a prefix. Models not listed may show every tier.
    public var modelTiers: [String: [BrandTier]]
    public var markers: MarkerSetting
    public var cue: CueSetting
    public var overlong: OverlongRule
    /// The creative that fills what no ad fits (nil: the time is left out).
    public var slate: String?
    /// An external VAST 4 ad server tried before the built-in engine (http or https).
    public var vastURL: String?
    public var vastTimeoutMS: Int
    /// How long a playback session (and its decisions) lives.
    public var sessionTTLSeconds: Int
    /// The channel's offset from UTC, for time-of-day targeting and day boundaries of caps and pacing.
    public var utcOffsetMinutes: Int

    public init(channel: String, positions: [BreakPosition] = [.pre, .mid, .post], preRollMS: Int64 = 15_000,
                midRollMS: Int64 = 30_000, postRollMS: Int64 = 15_000, maxAdMSPerBreak: Int64 = 120_000,
                maxAdsPerBreak: Int = 4, endpoints: [EndpointKind] = [], excludedCategories: [String] = [],
                modelTiers: [String: [BrandTier]] = [:], markers: MarkerSetting = .both, cue: CueSetting = .spliceInsert,
                overlong: OverlongRule = .drop, slate: String? = nil, vastURL: String? = nil, vastTimeoutMS: Int = 1500,
                sessionTTLSeconds: Int = 4 * 3600, utcOffsetMinutes: Int = 0) {
        self.channel = channel
        self.positions = positions
        self.preRollMS = preRollMS
        self.midRollMS = midRollMS
        self.postRollMS = postRollMS
        self.maxAdMSPerBreak = maxAdMSPerBreak
        self.maxAdsPerBreak = maxAdsPerBreak
        self.endpoints = endpoints
        self.excludedCategories = excludedCategories
        self.modelTiers = modelTiers
        self.markers = markers
        self.cue = cue
        self.overlong = overlong
        self.slate = slate
        self.vastURL = vastURL
        self.vastTimeoutMS = vastTimeoutMS
        self.sessionTTLSeconds = sessionTTLSeconds
        self.utcOffsetMinutes = utcOffsetMinutes
    }

    enum CodingKeys: String, CodingKey {
        case channel, positions, endpoints, markers, cue, overlong, slate
        case preRollMS = "pre_roll_ms", midRollMS = "mid_roll_ms", postRollMS = "post_roll_ms"
        case maxAdMSPerBreak = "max_ad_ms_per_break", maxAdsPerBreak = "max_ads_per_break"
        case excludedCategories = "excluded_categories", modelTiers = "model_tiers"
        case vastURL = "vast_url", vastTimeoutMS = "vast_timeout_ms", sessionTTLSeconds = "session_ttl_s"
        case utcOffsetMinutes = "utc_offset_minutes"
    }

    /// Decodes a policy; every field may be left out (defaults as in `init`; `channel` empty,
    /// for callers that take it from elsewhere, e.g. the URL).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = AdPolicy(channel: try c.decodeIfPresent(String.self, forKey: .channel) ?? "")
        self.init(
            channel: d.channel,
            positions: try c.decodeIfPresent([BreakPosition].self, forKey: .positions) ?? d.positions,
            preRollMS: try c.decodeIfPresent(Int64.self, forKey: .preRollMS) ?? d.preRollMS,
            midRollMS: try c.decodeIfPresent(Int64.self, forKey: .midRollMS) ?? d.midRollMS,
            postRollMS: try c.decodeIfPresent(Int64.self, forKey: .postRollMS) ?? d.postRollMS,
            maxAdMSPerBreak: try c.decodeIfPresent(Int64.self, forKey: .maxAdMSPerBreak) ?? d.maxAdMSPerBreak,
            maxAdsPerBreak: try c.decodeIfPresent(Int.self, forKey: .maxAdsPerBreak) ?? d.maxAdsPerBreak,
            endpoints: try c.decodeIfPresent([EndpointKind].self, forKey: .endpoints) ?? d.endpoints,
            excludedCategories: try c.decodeIfPresent([String].self, forKey: .excludedCategories) ?? d.excludedCategories,
            modelTiers: try c.decodeIfPresent([String: [BrandTier]].self, forKey: .modelTiers) ?? d.modelTiers,
            markers: try c.decodeIfPresent(MarkerSetting.self, forKey: .markers) ?? d.markers,
            cue: try c.decodeIfPresent(CueSetting.self, forKey: .cue) ?? d.cue,
            overlong: try c.decodeIfPresent(OverlongRule.self, forKey: .overlong) ?? d.overlong,
            slate: try c.decodeIfPresent(String.self, forKey: .slate),
            vastURL: try c.decodeIfPresent(String.self, forKey: .vastURL),
            vastTimeoutMS: try c.decodeIfPresent(Int.self, forKey: .vastTimeoutMS) ?? d.vastTimeoutMS,
            sessionTTLSeconds: try c.decodeIfPresent(Int.self, forKey: .sessionTTLSeconds) ?? d.sessionTTLSeconds,
            utcOffsetMinutes: try c.decodeIfPresent(Int.self, forKey: .utcOffsetMinutes) ?? d.utcOffsetMinutes)
    }

    /// The tiers `model` may show, nil when unrestricted. An exact key wins over the longest prefix key.
    public func allowedTiers(model: String?) -> [BrandTier]? {
        guard let model, !modelTiers.isEmpty else { return nil }
        if let exact = modelTiers[model] { return exact }
        var best: (Int, [BrandTier])? = nil
        for (key, tiers) in modelTiers where key.hasSuffix("*") {
            let prefix = key.dropLast()
            if model.hasPrefix(prefix), prefix.count > (best?.0 ?? -1) { best = (prefix.count, tiers) }
        }
        return best?.1
    }
}

/// One planned ad break of a title.
public struct BreakPlan: Sendable, Hashable, Codable {
    public var position: BreakPosition
    /// Where it starts in the title (milliseconds): 0 for pre, a packaging cut point for mid,
    /// the title's duration for post.
    public var atMS: Int64
    /// How long it should be.
    public var plannedMS: Int64

    public init(position: BreakPosition, atMS: Int64, plannedMS: Int64) {
        self.position = position
        self.atMS = atMS
        self.plannedMS = plannedMS
    }

    enum CodingKeys: String, CodingKey {
        case position
        case atMS = "at_ms", plannedMS = "planned_ms"
    }
}

/// The break plan set on a title (`breaks set`); without one, a title's breaks come from its
/// version's cut points and the channel's default durations.
public struct TitleBreaks: Sendable, Hashable, Codable {
    public var title: String
    public var breaks: [BreakPlan]

    public init(title: String, breaks: [BreakPlan]) {
        self.title = title
        self.breaks = breaks
    }
}

/// How a campaign spends its impression goal over its flight.
public enum Pacing: String, Sendable, Hashable, Codable, CaseIterable {
    /// The same share of the remaining goal each remaining day, spread over the day.
    case even
    /// As fast as decisions allow.
    case asap
}

/// Who a campaign may reach; an empty list means any.
public struct Targeting: Sendable, Hashable, Codable {
    public var channels: [String]
    public var endpoints: [EndpointKind]
    /// Device models (a trailing `*` is a prefix).
    public var models: [String]
    /// Hours of the channel's local day, 0...23.
    public var hours: [Int]
    public var series: [String]
    public var titles: [String]

    public init(channels: [String] = [], endpoints: [EndpointKind] = [], models: [String] = [], hours: [Int] = [],
                series: [String] = [], titles: [String] = []) {
        self.channels = channels
        self.endpoints = endpoints
        self.models = models
        self.hours = hours
        self.series = series
        self.titles = titles
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(channels: try c.decodeIfPresent([String].self, forKey: .channels) ?? [],
                  endpoints: try c.decodeIfPresent([EndpointKind].self, forKey: .endpoints) ?? [],
                  models: try c.decodeIfPresent([String].self, forKey: .models) ?? [],
                  hours: try c.decodeIfPresent([Int].self, forKey: .hours) ?? [],
                  series: try c.decodeIfPresent([String].self, forKey: .series) ?? [],
                  titles: try c.decodeIfPresent([String].self, forKey: .titles) ?? [])
    }

    /// Whether `model` matches one of `models` (exact, or a `*` prefix pattern).
    public static func matches(model: String?, patterns: [String]) -> Bool {
        guard !patterns.isEmpty else { return true }
        guard let model else { return false }
        return patterns.contains { p in p.hasSuffix("*") ? model.hasPrefix(p.dropLast()) : p == model }
    }
}

/// An advertiser's campaign.
public struct Campaign: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var brand: String
    /// Flight: [from, until).
    public var from: Timestamp
    public var until: Timestamp
    /// Impressions to deliver over the flight.
    public var impressionGoal: Int64
    /// 1 (first) ... 10 (last).
    public var priority: Int
    public var pacing: Pacing
    public var targeting: Targeting
    /// At most this many of the campaign's ads per device per day (nil: no cap).
    public var capPerDevice: Int?
    /// At most this many per household per day (nil: no cap).
    public var capPerHousehold: Int?
    public var paused: Bool

    public init(id: String, name: String, brand: String, from: Timestamp, until: Timestamp, impressionGoal: Int64,
                priority: Int = 5, pacing: Pacing = .even, targeting: Targeting = Targeting(),
                capPerDevice: Int? = nil, capPerHousehold: Int? = nil, paused: Bool = false) {
        self.id = id
        self.name = name
        self.brand = brand
        self.from = from
        self.until = until
        self.impressionGoal = impressionGoal
        self.priority = priority
        self.pacing = pacing
        self.targeting = targeting
        self.capPerDevice = capPerDevice
        self.capPerHousehold = capPerHousehold
        self.paused = paused
    }

    enum CodingKeys: String, CodingKey {
        case id, name, brand, from, until, priority, pacing, targeting, paused
        case impressionGoal = "impression_goal", capPerDevice = "cap_per_device", capPerHousehold = "cap_per_household"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try c.decode(String.self, forKey: .id), name: try c.decode(String.self, forKey: .name),
                  brand: try c.decode(String.self, forKey: .brand), from: try c.decode(Timestamp.self, forKey: .from),
                  until: try c.decode(Timestamp.self, forKey: .until),
                  impressionGoal: try c.decode(Int64.self, forKey: .impressionGoal),
                  priority: try c.decodeIfPresent(Int.self, forKey: .priority) ?? 5,
                  pacing: try c.decodeIfPresent(Pacing.self, forKey: .pacing) ?? .even,
                  targeting: try c.decodeIfPresent(Targeting.self, forKey: .targeting) ?? Targeting(),
                  capPerDevice: try c.decodeIfPresent(Int.self, forKey: .capPerDevice),
                  capPerHousehold: try c.decodeIfPresent(Int.self, forKey: .capPerHousehold),
                  paused: try c.decodeIfPresent(Bool.self, forKey: .paused) ?? false)
    }
}

/// A creative conditioned to one content template: an ad package folder under the media root.
public struct CreativePackage: Sendable, Hashable, Codable {
    /// `AdTemplate.key` of the content it was made for.
    public var template: String
    /// Package folder relative to the media root, e.g. `ads/brew-15/3f2a9c/`.
    public var path: String
    public var durationMS: Int64
    public var renditions: [VersionRendition]

    public init(template: String, path: String, durationMS: Int64, renditions: [VersionRendition]) {
        self.template = template
        self.path = path
        self.durationMS = durationMS
        self.renditions = renditions
    }

    enum CodingKeys: String, CodingKey {
        case template, path, renditions
        case durationMS = "duration_ms"
    }
}

/// An ad video (or a channel's slate) and its conditioned packages.
public struct Creative: Sendable, Hashable, Codable {
    public var id: String
    /// nil for a slate.
    public var campaign: String?
    public var name: String
    /// Duration of the source video.
    public var durationMS: Int64
    /// One package per content template it was conditioned to.
    public var packages: [CreativePackage]
    /// A slate: filler, not an ad (no campaign, not counted as an impression).
    public var slate: Bool
    /// The file it was made from (informational), or the media URL an external VAST ad server
    /// names it by.
    public var source: String?

    public init(id: String, campaign: String?, name: String, durationMS: Int64, packages: [CreativePackage] = [],
                slate: Bool = false, source: String? = nil) {
        self.id = id
        self.campaign = campaign
        self.name = name
        self.durationMS = durationMS
        self.packages = packages
        self.slate = slate
        self.source = source
    }

    enum CodingKeys: String, CodingKey {
        case id, campaign, name, packages, slate, source
        case durationMS = "duration_ms"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try c.decode(String.self, forKey: .id), campaign: try c.decodeIfPresent(String.self, forKey: .campaign),
                  name: try c.decode(String.self, forKey: .name), durationMS: try c.decode(Int64.self, forKey: .durationMS),
                  packages: try c.decodeIfPresent([CreativePackage].self, forKey: .packages) ?? [],
                  slate: try c.decodeIfPresent(Bool.self, forKey: .slate) ?? false,
                  source: try c.decodeIfPresent(String.self, forKey: .source))
    }

    /// The package conditioned to `template`, if any.
    public func package(for template: String) -> CreativePackage? {
        packages.first { $0.template == template }
    }
}

/// The content template key: what an ad package must match to be stitched into a version —
/// segment format and the video rungs (id and size). Audio-only renditions are matched by kind.
public enum AdTemplate {
    public static func key(format: String, renditions: [VersionRendition]) -> String {
        let video = renditions.filter { $0.kind == "video" }.map { "\($0.id)=\($0.resolution ?? "?")" }.sorted()
        return format + ":" + video.joined(separator: ",")
    }

    public static func key(of version: TitleVersion) -> String { key(format: version.format, renditions: version.renditions) }
}
