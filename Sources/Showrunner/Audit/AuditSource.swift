/// What the slot audit asks of the ledger (implemented by the store).

/// Which sessions the audit covers: those made in [from, until), optionally of one title or
/// channel.
public struct AuditFilter: Sendable, Hashable {
    public var from: Timestamp
    public var until: Timestamp
    public var title: String?
    public var channel: String?

    public init(from: Timestamp, until: Timestamp, title: String? = nil, channel: String? = nil) {
        self.from = from
        self.until = until
        self.title = title
        self.channel = channel
    }

    public func covers(title t: String, channel c: String) -> Bool {
        (title == nil || title == t) && (channel == nil || channel == c)
    }
}

/// A title on a channel.
public struct TitleOnChannel: Sendable, Hashable, Comparable, Codable {
    public var title: String
    public var channel: String

    public init(title: String, channel: String) {
        self.title = title
        self.channel = channel
    }

    public static func < (a: Self, b: Self) -> Bool { (a.title, a.channel) < (b.title, b.channel) }
}

/// The ledger side of the audit: sessions per title and channel, and per slot the decisions
/// and the distinct sessions that sent each beacon type (server and client, unflagged).
public struct AuditLedger: Sendable, Hashable {
    public var sessions: [TitleOnChannel: Int]
    public var slots: [SlotKey: SlotLedger]
    /// Beacon rows read (server + client, flagged included).
    public var beacons: Int
    /// Flagged (invalid-traffic) beacons left out.
    public var flagged: Int

    public init(sessions: [TitleOnChannel: Int] = [:], slots: [SlotKey: SlotLedger] = [:], beacons: Int = 0, flagged: Int = 0) {
        self.sessions = sessions
        self.slots = slots
        self.beacons = beacons
        self.flagged = flagged
    }
}

/// A summary of one recorded session, for the ops page's replay links.
public struct SessionSummary: Sendable, Hashable, Codable {
    public var id: String
    public var title: String
    public var channel: String
    public var device: String
    public var createdAt: Timestamp
    public var filled: Int
    public var slots: Int

    public init(id: String, title: String, channel: String, device: String, createdAt: Timestamp, filled: Int, slots: Int) {
        self.id = id
        self.title = title
        self.channel = channel
        self.device = device
        self.createdAt = createdAt
        self.filled = filled
        self.slots = slots
    }

    enum CodingKeys: String, CodingKey {
        case id, title, channel, device, filled, slots
        case createdAt = "created_at"
    }
}

public protocol AuditSource: Sendable {
    /// Decisions and beacons of the sessions `filter` covers.
    func auditLedger(_ filter: AuditFilter) async throws(ShowrunnerError) -> AuditLedger
    /// The newest sessions `filter` covers, newest first.
    func recentSessions(_ filter: AuditFilter, limit: Int) async throws(ShowrunnerError) -> [SessionSummary]
    /// The change log's hash chain checked: one line per problem, empty when intact.
    func verifyChangeLog() async throws(ShowrunnerError) -> [String]
    /// Entries in the change log.
    func changeLogCount() async throws(ShowrunnerError) -> Int
    /// Ads placed (filled decisions) per campaign and UTC hour of the sessions `filter` covers:
    /// campaign → hour offset from `filter.from` → count.
    func filledByHour(_ filter: AuditFilter) async throws(ShowrunnerError) -> [String: [Int: Int]]
}
