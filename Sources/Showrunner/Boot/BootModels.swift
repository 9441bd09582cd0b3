
/// Boot-screen creatives: the full-screen image or video a TV (or an app's splash screen) shows
/// when it powers on. Values only; the store keeps them, `BootRules.check` guards ingest,
/// `BootDecision` picks one per boot, `BootSchedule` plans a day and `BootPrefetch` builds the
/// signed list a device caches to decide offline. Times are `Timestamp`s, durations integer
/// milliseconds, sizes bytes, shares integer percent; JSON is snake_case.

/// What a boot creative is made of.
public enum BootCreativeKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A still (JPEG or PNG), shown for `durationMS` (5 s unless set).
    case image
    /// A video (MP4 in, one H.264/AAC MP4 and a short HLS per screen profile out); `durationMS`
    /// is its real length, read from the rendered files.
    case video
}

/// One rendering of a boot creative for one screen profile: the file a device caches. For a
/// video, the file is a progressive MP4 and `hlsMaster` names a short HLS of the same encode for
/// players that stream instead of caching.
public struct BootVariant: Sendable, Hashable, Codable {
    /// Pixels.
    public var width: Int
    public var height: Int
    /// The file relative to the media root, e.g. `boot/tv/brew-60/1920x1080.mp4` (never absolute,
    /// never `..`).
    public var path: String
    /// SHA-256 of the file, 64 lowercase hex digits.
    public var sha256: String
    /// File size in bytes.
    public var size: Int64
    /// `image/jpeg`, `image/png`, `video/mp4`.
    public var mime: String
    /// A video variant's length in milliseconds, read from the written MP4 (JSON `duration_ms`);
    /// nil for an image.
    public var durationMS: Int64?
    /// A video variant's HLS multivariant playlist (TS segments of about 2 s), relative to the
    /// media root like `path`, e.g. `boot/tv/brew-60/1920x1080/master.m3u8` (JSON `hls_master`);
    /// nil for an image.
    public var hlsMaster: String?

    public init(width: Int, height: Int, path: String, sha256: String, size: Int64, mime: String,
                durationMS: Int64? = nil, hlsMaster: String? = nil) {
        self.width = width
        self.height = height
        self.path = path
        self.sha256 = sha256
        self.size = size
        self.mime = mime
        self.durationMS = durationMS
        self.hlsMaster = hlsMaster
    }

    enum CodingKeys: String, CodingKey {
        case width, height, path, sha256, size, mime
        case durationMS = "duration_ms", hlsMaster = "hls_master"
    }

    /// `1920x1080`.
    public var sizeText: String { "\(width)x\(height)" }
}

/// A boot-screen creative of one channel: what to show, for which brand, when (its flight), how
/// it competes (priority, share of voice), and its rendered variants.
public struct BootCreative: Sendable, Hashable, Codable {
    /// How long an image is shown when its duration is not set.
    public static let defaultImageDurationMS: Int64 = 5000

    /// Slug id, unique across boot creatives, e.g. `brew-60`.
    public var id: String
    /// The channel it runs on (`Channel.id`).
    public var channel: String
    /// The advertiser (`Brand.id`); its tier is checked against the device model's whitelist.
    public var brand: String
    public var kind: BootCreativeKind
    /// Flight: shown in [from, until).
    public var from: Timestamp
    public var until: Timestamp
    /// 1 (first) ... 10 (last). Lower numbers are tried first; see `BootDecision`.
    public var priority: Int
    /// Share of voice among the creatives of the same priority live at the same time, 1...100 %.
    /// nil: the creative splits what the group's explicit shares leave, equally with the other
    /// creatives without a share. Must be nil for a default creative.
    public var sharePercent: Int?
    /// How long it plays: a video's length, an image's display time.
    public var durationMS: Int64
    /// The viewer may skip after this long (nil: not skippable before it ends or is closed).
    public var skippableAfterMS: Int64?
    /// When the close prompt appears, at most the channel's `closePromptMS` (nil: the channel's).
    public var closePromptMS: Int64?
    /// The channel's fallback: shown when no ad is chosen or the device is capped. It takes no
    /// share and is never capped.
    public var isDefault: Bool
    /// One per screen profile of the channel; a creative without variants is never chosen.
    public var variants: [BootVariant]

