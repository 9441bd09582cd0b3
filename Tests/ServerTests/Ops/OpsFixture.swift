import MediaCore
@testable import Server
import Showrunner

/// A seeded dashboard and replay: two titles on `tv-one` on 2026-11-29, with every flag tone,
/// four boot lines, three campaigns and six sessions. Deterministic (no clock, no randomness).
enum OpsFixture {
    static let day = "2026-11-29"
    static let generatedAt = Timestamp(iso8601: "2026-11-30T00:05:00Z")!
    static let filmMS: Int64 = 5_400_000
    static let episodeMS: Int64 = 2_580_000

    static func slot(_ title: String, _ breakID: String, _ slot: Int, at: Int64?, plannedMS: Int64 = 30_000, planned: Int = 120,
                     marked: Int = 4, renditions: Int = 4, filled: Int, served: Int, seen: Int, flags: [String] = [],
                     findings: [String] = []) -> SlotAuditRow {
        let position = breakID == "pre" ? "pre" : breakID == "post" ? "post" : "mid"
        let discrepancy: Double? = max(served, seen) > 0 ? Double(abs(served - seen)) / Double(max(served, seen)) : nil
        var reasons = ["filled": filled]
        if planned > filled { reasons["unfilled"] = planned - filled }
        return SlotAuditRow(title: title, channel: "tv-one", breakID: breakID, position: position, slot: slot, atMS: at,
                            plannedMS: plannedMS, planned: planned, marked: marked, renditions: renditions, decided: planned,
                            filled: filled, reasons: reasons, served: served, seen: seen, server: ["impression": served],
                            client: ["impression": seen], discrepancy: discrepancy, flags: flags, findings: findings)
    }

    static let slots: [SlotAuditRow] = [
        slot("film-noir", "pre", 0, at: 0, plannedMS: 15_000, filled: 118, served: 117, seen: 112),
        slot("film-noir", "pre", 1, at: 0, plannedMS: 15_000, filled: 96, served: 95, seen: 90, flags: ["unfilled"]),
        slot("film-noir", "mid-1", 0, at: 1_350_000, plannedMS: 60_000, filled: 120, served: 120, seen: 116),
        slot("film-noir", "mid-1", 1, at: 1_350_000, plannedMS: 60_000, filled: 110, served: 109, seen: 80, flags: ["discrepancy"]),
        slot("film-noir", "mid-1", 2, at: 1_350_000, plannedMS: 60_000, filled: 64, served: 63, seen: 60, flags: ["unfilled"]),
        slot("film-noir", "mid-2", 0, at: 2_700_000, plannedMS: 45_000, marked: 3, filled: 101, served: 100, seen: 97,
             flags: ["partly_marked"], findings: ["film-noir/v1080p.m3u8:412 no CUE-OUT before mid-2"]),
        slot("film-noir", "mid-2", 1, at: 2_700_000, plannedMS: 45_000, marked: 3, filled: 88, served: 88, seen: 85,
             flags: ["partly_marked"]),
        slot("film-noir", "post", 0, at: filmMS, plannedMS: 15_000, filled: 40, served: 40, seen: 22,
             flags: ["unfilled", "discrepancy"]),
        slot("ep-s01e02", "pre", 0, at: 0, plannedMS: 15_000, planned: 64, filled: 64, served: 64, seen: 63),
        slot("ep-s01e02", "mid-1", 0, at: 1_290_000, plannedMS: 30_000, planned: 64, marked: 0, filled: 0, served: 0, seen: 0,
             flags: ["not_marked", "unfilled", "not_served"]),
        slot("ep-s01e02", "mid-1", 1, at: 1_290_000, plannedMS: 30_000, planned: 64, marked: 0, filled: 0, served: 0, seen: 0,
             flags: ["not_marked", "unfilled", "not_served"]),
        slot("ep-s01e02", "post", 0, at: episodeMS, plannedMS: 15_000, planned: 64, filled: 51, served: 51, seen: 49,
             flags: ["marker_error"], findings: ["ep-s01e02/a-en.m3u8:88 CUE-IN without CUE-OUT"]),
        slot("ep-s01e02", "mid-9", 0, at: nil, plannedMS: 0, planned: 0, marked: 0, filled: 0, served: 3, seen: 3,
             flags: ["unplanned"]),
    ]

