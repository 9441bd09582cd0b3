
import MediaCore
import Showrunner
import Testing

@Suite struct AdDecisionEngineTests {
    typealias F = AdFixture

    /// Decides one break (a 60 s pre-roll unless told) and returns it.
    func decideOne(_ request: DecisionRequest = F.request(breaks: F.preOnly()), inventory: AdInventory = F.inventory(),
                   counts: DeliveryCounts = DeliveryCounts(), external: [Int: ExternalOffer] = [:]) -> BreakDecision {
        AdDecisionEngine.decide(request, inventory: inventory, counts: counts, external: external)[0]
    }

    // MARK: Policy

    @Test func endpointOutsideThePolicyGetsNoAds() {
        let policy = F.policy { $0.endpoints = [.tv, .web]; $0.slate = "slate-6" }
        let decisions = AdDecisionEngine.decide(F.request(policy: policy, endpoint: .mobile), inventory: F.inventory(),
                                                counts: DeliveryCounts())
        #expect(decisions.map(\.id) == ["pre", "mid-1", "mid-2", "post"])
        for d in decisions {
            #expect(d.slots.count == 1)
            #expect(d.slots[0].slot == -1 && d.slots[0].reason == .policy)
            #expect(d.slots[0].detail == "endpoint mobile gets no ads on channel tv-oled")
            #expect(d.placed.isEmpty)
        }
        let tv = AdDecisionEngine.decide(F.request(policy: policy, endpoint: .tv), inventory: F.inventory(), counts: DeliveryCounts())
        #expect(tv.allSatisfy { !$0.placed.isEmpty })
    }

    @Test func positionThatIsOffGetsANote() {
        let policy = F.policy { $0.positions = [.pre, .mid] }
        let breaks = [BreakPlan(position: .pre, atMS: 0, plannedMS: 15_000), BreakPlan(position: .post, atMS: 1_800_000, plannedMS: 15_000)]
        let decisions = AdDecisionEngine.decide(F.request(policy: policy, breaks: breaks), inventory: F.inventory(), counts: DeliveryCounts())
        #expect(decisions[0].placedCampaigns == ["c-brew"])
        #expect(decisions[1].slots.count == 1)
        #expect(decisions[1].slots[0].reason == .policy)
        #expect(decisions[1].slots[0].detail.contains("post-roll breaks are off"))
    }

    @Test func capacityIsMaxAdsAndMaxSeconds() {
        // Five 15 s ads would fit in 120 s; max 2 ads.
        let twoAds = decideOne(F.request(policy: F.policy { $0.maxAdsPerBreak = 2 }, breaks: F.preOnly(120_000)))
        #expect(twoAds.placedCampaigns == ["c-brew", "c-motor"] || twoAds.placedCampaigns == ["c-brew", "c-bank"])
        #expect(twoAds.unplacedRows.contains { $0.reason == .policy && $0.detail == "max 2 ads per break reached" })
        // A 300 s plan against a 45 s maximum: three 15 s ads.
        let seconds = decideOne(F.request(policy: F.policy { $0.maxAdMSPerBreak = 45_000 }, breaks: F.preOnly(300_000)))
        #expect(seconds.filledMS == 45_000)
        #expect(seconds.placed.count == 3)
        #expect(seconds.unplacedRows.contains { $0.detail == "planned 300.000 s clamped to the channel's 45.000 s per break" })
    }

    @Test func slotsAreNumberedAndLabelled() {
        let decisions = AdDecisionEngine.decide(F.request(policy: F.policy { $0.slate = "slate-6" }), inventory: F.inventory(),
                                                counts: DeliveryCounts())
        for d in decisions {
            #expect(d.placed.map(\.slot) == Array(0..<d.placed.count))
            #expect(d.slots.prefix(d.placed.count) == d.placed[...])  // placed first, in play order
            #expect(d.slots.dropFirst(d.placed.count).allSatisfy { $0.slot == -1 && $0.durationMS == 0 })
            #expect(d.slots.allSatisfy { $0.breakIndex == d.index && $0.breakID == d.id && $0.position == d.plan.position })
            #expect(d.filledMS <= d.plan.plannedMS)
        }
    }

    // MARK: Candidates

