/// A change to the catalog. Each is applied atomically by a `CatalogStore`: in one serialized
/// write transaction that checks it against current state (with `CatalogRules`), writes it, and
/// appends one hash-chained change-log entry when something actually changed.
public enum CatalogChange: Sendable, Hashable {
    /// Create; the same id with identical data is a no-op, with other data a conflict.
    case addBrand(Brand)
    /// Create or replace.
    case putBrand(Brand)
    /// Remove; a conflict while a title or series refers to it.
    case deleteBrand(id: String)
    case addSeries(Series)
    /// Create (the series must exist); same rules as `addBrand`.
    case addSeason(Season)
    /// Create an episode or film; its series (and season, created if missing) or brand must exist.
    case addTitle(Title)
    /// Register a packaged version (its id must be new for the title).
    case addVersion(TitleVersion)
    case addChannel(Channel)
    case putChannel(Channel)
    /// Add a rights window (id assigned); title and channel must exist; no overlap.
    case addWindow(RightsWindow)
    case deleteWindow(id: Int64)
    /// Publish a version (default latest) with an optional window; see `CatalogRules.planPublish`.
    case publish(title: String, channel: String, version: String?, from: Timestamp?, until: Timestamp?)
    case unpublish(title: String, channel: String)
    case rollback(title: String, channel: String)
    /// Store a token's hash (the name must be new).
    case createToken(name: String, role: Role, hash: String)
    case revokeToken(name: String)
    /// Create or replace a channel's ad policy (the channel must exist; a slate must be a slate creative).
    case putPolicy(AdPolicy)
    /// Set (or, with no breaks, clear) a title's break plan; checked against its newest version.
    case putBreaks(TitleBreaks)
    /// Create a campaign (its brand must exist); same-id rules as `addBrand`.
    case addCampaign(Campaign)
    /// Create or replace a campaign.
    case putCampaign(Campaign)
    /// Create or replace a creative (its campaign must exist unless it is a slate).
    case putCreative(Creative)
    /// Create or replace a channel's boot-screen rules.
    case putBootRules(BootRules)
    /// Create or replace a boot-screen creative (checked by its channel's rules).
    case putBootCreative(BootCreative)
}

/// What applying a change did.
public struct ChangeOutcome: Sendable, Hashable {
    /// False when the change was already in effect (idempotent no-op).
    public var changed: Bool
    /// The change-log entry written, when something changed.
    public var entry: ChangeLogEntry?
    /// The id of what was created or changed (window id as text, version id for publish, ...).
    public var id: String

    public init(changed: Bool, entry: ChangeLogEntry?, id: String) {
        self.changed = changed
        self.entry = entry
        self.id = id
    }
}

/// Everything the player-facing routes need, read consistently in one transaction; the server
/// keeps one in memory and swaps it whole when the store's revision moves.
public struct CatalogSnapshot: Sendable {
    public var revision: Int64
    public var channels: [String: Channel]
    public var titles: [String: Title]
    public var series: [String: Series]
    public var brands: [String: Brand]
    /// Versions by title id, then version id.
    public var versions: [String: [String: TitleVersion]]
    /// Current live version id by "title\u{0}channel".
    public var live: [String: String]
    /// Windows by "title\u{0}channel".
    public var windows: [String: [RightsWindow]]
    /// Ad policies by channel.
    public var policies: [String: AdPolicy]
    /// Explicit break plans by title.
    public var breaks: [String: TitleBreaks]
    public var campaigns: [String: Campaign]
    public var creatives: [String: Creative]
    /// Boot-screen rules by channel, and creatives by channel.
    public var bootRules: [String: BootRules] = [:]
    public var bootCreatives: [String: [BootCreative]] = [:]

    public init(revision: Int64 = 0, channels: [String: Channel] = [:], titles: [String: Title] = [:],
                series: [String: Series] = [:], brands: [String: Brand] = [:],
                versions: [String: [String: TitleVersion]] = [:], live: [String: String] = [:],
                windows: [String: [RightsWindow]] = [:], policies: [String: AdPolicy] = [:],
                breaks: [String: TitleBreaks] = [:], campaigns: [String: Campaign] = [:],
                creatives: [String: Creative] = [:]) {
        self.revision = revision
        self.channels = channels
        self.titles = titles
        self.series = series
        self.brands = brands
        self.versions = versions
        self.live = live
        self.windows = windows
        self.policies = policies
        self.breaks = breaks
        self.campaigns = campaigns
        self.creatives = creatives
    }

    /// What the ad engine may place.
    public var inventory: AdInventory { AdInventory(campaigns: campaigns, creatives: creatives, brands: brands) }

    /// The key of a title × channel pair in `live` and `windows`.
    public static func pair(_ title: String, _ channel: String) -> String { title + "\u{0}" + channel }

    /// The version live on the pair, if any.
    public func liveVersion(title: String, channel: String) -> TitleVersion? {
        guard let v = live[Self.pair(title, channel)] else { return nil }
        return versions[title]?[v]
    }

    /// Whether `title` may play on `channel` at `now`.
    public func availability(title: String, channel: String, now: Timestamp, region: String? = nil) -> CatalogRules.Availability {
        CatalogRules.availability(version: liveVersion(title: title, channel: channel),
                                  windows: windows[Self.pair(title, channel)] ?? [], now: now, region: region)
    }
}

/// Where the catalog lives. `SQLiteStore` (module Store) implements it over a SQLite file; a
/// PostgreSQL store can implement it too without touching callers. Errors are `ShowrunnerError`:
/// `.storage` for a locked, read-only, full or damaged database (with nothing written).
public protocol CatalogStore: Sendable {
    func brands() async throws(ShowrunnerError) -> [Brand]
    func series() async throws(ShowrunnerError) -> [Series]
    func seasons(series: String) async throws(ShowrunnerError) -> [Season]
    /// All titles, episodes and films, by id.
    func titles() async throws(ShowrunnerError) -> [Title]
    /// A title's versions, oldest first.
    func versions(title: String) async throws(ShowrunnerError) -> [TitleVersion]
    func channels() async throws(ShowrunnerError) -> [Channel]
    /// Windows, optionally for one title and/or channel, ordered by title, channel, from.
    func windows(title: String?, channel: String?) async throws(ShowrunnerError) -> [RightsWindow]
    /// Publication history, optionally filtered, oldest first.
    func publications(title: String?, channel: String?) async throws(ShowrunnerError) -> [Publication]
    /// Change-log entries with `seq > after`, oldest first, at most `limit`.
    func changes(after: Int64, limit: Int) async throws(ShowrunnerError) -> [ChangeLogEntry]
    func tokens() async throws(ShowrunnerError) -> [APIToken]
    func policies() async throws(ShowrunnerError) -> [AdPolicy]
    func campaigns() async throws(ShowrunnerError) -> [Campaign]
    func creatives() async throws(ShowrunnerError) -> [Creative]
    /// Explicit break plans, by title.
    func titleBreaks() async throws(ShowrunnerError) -> [TitleBreaks]
    /// The live (not revoked) token with this SHA-256 hex hash.
    func token(hash: String) async throws(ShowrunnerError) -> APIToken?
    /// One consistent read of what playback needs.
    func snapshot() async throws(ShowrunnerError) -> CatalogSnapshot
    /// A number that changes whenever any process commits a change; cheap to poll.
    func revision() async throws(ShowrunnerError) -> Int64
    /// Applies one change atomically (see `CatalogChange`).
    func apply(_ change: CatalogChange, actor: String, at: Timestamp) async throws(ShowrunnerError) -> ChangeOutcome
}