    /// Viewing across the day, in percent of the day's impressions per hour (adds up to 100).
    static let hourly = [1, 1, 0, 0, 0, 1, 2, 3, 4, 4, 4, 4, 5, 5, 4, 4, 5, 6, 8, 10, 11, 9, 6, 3]

    static func pacing(_ campaign: String, goal: Int64, daily: Int, deliveredPercent: Int) -> OpsPacing {
        var delivered = 0, points = [OpsPacingPoint(hour: 0, delivered: 0, planned: 0)]
        for h in 1...24 {
            delivered += daily * hourly[h - 1] * deliveredPercent / 10_000
            points.append(OpsPacingPoint(hour: h, delivered: delivered, planned: daily * h / 24))
        }
        return OpsPacing(campaign: campaign, goal: goal, points: points)
    }

    static let boot = [
        OpsBootRow(creative: "brew-60", brand: "brew-co", expectedPermille: 400, priority: 1, isDefault: false),
        OpsBootRow(creative: "sneaker-15", brand: "stride", expectedPermille: 250, priority: 2, isDefault: false),
        OpsBootRow(creative: "house-default", brand: "tv-one", expectedPermille: 300, priority: 10, isDefault: true),
        OpsBootRow(creative: nil, brand: nil, expectedPermille: 50, priority: nil, isDefault: false),
    ]

    static let reach = [
        ReachRow(campaign: "brew-winter", impressions: 18_450, devices: 9_210, households: 7_032,
                 devicesByEndpoint: ["tv": 6_020, "mobile": 2_410, "web": 780]),
        ReachRow(campaign: "stride-launch", impressions: 6_130, devices: 4_002, households: 3_640,
                 devicesByEndpoint: ["tv": 1_800, "mobile": 2_202]),
        ReachRow(campaign: "bank-q4", impressions: 950, devices: 910, households: 905, devicesByEndpoint: ["web": 910]),
    ]

    static func session(_ n: Int, title: String, filled: Int, total: Int) -> OpsSessionLink {
        let hex = "0123456789abcdef"
        let id = String((0..<32).map { i in hex[hex.index(hex.startIndex, offsetBy: (n * 7 + i * 3) % 16)] })
        return OpsSessionLink(id: id, title: title, channel: "tv-one", device: "dev-\(1000 + n * 17)",
                              created: Timestamp(iso8601: "2026-11-29T20:00:00Z")!.adding(seconds: Int64(-n * 1800)),
                              filledSlots: filled, totalSlots: total)
    }

    static var dashboard: OpsDashboard {
        OpsDashboard(
            channels: ["tv-one", "tv-two", "kids"], channel: "tv-one", day: day, generatedAt: generatedAt, actor: "ops-alice",
            slots: slots,
            timelines: [OpsTimeline(title: "film-noir", contentMS: filmMS, slots: slots),
                        OpsTimeline(title: "ep-s01e02", contentMS: episodeMS, slots: slots)],
            boot: boot,
            pacing: [pacing("brew-winter", goal: 400_000, daily: 12_000, deliveredPercent: 97),
                     pacing("stride-launch", goal: 150_000, daily: 5_000, deliveredPercent: 78),
                     pacing("bank-q4", goal: 40_000, daily: 1_200, deliveredPercent: 118)],
            reach: reach,
            sessions: (0..<6).map { session($0, title: $0 % 2 == 0 ? "film-noir" : "ep-s01e02", filled: 3 - $0 % 3, total: 3) },
            changeLog: OpsChangeLogStatus(entries: 1_234, problems: []))
    }