    @Test func pausedAndOutOfFlightCampaignsAreNotCandidates() {
        let campaigns = [F.campaign("c-brew", brand: "brew-co", priority: 1, paused: true),
                         F.campaign("c-fizz", brand: "fizz", priority: 1, from: "2026-11-29T14:00:01Z"),
                         F.campaign("c-motor", brand: "motor", priority: 1, until: "2026-11-29T14:00:00Z"),
                         F.campaign("c-bank", brand: "bank", priority: 1, from: "2026-11-29T14:00:00Z", until: "2026-11-29T14:00:00.001Z")]
        let d = decideOne(inventory: F.inventory(campaigns: campaigns))
        #expect(d.placedCampaigns == ["c-bank"])
        #expect(d.unplacedRows.allSatisfy { $0.campaign == nil })  // not candidates: no rows
    }

    @Test func candidatesNeedAPackageForTheTemplateAndABrand() {
        let creatives = [F.creative("brew-other", campaign: "c-brew", ms: 15_000, template: "ts:v1=640x360"),
                         F.creative("c-fizz-15", campaign: "c-fizz", ms: 15_000),
                         F.creative("c-motor-15", campaign: "c-motor", ms: 15_000)]
        let d = decideOne(inventory: F.inventory(creatives: creatives, brands: F.brands.filter { $0.id != "motor" }))
        #expect(d.placedCampaigns == ["c-fizz"])
    }

    struct TargetCase: Sendable, CustomTestStringConvertible {
        var name: String
        var targeting: Targeting
        var title: Title = AdFixture.episode
        var model: String? = "LG-C3"
        var endpoint: EndpointKind = .tv
        var now: Timestamp = AdFixture.now
        var offset = 0
        var matches: Bool
        var testDescription: String { "\(name) \(matches ? "matches" : "does not match")" }
    }

    static let targetCases: [TargetCase] = [
        TargetCase(name: "channel", targeting: Targeting(channels: ["tv-oled", "web"]), matches: true),
        TargetCase(name: "channel", targeting: Targeting(channels: ["web"]), matches: false),
        TargetCase(name: "endpoint", targeting: Targeting(endpoints: [.tv]), matches: true),
        TargetCase(name: "endpoint", targeting: Targeting(endpoints: [.tv]), endpoint: .web, matches: false),
        TargetCase(name: "model prefix", targeting: Targeting(models: ["LG-*"]), matches: true),
        TargetCase(name: "model prefix", targeting: Targeting(models: ["SONY-*", "LG-C2"]), matches: false),
        TargetCase(name: "model unknown", targeting: Targeting(models: ["LG-*"]), model: nil, matches: false),
        TargetCase(name: "hour", targeting: Targeting(hours: [14, 15]), matches: true),
        TargetCase(name: "hour", targeting: Targeting(hours: [13]), matches: false),
        TargetCase(name: "local hour", targeting: Targeting(hours: [16]), offset: 120, matches: true),
        TargetCase(name: "local hour across midnight", targeting: Targeting(hours: [23]),
                   now: AdFixture.ts("2026-11-29T01:30:00Z"), offset: -150, matches: true),
        TargetCase(name: "series", targeting: Targeting(series: ["long-road"]), matches: true),
        TargetCase(name: "series", targeting: Targeting(series: ["other"]), matches: false),
        TargetCase(name: "series on a film", targeting: Targeting(series: ["long-road"]),
                   title: Title(id: "ep1", name: "Film", kind: .film(brand: nil)), matches: false),
        TargetCase(name: "title", targeting: Targeting(titles: ["ep1"]), matches: true),
        TargetCase(name: "title", targeting: Targeting(titles: ["ep2"]), matches: false),
    ]

    @Test(arguments: targetCases)
    func targeting(t: TargetCase) {
        let campaigns = [F.campaign("c-brew", brand: "brew-co", priority: 1, targeting: t.targeting),
                         F.campaign("c-motor", brand: "motor", priority: 2)]
        let policy = F.policy { $0.utcOffsetMinutes = t.offset }
        let d = decideOne(F.request(policy: policy, title: t.title, model: t.model, endpoint: t.endpoint, now: t.now,
                                    breaks: F.preOnly()), inventory: F.inventory(campaigns: campaigns))
        #expect(d.placedCampaigns == (t.matches ? ["c-brew", "c-motor"] : ["c-motor"]))
        #expect(d.slots.allSatisfy { $0.campaign != "c-brew" || $0.placed })  // a mismatch leaves no row
    }

