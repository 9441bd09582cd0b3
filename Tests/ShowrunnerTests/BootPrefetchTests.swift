
import Foundation
import Showrunner
import Testing

@Suite struct BootPrefetchTests {
    typealias F = BootFixture
    static let now = F.t("2026-12-01T02:00:00Z")  // 10:00 local

    static let set: [BootCreative] = [
        F.creative("ending", share: 60, until: F.t("2026-12-02T04:00:00Z")),
        F.creative("starting", brand: "acme", share: 40, from: F.t("2026-12-03T00:00:00Z"), until: F.t("2026-12-20T00:00:00Z")),
        F.creative("later", brand: "acme", priority: 2, share: 100, from: F.t("2026-12-05T00:00:00Z")),
        F.creative("over", share: 40, from: F.t("2026-11-01T00:00:00Z"), until: F.t("2026-11-30T00:00:00Z")),
        F.creative("premium-only", brand: "acme", priority: 3, share: 50),
        F.creative("other-channel", share: 100, channel: "mobile"),
        F.house,
    ]

    func list(days: Int = 3, model: String? = "Y1", screen: ScreenProfile = F.hd, device: String = "dev-1",
              creatives: [BootCreative] = set) throws -> BootPrefetchList {
        try BootPrefetch.list(rules: F.rules, creatives: creatives, brands: F.brands, device: device, model: model,
                              screen: screen, now: Self.now, days: days)
    }

    @Test func validityWindowsOverThreeDays() throws {
        let l = try list()
        #expect(l.generatedAt == Self.now && l.validUntil == F.t("2026-12-04T02:00:00Z"))
        #expect(l.channel == "tv" && l.device == "dev-1" && l.rules == F.rules && l.version == 1)
        #expect(l.items.map(\.creative) == ["ending", "starting", "premium-only", "house-default"])
        let byID = Dictionary(uniqueKeysWithValues: l.items.map { ($0.creative, $0) })
        #expect(byID["ending"]?.validFrom == Self.now)
        #expect(byID["ending"]?.validUntil == F.t("2026-12-02T04:00:00Z"))
        #expect(byID["starting"]?.validFrom == F.t("2026-12-03T00:00:00Z"))
        #expect(byID["starting"]?.validUntil == l.validUntil)
        #expect(byID["house-default"]?.validFrom == Self.now && byID["house-default"]?.validUntil == l.validUntil)
        #expect(byID["ending"]?.sharePercent == 60 && byID["ending"]?.priority == 1 && byID["ending"]?.isDefault == false)
        #expect(byID["house-default"]?.isDefault == true && byID["house-default"]?.sharePercent == nil)
        #expect(byID["ending"]?.variant.path == "boot/tv/ending/1920x1080.jpg" && byID["ending"]?.fit == "exact profile 1920x1080")
        #expect(byID["ending"]?.closePromptMS == 1000 && byID["ending"]?.durationMS == 5000)
    }

    @Test func moreDaysReachLaterFlights() throws {
        #expect(try list(days: 1).items.map(\.creative) == ["ending", "premium-only", "house-default"])
        #expect(try list(days: 5).items.map(\.creative) == ["ending", "starting", "later", "premium-only", "house-default"])
        #expect(try list(days: 5).validUntil == F.t("2026-12-06T02:00:00Z"))
        for days in [0, 32, -1] {
            #expect(throws: ShowrunnerError.invalid("days", "\(days) is not 1...31")) { try list(days: days) }
        }
    }

    @Test func listFollowsTheModelAndScreen() throws {
        let premium = try list(days: 5, model: "X9-PRO", screen: ScreenProfile(width: 1170, height: 2532))
        #expect(premium.items.map(\.creative) == ["starting", "later", "premium-only", "house-default"])
        #expect(premium.items.allSatisfy { $0.variant.sizeText == "1080x2400" })
        #expect(premium.items[0].fit == "nearest profile 1080x2400 for 1170x2532 (closest aspect ratio)")
    }