    static var replay: OpsSessionReplay {
        let created = Timestamp(iso8601: "2026-11-29T20:00:00Z")!
        let session = PlaybackSession(id: "0369cf258be147ad0369cf258be147ad", channel: "tv-one", title: "film-noir", version: "v3",
                                      device: "dev-1000", household: "hh-77", model: "Bravia-X90", endpoint: .tv,
                                      createdAt: created, expiresAt: created.adding(seconds: 6 * 3600),
                                      programDateTime: created.milliseconds, interstitials: false)
        let pre = BreakPlan(position: .pre, atMS: 0, plannedMS: 30_000)
        let mid = BreakPlan(position: .mid, atMS: 1_350_000, plannedMS: 60_000)
        let breaks = [
            BreakDecision(index: 0, id: "pre", plan: pre, slots: [
                SlotDecision(breakIndex: 0, breakID: "pre", position: .pre, slot: 0, creative: "brew-15", campaign: "brew-winter",
                             brand: "brew-co", durationMS: 15_000, reason: .filled, detail: "priority 1, 12 % behind pacing",
                             source: .engine),
                SlotDecision(breakIndex: 0, breakID: "pre", position: .pre, slot: 1, creative: "slate", campaign: nil, brand: nil,
                             durationMS: 15_000, reason: .slate, detail: "no eligible ad for 15 s", source: .slate),
            ]),
            BreakDecision(index: 1, id: "mid-1", plan: mid, slots: [
                SlotDecision(breakIndex: 1, breakID: "mid-1", position: .mid, slot: 0, creative: "stride-30", campaign: "stride-launch",
                             brand: "stride", durationMS: 30_000, reason: .filled, detail: "priority 2, on pace", source: .engine),
                SlotDecision(breakIndex: 1, breakID: "mid-1", position: .mid, slot: 1, creative: "bank-32", campaign: "bank-q4",
                             brand: "bank", durationMS: 30_000, trimmed: true, reason: .filled, detail: "trimmed 32 s to 30 s",
                             source: .engine),
                SlotDecision(breakIndex: 1, breakID: "mid-1", position: .mid, slot: -1, creative: "brew-30", campaign: "brew-winter",
                             brand: "brew-co", durationMS: 0, reason: .separated, detail: "brew-co already in the break <coffee>",
                             source: .engine),
            ]),
        ]
        func event(_ n: Int, _ type: String, _ source: EventSource, slot: String?, creative: String?, at: Int64?,
                   flags: [String] = []) -> LedgerEvent {
            LedgerEvent(eventID: "ev-\(n)", type: type, source: source, deviceID: "dev-1000", endpoint: .tv, channel: "tv-one",
                        titleID: "film-noir", sessionID: session.id, slotID: slot, creativeID: creative, positionMS: at,
                        ts: created.adding(milliseconds: Int64(n) * 7_500), receivedAt: created.adding(milliseconds: Int64(n) * 7_600),
                        flags: flags)
        }
        let events = [
            event(0, "play_start", .client, slot: nil, creative: nil, at: 0),
            event(1, "impression", .server, slot: "\(session.id).pre.0", creative: "brew-15", at: nil),
            event(2, "impression", .client, slot: "\(session.id).pre.0", creative: "brew-15", at: nil),
            event(3, "complete", .client, slot: "\(session.id).pre.0", creative: "brew-15", at: nil, flags: ["datacenter_ip"]),
        ]
        let playlist = "#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:6\n#EXT-X-DISCONTINUITY\n#EXTINF:6.000,\nads/brew-15/seg0.ts\n"
            + "#EXT-X-ENDLIST\n"
        return OpsSessionReplay(session: session, breaks: breaks, events: events,
                                playlists: [OpsPlaylist(rendition: "v720p", text: playlist),
                                            OpsPlaylist(rendition: "audio-en", text: "#EXTM3U\n#EXT-X-ENDLIST\n")])
    }
}
