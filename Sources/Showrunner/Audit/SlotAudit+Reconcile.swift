import MediaCore

/// Reconciles the plan, the markers on disk and the ledger, slot by slot. Pure.
public enum SlotAudit {
    /// One row per title × channel × break × slot that any of the three sides knows of.
    ///
    /// - `planned`: the sessions of the title on the channel when the break is in its current
    ///   plan, else 0 (`unplanned` when the ledger has decisions for it).
    /// - `decided`: sessions with a placed slot; for slot 0 also the sessions whose break was
    ///   left unfilled. Refused candidates (slot −1) add their reasons to slot 0's `reasons`.
    /// - `served` / `seen`: sessions whose server / client sent an impression for the slot.
    public static func reconcile(planned: [PlannedTitle], marked: [MarkedTitle], ledger: AuditLedger,
                                 filter: AuditFilter) -> SlotAuditReport {
        var plans: [TitleOnChannel: PlannedTitle] = [:]
        for p in planned where filter.covers(title: p.title, channel: p.channel) { plans[TitleOnChannel(title: p.title, channel: p.channel)] = p }
        var marks: [TitleOnChannel: MarkedTitle] = [:]
        for m in marked where filter.covers(title: m.title, channel: m.channel) { marks[TitleOnChannel(title: m.title, channel: m.channel)] = m }

        // Every slot key any side knows of.
        var keys = Set<SlotKey>()
        for (k, _) in ledger.slots where filter.covers(title: k.title, channel: k.channel) {
            keys.insert(SlotKey(title: k.title, channel: k.channel, breakID: k.breakID, slot: max(k.slot, 0)))
        }
        for (tc, p) in plans { for b in p.breaks { keys.insert(SlotKey(title: tc.title, channel: tc.channel, breakID: b.id, slot: 0)) } }
        for (tc, m) in marks { for b in m.breaks { keys.insert(SlotKey(title: tc.title, channel: tc.channel, breakID: b.breakID, slot: 0)) } }

        var rows: [SlotAuditRow] = []
        for key in keys.sorted() {
            let tc = TitleOnChannel(title: key.title, channel: key.channel)
            let plan = plans[tc]?.breaks.first { $0.id == key.breakID }
            let sessions = ledger.sessions[tc] ?? 0
            let mark = marks[tc]
            let markedBreak = mark?.breaks.first { $0.breakID == key.breakID }
            var counts = ledger.slots[key] ?? SlotLedger()
            var reasons = counts.decisions
            if key.slot == 0, let refused = ledger.slots[SlotKey(title: key.title, channel: key.channel, breakID: key.breakID, slot: -1)] {
                for (reason, n) in refused.decisions { reasons[reason, default: 0] += n }
                counts.decided += refused.decisions["unfilled"] ?? 0
            }
            let filled = counts.decisions["filled"] ?? 0
            let served = counts.server["impression"] ?? 0
            let seen = counts.client["impression"] ?? 0
            let top = max(served, seen)
            let discrepancy: Double? = top > 0 ? Double(abs(served - seen)) / Double(top) : nil
            let renditions = mark?.renditions ?? 0
            let markedCount = markedBreak?.renditions ?? 0
            let plannedCount = plan == nil ? 0 : sessions

            var flags: [String] = []
            if plan != nil || markedBreak != nil {
                if markedCount == 0 { flags.append("not_marked") } else if markedCount < renditions { flags.append("partly_marked") }
            }
            if !(markedBreak?.findings.isEmpty ?? true) { flags.append("marker_error") }
            if plan == nil, counts.decided > 0 || markedCount > 0 { flags.append("unplanned") }
            if key.slot == 0, plannedCount > 0, counts.decided < plannedCount { flags.append("not_decided") }
            if key.slot == 0, (reasons["unfilled"] ?? 0) > 0 { flags.append("unfilled") }
            if filled > 0, served == 0 { flags.append("not_served") }
            if served > filled { flags.append("overserved") }
            if let d = discrepancy, d > discrepancyTolerance { flags.append("discrepancy") }

            let position = plan?.position.rawValue ?? (key.breakID == "pre" ? "pre" : key.breakID == "post" ? "post" : "mid")
            rows.append(SlotAuditRow(
                title: key.title, channel: key.channel, breakID: key.breakID, position: position, slot: key.slot,
                atMS: plan?.atMS, plannedMS: plan?.plannedMS ?? 0, planned: plannedCount, marked: markedCount,
                renditions: renditions, decided: counts.decided, filled: filled, reasons: reasons, served: served, seen: seen,
                server: counts.server, client: counts.client, discrepancy: discrepancy, flags: flags,
                findings: markedBreak?.findings ?? []))
        }
        return SlotAuditReport(from: filter.from, until: filter.until, slots: rows, beacons: ledger.beacons)
    }
}

extension SlotAuditReport {
    /// The audit as a table (CLI table and CSV forms).
    public var table: ReportTable {
        let headers = ["title", "channel", "break", "position", "slot", "at", "planned_s", "planned", "marked", "decided", "filled",
                       "fill_rate", "served", "seen", "discrepancy", "reasons", "flags"]
        let rows = slots.map { r -> [String] in
            [r.title, r.channel, r.breakID, r.position, String(r.slot), r.atMS.map(ReportTable.ms) ?? "-", ReportTable.ms(r.plannedMS),
             String(r.planned), "\(r.marked)/\(r.renditions)", String(r.decided), String(r.filled),
             r.fillRate.map(ReportTable.ratio) ?? "-", String(r.served), String(r.seen), r.discrepancy.map(ReportTable.ratio) ?? "-",
             r.reasons.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "),
             r.flags.joined(separator: " ")]
        }
        let flagged = slots.filter { !$0.flags.isEmpty }.count
        return ReportTable(headers: headers, rows: rows, footer: "\(slots.count) slots, \(flagged) flagged, \(beacons) beacons read")
    }
}
