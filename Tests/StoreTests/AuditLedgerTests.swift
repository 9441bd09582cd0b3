import MediaCore
import Showrunner
import Store
import Testing

/// The ledger side of the slot audit over seeded sessions, decisions and beacons, and the
/// reconciliation of those exact numbers.
@Suite struct AuditLedgerTests {
    static let day = Timestamp(iso8601: "2026-11-29")!
    static let filter = AuditFilter(from: day, until: day.adding(seconds: 86_400))

    static func sid(_ n: Int) -> String { String(repeating: "0", count: 31) + String(n, radix: 16) }

    static func slot(_ b: Int, _ id: String, _ position: BreakPosition, _ slot: Int, _ creative: String?, _ reason: SlotReason) -> SlotDecision {
        SlotDecision(breakIndex: b, breakID: id, position: position, slot: slot, creative: creative, campaign: creative.map { "c-" + $0 },
                     brand: nil, durationMS: slot >= 0 ? 15_000 : 0, reason: reason, detail: "seeded", source: .engine)
    }

    /// Session n of ep1 on tv: pre filled with ad-a; mid-1 slot 0 filled with ad-b and slot 1
    /// slate — except session 3, whose mid-1 was left unfilled (a device cap refused ad-b).
    static func session(_ n: Int, at: Timestamp) -> SessionRecord {
        let s = PlaybackSession(id: sid(n), channel: "tv", title: "ep1", version: "v1", device: "tv-\(n)", household: "tv-\(n)",
                                model: nil, endpoint: .tv, createdAt: at, expiresAt: at.adding(seconds: 3600),
                                programDateTime: at.milliseconds, interstitials: false)
        let pre = BreakDecision(index: 0, id: "pre", plan: BreakPlan(position: .pre, atMS: 0, plannedMS: 15_000),
                                slots: [slot(0, "pre", .pre, 0, "ad-a", .filled)])
        let midSlots = n == 3
            ? [slot(1, "mid-1", .mid, -1, "ad-b", .capped), slot(1, "mid-1", .mid, -1, nil, .unfilled)]
            : [slot(1, "mid-1", .mid, 0, "ad-b", .filled), slot(1, "mid-1", .mid, 1, "slate", .slate)]
        let mid = BreakDecision(index: 1, id: "mid-1", plan: BreakPlan(position: .mid, atMS: 30_000, plannedMS: 30_000), slots: midSlots)
        return SessionRecord(session: s, breaks: [pre, mid])
    }

    static func beacon(_ id: String, _ n: Int, _ slot: String, _ type: String, _ source: EventSource, flags: [String] = []) -> LedgerEvent {
        var e = LedgerEvent(eventID: id, type: "ad." + type, source: source, deviceID: "tv-\(n)", endpoint: .tv, channel: "tv",
                            titleID: "ep1", sessionID: sid(n), slotID: sid(n) + "." + slot, ts: day.adding(seconds: 100), receivedAt: day.adding(seconds: 100))
        e.flags = flags
        return e
    }

    static func seeded() async throws -> SQLiteStore {
        let store = try SQLiteStore.inMemory()
        for n in 1...3 { try await store.record(session(n, at: day.adding(seconds: Int64(n) * 60))) }
        try await store.record(session(4, at: day.adding(seconds: -60)))  // the day before: not covered
        var events: [LedgerEvent] = []
        for n in 1...4 {
            events += [beacon("s\(n)i", n, "pre.0", "impression", .server), beacon("s\(n)c", n, "pre.0", "complete", .server)]
        }
        // Clients: sessions 1 and 2 report the pre-roll (session 2 twice, under two event ids);
        // session 3's client report is flagged as invalid traffic.
        events += [beacon("c1i", 1, "pre.0", "impression", .client), beacon("c2i", 2, "pre.0", "impression", .client),
                   beacon("c2i-again", 2, "pre.0", "impression", .client),
                   beacon("c3i", 3, "pre.0", "impression", .client, flags: ["too_fast"])]
        // A type the scan has no bit for, sent twice: once per session-slot all the same.
        events += [beacon("c1x", 1, "pre.0", "acceptInvitation", .client), beacon("c1x-again", 1, "pre.0", "acceptInvitation", .client)]
        // mid-1 slot 0: served in sessions 1 and 2, seen in both.
        for n in 1...2 { events += [beacon("s\(n)m", n, "mid-1.0", "impression", .server), beacon("c\(n)m", n, "mid-1.0", "impression", .client)] }
        _ = try await store.record(events: events)
        return store
    }

