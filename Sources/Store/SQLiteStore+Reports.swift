import GRDB
public import Showrunner

/// Reports straight from the event table (SQL does the grouping).
extension SQLiteStore: ReportSource {
    public func viewReport(_ period: ReportPeriod, minimumMS: Int64, includeFlagged: Bool) async throws(ShowrunnerError) -> Report<ViewRow> {
        try await read { db in
            let flag = includeFlagged ? "" : "AND flags = '[]'"
            let rows = try Row.fetchAll(db, sql: """
                WITH viewing AS (
                    SELECT date(ts / 1000, 'unixepoch') AS day, title_id, channel, endpoint, device_id,
                           COALESCE(session_id, '') AS sid,
                           MAX(type = 'content.play_start') AS started,
                           MAX(type = 'content.complete') AS completed,
                           MAX(COALESCE(position_ms, 0)) AS watched
                    FROM event
                    WHERE type LIKE 'content.%' AND title_id IS NOT NULL AND ts >= ? AND ts < ? \(flag)
                    GROUP BY day, title_id, channel, endpoint, device_id, sid
                )
                SELECT day, title_id, channel, endpoint, COUNT(*) AS views, SUM(completed) AS completed,
                       CAST(AVG(watched) AS INTEGER) AS avg_watch
                FROM viewing
                WHERE started = 1 AND (watched >= ? OR completed = 1)
                GROUP BY day, title_id, channel, endpoint
                ORDER BY day, title_id, channel, endpoint
                """, arguments: [period.from.milliseconds, period.until.milliseconds, minimumMS])
            let out = try rows.map { r in
                ViewRow(day: try r.text("day"), title: try r.text("title_id"), channel: try r.optionalText("channel") ?? "-",
                        endpoint: try r.optionalText("endpoint") ?? "-", views: try r.int("views"), completed: try r.int("completed"),
                        averageWatchMS: try r.optionalInt("avg_watch") ?? 0)
            }
            return Report(period: period, rows: out, excludedFlagged: try Self.flagged(db, period, like: "content.%", include: includeFlagged))
        }
    }

    public func adReport(_ period: ReportPeriod, includeFlagged: Bool) async throws(ShowrunnerError) -> Report<AdDeliveryRow> {
        try await read { db in
            let flag = includeFlagged ? "" : "AND flags = '[]'"
            // The break is the middle part of `<session>.<break>.<slot>`.
            let rows = try Row.fetchAll(db, sql: """
                SELECT COALESCE(campaign_id, '-') AS campaign, COALESCE(creative_id, '-') AS creative, COALESCE(channel, '-') AS channel,
                       COALESCE(rtrim(rtrim(substr(slot_id, 34), '0123456789'), '.'), '-') AS brk,
                       source, substr(type, 4) AS name, COUNT(*) AS n
                FROM event
                WHERE type LIKE 'ad.%' AND ts >= ? AND ts < ? \(flag)
                GROUP BY campaign, creative, channel, brk, source, name
                ORDER BY campaign, creative, channel, brk
                """, arguments: [period.from.milliseconds, period.until.milliseconds])
            var byKey: [String: AdDeliveryRow] = [:]
            var order: [String] = []
            for r in rows {
                let campaign = try r.text("campaign"), creative = try r.text("creative"), channel = try r.text("channel")
                let brk = try r.text("brk")
                let key = [campaign, creative, channel, brk].joined(separator: "\u{0}")
                if byKey[key] == nil {
                    byKey[key] = AdDeliveryRow(campaign: campaign, creative: creative, channel: channel, breakID: brk, server: [:], client: [:])
                    order.append(key)
                }
                let name = try r.text("name"), n = try r.int("n")
                if try r.text("source") == "server" { byKey[key]!.server[name, default: 0] += n } else { byKey[key]!.client[name, default: 0] += n }
            }
            return Report(period: period, rows: order.compactMap { byKey[$0] },
                          excludedFlagged: try Self.flagged(db, period, like: "ad.%", include: includeFlagged))
        }
    }

    public func reachReport(_ period: ReportPeriod, includeFlagged: Bool) async throws(ShowrunnerError) -> Report<ReachRow> {
        try await read { db in
            let flag = includeFlagged ? "" : "AND e.flags = '[]'"
            let base = """
                SELECT e.campaign_id AS campaign, COALESCE(e.slot_id, e.event_id) AS slot, e.device_id AS device,
                       COALESCE(h.household_id, e.device_id) AS household, COALESCE(e.endpoint, '-') AS endpoint
                FROM event e LEFT JOIN device_household h ON h.device_id = e.device_id
                WHERE e.type IN ('ad.impression', 'boot.impression') AND e.campaign_id IS NOT NULL AND e.device_id IS NOT NULL
                  AND e.ts >= ? AND e.ts < ? \(flag)
                """
            let args: StatementArguments = [period.from.milliseconds, period.until.milliseconds]
            var rows: [String: (Int64, Int64, Int64)] = [:]
            for r in try Row.fetchAll(db, sql: """
                WITH imp AS (\(base))
                SELECT campaign, COUNT(DISTINCT slot) AS impressions, COUNT(DISTINCT device) AS devices,
                       COUNT(DISTINCT household) AS households
                FROM imp GROUP BY campaign ORDER BY campaign
                """, arguments: args) {
                rows[try r.text("campaign")] = (try r.int("impressions"), try r.int("devices"), try r.int("households"))
            }
            var byEndpoint: [String: [String: Int64]] = [:]
            for r in try Row.fetchAll(db, sql: """
                WITH imp AS (\(base))
                SELECT campaign, endpoint, COUNT(DISTINCT device) AS devices FROM imp GROUP BY campaign, endpoint
                """, arguments: args) {
                byEndpoint[try r.text("campaign"), default: [:]][try r.text("endpoint")] = try r.int("devices")
            }
            let out = rows.keys.sorted().map { c in
                ReachRow(campaign: c, impressions: rows[c]!.0, devices: rows[c]!.1, households: rows[c]!.2, devicesByEndpoint: byEndpoint[c] ?? [:])
            }
            let excluded = try Self.flagged(db, period, like: "ad.impression", include: includeFlagged)
                + (try Self.flagged(db, period, like: "boot.impression", include: includeFlagged))
            return Report(period: period, rows: out, excludedFlagged: excluded)
        }
    }

    /// Flagged events of the kind in the period (0 when they were included).
    static func flagged(_ db: Database, _ period: ReportPeriod, like: String, include: Bool) throws -> Int64 {
        guard !include else { return 0 }
        return try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM event WHERE type LIKE ? AND ts >= ? AND ts < ? AND flags <> '[]'",
                                  arguments: [like, period.from.milliseconds, period.until.milliseconds]) ?? 0
    }
}