    // MARK: Brand rules

    @Test func premiumModelShowsOnlyWhitelistedTiers() {
        let policy = F.policy { $0.modelTiers = ["OLED*": [.premium], "OLED-BASIC": [.premium, .basic]] }
        let premium = decideOne(F.request(policy: policy, model: "OLED65", breaks: F.preOnly()))
        #expect(premium.placedCampaigns == ["c-brew", "c-vodka"])
        let refused = premium.refusal(of: "c-motor")
        #expect(refused?.reason == .policy)
        #expect(refused?.detail == "brand tier standard is not allowed on model OLED65 (allowed: premium)")
        #expect(refused?.creative == "c-motor-15" && refused?.brand == "motor" && refused?.source == .engine)
        let exact = decideOne(F.request(policy: policy, model: "OLED-BASIC", breaks: F.preOnly()))
        #expect(Set(exact.placedCampaigns) == ["c-brew", "c-bank", "c-vodka"])
        let other = decideOne(F.request(policy: policy, model: "LCD-1", breaks: F.preOnly()))
        #expect(Set(other.placedCampaigns) == ["c-brew", "c-motor", "c-bank", "c-vodka"])
    }

    @Test func excludedCategoryIsRefused() {
        let kids = decideOne(F.request(policy: F.policy { $0.excludedCategories = ["alcohol"] }, breaks: F.preOnly()))
        #expect(!kids.placedCampaigns.contains("c-vodka"))
        #expect(kids.refusal(of: "c-vodka")?.reason == .policy)
        #expect(kids.refusal(of: "c-vodka")?.detail == "brand category alcohol is excluded on channel tv-oled")
        let open = decideOne()
        #expect(open.placedCampaigns.contains("c-vodka"))
    }

    @Test func sameCategoryIsSeparated() {
        let d = decideOne()
        #expect(d.placedCampaigns.contains("c-brew"))
        #expect(!d.placedCampaigns.contains("c-fizz"))
        #expect(d.refusal(of: "c-fizz")?.reason == .separated)
        #expect(d.refusal(of: "c-fizz")?.detail == "category beverages is already in this break (brand brew-co)")
        // Different categories share a break.
        #expect(Set(d.placedCampaigns) == ["c-brew", "c-motor", "c-bank", "c-vodka"])
        // Without Brew, Fizz gets in.
        let noBrew = decideOne(inventory: F.inventory(campaigns: F.campaigns.filter { $0.id != "c-brew" }))
        #expect(noBrew.placedCampaigns.first == "c-fizz")
    }

    // MARK: Caps

    @Test func deviceCap() {
        let campaigns = [F.campaign("c-brew", brand: "brew-co", priority: 1, capPerDevice: 3)]
        let capped = decideOne(inventory: F.inventory(campaigns: campaigns), counts: DeliveryCounts(deviceToday: ["c-brew": 3]))
        #expect(capped.placed.isEmpty)
        #expect(capped.refusal(of: "c-brew")?.reason == .capped)
        #expect(capped.refusal(of: "c-brew")?.detail == "device cap 3/day reached")
        let under = decideOne(inventory: F.inventory(campaigns: campaigns), counts: DeliveryCounts(deviceToday: ["c-brew": 2]))
        #expect(under.placedCampaigns == ["c-brew"])
    }

    @Test func householdCap() {
        let campaigns = [F.campaign("c-brew", brand: "brew-co", priority: 1, capPerHousehold: 5)]
        let capped = decideOne(inventory: F.inventory(campaigns: campaigns),
                               counts: DeliveryCounts(deviceToday: ["c-brew": 0], householdToday: ["c-brew": 5]))
        #expect(capped.refusal(of: "c-brew")?.reason == .capped)
        #expect(capped.refusal(of: "c-brew")?.detail == "household cap 5/day reached")
        let under = decideOne(inventory: F.inventory(campaigns: campaigns), counts: DeliveryCounts(householdToday: ["c-brew": 4]))
        #expect(under.placedCampaigns == ["c-brew"])
    }

