import Foundation
import GRDB
import MediaCore
public import Showrunner
import Synchronization

/// The ad side of the catalog (reads) and the ad ledger: sessions, decisions and events, written
/// through one group-commit queue so many concurrent requests share a transaction (and an fsync).
extension SQLiteStore: AdLedger {
    public func policies() async throws(ShowrunnerError) -> [AdPolicy] {
        try await read { db in try Queries.policies(db) }
    }

    public func campaigns() async throws(ShowrunnerError) -> [Campaign] {
        try await read { db in try Queries.campaigns(db) }
    }

    public func creatives() async throws(ShowrunnerError) -> [Creative] {
        try await read { db in try Queries.creatives(db) }
    }

    public func titleBreaks() async throws(ShowrunnerError) -> [TitleBreaks] {
        try await read { db in try Queries.allTitleBreaks(db) }
    }

    // MARK: Sessions

    public func record(_ record: SessionRecord) async throws(ShowrunnerError) {
        let decisions = try encodeJSON(record.breaks)
        _ = try await groupWrite { db in
            let s = record.session
            try db.execute(sql: """
                INSERT INTO play_session (id, channel, title, version, device, household, model, endpoint, created_at,
                    expires_at, program_date_time, interstitials, decisions, markers, cue)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [s.id, s.channel, s.title, s.version, s.device, s.household, s.model, s.endpoint.rawValue,
                                 s.createdAt.milliseconds, s.expiresAt.milliseconds, s.programDateTime, s.interstitials, decisions,
                                 s.markers?.rawValue, s.cue?.rawValue])
            let insert = try db.cachedStatement(sql: """
                INSERT INTO ad_decision (session, break_index, break_id, position, slot, creative, campaign, brand, duration_ms,
                    trimmed, reason, detail, source, at, channel, title, device, household)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for b in record.breaks {
                for d in b.slots {
                    try insert.execute(arguments: [s.id, d.breakIndex, d.breakID, d.position.rawValue, d.slot, d.creative, d.campaign,
                                                   d.brand, d.durationMS, d.trimmed, d.reason.rawValue, d.detail, d.source.rawValue,
                                                   s.createdAt.milliseconds, s.channel, s.title, s.device, s.household])
                }
            }
            return 0
        }
    }

    public func session(id: String) async throws(ShowrunnerError) -> SessionRecord? {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM play_session WHERE id = ?", arguments: [id]) else { return nil }
            let session = PlaybackSession(
                id: try row.text("id"), channel: try row.text("channel"), title: try row.text("title"),
                version: try row.text("version"), device: try row.text("device"), household: try row.text("household"),
                model: try row.optionalText("model"), endpoint: try row.enumValue(EndpointKind.self, "endpoint", table: "play_session"),
                createdAt: try row.timestamp("created_at"), expiresAt: try row.timestamp("expires_at"),
                programDateTime: try row.int("program_date_time"), interstitials: try row.int("interstitials") != 0,
                markers: try row.optionalText("markers").flatMap(MarkerSetting.init(rawValue:)),
                cue: try row.optionalText("cue").flatMap(CueSetting.init(rawValue:)))
            return SessionRecord(session: session, breaks: try row.json([BreakDecision].self, "decisions", table: "play_session"))
        }
    }

    // MARK: Events

    public func record(events: [LedgerEvent]) async throws(ShowrunnerError) -> (accepted: Int, duplicates: Int) {
        guard !events.isEmpty else { return (0, 0) }
        let rows = try events.map { e throws(ShowrunnerError) in (e, e.flags.isEmpty ? "[]" : try encodeJSON(e.flags)) }
        let index = eventIndex
        let accepted = try await groupWrite { db in
            try EventWriter.sync(index, db, now: rows[0].0.receivedAt.milliseconds)
            return try EventWriter.insert(rows, index: index, db)
        }
        return (accepted, events.count - accepted)
    }

    public func prepareEventIngest(now: Timestamp) async throws(ShowrunnerError) -> Int {
        let index = eventIndex
        _ = try await groupWrite { db in
            try EventWriter.sync(index, db, now: now.milliseconds)
            return 0
        }
        return index.idCount
    }