    /// `durationMS` nil: 5 s for an image, 0 (refused by `BootRules.check`) for a video.
    public init(id: String, channel: String, brand: String, kind: BootCreativeKind, from: Timestamp, until: Timestamp,
                priority: Int = 5, sharePercent: Int? = nil, durationMS: Int64? = nil, skippableAfterMS: Int64? = nil,
                closePromptMS: Int64? = nil, isDefault: Bool = false, variants: [BootVariant] = []) {
        self.id = id
        self.channel = channel
        self.brand = brand
        self.kind = kind
        self.from = from
        self.until = until
        self.priority = priority
        self.sharePercent = sharePercent
        self.durationMS = durationMS ?? (kind == .image ? Self.defaultImageDurationMS : 0)
        self.skippableAfterMS = skippableAfterMS
        self.closePromptMS = closePromptMS
        self.isDefault = isDefault
        self.variants = variants
    }

    enum CodingKeys: String, CodingKey {
        case id, channel, brand, kind, from, until, priority, variants
        case sharePercent = "share_percent", durationMS = "duration_ms", skippableAfterMS = "skippable_after_ms"
        case closePromptMS = "close_prompt_ms", isDefault = "is_default"
    }

    /// Decodes a creative; `priority` defaults to 5, `is_default` to false, `variants` to none,
    /// `duration_ms` as in `init`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try c.decode(String.self, forKey: .id), channel: try c.decode(String.self, forKey: .channel),
                  brand: try c.decode(String.self, forKey: .brand), kind: try c.decode(BootCreativeKind.self, forKey: .kind),
                  from: try c.decode(Timestamp.self, forKey: .from), until: try c.decode(Timestamp.self, forKey: .until),
                  priority: try c.decodeIfPresent(Int.self, forKey: .priority) ?? 5,
                  sharePercent: try c.decodeIfPresent(Int.self, forKey: .sharePercent),
                  durationMS: try c.decodeIfPresent(Int64.self, forKey: .durationMS),
                  skippableAfterMS: try c.decodeIfPresent(Int64.self, forKey: .skippableAfterMS),
                  closePromptMS: try c.decodeIfPresent(Int64.self, forKey: .closePromptMS),
                  isDefault: try c.decodeIfPresent(Bool.self, forKey: .isDefault) ?? false,
                  variants: try c.decodeIfPresent([BootVariant].self, forKey: .variants) ?? [])
    }

    /// Whether `t` falls in the flight [from, until).
    public func isLive(at t: Timestamp) -> Bool { t >= from && t < until }

    /// Whether the two flights share an instant.
    public func overlaps(_ other: BootCreative) -> Bool { from < other.until && other.from < until }

    /// Whether it has a variant with positive width and height (else it is never chosen).
    var hasUsableVariant: Bool { variants.contains { $0.width > 0 && $0.height > 0 } }

    /// Whether the flight shares an instant with [start, end).
    public func overlaps(from start: Timestamp, until end: Timestamp) -> Bool { from < end && start < until }
}

/// A channel's boot-screen rules: ingest limits, viewer-protection timings, the frequency cap,
/// the advertiser-tier whitelist per device model and the channel's local day. Sent inside the
/// prefetch list so a device can decide offline.
public struct BootRules: Sendable, Hashable, Codable {
    public var channel: String
    /// Longest creative (30 s).
    public var maxDurationMS: Int64
    /// Largest variant file in bytes (50 MiB).
    public var maxFileBytes: Int64
    /// The close prompt appears at most this long after the creative starts (1 s).
    public var closePromptMS: Int64
    /// The creative is gone at most this long after the viewer asks to close it (3 s).
    public var closeWithinMS: Int64
    /// At most this many non-default boot creatives per device per channel-local day (3); 0 turns
    /// boot ads off (the default is still shown).
    public var capPerDay: Int
    /// No boot ad within this long of the device's last one (10 min); 0: no interval.
    public var minIntervalMS: Int64
    /// Device model → advertiser tiers it may show (premium models: premium brands only). A key
    /// ending in `*` is a prefix; an exact key wins over the longest prefix. Models not listed
    /// may show every tier. Same rule as `AdPolicy.modelTiers`.
    public var modelTiers: [String: [BrandTier]]
    /// The channel's offset from UTC: its local day bounds the cap and the daily rotation.
    public var utcOffsetMinutes: Int

    public init(channel: String, maxDurationMS: Int64 = 30_000, maxFileBytes: Int64 = 50 * 1024 * 1024,
                closePromptMS: Int64 = 1000, closeWithinMS: Int64 = 3000, capPerDay: Int = 3,
                minIntervalMS: Int64 = 600_000, modelTiers: [String: [BrandTier]] = [:], utcOffsetMinutes: Int = 0) {
        self.channel = channel
        self.maxDurationMS = maxDurationMS
        self.maxFileBytes = maxFileBytes
        self.closePromptMS = closePromptMS
        self.closeWithinMS = closeWithinMS
        self.capPerDay = capPerDay
        self.minIntervalMS = minIntervalMS
        self.modelTiers = modelTiers
        self.utcOffsetMinutes = utcOffsetMinutes
    }