    @Test func countsCarryAcrossTheBreaksOfASession() {
        let campaigns = [F.campaign("c-brew", brand: "brew-co", priority: 1, capPerDevice: 2),
                         F.campaign("c-motor", brand: "motor", priority: 2)]
        let decisions = AdDecisionEngine.decide(F.request(), inventory: F.inventory(campaigns: campaigns),
                                                counts: DeliveryCounts(deviceToday: ["c-brew": 1]))
        // The 15 s pre-roll takes Brew (its 2nd today); from then on Brew is capped.
        #expect(decisions.map(\.placedCampaigns) == [["c-brew"], ["c-motor"], ["c-motor"], ["c-motor"]])
        #expect(decisions[1].refusal(of: "c-brew")?.detail == "device cap 2/day reached")
        // Pacing sees them too: a goal of 2 is met after two breaks.
        let goal = [F.campaign("c-brew", brand: "brew-co", priority: 1, goal: 2)]
        let paced = AdDecisionEngine.decide(F.request(), inventory: F.inventory(campaigns: goal), counts: DeliveryCounts())
        #expect(paced.map(\.placedCampaigns) == [["c-brew"], ["c-brew"], [], []])
        #expect(paced[2].refusal(of: "c-brew")?.detail == "goal met: 2/2 impressions")
    }

    // MARK: Pacing

    /// Goal 2,400 over 10 days left (flight ends 2026-12-09 00:00 local): 240 a day.
    static let evenCampaign = AdFixture.campaign("c-brew", brand: "brew-co", priority: 1, pacing: .even, goal: 2400,
                                                 until: "2026-12-09")

    @Test func evenPacingEarlyInTheDayRefuses() {
        // 01:00: elapsed 1 h + 1 h head start → ceil(240 × 2 / 24) = 20 allowed.
        let early = decideOne(F.request(now: F.ts("2026-11-29T01:00:00Z"), breaks: F.preOnly()),
                              inventory: F.inventory(campaigns: [Self.evenCampaign]), counts: DeliveryCounts(campaignToday: ["c-brew": 20]))
        #expect(early.placed.isEmpty)
        #expect(early.refusal(of: "c-brew")?.reason == .paced)
        #expect(early.refusal(of: "c-brew")?.detail == "even pacing: 20 placed today, 20 allowed so far (daily target 240 over 10 days left)")
        let justUnder = decideOne(F.request(now: F.ts("2026-11-29T01:00:00Z"), breaks: F.preOnly()),
                                  inventory: F.inventory(campaigns: [Self.evenCampaign]), counts: DeliveryCounts(campaignToday: ["c-brew": 19]))
        #expect(justUnder.placedCampaigns == ["c-brew"])
    }

    @Test func evenPacingLateInTheDayPlaces() {
        let late = decideOne(F.request(now: F.ts("2026-11-29T23:00:00Z"), breaks: F.preOnly()),
                             inventory: F.inventory(campaigns: [Self.evenCampaign]), counts: DeliveryCounts(campaignToday: ["c-brew": 200]))
        #expect(late.placedCampaigns == ["c-brew"])
        #expect(late.placed[0].detail.contains("200/240 allowed so far today"))
        // The day's target is the ceiling even with the head start.
        let done = decideOne(F.request(now: F.ts("2026-11-29T23:30:00Z"), breaks: F.preOnly()),
                             inventory: F.inventory(campaigns: [Self.evenCampaign]), counts: DeliveryCounts(campaignToday: ["c-brew": 240]))
        #expect(done.refusal(of: "c-brew")?.reason == .paced)
    }

    @Test func evenPacingUsesTheChannelsLocalDay() {
        // 23:00 UTC is 01:00 the next day at UTC+2: a new local day with 9 days left to local
        // midnight of 12-09, ceil((2400 − 240) / 9) = 240, and 20 allowed by 01:00.
        let policy = F.policy { $0.utcOffsetMinutes = 120 }
        var c = Self.evenCampaign
        c.until = F.ts("2026-12-09T00:00:00+02:00")
        let d = decideOne(F.request(policy: policy, now: F.ts("2026-11-29T23:00:00Z"), breaks: F.preOnly()),
                          inventory: F.inventory(campaigns: [c]),
                          counts: DeliveryCounts(campaignToday: ["c-brew": 20], campaignBeforeToday: ["c-brew": 240]))
        #expect(d.refusal(of: "c-brew")?.detail == "even pacing: 20 placed today, 20 allowed so far (daily target 240 over 9 days left)")
    }