    @Test func canonicalBytesAreStableCompactAndSorted() throws {
        let a = try list(), b = try list(creatives: Self.set.reversed())
        #expect(a.canonicalBytes() == a.canonicalBytes())
        #expect(a.canonicalBytes() == b.canonicalBytes())
        let text = String(decoding: a.canonicalBytes(), as: UTF8.self)
        #expect(text.hasPrefix(#"{"channel":"tv","device":"dev-1","generated_at":"2026-12-01T02:00:00.000Z","items":[{"brand":"brew-co","close_prompt_ms":1000,"creative":"ending","duration_ms":5000,"fit":"exact profile 1920x1080","is_default":false,"kind":"image","priority":1,"share_percent":60,"valid_from":"2026-12-01T02:00:00.000Z","valid_until":"2026-12-02T04:00:00.000Z","variant":{"height":1080,"mime":"image/jpeg","path":"boot/tv/ending/1920x1080.jpg","sha256":"0123456789abcdef"#))
        #expect(text.hasSuffix(#""rules":{"cap_per_day":3,"channel":"tv","close_prompt_ms":1000,"close_within_ms":3000,"max_duration_ms":30000,"max_file_bytes":52428800,"min_interval_ms":600000,"model_tiers":{"X9*":["premium","standard"],"X9-PRO":["premium"]},"utc_offset_minutes":480},"valid_until":"2026-12-04T02:00:00.000Z","version":1}"#))
        #expect(!text.contains("\n") && !text.contains("\": "))
        // Any change changes the bytes (what the signature protects).
        var tampered = a
        tampered.items[0].sharePercent = 100
        #expect(tampered.canonicalBytes() != a.canonicalBytes())
    }

    @Test func videoItemsCarryTheMP4LengthAndHLSInTheSignedBytes() throws {
        let clip = F.creative("clip", priority: 2, share: 100, kind: .video, durationMS: 10_000)
        let l = try list(creatives: Self.set + [clip])
        let item = try #require(l.items.first { $0.creative == "clip" })
        #expect(item.kind == .video && item.durationMS == 10_000)
        #expect(item.variant.path == "boot/tv/clip/1920x1080.mp4" && item.variant.mime == "video/mp4")
        #expect(item.variant.durationMS == 10_000 && item.variant.hlsMaster == "boot/tv/clip/1920x1080/master.m3u8")
        let text = String(decoding: l.canonicalBytes(), as: UTF8.self)
        #expect(text.contains(#""variant":{"duration_ms":10000,"height":1080,"hls_master":"boot/tv/clip/1920x1080/master.m3u8","mime":"video/mp4","path":"boot/tv/clip/1920x1080.mp4","sha256":"fedcba9876543210"#))
        // Image items keep exactly their old members.
        #expect(text.contains(#""variant":{"height":1080,"mime":"image/jpeg","path":"boot/tv/ending/1920x1080.jpg","sha256":"#))
        // Still Foundation's sorted encoding, and a changed HLS path changes the bytes.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(l.canonicalBytes() == Array(try encoder.encode(l)))
        #expect(try JSONDecoder().decode(BootPrefetchList.self, from: Data(l.canonicalBytes())) == l)
        var tampered = l
        let i = try #require(tampered.items.firstIndex { $0.creative == "clip" })
        tampered.items[i].variant.hlsMaster = "boot/tv/other/master.m3u8"
        #expect(tampered.canonicalBytes() != l.canonicalBytes())
    }

    @Test func canonicalBytesEqualFoundationsSortedEncodingAndDecodeBack() throws {
        var l = try list(days: 5)
        l.items[0].skippableAfterMS = 2000
        l.items[1].fit = "quote \" backslash \\ slash / tab \t newline \n bell \u{7} 中文"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let foundation = try encoder.encode(l)
        #expect(l.canonicalBytes() == Array(foundation))
        let back = try JSONDecoder().decode(BootPrefetchList.self, from: Data(l.canonicalBytes()))
        #expect(back == l)
    }