    public func events(session: String) async throws(ShowrunnerError) -> [LedgerEvent] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM event WHERE session_id = ? ORDER BY seq", arguments: [session]).map { row in
                LedgerEvent(
                    eventID: try row.text("event_id"), type: try row.text("type"),
                    source: try row.enumValue(EventSource.self, "source", table: "event"),
                    deviceID: try row.optionalText("device_id"),
                    endpoint: try row.optionalText("endpoint").flatMap(EndpointKind.init(rawValue:)),
                    model: try row.optionalText("model"), channel: try row.optionalText("channel"),
                    titleID: try row.optionalText("title_id"), sessionID: try row.optionalText("session_id"),
                    slotID: try row.optionalText("slot_id"), creativeID: try row.optionalText("creative_id"),
                    campaignID: try row.optionalText("campaign_id"), positionMS: try row.optionalInt("position_ms"),
                    ts: try row.timestamp("ts"), sentAt: try row.optionalTimestamp("sent_at"),
                    receivedAt: try row.timestamp("received_at"), appVersion: try row.optionalText("app_version"),
                    flags: try row.json([String].self, "flags", table: "event"))
            }
        }
    }

    public func deliveryTotals(dayStart: Timestamp) async throws(ShowrunnerError) -> DeliveryTotals {
        try await read { db in
            var totals = DeliveryTotals()
            let placed = "reason = 'filled' AND slot >= 0 AND campaign IS NOT NULL"
            for row in try Row.fetchAll(db, sql: "SELECT campaign, at >= ? AS today, COUNT(*) AS n FROM ad_decision WHERE \(placed) GROUP BY campaign, today",
                                        arguments: [dayStart.milliseconds]) {
                let campaign = try row.text("campaign")
                if try row.int("today") != 0 {
                    totals.campaignToday[campaign] = try row.int("n")
                } else {
                    totals.campaignBeforeToday[campaign] = try row.int("n")
                }
            }
            let rows = try Row.fetchCursor(db, sql: "SELECT device, household, campaign, COUNT(*) AS n FROM ad_decision WHERE at >= ? AND \(placed) GROUP BY device, household, campaign",
                                           arguments: [dayStart.milliseconds])
            while let row = try rows.next() {
                let campaign = try row.text("campaign")
                let n = Int(try row.int("n"))
                totals.deviceToday[try row.text("device"), default: [:]][campaign, default: 0] += n
                totals.householdToday[try row.text("household"), default: [:]][campaign, default: 0] += n
            }
            return totals
        }
    }

    public func households() async throws(ShowrunnerError) -> [String: String] {
        try await read { db in
            var out: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT device_id, household_id FROM device_household") {
                out[try row.text("device_id")] = try row.text("household_id")
            }
            return out
        }
    }

    public func link(_ links: [DeviceLink], at: Timestamp) async throws(ShowrunnerError) -> Int {
        for l in links { try l.check() }
        guard !links.isEmpty else { return 0 }
        return try await groupWrite { db in
            let upsert = try db.cachedStatement(sql: """
                INSERT INTO device_household (device_id, household_id, linked_at) VALUES (?, ?, ?)
                ON CONFLICT(device_id) DO UPDATE SET household_id = excluded.household_id, linked_at = excluded.linked_at
                WHERE household_id <> excluded.household_id
                """)
            var n = 0
            for l in links {
                try upsert.execute(arguments: [l.deviceID, l.householdID, at.milliseconds])
                n += db.changesCount
            }
            return n
        }
    }

    public func eventStats() async throws(ShowrunnerError) -> EventStats {
        try await read { db in
            var stats = EventStats()
            // Raw events, and the ones compacted into daily counts.
            for row in try Row.fetchAll(db, sql: """
                SELECT type, source, SUM(n) AS n, SUM(f) AS f FROM (
                    SELECT type, source, COUNT(*) AS n, SUM(flags <> '[]') AS f FROM event GROUP BY type, source
                    UNION ALL
                    SELECT type, source, SUM(n), SUM(CASE WHEN flagged = 1 THEN n ELSE 0 END) FROM agg_count GROUP BY type, source
                ) GROUP BY type, source
                """) {
                let n = try row.int("n")
                stats.total += n
                stats.byType[try row.text("type"), default: 0] += n
                stats.bySource[try row.text("source"), default: 0] += n
                stats.flagged += try row.optionalInt("f") ?? 0
            }
            return stats
        }
    }

    public func bootImpressions(after: Int64?, since: Timestamp) async throws(ShowrunnerError) -> (impressions: [BootImpression], through: Int64) {
        try await read { db in
            let through = try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM event") ?? 0
            // From the start: the recent ones through the time index; afterwards only new rows (by seq).
            let sql = after == nil
                ? "SELECT device_id, channel, ts FROM event WHERE ts >= ? AND type = 'boot.impression' AND seq <= ? AND device_id IS NOT NULL AND channel IS NOT NULL"
                : "SELECT device_id, channel, ts FROM event WHERE seq > ? AND seq <= ? AND type = 'boot.impression' AND ts >= ? AND device_id IS NOT NULL AND channel IS NOT NULL"
            let args: StatementArguments = after.map { [$0, through, since.milliseconds] } ?? [since.milliseconds, through]
            let rows = try Row.fetchAll(db, sql: sql, arguments: args).map { r in
                BootImpression(device: try r.text("device_id"), channel: try r.text("channel"), at: try r.timestamp("ts"))
            }
            return (rows, through)
        }
    }

    // MARK: Group commit

    private func encodeJSON(_ value: some Encodable) throws(ShowrunnerError) -> String {
        do {
            return try JSONText.encode(value)
        } catch {
            throw ShowrunnerError(.storage, "cannot encode a ledger value: \(error)")
        }
    }

    /// Runs `body` in the next group transaction: every write queued while one transaction runs
    /// goes into the following one, each in its own savepoint (one failing rolls back only its
    /// own rows). Returns once that transaction has committed.
    func groupWrite(_ body: @escaping @Sendable (Database) throws -> Int) async throws(ShowrunnerError) -> Int {
        let result: Result<Int, ShowrunnerError> = await withCheckedContinuation { continuation in
            let start = groupCommit.enqueue(GroupCommit.Pending(body: body, continuation: continuation))
            if start { Task.detached { await self.drainGroup() } }
        }
        return try result.get()
    }

    private func drainGroup() async {
        while let batch = groupCommit.takeBatch() {
            var results: [Result<Int, ShowrunnerError>]
            do {
                // One transaction for the whole batch, no savepoints (a savepoint makes SQLite copy
                // every page it touches into a sub-journal: 4× the bytes written per event).
                results = try await write { db in try batch.map { try $0.body(db) } }.map { .success($0) }
                eventIndex.commit()
            } catch {
                // A write failed and the transaction rolled back: redo each in its own savepoint,
                // so one bad write fails alone.
                eventIndex.rollback()
                results = await isolated(batch)
            }
            for (op, r) in zip(batch, results) { op.continuation.resume(returning: r) }
        }
    }

    /// Runs each write of `batch` in its own savepoint of one transaction.
    private func isolated(_ batch: [GroupCommit.Pending]) async -> [Result<Int, ShowrunnerError>] {
        let index = eventIndex
        do {
            let results = try await write { db in
                var local = [Result<Int, ShowrunnerError>](repeating: .success(0), count: batch.count)
                for (i, op) in batch.enumerated() {
                    let mark = index.mark()
                    do {
                        var n = 0
                        try db.inSavepoint {
                            n = try op.body(db)
                            return .commit
                        }
                        local[i] = .success(n)
                    } catch {
                        index.rollback(to: mark)
                        local[i] = .failure(StorageErrors.map(error, path: self.path))
                    }
                }
                return local
            }
            index.commit()
            return results
        } catch {
            index.rollback()
            return batch.map { _ in .failure(error) }
        }
    }
}