    enum CodingKeys: String, CodingKey {
        case channel
        case maxDurationMS = "max_duration_ms", maxFileBytes = "max_file_bytes", closePromptMS = "close_prompt_ms"
        case closeWithinMS = "close_within_ms", capPerDay = "cap_per_day", minIntervalMS = "min_interval_ms"
        case modelTiers = "model_tiers", utcOffsetMinutes = "utc_offset_minutes"
    }

    /// Decodes rules; every field may be left out (defaults as in `init`; `channel` empty, for
    /// callers that take it from elsewhere, e.g. the URL).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = BootRules(channel: try c.decodeIfPresent(String.self, forKey: .channel) ?? "")
        self.init(channel: d.channel,
                  maxDurationMS: try c.decodeIfPresent(Int64.self, forKey: .maxDurationMS) ?? d.maxDurationMS,
                  maxFileBytes: try c.decodeIfPresent(Int64.self, forKey: .maxFileBytes) ?? d.maxFileBytes,
                  closePromptMS: try c.decodeIfPresent(Int64.self, forKey: .closePromptMS) ?? d.closePromptMS,
                  closeWithinMS: try c.decodeIfPresent(Int64.self, forKey: .closeWithinMS) ?? d.closeWithinMS,
                  capPerDay: try c.decodeIfPresent(Int.self, forKey: .capPerDay) ?? d.capPerDay,
                  minIntervalMS: try c.decodeIfPresent(Int64.self, forKey: .minIntervalMS) ?? d.minIntervalMS,
                  modelTiers: try c.decodeIfPresent([String: [BrandTier]].self, forKey: .modelTiers) ?? d.modelTiers,
                  utcOffsetMinutes: try c.decodeIfPresent(Int.self, forKey: .utcOffsetMinutes) ?? d.utcOffsetMinutes)
    }

    /// Refuses rules that make no sense: non-positive limits, negative cap or interval, an
    /// offset beyond ±18 h.
    public func validate() throws {
        guard !channel.isEmpty else { throw ShowrunnerError.invalid("channel", "boot rules need a channel") }
        guard maxDurationMS > 0 else { throw ShowrunnerError.invalid("max_duration_ms", "must be positive") }
        guard maxFileBytes > 0 else { throw ShowrunnerError.invalid("max_file_bytes", "must be positive") }
        guard closePromptMS >= 0 else { throw ShowrunnerError.invalid("close_prompt_ms", "must not be negative") }
        guard closeWithinMS >= 0 else { throw ShowrunnerError.invalid("close_within_ms", "must not be negative") }
        guard capPerDay >= 0 else { throw ShowrunnerError.invalid("cap_per_day", "must not be negative") }
        guard minIntervalMS >= 0 else { throw ShowrunnerError.invalid("min_interval_ms", "must not be negative") }
        guard abs(utcOffsetMinutes) <= 18 * 60 else {
            throw ShowrunnerError.invalid("utc_offset_minutes", "\(utcOffsetMinutes) is beyond ±18 h")
        }
    }

    /// The tiers `model` may show, nil when unrestricted. An exact key wins over the longest
    /// prefix key (`X9*`). Mirrors `AdPolicy.allowedTiers(model:)`.
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

    // MARK: Channel-local days

    static let dayMS: Int64 = 86_400_000

    /// The channel-local day `t` falls in: days since 1970-01-01 in the channel's offset.
    public func localDay(of t: Timestamp) -> Int64 {
        let local = t.milliseconds + Int64(utcOffsetMinutes) * 60_000
        let q = local / Self.dayMS
        return (local % Self.dayMS != 0 && local < 0) ? q - 1 : q
    }

    /// The instant the channel-local day containing `t` starts (local midnight, as UTC).
    public func localMidnight(of t: Timestamp) -> Timestamp {
        Timestamp(milliseconds: localDay(of: t) * Self.dayMS - Int64(utcOffsetMinutes) * 60_000)
    }

    /// The close-prompt time a creative gets: its own, never later than the channel's.
    public func closePrompt(for creative: BootCreative) -> Int64 {
        min(creative.closePromptMS ?? closePromptMS, closePromptMS)
    }
}

/// Milliseconds as seconds with three decimals: `30.000 s`.
func bootSeconds(_ ms: Int64) -> String {
    let sign = ms < 0 ? "-" : ""
    let m = ms.magnitude
    let frac = String(m % 1000)
    return "\(sign)\(m / 1000).\(String(repeating: "0", count: 3 - frac.count))\(frac) s"
}

/// Byte-wise UTF-8 order of ids: the documented, platform-independent order of the share walk.
func bootIDPrecedes(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }
