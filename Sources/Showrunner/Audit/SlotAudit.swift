public import MediaCore

/// The slot audit: for each title × channel × break × slot over a period, the chain
/// planned → marked → decided → served → seen, reconciled, with flags where it breaks.
///
/// The inputs come from three places the audit does not trust each other for: the catalog
/// (what was planned), the published playlists on disk (what was marked), and the ledger
/// (decisions, server beacons, client beacons). `SlotAudit.reconcile` is pure.

/// The IAB tolerance: a server-vs-client impression gap above it is flagged.
public let discrepancyTolerance = 0.10

/// One break of a title's current plan on a channel.
public struct PlannedBreak: Sendable, Hashable, Codable {
    /// `pre`, `mid-1`, ..., `post` (`AdDecisionEngine.breakID`).
    public var id: String
    public var position: BreakPosition
    /// Content time of the break (0 for a pre-roll, the title's length for a post-roll).
    public var atMS: Int64
    /// The break's planned length.
    public var plannedMS: Int64

    public init(id: String, position: BreakPosition, atMS: Int64, plannedMS: Int64) {
        self.id = id
        self.position = position
        self.atMS = atMS
        self.plannedMS = plannedMS
    }

    enum CodingKeys: String, CodingKey {
        case id, position
        case atMS = "at_ms", plannedMS = "planned_ms"
    }
}

/// What the published playlists of one title on one channel carry for one break.
public struct MarkedBreakCount: Sendable, Hashable, Codable {
    public var breakID: String
    /// Renditions whose published media playlist marks the break.
    public var renditions: Int
    /// Marker findings (file:line message) about this break.
    public var findings: [String]

    public init(breakID: String, renditions: Int, findings: [String] = []) {
        self.breakID = breakID
        self.renditions = renditions
        self.findings = findings
    }
}

/// The marked side of one title on one channel: how many renditions were published and which
/// breaks each carries.
public struct MarkedTitle: Sendable, Hashable, Codable {
    public var title: String
    public var channel: String
    /// Media playlists (renditions) in the publication.
    public var renditions: Int
    public var breaks: [MarkedBreakCount]

    public init(title: String, channel: String, renditions: Int, breaks: [MarkedBreakCount]) {
        self.title = title
        self.channel = channel
        self.renditions = renditions
        self.breaks = breaks
    }
}

/// The title's current plan on a channel.
public struct PlannedTitle: Sendable, Hashable, Codable {
    public var title: String
    public var channel: String
    public var breaks: [PlannedBreak]

    public init(title: String, channel: String, breaks: [PlannedBreak]) {
        self.title = title
        self.channel = channel
        self.breaks = breaks
    }
}

/// The ledger's counts for one slot key (title, channel, break, slot) — from `ad_decision`
/// rows and `event` rows.
public struct SlotKey: Sendable, Hashable, Codable, Comparable {
    public var title: String
    public var channel: String
    public var breakID: String
    /// 0-based play order in the break; -1 collects refused candidates of the break.
    public var slot: Int

    public init(title: String, channel: String, breakID: String, slot: Int) {
        self.title = title
        self.channel = channel
        self.breakID = breakID
        self.slot = slot
    }

    public static func < (a: SlotKey, b: SlotKey) -> Bool {
        (a.title, a.channel, breakRank(a.breakID), a.slot) < (b.title, b.channel, breakRank(b.breakID), b.slot)
    }

    /// `pre` < `mid-1` < `mid-2` < ... < `post` < anything else.
    public static func breakRank(_ id: String) -> Int {
        if id == "pre" { return -1 }
        if id == "post" { return 1_000_000 }
        if id.hasPrefix("mid-"), let n = Int(id.dropFirst(4)) { return n }
        return 2_000_000
    }
}

/// Ledger counts for one slot.
public struct SlotLedger: Sendable, Hashable, Codable {
    /// Decisions by reason (`filled`, `slate`, `unfilled`, ...) — placed slots only.
    public var decisions: [String: Int]
    /// Sessions with a decision on this slot.
    public var decided: Int
    /// Server beacons by type (`impression`, `start`, `firstQuartile`, ..., `complete`).
    public var server: [String: Int]
    /// Client beacons by type.
    public var client: [String: Int]

    public init(decisions: [String: Int] = [:], decided: Int = 0, server: [String: Int] = [:], client: [String: Int] = [:]) {
        self.decisions = decisions
        self.decided = decided
        self.server = server
        self.client = client
    }
}

/// One reconciled slot.
public struct SlotAuditRow: Sendable, Hashable, Codable {
    public var title: String
    public var channel: String
    /// `pre`, `mid-1`, ..., `post`.
    public var breakID: String
    /// `pre`, `mid` or `post`.
    public var position: String
    /// 0-based play order in the break.
    public var slot: Int
    /// Content time of the break, nil when the break is not in the current plan.
    public var atMS: Int64?
    /// The break's planned length (0 when not planned).
    public var plannedMS: Int64
    /// Opportunities: sessions of the title on the channel whose plan has this break.
    public var planned: Int
    /// Renditions whose published playlist marks the break.
    public var marked: Int
    /// Renditions published.
    public var renditions: Int
    /// Sessions with a decision on this slot.
    public var decided: Int
    /// Sessions where the slot played an ad.
    public var filled: Int
    /// Decisions by reason.
    public var reasons: [String: Int]
    /// Server-side impressions (first ad segment fetched).
    public var served: Int
    /// Client-side impressions.
    public var seen: Int
    /// Server and client beacons by type.
    public var server: [String: Int]
    public var client: [String: Int]
    /// |served − seen| / max(served, seen); nil when both are 0.
    public var discrepancy: Double?
    /// `not_marked`, `partly_marked`, `marker_error`, `not_decided`, `unplanned`, `unfilled`,
    /// `not_served`, `overserved`, `discrepancy`.
    public var flags: [String]
    /// Marker findings for the break (file:line message).
    public var findings: [String]

    public init(title: String, channel: String, breakID: String, position: String, slot: Int, atMS: Int64?,
                plannedMS: Int64, planned: Int, marked: Int, renditions: Int, decided: Int, filled: Int,
                reasons: [String: Int], served: Int, seen: Int, server: [String: Int], client: [String: Int],
                discrepancy: Double?, flags: [String], findings: [String]) {
        self.title = title
        self.channel = channel
        self.breakID = breakID
        self.position = position
        self.slot = slot
        self.atMS = atMS
        self.plannedMS = plannedMS
        self.planned = planned
        self.marked = marked
        self.renditions = renditions
        self.decided = decided
        self.filled = filled
        self.reasons = reasons
        self.served = served
        self.seen = seen
        self.server = server
        self.client = client
        self.discrepancy = discrepancy
        self.flags = flags
        self.findings = findings
    }

    /// Filled / planned, nil when nothing was planned.
    public var fillRate: Double? { planned > 0 ? Double(filled) / Double(planned) : nil }

    enum CodingKeys: String, CodingKey {
        case title, channel, position, slot, planned, marked, renditions, decided, filled, reasons, served, seen
        case server, client, discrepancy, flags, findings
        case breakID = "break", atMS = "at_ms", plannedMS = "planned_ms"
    }
}

/// The audit's answer.
public struct SlotAuditReport: Sendable, Hashable, Codable {
    public var from: Timestamp
    public var until: Timestamp
    public var slots: [SlotAuditRow]
    /// Beacons the audit read (server + client), for the record.
    public var beacons: Int

    public init(from: Timestamp, until: Timestamp, slots: [SlotAuditRow], beacons: Int) {
        self.from = from
        self.until = until
        self.slots = slots
        self.beacons = beacons
    }
}