/// Reads what `TrafficRules` needs about an event, inside the ingest transaction (earlier
/// events of the same batch included): the slot's and session's from the ledger, the device's
/// rate from the `EventIndex`.
enum TrafficLookup {
    static func flags(for e: LedgerEvent, index: EventIndex, _ db: Database) throws -> [TrafficFlag] {
        var context = TrafficContext()
        if let slot = e.slotID {
            context.slotHistory = try Row.fetchAll(try db.cachedStatement(sql: "SELECT type, ts FROM event WHERE slot_id = ? AND source = ?"),
                                                   arguments: [slot, e.source.rawValue]).map { row in
                LedgerEvent(eventID: "", type: try row.text("type"), source: e.source, ts: try row.timestamp("ts"), receivedAt: e.receivedAt)
            }
            let parts = slot.split(separator: ".")
            if parts.count == 3, let index = Int(parts[2]) {
                context.adDurationMS = try Int64.fetchOne(try db.cachedStatement(sql: "SELECT duration_ms FROM ad_decision WHERE session = ? AND break_id = ? AND slot = ?"),
                                                          arguments: [String(parts[0]), String(parts[1]), index])
            }
        }
        if let sid = e.sessionID {
            let expires = try Int64.fetchOne(try db.cachedStatement(sql: "SELECT expires_at FROM play_session WHERE id = ?"), arguments: [sid])
            context.session = .some(expires.map { x in
                PlaybackSession(id: sid, channel: "", title: "", version: "", device: "", household: "", model: nil, endpoint: .tv,
                                createdAt: Timestamp(milliseconds: 0), expiresAt: Timestamp(milliseconds: x), programDateTime: 0, interstitials: false)
            })
        }
        if let device = e.deviceID {
            context.deviceEventsLastSecond = index.deviceEventsLastSecond(device, ts: e.ts.milliseconds)
        }
        return TrafficRules.flags(e, context)
    }
}

/// The queue behind `groupWrite`: one drainer at a time; batches of at most 512 writes.
final class GroupCommit: Sendable {
    struct Pending: Sendable {
        let body: @Sendable (Database) throws -> Int
        let continuation: CheckedContinuation<Result<Int, ShowrunnerError>, Never>
    }

    private struct State {
        var pending: [Pending] = []
        var draining = false
    }

    private let state = Mutex(State())

    /// Queues `op`; true when the caller must start a drainer.
    func enqueue(_ op: Pending) -> Bool {
        state.withLock { s in
            s.pending.append(op)
            if s.draining { return false }
            s.draining = true
            return true
        }
    }

    /// The next batch, or nil (and the drainer stops) when nothing is queued.
    func takeBatch() -> [Pending]? {
        state.withLock { s in
            if s.pending.isEmpty {
                s.draining = false
                return nil
            }
            let n = min(512, s.pending.count)
            let batch = Array(s.pending.prefix(n))
            s.pending.removeFirst(n)
            return batch
        }
    }
}
