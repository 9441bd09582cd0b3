/// Playback sessions, their ad decisions, and the event ledger (server beacons and client
/// events), kept by an `AdLedger`. The view-tracking features read and extend the same ledger.

/// One viewer's playback of a title on a channel: made when the player fetches the master
/// playlist; its decisions are fixed for its life.
public struct PlaybackSession: Sendable, Hashable, Codable {
    /// 32 lowercase hex digits (128 random bits).
    public var id: String
    public var channel: String
    public var title: String
    public var version: String
    public var device: String
    public var household: String
    public var model: String?
    public var endpoint: EndpointKind
    public var createdAt: Timestamp
    public var expiresAt: Timestamp
    /// EXT-X-PROGRAM-DATE-TIME of the first segment (epoch ms).
    public var programDateTime: Int64
    /// Whether the player asked for HLS Interstitials instead of stitched segments.
    public var interstitials: Bool
    /// The channel's marker setting and SCTE-35 command when the session was made, so its
    /// playlists (and a replay of them) keep the markers they started with; nil for sessions
    /// recorded before these were kept (the channel's current policy applies).
    public var markers: MarkerSetting?
    public var cue: CueSetting?

    public init(id: String, channel: String, title: String, version: String, device: String, household: String,
                model: String?, endpoint: EndpointKind, createdAt: Timestamp, expiresAt: Timestamp,
                programDateTime: Int64, interstitials: Bool, markers: MarkerSetting? = nil, cue: CueSetting? = nil) {
        self.id = id
        self.channel = channel
        self.title = title
        self.version = version
        self.device = device
        self.household = household
        self.model = model
        self.endpoint = endpoint
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.programDateTime = programDateTime
        self.interstitials = interstitials
        self.markers = markers
        self.cue = cue
    }

    enum CodingKeys: String, CodingKey {
        case id, channel, title, version, device, household, model, endpoint, interstitials, markers, cue
        case createdAt = "created_at", expiresAt = "expires_at", programDateTime = "program_date_time"
    }

    /// Whether `id` has the form of a session id (so anything else is a 404 without a lookup).
    public static func isWellFormed(_ id: some StringProtocol) -> Bool {
        id.utf8.count == 32 && id.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }
}

/// A session with its decisions, as recorded.
public struct SessionRecord: Sendable, Hashable, Codable {
    public var session: PlaybackSession
    public var breaks: [BreakDecision]

    public init(session: PlaybackSession, breaks: [BreakDecision]) {
        self.session = session
        self.breaks = breaks
    }
}

/// Who reported an event: the server (segment fetches) or a client (player beacons, SDK events).
public enum EventSource: String, Sendable, Hashable, Codable {
    case server, client
}

/// One row of the event ledger.
public struct LedgerEvent: Sendable, Hashable, Codable {
    /// The idempotency key: a client UUID, or for server beacons `srv:<slot>:<type>`.
    public var eventID: String
    /// `impression`, `start`, `firstQuartile`, `midpoint`, `thirdQuartile`, `complete`, `play_start`, ...
    public var type: String
    public var source: EventSource
    public var deviceID: String?
    public var endpoint: EndpointKind?
    public var model: String?
    public var channel: String?
    public var titleID: String?
    public var sessionID: String?
    public var slotID: String?
    public var creativeID: String?
    public var campaignID: String?
    public var positionMS: Int64?
    /// When it happened (client clock, skew-corrected; server clock for server beacons).
    public var ts: Timestamp
    public var sentAt: Timestamp?
    public var receivedAt: Timestamp
    public var appVersion: String?
    /// Invalid-traffic flags (kept, never deleted).
    public var flags: [String]

    public init(eventID: String, type: String, source: EventSource, deviceID: String? = nil, endpoint: EndpointKind? = nil,
                model: String? = nil, channel: String? = nil, titleID: String? = nil, sessionID: String? = nil,
                slotID: String? = nil, creativeID: String? = nil, campaignID: String? = nil, positionMS: Int64? = nil,
                ts: Timestamp, sentAt: Timestamp? = nil, receivedAt: Timestamp, appVersion: String? = nil, flags: [String] = []) {
        self.eventID = eventID
        self.type = type
        self.source = source
        self.deviceID = deviceID
        self.endpoint = endpoint
        self.model = model
        self.channel = channel
        self.titleID = titleID
        self.sessionID = sessionID
        self.slotID = slotID
        self.creativeID = creativeID
        self.campaignID = campaignID
        self.positionMS = positionMS
        self.ts = ts
        self.sentAt = sentAt
        self.receivedAt = receivedAt
        self.appVersion = appVersion
        self.flags = flags
    }

