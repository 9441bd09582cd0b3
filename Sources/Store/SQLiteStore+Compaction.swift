import GRDB
public import Showrunner

/// What `compact` did.
public struct CompactionResult: Sendable, Codable {
    public var before: Timestamp
    /// Raw events rolled up and removed.
    public var events: Int64
    /// Aggregate rows written.
    public var aggregateRows: Int64

    enum CodingKeys: String, CodingKey {
        case before, events
        case aggregateRows = "aggregate_rows"
    }
}

extension SQLiteStore {
    /// Rolls every raw event before `before` (a UTC midnight, at least 7 days ago: younger events
    /// may still be retried, and their ids are the idempotency keys) into the daily aggregates the
    /// reports read, then deletes them, in one transaction. Reports over the compacted days give
    /// the same numbers as before; `eventStats` counts compacted events too.
    public func compact(before: Timestamp, now: Timestamp) async throws(ShowrunnerError) -> CompactionResult {
        guard before.milliseconds % 86_400_000 == 0 else {
            throw ShowrunnerError.invalid("before", "\(before) is not a day boundary (UTC midnight); compaction works on whole days")
        }
        guard before.milliseconds <= now.milliseconds - 7 * 86_400_000 else {
            throw ShowrunnerError.invalid("before", "\(before) is less than 7 days ago; events that recent may still be retried, so they stay raw")
        }
        let b = before.milliseconds
        return try await write { db in
            let events = try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM event WHERE ts < ?", arguments: [b]) ?? 0
            var rows: Int64 = 0
            for (clean, filter) in [(1, "AND flags = '[]'"), (0, "")] {
                try db.execute(sql: """
                    INSERT INTO agg_viewing (day, title, channel, endpoint, device, sid, clean, started, completed, watched)
                    SELECT day, title_id, channel, endpoint, device_id, sid, \(clean), started, completed, watched
                    FROM (\(Self.viewingSQL(flagFilter: filter)))
                    """, arguments: [Int64.min, b])
                rows += Int64(db.changesCount)
                try db.execute(sql: """
                    INSERT INTO agg_reach (day, campaign, slot, device, endpoint, clean)
                    SELECT day, campaign, slot, device, endpoint, \(clean) FROM (\(Self.impressionSQL(flagFilter: filter)))
                    """, arguments: [Int64.min, b])
                rows += Int64(db.changesCount)
            }
            try db.execute(sql: """
                INSERT INTO agg_ad (day, campaign, creative, channel, brk, source, name, flagged, n)
                SELECT day, campaign, creative, channel, brk, source, name, flagged, n FROM (\(Self.adGroupSQL))
                """, arguments: [Int64.min, b])
            rows += Int64(db.changesCount)
            try db.execute(sql: """
                INSERT INTO agg_count (day, type, source, flagged, n)
                SELECT \(Self.day) AS day, type, source, flags <> '[]' AS flagged, COUNT(*) FROM event WHERE ts < ?
                GROUP BY day, type, source, flagged
                """, arguments: [b])
            rows += Int64(db.changesCount)
            // The slot audit's side: each beacon type once per session-slot, by the session's day.
            try db.execute(sql: """
                INSERT INTO agg_slot (day, title, channel, break_id, slot, source, name, flagged, sessions)
                SELECT date(s.created_at / 1000, 'unixepoch'), s.title, s.channel,
                       rtrim(rtrim(substr(e.slot_id, 34), '0123456789'), '.'),
                       CAST(substr(e.slot_id, length(rtrim(e.slot_id, '0123456789')) + 1) AS INTEGER),
                       e.source, substr(e.type, 4), e.flags <> '[]', COUNT(DISTINCT e.slot_id)
                FROM event e JOIN play_session s ON s.id = substr(e.slot_id, 1, 32)
                WHERE e.ts < ? AND e.slot_id IS NOT NULL AND e.type LIKE 'ad.%'
                GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
                """, arguments: [b])
            rows += Int64(db.changesCount)
            try db.execute(sql: "DELETE FROM event WHERE ts < ?", arguments: [b])
            try db.execute(sql: "INSERT INTO compaction (before_ms, at, events) VALUES (?, ?, ?)", arguments: [b, now.milliseconds, events])
            return CompactionResult(before: before, events: events, aggregateRows: rows)
        }
    }
}
