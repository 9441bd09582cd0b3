import GRDB
public import Showrunner

/// Reports over the event table and, for compacted days, the daily aggregates (`agg_*`) that
/// `compact` rolled the raw events into: each report reads one relation that is the raw rows'
/// grouping UNION ALL the aggregates' rows, so its numbers do not change when days are compacted.
extension SQLiteStore: ReportSource {
    /// Days are UTC calendar days of the event time.
    static let day = "date(ts / 1000, 'unixepoch')"

    public func viewReport(_ period: ReportPeriod, minimumMS: Int64, includeFlagged: Bool) async throws(ShowrunnerError) -> Report<ViewRow> {
        try await read { db in
            let clean = includeFlagged ? 0 : 1
            let rows = try Row.fetchAll(db, sql: """
                WITH viewing AS (
                    \(Self.viewingSQL(flagFilter: includeFlagged ? "" : "AND flags = '[]'"))
                    UNION ALL
                    SELECT day, title AS title_id, channel, endpoint, device AS device_id, sid, started, completed, watched
                    FROM agg_viewing WHERE clean = ? AND day >= ? AND day < ?
                )
                SELECT day, title_id, channel, endpoint, COUNT(*) AS views, SUM(completed) AS completed,
                       CAST(AVG(watched) AS INTEGER) AS avg_watch
                FROM viewing
                WHERE started = 1 AND (watched >= ? OR completed = 1)
                GROUP BY day, title_id, channel, endpoint
                ORDER BY day, title_id, channel, endpoint
                """, arguments: [period.from.milliseconds, period.until.milliseconds, clean, Self.dayText(period.from),
                                 Self.dayText(period.until), minimumMS])
            let out = try rows.map { r in
                ViewRow(day: try r.text("day"), title: try r.text("title_id"), channel: try r.optionalText("channel") ?? "-",
                        endpoint: try r.optionalText("endpoint") ?? "-", views: try r.int("views"), completed: try r.int("completed"),
                        averageWatchMS: try r.optionalInt("avg_watch") ?? 0)
            }
            return Report(period: period, rows: out, excludedFlagged: try Self.flagged(db, period, like: "content.%", include: includeFlagged))
        }
    }

    /// One row per viewing (day, title, channel, endpoint, device, session) of raw events in [?, ?).
    static func viewingSQL(flagFilter: String) -> String {
        """
        SELECT \(day) AS day, title_id, channel, endpoint, device_id, COALESCE(session_id, '') AS sid,
               MAX(type = 'content.play_start') AS started, MAX(type = 'content.complete') AS completed,
               MAX(COALESCE(position_ms, 0)) AS watched
        FROM event
        WHERE type LIKE 'content.%' AND title_id IS NOT NULL AND ts >= ? AND ts < ? \(flagFilter)
        GROUP BY day, title_id, channel, endpoint, device_id, sid
        """
    }

    /// Raw ad events grouped as the ad report and its aggregate are.
    static let adGroupSQL = """
        SELECT \(day) AS day, COALESCE(campaign_id, '-') AS campaign, COALESCE(creative_id, '-') AS creative,
               COALESCE(channel, '-') AS channel, COALESCE(rtrim(rtrim(substr(slot_id, 34), '0123456789'), '.'), '-') AS brk,
               source, substr(type, 4) AS name, flags <> '[]' AS flagged, COUNT(*) AS n
        FROM event
        WHERE type LIKE 'ad.%' AND ts >= ? AND ts < ?
        GROUP BY day, campaign, creative, channel, brk, source, name, flagged
        """