    enum CodingKeys: String, CodingKey {
        case type, source, endpoint, model, channel, ts, flags
        case eventID = "event_id", deviceID = "device_id", titleID = "title_id", sessionID = "session_id"
        case slotID = "slot_id", creativeID = "creative_id", campaignID = "campaign_id", positionMS = "position_ms"
        case sentAt = "sent_at", receivedAt = "received_at", appVersion = "app_version"
    }
}

/// Placed-ad counts as the decision engine needs them, for one channel-local day.
public struct DeliveryTotals: Sendable, Hashable {
    public var campaignToday: [String: Int64]
    public var campaignBeforeToday: [String: Int64]
    /// device → campaign → placed today.
    public var deviceToday: [String: [String: Int]]
    /// household → campaign → placed today.
    public var householdToday: [String: [String: Int]]

    public init(campaignToday: [String: Int64] = [:], campaignBeforeToday: [String: Int64] = [:],
                deviceToday: [String: [String: Int]] = [:], householdToday: [String: [String: Int]] = [:]) {
        self.campaignToday = campaignToday
        self.campaignBeforeToday = campaignBeforeToday
        self.deviceToday = deviceToday
        self.householdToday = householdToday
    }
}

/// Where sessions, decisions and events are kept. Writes are durable when the call returns.
public protocol AdLedger: Sendable {
    /// Records a new session and its decisions (one row per slot, for the audit).
    func record(_ session: SessionRecord) async throws(ShowrunnerError)
    func session(id: String) async throws(ShowrunnerError) -> SessionRecord?
    /// Appends events; an `eventID` received in the 7 days before (or earlier in `events`) counts
    /// as a duplicate and is not stored again.
    func record(events: [LedgerEvent]) async throws(ShowrunnerError) -> (accepted: Int, duplicates: Int)
    /// Loads what ingest checks events against (the ids received in the 7 days before `now`)
    /// ahead of the first batch; returns how many ids that is. Optional: `record(events:)` loads
    /// it on first use otherwise.
    func prepareEventIngest(now: Timestamp) async throws(ShowrunnerError) -> Int
    /// Events of a session, oldest first.
    func events(session: String) async throws(ShowrunnerError) -> [LedgerEvent]
    /// Placed ads per campaign since `dayStart` and before it, and today's per device and household.
    func deliveryTotals(dayStart: Timestamp) async throws(ShowrunnerError) -> DeliveryTotals
    /// Every device → household link.
    func households() async throws(ShowrunnerError) -> [String: String]
    /// Links devices to households (a later link of a device replaces its earlier one).
    /// Returns how many links changed.
    func link(_ links: [DeviceLink], at: Timestamp) async throws(ShowrunnerError) -> Int
    /// Stored event counts, by type and source, and how many carry invalid-traffic flags.
    func eventStats() async throws(ShowrunnerError) -> EventStats
    /// Boot impressions recorded after ledger position `after` (nil: from the start) with a time
    /// at or after `since`, and the newest position: how a server keeps every device's recent
    /// boot history in memory and catches up with what it or another process recorded.
    func bootImpressions(after: Int64?, since: Timestamp) async throws(ShowrunnerError) -> (impressions: [BootImpression], through: Int64)
}

/// A device belongs to a household (or account); unlinked devices count as their own.
public struct DeviceLink: Sendable, Hashable, Codable {
    public var deviceID: String
    public var householdID: String

    public init(deviceID: String, householdID: String) {
        self.deviceID = deviceID
        self.householdID = householdID
    }

    enum CodingKeys: String, CodingKey {
        case deviceID = "device_id", householdID = "household_id"
    }

    /// Both ids: 1-128 of `A-Z a-z 0-9 . _ : -`.
    public func check() throws(ShowrunnerError) {
        for (field, v) in [("device_id", deviceID), ("household_id", householdID)] {
            guard !v.isEmpty, v.utf8.count <= 128, v.utf8.allSatisfy({ b in
                (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2E || b == 0x5F || b == 0x3A || b == 0x2D
            }) else { throw .invalid(field, "must be 1-128 characters of A-Z a-z 0-9 . _ : -") }
        }
    }
}

/// What the event ledger holds (`showrunner events stats`).
public struct EventStats: Sendable, Hashable, Codable {
    public var total: Int64
    public var byType: [String: Int64]
    public var bySource: [String: Int64]
    public var flagged: Int64

    public init(total: Int64 = 0, byType: [String: Int64] = [:], bySource: [String: Int64] = [:], flagged: Int64 = 0) {
        self.total = total
        self.byType = byType
        self.bySource = bySource
        self.flagged = flagged
    }

    enum CodingKeys: String, CodingKey {
        case total, flagged
        case byType = "by_type", bySource = "by_source"
    }
}

/// One boot-screen impression as the frequency cap needs it.
public struct BootImpression: Sendable, Hashable {
    public var device: String
    public var channel: String
    public var at: Timestamp

    public init(device: String, channel: String, at: Timestamp) {
        self.device = device
        self.channel = channel
        self.at = at
    }
}