    @Test func remainingDaysCountAPartialLastDayAndAtLeastOne() {
        // Flight ends at noon in 2 days: today, tomorrow and half a day → 3 days, ceil(300 / 3) = 100.
        let c = F.campaign("c-brew", brand: "brew-co", priority: 1, pacing: .even, goal: 300, until: "2026-12-01T12:00:00Z")
        let d = decideOne(F.request(now: F.ts("2026-11-29T23:00:00Z"), breaks: F.preOnly()),
                          inventory: F.inventory(campaigns: [c]), counts: DeliveryCounts(campaignToday: ["c-brew": 100]))
        #expect(d.refusal(of: "c-brew")?.detail.contains("daily target 100 over 3 days left") == true)
        // Last hour of the flight: one day left, the whole remaining goal is today's target.
        let last = F.campaign("c-brew", brand: "brew-co", priority: 1, pacing: .even, goal: 300, until: "2026-11-29T15:00:00Z")
        let l = decideOne(inventory: F.inventory(campaigns: [last]), counts: DeliveryCounts(campaignToday: ["c-brew": 100]))
        #expect(l.placed[0].detail.contains("daily target 300"))
    }

    @Test(arguments: [Pacing.even, .asap])
    func goalMet(pacing: Pacing) {
        let c = F.campaign("c-brew", brand: "brew-co", priority: 1, pacing: pacing, goal: 1000)
        let met = decideOne(inventory: F.inventory(campaigns: [c]), counts: DeliveryCounts(campaignToday: ["c-brew": 100], campaignBeforeToday: ["c-brew": 900]))
        #expect(met.refusal(of: "c-brew")?.reason == .paced)
        #expect(met.refusal(of: "c-brew")?.detail == "goal met: 1000/1000 impressions")
        let one = decideOne(inventory: F.inventory(campaigns: [c]), counts: DeliveryCounts(campaignToday: ["c-brew": 0], campaignBeforeToday: ["c-brew": 999]))
        #expect(one.placedCampaigns == ["c-brew"])
    }

    @Test func asapIgnoresTheTimeOfDay() {
        let c = F.campaign("c-brew", brand: "brew-co", priority: 1, pacing: .asap, goal: 2400, until: "2026-12-09")
        let d = decideOne(F.request(now: F.ts("2026-11-29T00:00:00Z"), breaks: F.preOnly()),
                          inventory: F.inventory(campaigns: [c]), counts: DeliveryCounts(campaignToday: ["c-brew": 2000]))
        #expect(d.placedCampaigns == ["c-brew"])
    }

    // MARK: Order

    @Test func priorityComesFirst() {
        // Separate categories so all place; priority 1 first, 4 last, whatever the ids.
        let campaigns = [F.campaign("a-last", brand: "vodka", priority: 4), F.campaign("z-first", brand: "motor", priority: 1),
                         F.campaign("m-second", brand: "bank", priority: 2), F.campaign("b-third", brand: "brew-co", priority: 3)]
        let creatives = campaigns.map { F.creative("\($0.id)-15", campaign: $0.id, ms: 15_000) }
        for s in 0..<20 {
            let d = decideOne(F.request(session: "s-\(s)", breaks: F.preOnly()), inventory: F.inventory(campaigns: campaigns, creatives: creatives))
            #expect(d.placedCampaigns == ["z-first", "m-second", "b-third", "a-last"])
        }
    }

    @Test func furthestBehindPacingGoesFirstWithinAPriority() {
        let ahead = F.campaign("c-motor", brand: "motor", priority: 2, pacing: .even, goal: 2400, until: "2026-12-09")
        let behind = F.campaign("c-bank", brand: "bank", priority: 2, pacing: .even, goal: 2400, until: "2026-12-09")
        // 14:00 → ceil(240 × 15 / 24) = 150 allowed: motor 140/150, bank 10/150.
        let counts = DeliveryCounts(campaignToday: ["c-motor": 140, "c-bank": 10])
        for s in 0..<20 {
            let d = decideOne(F.request(session: "s-\(s)", policy: F.policy { $0.maxAdsPerBreak = 1 }, breaks: F.preOnly()),
                              inventory: F.inventory(campaigns: [ahead, behind]), counts: counts)
            #expect(d.placedCampaigns == ["c-bank"])
            #expect(d.placed[0].detail == "priority 2, even, 10/150 allowed so far today (93 % behind, daily target 240)")
        }
    }