    @Test func offlineDecisionEqualsOnline() throws {
        let screens = [F.hd, ScreenProfile(width: 2560, height: 1440), ScreenProfile(width: 1170, height: 2532)]
        let models: [String?] = ["Y1", "X9-PRO", "X9-LITE", nil]
        var compared = 0, shown = Set<String>()
        for d in 0..<120 {
            let device = "tv-\(d)", model = models[d % models.count], screen = screens[d % screens.count]
            let l = try list(days: 5, model: model, screen: screen, device: device)
            // Every 7 h over the 5 days, with a history that grows with each boot shown.
            var history: [Timestamp] = []
            var t = Self.now
            while t < l.validUntil {
                let online = BootDecision.decide(rules: F.rules, creatives: Self.set, brands: F.brands, device: device,
                                                 model: model, screen: screen, now: t, history: history)
                let offline = BootDecision.decideOffline(list: l, now: t, history: history)
                #expect(online == offline, "\(device) at \(t)")
                if let online, !online.isDefault { history.append(t) }
                if let online { shown.insert(online.creative) }
                compared += 1
                t = t.adding(milliseconds: 7 * 3_600_000 + Int64(d) * 1000)
            }
            // Boots in quick succession hit the interval cap: still equal.
            let quick = [l.generatedAt.adding(seconds: 60)]
            #expect(BootDecision.decide(rules: F.rules, creatives: Self.set, brands: F.brands, device: device, model: model,
                                        screen: screen, now: l.generatedAt.adding(seconds: 120), history: quick)
                    == BootDecision.decideOffline(list: l, now: l.generatedAt.adding(seconds: 120), history: quick))
            // An expired list decides nothing.
            #expect(BootDecision.decideOffline(list: l, now: l.validUntil, history: []) == nil)
        }
        #expect(compared > 1500)
        #expect(shown == ["ending", "starting", "later", "premium-only", "house-default"])
    }
}

@Suite struct BootCodableTests {
    @Test func creativeDecodesWithDefaultsAndRoundTrips() throws {
        let json = #"{"id":"brew-60","channel":"tv","brand":"brew-co","kind":"image","from":"2026-12-01","until":"2026-12-31T00:00:00+08:00","share_percent":60,"variants":[{"width":1920,"height":1080,"path":"boot/tv/brew-60/1920x1080.jpg","sha256":"00","size":12,"mime":"image/jpeg"}]}"#
        let c = try JSONDecoder().decode(BootCreative.self, from: Data(json.utf8))
        #expect(c.priority == 5 && c.durationMS == 5000 && !c.isDefault && c.sharePercent == 60 && c.skippableAfterMS == nil)
        #expect(c.until == Timestamp(iso8601: "2026-12-30T16:00:00Z"))
        #expect(try JSONDecoder().decode(BootCreative.self, from: JSONEncoder().encode(c)) == c)
        let video = #"{"id":"v","channel":"tv","brand":"b","kind":"video","from":"2026-12-01","until":"2026-12-02"}"#
        #expect(try JSONDecoder().decode(BootCreative.self, from: Data(video.utf8)).durationMS == 0)  // refused by check
    }

    @Test func rulesDecodeWithDefaults() throws {
        let r = try JSONDecoder().decode(BootRules.self, from: Data(#"{"channel":"tv","cap_per_day":5,"model_tiers":{"X9*":["premium"]}}"#.utf8))
        #expect(r == BootRules(channel: "tv", capPerDay: 5, modelTiers: ["X9*": [.premium]]))
        #expect(try JSONDecoder().decode(BootRules.self, from: JSONEncoder().encode(BootFixture.rules)) == BootFixture.rules)
    }

    @Test func choiceEncodesSnakeCase() throws {
        let choice = try #require(BootFixture.decide([BootFixture.creative("brew", share: 100)]))
        let text = String(decoding: try JSONEncoder().encode(choice), as: UTF8.self)
        #expect(text.contains(#""close_prompt_ms":1000"#) && text.contains(#""is_default":false"#) && text.contains(#""duration_ms":5000"#))
    }
}
