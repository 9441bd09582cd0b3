import GRDB
import GRDBSQLite
import Showrunner

/// The ingest writer's work inside a group transaction: bring the `EventIndex` up to date with
/// the table, then insert a batch with SQLite's C API (one prepared statement; no argument
/// arrays, no statement bookkeeping per row).
enum EventWriter {
    /// Loads the index on first use (ids received in the idempotency window, devices' events in
    /// the device window), or reads the rows other processes appended since it last looked.
    /// Runs inside the write transaction, so no row can be added in between.
    static func sync(_ index: EventIndex, _ db: Database, now: Int64) throws {
        if let seen = index.seenThrough {
            try absorb(index, db, sql: "SELECT seq, event_id, received_at, device_id, ts, source FROM event WHERE seq > ? ORDER BY seq",
                       from: seen)
            return
        }
        index.beginLoad(now: now)
        let top = try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM event") ?? 0
        // `received_at` grows with `seq` (give or take the requests of one group): find the first
        // row received in the window (an hour's margin) by bisection on `seq`.
        let cutoff = now - EventIndex.windowMS - 3_600_000
        let probe = try db.makeStatement(sql: "SELECT seq, received_at FROM event WHERE seq >= ? ORDER BY seq LIMIT 1")
        var lo: Int64 = 0, hi = top + 1
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            guard let row = try Row.fetchOne(probe, arguments: [mid]) else { hi = mid; continue }
            let seq: Int64 = row[0], received: Int64 = row[1]
            if received < cutoff { lo = seq + 1 } else { hi = mid }
        }
        try absorb(index, db, sql: "SELECT seq, event_id, received_at, device_id, ts, source FROM event WHERE seq >= ? AND seq <= ? ORDER BY seq",
                   from: lo, through: top)
        index.loaded(through: top, now: now)
    }

    private static func absorb(_ index: EventIndex, _ db: Database, sql: String, from: Int64, through: Int64? = nil) throws {
        let statement = try db.cachedStatement(sql: sql)
        let stmt = statement.sqliteStatement
        sqlite3_reset(stmt)
        sqlite3_clear_bindings(stmt)
        sqlite3_bind_int64(stmt, 1, from)
        if let through { sqlite3_bind_int64(stmt, 2, through) }
        defer { sqlite3_reset(stmt) }
        while true {
            let rc = sqlite3_step(stmt)
            if rc == SQLITE_DONE { return }
            guard rc == SQLITE_ROW else { throw error(rc, db) }
            // The id's bytes straight from SQLite: a UUID becomes its key without a String.
            let key: EventIndex.Key
            if let p = sqlite3_column_text(stmt, 1),
               let u = EventIndex.uuid(bytes: UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(stmt, 1)))) {
                key = .uuid(u)
            } else {
                key = EventIndex.key(text(stmt, 1) ?? "")
            }
            let source = sqlite3_column_text(stmt, 5)?.pointee
            index.absorb(key, receivedAt: sqlite3_column_int64(stmt, 2), client: source == UInt8(ascii: "c"),
                         ts: sqlite3_column_int64(stmt, 4), seq: sqlite3_column_int64(stmt, 0)) { text(stmt, 3) }
        }
    }

    /// Inserts the events not already in the index (in the window); returns how many.
    static func insert(_ rows: [(LedgerEvent, String)], index: EventIndex, _ db: Database) throws -> Int {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO event (event_id, type, source, device_id, endpoint, model, channel, title_id, session_id, slot_id,
                creative_id, campaign_id, position_ms, ts, sent_at, received_at, app_version, flags)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let stmt = statement.sqliteStatement
        var n = 0
        for (e, given) in rows {
            let key = EventIndex.key(e.eventID)
            let received = e.receivedAt.milliseconds
            if index.contains(key, receivedAt: received) { continue }
            var flags = given
            let client = e.source == .client
            if client {
                let found = try TrafficLookup.flags(for: e, index: index, db)
                if !found.isEmpty { flags = try JSONText.encode(found.map(\.rawValue)) }
            }
            sqlite3_reset(stmt)
            bind(stmt, 1, e.eventID)
            bind(stmt, 2, e.type)
            bind(stmt, 3, e.source.rawValue)
            bind(stmt, 4, e.deviceID)
            bind(stmt, 5, e.endpoint?.rawValue)
            bind(stmt, 6, e.model)
            bind(stmt, 7, e.channel)
            bind(stmt, 8, e.titleID)
            bind(stmt, 9, e.sessionID)
            bind(stmt, 10, e.slotID)
            bind(stmt, 11, e.creativeID)
            bind(stmt, 12, e.campaignID)
            bind(stmt, 13, e.positionMS)
            bind(stmt, 14, e.ts.milliseconds)
            bind(stmt, 15, e.sentAt?.milliseconds)
            bind(stmt, 16, received)
            bind(stmt, 17, e.appVersion)
            bind(stmt, 18, flags)
            let rc = sqlite3_step(stmt)
            guard rc == SQLITE_DONE else {
                let failure = error(rc, db)
                sqlite3_reset(stmt)
                throw failure
            }
            index.stored(key, receivedAt: received, deviceID: e.deviceID, ts: e.ts.milliseconds, client: client,
                         seq: sqlite3_last_insert_rowid(db.sqliteConnection))
            n += 1
        }
        sqlite3_reset(stmt)
        sqlite3_clear_bindings(stmt)
        return n
    }

    // MARK: C API helpers

    /// SQLite copies the bytes (the Swift string's storage may not outlive the call).
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    @inline(__always)
    private static func bind(_ stmt: OpaquePointer?, _ i: Int32, _ value: String?) {
        guard var value else {
            sqlite3_bind_null(stmt, i)
            return
        }
        value.withUTF8 { p in
            if let base = p.baseAddress {
                _ = base.withMemoryRebound(to: CChar.self, capacity: p.count) { c in
                    sqlite3_bind_text(stmt, i, c, Int32(p.count), transient)
                }
            } else {
                _ = sqlite3_bind_text(stmt, i, "", 0, transient)
            }
        }
    }

    @inline(__always)
    private static func bind(_ stmt: OpaquePointer?, _ i: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(stmt, i, value) } else { sqlite3_bind_null(stmt, i) }
    }

    private static func text(_ stmt: OpaquePointer?, _ column: Int32) -> String? {
        guard let p = sqlite3_column_text(stmt, column) else { return nil }
        return String(cString: p)
    }

    private static func error(_ rc: Int32, _ db: Database) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
    }
}