    @Test func equalCampaignsRotateFairlyAcrossSessions() {
        let two = [F.campaign("camp-a", brand: "motor", priority: 3), F.campaign("camp-b", brand: "bank", priority: 3)]
        let three = two + [F.campaign("camp-c", brand: "brew-co", priority: 3)]
        for set in [two, three] {
            let creatives = set.map { F.creative("\($0.id)-15", campaign: $0.id, ms: 15_000) }
            let policy = F.policy { $0.maxAdsPerBreak = 1 }
            var firsts: [String: Int] = [:]
            for s in 0..<1000 {
                let d = decideOne(F.request(session: "session-\(s)", policy: policy, breaks: F.preOnly()),
                                  inventory: F.inventory(campaigns: set, creatives: creatives))
                firsts[d.placedCampaigns[0], default: 0] += 1
            }
            let share = 1000 / set.count
            for c in set {
                let n = firsts[c.id] ?? 0
                #expect(n >= share * 8 / 10 && n <= share * 12 / 10, "\(c.id) led \(n) of 1000 sessions")
            }
        }
    }

    @Test func creativesOfACampaignRotateToo() {
        let creatives = [F.creative("brew-a", campaign: "c-brew", ms: 15_000), F.creative("brew-b", campaign: "c-brew", ms: 15_000)]
        var seen: [String: Int] = [:]
        for s in 0..<200 {
            let d = decideOne(F.request(session: "s-\(s)", breaks: F.preOnly()), inventory: F.inventory(creatives: creatives))
            #expect(d.placed.count == 1)  // one creative per campaign per break
            seen[d.placed[0].creative!, default: 0] += 1
        }
        #expect(seen.count == 2 && seen.values.allSatisfy { $0 >= 60 })
    }

    // MARK: Length

    @Test func overlongDropTriesTheNext() {
        let creatives = [F.creative("brew-30", campaign: "c-brew", ms: 30_000), F.creative("fizz-15", campaign: "c-fizz", ms: 15_000)]
        let d = decideOne(F.request(policy: F.policy { $0.overlong = .drop }, breaks: F.preOnly(20_000)), inventory: F.inventory(creatives: creatives))
        #expect(d.placedCampaigns == ["c-fizz"])
        #expect(d.refusal(of: "c-brew")?.reason == .policy)
        #expect(d.refusal(of: "c-brew")?.detail == "30.000 s ad, 20.000 s left: dropped")
        #expect(d.refusal(of: "c-brew")?.creative == "brew-30")
    }

    @Test func overlongPrefersACreativeThatFitsWhole() {
        let creatives = [F.creative("brew-30", campaign: "c-brew", ms: 30_000), F.creative("brew-10", campaign: "c-brew", ms: 10_000)]
        for rule in OverlongRule.allCases {
            for s in 0..<10 {
                let d = decideOne(F.request(session: "s-\(s)", policy: F.policy { $0.overlong = rule }, breaks: F.preOnly(20_000)),
                                  inventory: F.inventory(creatives: creatives))
                #expect(d.placed.map(\.creative) == ["brew-10"])
            }
        }
    }

