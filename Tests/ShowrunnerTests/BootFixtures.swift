
import Showrunner

/// Shared data of the boot-screen tests: a `tv` channel at UTC+8 with three screen profiles.
enum BootFixture {
    static func t(_ s: String) -> Timestamp { Timestamp(iso8601: s)! }

    /// 2026-12-01T12:00 local (UTC+8).
    static let noon = t("2026-12-01T04:00:00Z")
    static let flightFrom = t("2026-11-01T00:00:00Z")
    static let flightUntil = t("2027-01-01T00:00:00Z")

    static let brands = [
        Brand(id: "brew-co", name: "Brew Co", category: "beverages", tier: .standard),
        Brand(id: "acme", name: "Acme", category: "automotive", tier: .premium),
        Brand(id: "zeta", name: "Zeta", category: "telecom", tier: .basic),
        Brand(id: "house", name: "Channel", category: "house", tier: .premium),
    ]

    static let rules = BootRules(channel: "tv", modelTiers: ["X9-PRO": [.premium], "X9*": [.premium, .standard]],
                                 utcOffsetMinutes: 480)

    static func variant(_ w: Int, _ h: Int, id: String = "c", size: Int64 = 1_000_000) -> BootVariant {
        BootVariant(width: w, height: h, path: "boot/tv/\(id)/\(w)x\(h).jpg",
                    sha256: String(repeating: "0123456789abcdef", count: 4), size: size, mime: "image/jpeg")
    }

    /// A video variant: the MP4 and its HLS, as `boot add` records them.
    static func videoVariant(_ w: Int, _ h: Int, id: String = "c", durationMS: Int64 = 10_000, size: Int64 = 4_000_000) -> BootVariant {
        BootVariant(width: w, height: h, path: "boot/tv/\(id)/\(w)x\(h).mp4", sha256: String(repeating: "fedcba9876543210", count: 4),
                    size: size, mime: "video/mp4", durationMS: durationMS, hlsMaster: "boot/tv/\(id)/\(w)x\(h)/master.m3u8")
    }

    static func variants(_ id: String, kind: BootCreativeKind = .image, durationMS: Int64? = nil) -> [BootVariant] {
        [(1920, 1080), (3840, 2160), (1080, 2400)].map { w, h in
            kind == .video ? videoVariant(w, h, id: id, durationMS: durationMS ?? 10_000) : variant(w, h, id: id)
        }
    }

    static func creative(_ id: String, brand: String = "brew-co", priority: Int = 1, share: Int? = nil,
                         isDefault: Bool = false, from: Timestamp = flightFrom, until: Timestamp = flightUntil,
                         kind: BootCreativeKind = .image, durationMS: Int64? = nil, channel: String = "tv") -> BootCreative {
        BootCreative(id: id, channel: channel, brand: brand, kind: kind, from: from, until: until, priority: priority,
                     sharePercent: share, durationMS: durationMS, isDefault: isDefault,
                     variants: variants(id, kind: kind, durationMS: durationMS))
    }

    static let house = creative("house-default", brand: "house", priority: 10, isDefault: true)

    static let hd = ScreenProfile(width: 1920, height: 1080)

    static func decide(_ creatives: [BootCreative], device: String = "dev-1", model: String? = "Y1",
                       screen: ScreenProfile = hd, now: Timestamp = noon, history: [Timestamp] = [],
                       rules: BootRules = rules) -> BootChoice? {
        BootDecision.decide(rules: rules, creatives: creatives, brands: brands, device: device, model: model,
                            screen: screen, now: now, history: history)
    }

    /// How many of `devices` devices get each creative id ("-" for nothing).
    static func tally(_ creatives: [BootCreative], devices: Int = 10_000, now: Timestamp = noon) -> [String: Int] {
        var counts: [String: Int] = [:]
        for d in 0..<devices {
            counts[decide(creatives, device: "device-\(d)", now: now)?.creative ?? "-", default: 0] += 1
        }
        return counts
    }
}
