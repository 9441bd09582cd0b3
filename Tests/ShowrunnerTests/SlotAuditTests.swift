import Foundation
import MediaCore
import Showrunner
import Testing

/// Flags of the slot reconciliation, one seeded break at a time.
@Suite struct SlotAuditTests {
    static let filter = AuditFilter(from: Timestamp(milliseconds: 0), until: Timestamp(milliseconds: 86_400_000))
    static let key = SlotKey(title: "ep1", channel: "tv", breakID: "mid-1", slot: 0)
    static let plan = PlannedTitle(title: "ep1", channel: "tv", breaks: [PlannedBreak(id: "mid-1", position: .mid, atMS: 30_000, plannedMS: 30_000)])

    static func row(decided: Int = 10, filled: Int = 10, served: Int = 10, seen: Int = 10, marked: Int = 2, findings: [String] = [],
                    planned: [PlannedTitle] = [plan], extra: [SlotKey: SlotLedger] = [:]) -> SlotAuditRow {
        var slots = extra
        slots[key] = SlotLedger(decisions: filled > 0 ? ["filled": filled] : [:], decided: decided,
                                server: served > 0 ? ["impression": served] : [:], client: seen > 0 ? ["impression": seen] : [:])
        let ledger = AuditLedger(sessions: [TitleOnChannel(title: "ep1", channel: "tv"): 10], slots: slots)
        let marks = [MarkedTitle(title: "ep1", channel: "tv", renditions: 2,
                                 breaks: [MarkedBreakCount(breakID: "mid-1", renditions: marked, findings: findings)])]
        return SlotAudit.reconcile(planned: planned, marked: marks, ledger: ledger, filter: filter).slots[0]
    }

    @Test func aCleanSlotHasNoFlags() {
        let r = Self.row()
        #expect(r.flags == [] && r.fillRate == 1.0 && r.discrepancy == 0 && r.atMS == 30_000 && r.plannedMS == 30_000)
    }

    @Test func discrepancyIsFlaggedOnlyAboveTenPercent() {
        #expect(Self.row(served: 10, seen: 9).flags == [])          // exactly 10 %
        #expect(Self.row(filled: 100, served: 100, seen: 89).flags == ["discrepancy"])  // 11 %
        #expect(Self.row(served: 9, seen: 10).flags == [])
    }

    @Test func markerFlags() {
        #expect(Self.row(marked: 0).flags == ["not_marked"])
        #expect(Self.row(marked: 1).flags == ["partly_marked"])
        #expect(Self.row(findings: ["a.m3u8:7 CRC"]).flags == ["marker_error"])
    }

    @Test func deliveryFlags() {
        #expect(Self.row(served: 0, seen: 0).flags == ["not_served"])
        #expect(Self.row(filled: 8, served: 10, seen: 10).flags == ["overserved"])
        #expect(Self.row(decided: 7, filled: 7, served: 7, seen: 7).flags == ["not_decided"])
        let refused = [SlotKey(title: "ep1", channel: "tv", breakID: "mid-1", slot: -1): SlotLedger(decisions: ["unfilled": 3, "paced": 4])]
        let r = Self.row(decided: 7, filled: 7, served: 7, seen: 7, extra: refused)
        #expect(r.decided == 10 && r.flags == ["unfilled"] && r.reasons == ["filled": 7, "unfilled": 3, "paced": 4])
    }

    @Test func aBreakNoLongerPlannedIsUnplanned() {
        let r = Self.row(planned: [])
        #expect(r.planned == 0 && r.atMS == nil && r.flags.contains("unplanned"))
    }

    @Test func aPlannedBreakWithoutSessionsStillHasARow() {
        let marks = [MarkedTitle(title: "ep1", channel: "tv", renditions: 2, breaks: [])]
        let rows = SlotAudit.reconcile(planned: [Self.plan], marked: marks, ledger: AuditLedger(), filter: Self.filter).slots
        #expect(rows.count == 1 && rows[0].planned == 0 && rows[0].flags == ["not_marked"])
    }

    @Test func theJSONFormUsesTheContractsKeys() throws {
        let data = try JSONEncoder().encode(SlotAuditReport(from: Self.filter.from, until: Self.filter.until, slots: [Self.row()], beacons: 20))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let slot = try #require((object?["slots"] as? [[String: Any]])?.first)
        for k in ["title", "channel", "break", "position", "planned", "marked", "decided", "served", "seen", "discrepancy", "flags"] {
            #expect(slot[k] != nil, "missing \(k)")
        }
        #expect(slot["planned"] as? Int == 10 && slot["break"] as? String == "mid-1")
    }
}
