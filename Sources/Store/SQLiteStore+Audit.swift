import GRDB
import GRDBSQLite
#if canImport(Glibc)
import Glibc
#endif
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
                SELECT title, channel, break_id, slot, reason, COUNT(*)
                FROM ad_decision WHERE \(dClause)
                GROUP BY title, channel, break_id, slot, reason
                """, arguments: dArgs)
            while let row = try decisions.next() {
                let key = SlotKey(title: row[0], channel: row[1], breakID: row[2], slot: row[3])
                let reason: String = row[4], n: Int = row[5]
                out.slots[key, default: SlotLedger()].decisions[reason, default: 0] += n
                if key.slot >= 0 { out.slots[key, default: SlotLedger()].decided += n }
            }
            guard !sessionKey.isEmpty else { return out }
            try Self.scanBeacons(db, sessions: sessionKey, keys: keys, into: &out)
            try Self.addCompacted(db, filter, into: &out)
            return out
        }
    }

    /// Ad beacon types the scan tallies in bit masks (anything else goes through a dictionary).
    static let beaconTypes = ["impression", "start", "firstQuartile", "midpoint", "thirdQuartile", "complete",
                              "skip", "close", "click", "error", "pause", "resume", "mute", "unmute", "fullscreen", "progress"]
    static let beaconTypeBytes = beaconTypes.map { Array($0.utf8) }

    /// One pass over `event_by_slot` with SQLite's C API: rows of one session-slot are adjacent
    /// (the index order), so each session-slot's beacon types are gathered in a bit mask (a type
    /// counts once per session-slot and source) and added to its slot's tallies once.
    static func scanBeacons(_ db: Database, sessions: [String: Int], keys: [TitleOnChannel], into out: inout AuditLedger) throws {
        let statement = try db.makeStatement(sql: """
            SELECT slot_id, source, type, flags FROM event INDEXED BY event_by_slot WHERE slot_id IS NOT NULL
            """)
        let stmt = statement.sqliteStatement
        let known = beaconTypes.count
        var slotIndex: [SlotKey: Int] = [:]
        var slotKeys: [SlotKey] = []
        var tallies: [[Int]] = []          // per slot key: server types then client types
        var others: [SlotKey: [String: Int]] = [:]  // "s:type" / "c:type" of unknown types
        var last: [UInt8] = []
        var current = -1                    // index into slotKeys, -1 when not covered
        var mask: UInt64 = 0
        var otherSeen = Set<String>()       // unknown types seen in the current session-slot
        func flush() {
            guard current >= 0, mask != 0 else { return }
            var m = mask
            while m != 0 {
                let bit = m.trailingZeroBitCount
                tallies[current][bit] += 1
                m &= m - 1
            }
        }
        sqlite3_reset(stmt)
        while true {
            let rc = sqlite3_step(stmt)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
            out.beacons += 1
            guard let p = sqlite3_column_text(stmt, 0) else { continue }
            let n = Int(sqlite3_column_bytes(stmt, 0))
            if n != last.count || memcmp(p, last, n) != 0 {
                flush()
                mask = 0
                otherSeen.removeAll(keepingCapacity: true)
                last.removeAll(keepingCapacity: true)
                last.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
                if let key = slotKey(String(decoding: last, as: UTF8.self), sessions: sessions, keys: keys) {
                    if let i = slotIndex[key] { current = i } else {
                        current = slotKeys.count
                        slotIndex[key] = current
                        slotKeys.append(key)
                        tallies.append(Array(repeating: 0, count: 2 * known))
                    }
                } else {
                    current = -1
                }
            }
            guard current >= 0 else { continue }
            if sqlite3_column_bytes(stmt, 3) != 2 {  // flags other than '[]'
                out.flagged += 1
                continue
            }
            let server = sqlite3_column_text(stmt, 1)?.pointee == UInt8(ascii: "s")
            guard let t = sqlite3_column_text(stmt, 2) else { continue }
            let tn = Int(sqlite3_column_bytes(stmt, 2))
            let type = UnsafeBufferPointer(start: t, count: tn)
            let name = tn > 3 && t[0] == UInt8(ascii: "a") && t[1] == UInt8(ascii: "d") && t[2] == UInt8(ascii: ".")
                ? UnsafeBufferPointer(rebasing: type[3...]) : type
            if let i = beaconTypeBytes.firstIndex(where: { $0.elementsEqual(name) }) {
                mask |= 1 << UInt64((server ? 0 : known) + i)
            } else {
                let tag = (server ? "s:" : "c:") + String(decoding: name, as: UTF8.self)
                if otherSeen.insert(tag).inserted { others[slotKeys[current], default: [:]][tag, default: 0] += 1 }
            }
        }
        flush()
        for (i, key) in slotKeys.enumerated() {
            var ledger = out.slots[key] ?? SlotLedger()
            for (j, name) in beaconTypes.enumerated() {
                if tallies[i][j] > 0 { ledger.server[name, default: 0] += tallies[i][j] }
                if tallies[i][known + j] > 0 { ledger.client[name, default: 0] += tallies[i][known + j] }
            }
            for (tag, n) in others[key] ?? [:] {
                let name = String(tag.dropFirst(2))
                if tag.hasPrefix("s:") { ledger.server[name, default: 0] += n } else { ledger.client[name, default: 0] += n }
            }
            out.slots[key] = ledger
        }
    }

    /// Beacons `compact` rolled up (`agg_slot`), for the days whose sessions the filter covers
    /// (by the session's UTC day: the days that start within the period).
    static func addCompacted(_ db: Database, _ f: AuditFilter, into out: inout AuditLedger) throws {
        // Days that start in [from, until).
        func ceilDay(_ t: Timestamp) -> Timestamp {
            let r = ((t.milliseconds % 86_400_000) + 86_400_000) % 86_400_000
            return r == 0 ? t : Timestamp(milliseconds: t.milliseconds - r + 86_400_000)
        }
        var clause = "day >= ? AND day < ?"
        var args: StatementArguments = [dayText(ceilDay(f.from)), dayText(ceilDay(f.until))]
        if let t = f.title { clause += " AND title = ?"; args += [t] }
        if let c = f.channel { clause += " AND channel = ?"; args += [c] }
        let rows = try Row.fetchCursor(db, sql: """
            SELECT title, channel, break_id, slot, source, name, flagged, SUM(sessions) FROM agg_slot WHERE \(clause)
            GROUP BY title, channel, break_id, slot, source, name, flagged
            """, arguments: args)
        while let r = try rows.next() {
            let key = SlotKey(title: r[0], channel: r[1], breakID: r[2], slot: r[3])
            let source: String = r[4], name: String = r[5], flagged: Bool = r[6], n: Int = r[7]
            if flagged {
                out.flagged += n
            } else if source == "server" {
                out.slots[key, default: SlotLedger()].server[name, default: 0] += n
            } else {
                out.slots[key, default: SlotLedger()].client[name, default: 0] += n
            }
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
