/// Report rows over the event ledger. Flagged events (invalid traffic) are left out unless asked
/// for, and every report says how many were left out.

/// A period of days: [from, until) in UTC milliseconds.
public struct ReportPeriod: Sendable, Hashable, Codable {
    public var from: Timestamp
    public var until: Timestamp

    public init(from: Timestamp, until: Timestamp) {
        self.from = from
        self.until = until
    }
}

/// Views of a title on a channel, endpoint kind and day. A view is a viewing (a device's
/// content events of one session, or of one day without a session) with a `play_start` and at
/// least `minimumMS` played (the furthest `position_ms` seen), or a `complete`.
public struct ViewRow: Sendable, Hashable, Codable {
    public var day: String
    public var title: String
    public var channel: String
    public var endpoint: String
    public var views: Int64
    public var completed: Int64
    /// completed / views.
    public var completionRate: Double
    public var averageWatchMS: Int64

    public init(day: String, title: String, channel: String, endpoint: String, views: Int64, completed: Int64, averageWatchMS: Int64) {
        self.day = day
        self.title = title
        self.channel = channel
        self.endpoint = endpoint
        self.views = views
        self.completed = completed
        self.completionRate = views > 0 ? Double(completed) / Double(views) : 0
        self.averageWatchMS = averageWatchMS
    }

    enum CodingKeys: String, CodingKey {
        case day, title, channel, endpoint, views, completed
        case completionRate = "completion_rate", averageWatchMS = "average_watch_ms"
    }
}

/// Ad delivery per campaign, creative, channel and break, server-side and client-side counts
/// side by side.
public struct AdDeliveryRow: Sendable, Hashable, Codable {
    public var campaign: String
    public var creative: String
    public var channel: String
    public var breakID: String
    /// Counts by event (`impression`, `start`, `firstQuartile`, `midpoint`, `thirdQuartile`, `complete`, ...).
    public var server: [String: Int64]
    public var client: [String: Int64]

    public init(campaign: String, creative: String, channel: String, breakID: String, server: [String: Int64], client: [String: Int64]) {
        self.campaign = campaign
        self.creative = creative
        self.channel = channel
        self.breakID = breakID
        self.server = server
        self.client = client
    }

    enum CodingKeys: String, CodingKey {
        case campaign, creative, channel, server, client
        case breakID = "break"
    }
}

/// Unique reach and frequency of a campaign across TV, mobile and boot screens: impressions
/// are counted once per slot (server or client saw it), households are the linked household of
/// each device (an unlinked device is its own).
public struct ReachRow: Sendable, Hashable, Codable {
    public var campaign: String
    public var impressions: Int64
    public var devices: Int64
    public var households: Int64
    /// impressions / households.
    public var averageFrequency: Double
    /// Devices reached per endpoint kind.
    public var devicesByEndpoint: [String: Int64]

    public init(campaign: String, impressions: Int64, devices: Int64, households: Int64, devicesByEndpoint: [String: Int64]) {
        self.campaign = campaign
        self.impressions = impressions
        self.devices = devices
        self.households = households
        self.averageFrequency = households > 0 ? Double(impressions) / Double(households) : 0
        self.devicesByEndpoint = devicesByEndpoint
    }

    enum CodingKeys: String, CodingKey {
        case campaign, impressions, devices, households
        case averageFrequency = "average_frequency", devicesByEndpoint = "devices_by_endpoint"
    }
}

/// A report: its rows and how many flagged events were left out.
public struct Report<Row: Sendable & Codable>: Sendable, Codable {
    public var period: ReportPeriod
    public var rows: [Row]
    public var excludedFlagged: Int64

    public init(period: ReportPeriod, rows: [Row], excludedFlagged: Int64) {
        self.period = period
        self.rows = rows
        self.excludedFlagged = excludedFlagged
    }

    enum CodingKeys: String, CodingKey {
        case period, rows
        case excludedFlagged = "excluded_flagged"
    }
}