    @Test func ledgerCountsDistinctSessionsPerBeaconType() async throws {
        let store = try await Self.seeded()
        let l = try await store.auditLedger(Self.filter)
        #expect(l.sessions == [TitleOnChannel(title: "ep1", channel: "tv"): 3])
        let pre = try #require(l.slots[SlotKey(title: "ep1", channel: "tv", breakID: "pre", slot: 0)])
        #expect(pre.decided == 3 && pre.decisions == ["filled": 3])
        #expect(pre.server == ["impression": 3, "complete": 3])
        #expect(pre.client == ["impression": 2, "acceptInvitation": 1])
        let refused = try #require(l.slots[SlotKey(title: "ep1", channel: "tv", breakID: "mid-1", slot: -1)])
        #expect(refused.decisions == ["capped": 1, "unfilled": 1] && refused.decided == 0)
        #expect(l.slots[SlotKey(title: "ep1", channel: "tv", breakID: "mid-1", slot: 1)]?.decisions == ["slate": 2])
        #expect(l.flagged == 1)
        // Every beacon row is read once: 8 server + 6 client on the pre-roll, 4 on mid-1.
        #expect(l.beacons == 18)
    }

    @Test func reconciliationOfTheSeededLedger() async throws {
        let store = try await Self.seeded()
        let l = try await store.auditLedger(Self.filter)
        let plan = PlannedTitle(title: "ep1", channel: "tv", breaks: [
            PlannedBreak(id: "pre", position: .pre, atMS: 0, plannedMS: 15_000),
            PlannedBreak(id: "mid-1", position: .mid, atMS: 30_000, plannedMS: 30_000),
        ])
        let marked = MarkedTitle(title: "ep1", channel: "tv", renditions: 2, breaks: [
            MarkedBreakCount(breakID: "pre", renditions: 2), MarkedBreakCount(breakID: "mid-1", renditions: 1),
        ])
        let rows = SlotAudit.reconcile(planned: [plan], marked: [marked], ledger: l, filter: Self.filter).slots
        #expect(rows.map { "\($0.breakID).\($0.slot)" } == ["pre.0", "mid-1.0", "mid-1.1"])
        let pre = rows[0]
        #expect([pre.planned, pre.marked, pre.renditions, pre.decided, pre.filled, pre.served, pre.seen] == [3, 2, 2, 3, 3, 3, 2])
        #expect(pre.discrepancy == 1.0 / 3.0)
        #expect(pre.flags == ["discrepancy"])
        let mid = rows[1]
        #expect([mid.planned, mid.decided, mid.filled, mid.served, mid.seen] == [3, 3, 2, 2, 2])
        #expect(mid.reasons == ["filled": 2, "capped": 1, "unfilled": 1])
        #expect(mid.flags == ["partly_marked", "unfilled"])
        #expect(rows[2].flags == ["partly_marked"] && rows[2].reasons == ["slate": 2] && rows[2].filled == 0)
    }

    /// `events compact` rolls the beacons into per-slot aggregates: the audit's counts do not change.
    @Test func theLedgerIsTheSameAfterCompaction() async throws {
        let store = try await Self.seeded()
        let before = try await store.auditLedger(Self.filter)
        let r = try await store.compact(before: Self.day.adding(seconds: 86_400), now: Self.day.adding(seconds: 10 * 86_400))
        #expect(r.events == 18)
        let after = try await store.auditLedger(Self.filter)
        #expect(after.slots == before.slots)
        #expect(after.sessions == before.sessions && after.flagged == before.flagged)
        #expect(after.beacons == 0)  // nothing raw is left to read
        // A title filter applies to the aggregates too.
        let other = try await store.auditLedger(AuditFilter(from: Self.filter.from, until: Self.filter.until, title: "ep2"))
        #expect(other.slots.isEmpty)
    }
}
