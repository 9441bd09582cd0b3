import GRDB
public import Showrunner

/// The ledger side of the slot audit. Beacons are read once, in `event_by_slot` order (a
/// covering index), so each session-slot's rows are adjacent: a beacon type counts once per
/// session and slot however often it was sent.
extension SQLiteStore: AuditSource {
    public func auditLedger(_ filter: AuditFilter) async throws(ShowrunnerError) -> AuditLedger {
        try await read { db in
            var out = AuditLedger()
            // Sessions of the period: id -> index into `keys`.
            var keys: [TitleOnChannel] = []
            var keyIndex: [TitleOnChannel: Int] = [:]
            var sessionKey: [String: Int] = [:]
            let (clause, args) = Self.auditWhere(filter, time: "created_at")
            let sessions = try Row.fetchCursor(db, sql: "SELECT id, title, channel FROM play_session WHERE \(clause)", arguments: args)
            while let row = try sessions.next() {
                let key = TitleOnChannel(title: row[1], channel: row[2])
                let index: Int
                if let i = keyIndex[key] { index = i } else {
                    index = keys.count
                    keys.append(key)
                    keyIndex[key] = index
                }
                sessionKey[row[0]] = index
                out.sessions[key, default: 0] += 1
            }
            // Decisions.
            let (dClause, dArgs) = Self.auditWhere(filter, time: "at")
            let decisions = try Row.fetchCursor(db, sql: """
                SELECT title, channel, break_id, slot, reason, COALESCE(creative, ''), COUNT(*)
                FROM ad_decision WHERE \(dClause)
                GROUP BY title, channel, break_id, slot, reason, creative
                """, arguments: dArgs)
            while let row = try decisions.next() {
                let key = SlotKey(title: row[0], channel: row[1], breakID: row[2], slot: row[3])
                let reason: String = row[4], creative: String = row[5], n: Int = row[6]
                out.slots[key, default: SlotLedger()].decisions[reason, default: 0] += n
                if key.slot >= 0 {
                    out.slots[key, default: SlotLedger()].decided += n
                    if !creative.isEmpty { out.slots[key, default: SlotLedger()].creatives[creative, default: 0] += n }
                }
            }
            guard !sessionKey.isEmpty else { return out }
            // Beacons, one pass over the covering index.
            let beacons = try Row.fetchCursor(db, sql: """
                SELECT slot_id, source, type, flags FROM event INDEXED BY event_by_slot WHERE slot_id IS NOT NULL
                """)
            var lastSlot = "", lastKey: SlotKey? = nil
            var lastSource = "", lastType = ""
            while let row = try beacons.next() {
                out.beacons += 1
                let slotID: String = row[0]
                if slotID != lastSlot {
                    lastSlot = slotID
                    lastKey = Self.slotKey(slotID, sessions: sessionKey, keys: keys)
                    lastSource = ""
                    lastType = ""
                }
                guard let key = lastKey else { continue }
                let flags: String = row[3]
                guard flags == "[]" else {
                    out.flagged += 1
                    continue
                }
                let source: String = row[1], type: String = row[2]
                if source == lastSource && type == lastType { continue }
                lastSource = source
                lastType = type
                let name = type.hasPrefix("ad.") ? String(type.dropFirst(3)) : type
                if source == "server" {
                    out.slots[key, default: SlotLedger()].server[name, default: 0] += 1
                } else {
                    out.slots[key, default: SlotLedger()].client[name, default: 0] += 1
                }
            }
            return out
        }
    }

    /// `<session>.<break>.<slot>` → the slot's key, when the session is one the audit covers.
    static func slotKey(_ slotID: String, sessions: [String: Int], keys: [TitleOnChannel]) -> SlotKey? {
        let u = slotID.utf8
        guard u.count > 34, let dot = u.lastIndex(of: UInt8(ascii: ".")) else { return nil }
        let sidEnd = u.index(u.startIndex, offsetBy: 32)
        guard u[sidEnd] == UInt8(ascii: "."), dot > sidEnd,
              let index = sessions[String(Substring(slotID.utf8[..<sidEnd]))],
              let slot = Int(Substring(slotID.utf8[u.index(after: dot)...])) else { return nil }
        let key = keys[index]
        return SlotKey(title: key.title, channel: key.channel, breakID: String(Substring(slotID.utf8[u.index(after: sidEnd)..<dot])), slot: slot)
    }

    static func auditWhere(_ f: AuditFilter, time: String) -> (String, StatementArguments) {
        var clause = "\(time) >= ? AND \(time) < ?"
        var args: StatementArguments = [f.from.milliseconds, f.until.milliseconds]
        if let t = f.title {
            clause += " AND title = ?"
            args += [t]
        }
        if let c = f.channel {
            clause += " AND channel = ?"
            args += [c]
        }
        return (clause, args)
    }

    public func recentSessions(_ filter: AuditFilter, limit: Int) async throws(ShowrunnerError) -> [SessionSummary] {
        try await read { db in
            let (clause, args) = Self.auditWhere(filter, time: "created_at")
            return try Row.fetchAll(db, sql: """
                SELECT id, title, channel, device, created_at,
                       (SELECT COUNT(*) FROM ad_decision d WHERE d.session = s.id AND d.slot >= 0 AND d.reason = 'filled') AS filled,
                       (SELECT COUNT(*) FROM ad_decision d WHERE d.session = s.id AND d.slot >= 0) AS slots
                FROM play_session s WHERE \(clause) ORDER BY created_at DESC, id LIMIT ?
                """, arguments: args + [limit]).map { r in
                SessionSummary(id: try r.text("id"), title: try r.text("title"), channel: try r.text("channel"),
                               device: try r.text("device"), createdAt: Timestamp(milliseconds: try r.int("created_at")),
                               filled: Int(try r.int("filled")), slots: Int(try r.int("slots")))
            }
        }
    }

    public func changeLogCount() async throws(ShowrunnerError) -> Int {
        try await read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM change_log") ?? 0 }
    }

    public func filledByHour(_ filter: AuditFilter) async throws(ShowrunnerError) -> [String: [Int: Int]] {
        try await read { db in
            let (clause, args) = Self.auditWhere(filter, time: "at")
            var out: [String: [Int: Int]] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT campaign, (at - ?) / 3600000 AS hour, COUNT(*) FROM ad_decision
                WHERE \(clause) AND reason = 'filled' AND slot >= 0 AND campaign IS NOT NULL
                GROUP BY campaign, hour
                """, arguments: [filter.from.milliseconds] + args)
            while let r = try rows.next() {
                let campaign: String = r[0], hour: Int = r[1], n: Int = r[2]
                out[campaign, default: [:]][hour] = n
            }
            return out
        }
    }
}