/// Reports over the ledger (implemented by the store).
public protocol ReportSource: Sendable {
    func viewReport(_ period: ReportPeriod, minimumMS: Int64, includeFlagged: Bool) async throws(ShowrunnerError) -> Report<ViewRow>
    func adReport(_ period: ReportPeriod, includeFlagged: Bool) async throws(ShowrunnerError) -> Report<AdDeliveryRow>
    func reachReport(_ period: ReportPeriod, includeFlagged: Bool) async throws(ShowrunnerError) -> Report<ReachRow>
}

/// A report as a table: headers and rows of text (for the table and CSV forms).
public struct ReportTable: Sendable {
    public var headers: [String]
    public var rows: [[String]]
    public var footer: String

    public init(headers: [String], rows: [[String]], footer: String) {
        self.headers = headers
        self.rows = rows
        self.footer = footer
    }

    /// Aligned columns for a terminal.
    public var text: String {
        var widths = headers.map(\.count)
        for r in rows { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in c + String(repeating: " ", count: max(0, widths[i] - c.count)) }.joined(separator: "  ")
        }
        return ([line(headers)] + rows.map(line) + [footer]).joined(separator: "\n")
    }

    /// RFC 4180 CSV (fields with a comma, quote or line break quoted).
    public var csv: String {
        func field(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + s.replacingQuotes() + "\"" : s
        }
        return ([headers] + rows).map { $0.map(field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    static func ms(_ v: Int64) -> String {
        let s = v / 1000, f = v % 1000
        return "\(s)." + String(repeating: "0", count: 3 - String(f).count) + String(f)
    }

    static func ratio(_ d: Double) -> String {
        let permille = Int64((d * 1000).rounded())
        return "\(permille / 1000).\(String(repeating: "0", count: 3 - String(permille % 1000).count))\(permille % 1000)"
    }

    static func footer(_ excluded: Int64) -> String {
        excluded == 0 ? "(no flagged events left out)" : "(\(excluded) flagged event(s) left out; --include-flagged to count them)"
    }

    public static func views(_ r: Report<ViewRow>) -> ReportTable {
        ReportTable(headers: ["day", "title", "channel", "endpoint", "views", "completed", "completion_rate", "average_watch_s"],
                    rows: r.rows.map { [$0.day, $0.title, $0.channel, $0.endpoint, String($0.views), String($0.completed),
                                        ratio($0.completionRate), ms($0.averageWatchMS)] },
                    footer: footer(r.excludedFlagged))
    }

    static let adEvents = ["impression", "start", "firstQuartile", "midpoint", "thirdQuartile", "complete"]

    public static func ads(_ r: Report<AdDeliveryRow>) -> ReportTable {
        let headers = ["campaign", "creative", "channel", "break"] + adEvents.flatMap { ["server_\($0)", "client_\($0)"] } + ["discrepancy"]
        let rows = r.rows.map { row -> [String] in
            let counts = adEvents.flatMap { [String(row.server[$0] ?? 0), String(row.client[$0] ?? 0)] }
            let s = row.server["impression"] ?? 0, c = row.client["impression"] ?? 0
            let gap = max(s, c) == 0 ? 0 : Double(abs(s - c)) / Double(max(s, c))
            return [row.campaign, row.creative, row.channel, row.breakID] + counts + [ratio(gap)]
        }
        return ReportTable(headers: headers, rows: rows, footer: footer(r.excludedFlagged))
    }

    public static func reach(_ r: Report<ReachRow>) -> ReportTable {
        ReportTable(headers: ["campaign", "impressions", "devices", "households", "average_frequency", "devices_by_endpoint"],
                    rows: r.rows.map { row in
                        [row.campaign, String(row.impressions), String(row.devices), String(row.households), ratio(row.averageFrequency),
                         row.devicesByEndpoint.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")]
                    },
                    footer: footer(r.excludedFlagged))
    }
}

extension String {
    func replacingQuotes() -> String {
        var out = ""
        for c in self { out += c == "\"" ? "\"\"" : String(c) }
        return out
    }
}