    @Test func overlongTrim() {
        let creatives = [F.creative("brew-30", campaign: "c-brew", ms: 30_000), F.creative("motor-15", campaign: "c-motor", ms: 15_000)]
        let d = decideOne(F.request(policy: F.policy { $0.overlong = .trim }, breaks: F.preOnly(20_000)), inventory: F.inventory(creatives: creatives))
        #expect(d.placed.count == 1)
        #expect(d.placed[0].creative == "brew-30" && d.placed[0].durationMS == 20_000 && d.placed[0].trimmed)
        #expect(d.placed[0].detail.hasSuffix("trimmed from 30.000 s to 20.000 s"))
        #expect(d.refusal(of: "c-motor")?.detail == "15.000 s ad, 0.000 s left: too short to trim (under 1.000 s)")
        // Under a second left: refused, not trimmed.
        let short = decideOne(F.request(policy: F.policy { $0.overlong = .trim }, breaks: F.preOnly(15_500)),
                              inventory: F.inventory(creatives: [F.creative("brew-15", campaign: "c-brew", ms: 15_000),
                                                                 F.creative("motor-15", campaign: "c-motor", ms: 15_000)]))
        #expect(short.placed.map(\.durationMS) == [15_000])
        #expect(short.refusal(of: "c-motor")?.detail == "15.000 s ad, 0.500 s left: too short to trim (under 1.000 s)")
    }

    // MARK: Slate and unfilled

    @Test func slateFillsWhatFitsAndLeavesTheRest() {
        let policy = F.policy { $0.slate = "slate-6" }
        // 30 s: one 15 s ad, then two 6 s slates, 3 s left unfilled.
        let d = decideOne(F.request(policy: policy, breaks: F.preOnly(30_000)),
                          inventory: F.inventory(campaigns: [F.campaigns[0]]))
        #expect(d.placed.map(\.reason) == [.filled, .slate, .slate])
        #expect(d.placed.map(\.slot) == [0, 1, 2])
        #expect(d.placed.dropFirst().allSatisfy { $0.source == .slate && $0.creative == "slate-6" && $0.campaign == nil && $0.durationMS == 6000 })
        #expect(d.placed[1].detail == "slate fills 12.000 s (2 × 6.000 s), 3.000 s left unfilled")
        #expect(d.filledMS == 27_000)
        #expect(!d.slots.contains { $0.reason == .unfilled })
        // Exactly full: the slate fills the rest.
        let exact = decideOne(F.request(policy: policy, breaks: F.preOnly(12_000)), inventory: F.inventory(campaigns: []))
        #expect(exact.placed.map(\.detail) == ["slate fills 12.000 s (2 × 6.000 s)", "slate fills 12.000 s (2 × 6.000 s)"])
        // Full of ads: no slate.
        let full = decideOne(F.request(policy: policy, breaks: F.preOnly(15_000)), inventory: F.inventory(campaigns: [F.campaigns[0]]))
        #expect(full.placed.map(\.reason) == [.filled])
    }

    @Test func unfilledWhenNothingPlacesAndNoSlate() {
        let d = decideOne(inventory: F.inventory(campaigns: []))
        #expect(d.slots.count == 1)
        #expect(d.slots[0].reason == .unfilled && d.slots[0].slot == -1 && d.slots[0].source == .none)
        #expect(d.slots[0].detail == "nothing placed in 60.000 s; channel tv-oled has no slate")
        // A slate without a package for the template is no slate.
        let wrong = F.creative("slate-x", campaign: nil, ms: 6000, template: "ts:v1=640x360", slate: true)
        let bad = decideOne(F.request(policy: F.policy { $0.slate = "slate-x" }, breaks: F.preOnly()),
                            inventory: F.inventory(campaigns: [], creatives: [wrong]))
        #expect(bad.slots.map(\.reason) == [.unfilled])
        #expect(bad.slots[0].detail.contains("slate slate-x has no package for template \(F.template)"))
        // A slate longer than the break.
        let long = decideOne(F.request(policy: F.policy { $0.slate = "slate-6" }, breaks: F.preOnly(5000)), inventory: F.inventory(campaigns: []))
        #expect(long.slots.map(\.reason) == [.unfilled])
        // Something placed: no unfilled note even with time left and no slate.
        let some = decideOne(inventory: F.inventory(campaigns: [F.campaigns[0]]))
        #expect(!some.slots.contains { $0.reason == .unfilled })
    }

    // MARK: External offers

