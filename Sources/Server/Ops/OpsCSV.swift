import MediaCore
import Showrunner

/// The CSV exports of the ops tables (`/ops/export/<table>.csv?channel=C&day=D` and
/// `/ops/sessions/<sid>/<table>.csv`).
///
/// RFC 4180: a header line, then one line per row, every line ending in CRLF; a field with a
/// comma, quote, CR or LF is quoted with its quotes doubled. Numbers are plain (`1234`, ratios
/// `0.875`), times ISO 8601 UTC, an absent value is an empty field. The columns below are a
/// contract: add new ones at the end only.
enum OpsCSV {
    /// `title, channel, break, position, slot, at_ms, planned_ms, planned, marked, renditions,
    /// decided, filled, fill_rate, served, seen, discrepancy, flags, reasons, findings` —
    /// `flags` space-separated, `reasons` `reason=count` by reason, `findings` joined by ` | `.
    static func slots(_ rows: [SlotAuditRow]) -> String {
        table(["title", "channel", "break", "position", "slot", "at_ms", "planned_ms", "planned", "marked", "renditions",
               "decided", "filled", "fill_rate", "served", "seen", "discrepancy", "flags", "reasons", "findings"],
              rows.map { r in
                  [r.title, r.channel, r.breakID, r.position, String(r.slot), r.atMS.map { String($0) } ?? "", String(r.plannedMS),
                   String(r.planned), String(r.marked), String(r.renditions), String(r.decided), String(r.filled),
                   OpsFormat.ratio(r.fillRate), String(r.served), String(r.seen), OpsFormat.ratio(r.discrepancy),
                   r.flags.joined(separator: " "), pairs(r.reasons), r.findings.joined(separator: " | ")]
              })
    }

    /// `creative, brand, priority, default, expected_permille` — `creative` is `(none)` for the
    /// boots that show nothing (with `brand` and `priority` empty), `default` is `true`/`false`.
    static func boot(_ rows: [OpsBootRow]) -> String {
        table(["creative", "brand", "priority", "default", "expected_permille"],
              rows.map { r in
                  [r.creative ?? "(none)", r.brand ?? "", r.priority.map { String($0) } ?? "", String(r.isDefault),
                   String(r.expectedPermille)]
              })
    }

    /// `campaign, goal, hour, delivered, planned` — one line per campaign and hour (the
    /// cumulative series the pacing charts draw).
    static func pacing(_ rows: [OpsPacing]) -> String {
        table(["campaign", "goal", "hour", "delivered", "planned"],
              rows.flatMap { c in
                  c.points.map { [c.campaign, String(c.goal), String($0.hour), String($0.delivered), String($0.planned)] }
              })
    }

    /// `campaign, impressions, devices, households, average_frequency, devices_by_endpoint` —
    /// the columns of `showrunner report reach --csv`; `devices_by_endpoint` is
    /// `endpoint=count` by endpoint.
    static func reach(_ rows: [ReachRow]) -> String {
        table(["campaign", "impressions", "devices", "households", "average_frequency", "devices_by_endpoint"],
              rows.map { r in
                  [r.campaign, String(r.impressions), String(r.devices), String(r.households), OpsFormat.ratio(r.averageFrequency),
                   pairs(r.devicesByEndpoint)]
              })
    }

    /// `session, title, channel, device, created, filled_slots, total_slots`.
    static func sessions(_ rows: [OpsSessionLink]) -> String {
        table(["session", "title", "channel", "device", "created", "filled_slots", "total_slots"],
              rows.map { s in
                  [s.id, s.title, s.channel, s.device, s.created.iso8601, String(s.filledSlots), String(s.totalSlots)]
              })
    }

    /// A replay's decisions, one line per slot in recorded order: `break, position, at_ms,
    /// planned_ms, slot, creative, campaign, brand, reason, detail, duration_ms, trimmed,
    /// source` (`slot` -1 for a refused candidate).
    static func decisions(_ breaks: [BreakDecision]) -> String {
        table(["break", "position", "at_ms", "planned_ms", "slot", "creative", "campaign", "brand", "reason", "detail",
               "duration_ms", "trimmed", "source"],
              breaks.flatMap { b in
                  b.slots.map { s in
                      [b.id, b.plan.position.rawValue, String(b.plan.atMS), String(b.plan.plannedMS), String(s.slot),
                       s.creative ?? "", s.campaign ?? "", s.brand ?? "", s.reason.rawValue, s.detail, String(s.durationMS),
                       String(s.trimmed), s.source.rawValue]
                  }
              })
    }

    /// A replay's events, oldest first: `ts, source, type, slot_id, creative, campaign,
    /// position_ms, event_id, flags` (`flags` space-separated).
    static func events(_ events: [LedgerEvent]) -> String {
        table(["ts", "source", "type", "slot_id", "creative", "campaign", "position_ms", "event_id", "flags"],
              events.map { e in
                  [e.ts.iso8601, e.source.rawValue, e.type, e.slotID ?? "", e.creativeID ?? "", e.campaignID ?? "",
                   e.positionMS.map { String($0) } ?? "", e.eventID, e.flags.joined(separator: " ")]
              })
    }

    /// `key=value` pairs by key, space-separated.
    static func pairs<V: BinaryInteger>(_ counts: [String: V]) -> String {
        counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }

    /// The header and rows as RFC 4180 text with CRLF line ends.
    static func table(_ headers: [String], _ rows: [[String]]) -> String {
        ([headers] + rows).map { $0.map(field).joined(separator: ",") + "\r\n" }.joined()
    }

    /// One field, quoted when it holds a comma, quote, CR or LF.
    static func field(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0D || $0 == 0x0A }) else { return s }
        var out = "\""
        for c in s.unicodeScalars {
            if c == "\"" { out += "\"\"" } else { out.unicodeScalars.append(c) }
        }
        return out + "\""
    }
}