    public func adReport(_ period: ReportPeriod, includeFlagged: Bool) async throws(ShowrunnerError) -> Report<AdDeliveryRow> {
        try await read { db in
            let rows = try Row.fetchAll(db, sql: """
                WITH g AS (
                    \(Self.adGroupSQL)
                    UNION ALL
                    SELECT day, campaign, creative, channel, brk, source, name, flagged, n FROM agg_ad WHERE day >= ? AND day < ?
                )
                SELECT campaign, creative, channel, brk, source, name, SUM(n) AS n FROM g
                WHERE flagged = 0 OR ? = 1
                GROUP BY campaign, creative, channel, brk, source, name
                ORDER BY campaign, creative, channel, brk
                """, arguments: [period.from.milliseconds, period.until.milliseconds, Self.dayText(period.from), Self.dayText(period.until),
                                 includeFlagged ? 1 : 0])
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

    /// One row per (day, campaign, slot, device, endpoint) impression of raw events in [?, ?).
    static func impressionSQL(flagFilter: String) -> String {
        """
        SELECT DISTINCT \(day) AS day, campaign_id AS campaign, COALESCE(slot_id, event_id) AS slot, device_id AS device,
               COALESCE(endpoint, '-') AS endpoint
        FROM event
        WHERE type IN ('ad.impression', 'boot.impression') AND campaign_id IS NOT NULL AND device_id IS NOT NULL
          AND ts >= ? AND ts < ? \(flagFilter)
        """
    }

    public func reachReport(_ period: ReportPeriod, includeFlagged: Bool) async throws(ShowrunnerError) -> Report<ReachRow> {
        try await read { db in
            let imp = """
                WITH imp0 AS (
                    \(Self.impressionSQL(flagFilter: includeFlagged ? "" : "AND flags = '[]'"))
                    UNION ALL
                    SELECT day, campaign, slot, device, endpoint FROM agg_reach WHERE clean = ? AND day >= ? AND day < ?
                ), imp AS (
                    SELECT i.campaign, i.slot, i.device, COALESCE(h.household_id, i.device) AS household, i.endpoint
                    FROM imp0 i LEFT JOIN device_household h ON h.device_id = i.device
                )
                """
            let args: StatementArguments = [period.from.milliseconds, period.until.milliseconds, includeFlagged ? 0 : 1,
                                            Self.dayText(period.from), Self.dayText(period.until)]
            var rows: [String: (Int64, Int64, Int64)] = [:]
            for r in try Row.fetchAll(db, sql: imp + """
                SELECT campaign, COUNT(DISTINCT slot) AS impressions, COUNT(DISTINCT device) AS devices,
                       COUNT(DISTINCT household) AS households
                FROM imp GROUP BY campaign ORDER BY campaign
                """, arguments: args) {
                rows[try r.text("campaign")] = (try r.int("impressions"), try r.int("devices"), try r.int("households"))
            }
            var byEndpoint: [String: [String: Int64]] = [:]
            for r in try Row.fetchAll(db, sql: imp + "SELECT campaign, endpoint, COUNT(DISTINCT device) AS devices FROM imp GROUP BY campaign, endpoint",
                                      arguments: args) {
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

    /// `YYYY-MM-DD` of a timestamp's UTC day; a period's aggregates are the days in [from, until)
    /// (periods of whole days, as the reports take them).
    static func dayText(_ t: Timestamp) -> String {
        let days = t.milliseconds >= 0 ? t.milliseconds / 86_400_000 : (t.milliseconds - 86_399_999) / 86_400_000
        let (y, m, d) = Timestamp.civilFromDays(days)
        func pad(_ v: Int64, _ n: Int) -> String { String(repeating: "0", count: max(0, n - String(v).count)) + String(v) }
        // A period ending mid-day includes that day's aggregates only if it started before it.
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    /// Flagged events of the kind in the period, raw and compacted (0 when they were included).
    static func flagged(_ db: Database, _ period: ReportPeriod, like: String, include: Bool) throws -> Int64 {
        guard !include else { return 0 }
        let raw = try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM event WHERE type LIKE ? AND ts >= ? AND ts < ? AND flags <> '[]'",
                                     arguments: [like, period.from.milliseconds, period.until.milliseconds]) ?? 0
        let compacted = try Int64.fetchOne(db, sql: "SELECT COALESCE(SUM(n), 0) FROM agg_count WHERE type LIKE ? AND day >= ? AND day < ? AND flagged = 1",
                                           arguments: [like, dayText(period.from), dayText(period.until)]) ?? 0
        return raw + compacted
    }
}