    @Test func externalOfferGoesFirstAndSkipsCapsAndPacing() {
        let campaigns = F.campaigns.map { c -> Campaign in
            var c = c
            if c.id == "c-motor" { c.capPerDevice = 1 }
            return c
        }
        let offer = ExternalOffer(creatives: ["c-motor-15"])
        let d = decideOne(inventory: F.inventory(campaigns: campaigns), counts: DeliveryCounts(deviceToday: ["c-motor": 5]),
                          external: [0: offer])
        #expect(d.placed[0].creative == "c-motor-15" && d.placed[0].source == .vast && d.placed[0].slot == 0)
        #expect(d.placed[0].detail == "ad server offer 1 of 1")
        #expect(d.placed.dropFirst().allSatisfy { $0.source == .engine })
        #expect(d.placedCampaigns == ["c-motor", "c-brew", "c-bank", "c-vodka"])
        // Only for the break it was offered for.
        let all = AdDecisionEngine.decide(F.request(), inventory: F.inventory(), counts: DeliveryCounts(), external: [1: offer])
        #expect(all[0].placed.allSatisfy { $0.source == .engine })
        #expect(all[1].placed.first?.source == .vast)
    }

    @Test func externalOfferObeysThePolicy() {
        let policy = F.policy { $0.excludedCategories = ["alcohol"] }
        let d = decideOne(F.request(policy: policy, breaks: F.preOnly()),
                          external: [0: ExternalOffer(creatives: ["c-vodka-15", "c-brew-15", "c-fizz-15"])])
        #expect(d.placed.filter { $0.source == .vast }.map(\.creative) == ["c-brew-15"])
        let vodka = d.slots.first { $0.creative == "c-vodka-15" }
        #expect(vodka?.reason == .policy && vodka?.source == .vast && vodka?.slot == -1)
        let fizz = d.slots.first { $0.creative == "c-fizz-15" && $0.source == .vast }
        #expect(fizz?.reason == .separated)
        // The engine does not place Brew again in the same break.
        #expect(d.placedCampaigns.filter { $0 == "c-brew" }.count == 1)
    }

    @Test func externalErrorIsNotedAndTheEngineFills() {
        let d = decideOne(external: [0: ExternalOffer(error: "timeout after 1500 ms")])
        let notes = d.slots.filter { $0.reason == .vastError }
        #expect(notes.count == 1)
        #expect(notes[0].detail == "ad server: timeout after 1500 ms; the built-in engine fills the break")
        #expect(notes[0].slot == -1 && notes[0].source == .vast)
        #expect(d.placedCampaigns == decideOne().placedCampaigns)
    }

    @Test func unknownExternalCreativesAreNamed() {
        let other = F.creative("motor-sd", campaign: "c-motor", ms: 15_000, template: "ts:v1=640x360")
        let d = decideOne(inventory: F.inventory(creatives: F.creatives + [other]),
                          external: [0: ExternalOffer(creatives: ["nope", "motor-sd", "slate-6", "c-bank-15"])])
        let notes = d.slots.filter { $0.reason == .vastError }
        #expect(notes.count == 1)
        #expect(notes[0].detail.contains("unknown creatives nope, slate-6"))
        #expect(notes[0].detail.contains("no package for template \(F.template): motor-sd"))
        #expect(d.placed.first?.creative == "c-bank-15" && d.placed.first?.source == .vast)
        // An empty answer is noted too.
        let empty = decideOne(external: [0: ExternalOffer()])
        #expect(empty.slots.filter { $0.reason == .vastError }.map(\.detail) == ["ad server returned no ads; the built-in engine fills the break"])
    }

    // MARK: Determinism

    @Test func sameInputSameOutput() {
        let policy = F.policy { $0.slate = "slate-6"; $0.overlong = .trim; $0.modelTiers = ["LG-*": [.premium, .standard]] }
        let counts = DeliveryCounts(campaignToday: ["c-brew": 3], deviceToday: ["c-fizz": 1])
        let request = F.request(session: "det", policy: policy)
        let first = AdDecisionEngine.decide(request, inventory: F.inventory(), counts: counts, external: [2: ExternalOffer(creatives: ["c-bank-15"])])
        for _ in 0..<5 {
            // Rebuilt dictionaries (different insertion order) give the same answer.
            let inv = F.inventory(campaigns: F.campaigns.reversed(), creatives: F.creatives.reversed(), brands: F.brands.reversed())
            let again = AdDecisionEngine.decide(request, inventory: inv, counts: counts, external: [2: ExternalOffer(creatives: ["c-bank-15"])])
            #expect(again == first)
        }
    }
}
