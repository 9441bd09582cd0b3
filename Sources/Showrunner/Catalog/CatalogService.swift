/// The one code path for catalog administration: the CLI and the admin API both call these.
/// Each method checks its input field by field (`ShowrunnerError.invalid` names the field),
/// applies one atomic change through the store, and returns what is stored now.
public struct CatalogService: Sendable {
    public let store: any CatalogStore
    public let clock: any WallClock

    public init(store: any CatalogStore, clock: any WallClock) {
        self.store = store
        self.clock = clock
    }

    // MARK: Inputs (JSON bodies of the admin API; the CLI builds them from flags)

    /// A new episode of a series.
    public struct NewEpisode: Sendable, Hashable, Codable {
        public var id: String
        public var name: String
        public var series: String
        public var season: Int
        public var episode: Int

        public init(id: String, name: String, series: String, season: Int, episode: Int) {
            self.id = id
            self.name = name
            self.series = series
            self.season = season
            self.episode = episode
        }
    }

    /// A new film, branded when `brand` is set.
    public struct NewFilm: Sendable, Hashable, Codable {
        public var id: String
        public var name: String
        public var brand: String?

        public init(id: String, name: String, brand: String? = nil) {
            self.id = id
            self.name = name
            self.brand = brand
        }
    }

    /// A new rights window.
    public struct NewWindow: Sendable, Hashable, Codable {
        public var title: String
        public var channel: String
        public var from: Timestamp
        public var until: Timestamp?
        public var regions: [String]?

        public init(title: String, channel: String, from: Timestamp, until: Timestamp? = nil, regions: [String]? = nil) {
            self.title = title
            self.channel = channel
            self.from = from
            self.until = until
            self.regions = regions
        }
    }

    /// A publish request.
    public struct PublishRequest: Sendable, Hashable, Codable {
        public var title: String
        public var channel: String
        public var version: String?
        public var from: Timestamp?
        public var until: Timestamp?

        public init(title: String, channel: String, version: String? = nil, from: Timestamp? = nil, until: Timestamp? = nil) {
            self.title = title
            self.channel = channel
            self.version = version
            self.from = from
            self.until = until
        }
    }

    /// A title × channel pair (unpublish, rollback).
    public struct PairRequest: Sendable, Hashable, Codable {
        public var title: String
        public var channel: String

        public init(title: String, channel: String) {
            self.title = title
            self.channel = channel
        }
    }

    /// What a publish, unpublish or rollback did.
    public struct PublishResult: Sendable, Hashable, Codable {
        public var title: String
        public var channel: String
        /// The version live now (nil after an unpublish).
        public var version: String?
        /// False when it was already so.
        public var changed: Bool
        /// Change-log sequence number of the change.
        public var seq: Int64?
    }

    // MARK: Brands

    public func addBrand(_ b: Brand, actor: String) async throws(ShowrunnerError) -> Brand {
        try Self.check(b)
        _ = try await store.apply(.addBrand(b), actor: actor, at: clock.now())
        return b
    }

    public func putBrand(_ b: Brand, actor: String) async throws(ShowrunnerError) -> Brand {
        try Self.check(b)
        _ = try await store.apply(.putBrand(b), actor: actor, at: clock.now())
        return b
    }

    public func deleteBrand(_ id: String, actor: String) async throws(ShowrunnerError) {
        try CatalogRules.checkID(id, field: "id")
        _ = try await store.apply(.deleteBrand(id: id), actor: actor, at: clock.now())
    }

    public func brand(_ id: String) async throws(ShowrunnerError) -> Brand {
        guard let b = try await store.brands().first(where: { $0.id == id }) else { throw .notFound("brand", id) }
        return b
    }

    static func check(_ b: Brand) throws(ShowrunnerError) {
        try CatalogRules.checkID(b.id, field: "id")
        try CatalogRules.checkName(b.name, field: "name")
        try CatalogRules.checkID(b.category, field: "category")
    }

    // MARK: Series and seasons

    public func addSeries(_ s: Series, actor: String) async throws(ShowrunnerError) -> Series {
        try CatalogRules.checkID(s.id, field: "id")
        try CatalogRules.checkName(s.name, field: "name")
        if let b = s.brand { try CatalogRules.checkID(b, field: "brand") }
        _ = try await store.apply(.addSeries(s), actor: actor, at: clock.now())
        return s
    }

    public func addSeason(_ s: Season, actor: String) async throws(ShowrunnerError) -> Season {
        try CatalogRules.checkID(s.series, field: "series")
        try CatalogRules.checkPositive(s.number, field: "number", max: 1000)
        if let n = s.name { try CatalogRules.checkName(n, field: "name") }
        _ = try await store.apply(.addSeason(s), actor: actor, at: clock.now())
        return s
    }

    // MARK: Titles

    public func addEpisode(_ e: NewEpisode, actor: String) async throws(ShowrunnerError) -> Title {
        try CatalogRules.checkID(e.id, field: "id")
        try CatalogRules.checkName(e.name, field: "name")
        try CatalogRules.checkID(e.series, field: "series")
        try CatalogRules.checkPositive(e.season, field: "season", max: 1000)
        try CatalogRules.checkPositive(e.episode, field: "episode", max: 100_000)
        let t = Title(id: e.id, name: e.name, kind: .episode(series: e.series, season: e.season, number: e.episode))
        _ = try await store.apply(.addTitle(t), actor: actor, at: clock.now())
        return t
    }

    public func addFilm(_ f: NewFilm, actor: String) async throws(ShowrunnerError) -> Title {
        try CatalogRules.checkID(f.id, field: "id")
        try CatalogRules.checkName(f.name, field: "name")
        if let b = f.brand { try CatalogRules.checkID(b, field: "brand") }
        let t = Title(id: f.id, name: f.name, kind: .film(brand: f.brand))
        _ = try await store.apply(.addTitle(t), actor: actor, at: clock.now())
        return t
    }

    public func title(_ id: String) async throws(ShowrunnerError) -> Title {
        guard let t = try await store.titles().first(where: { $0.id == id }) else { throw .notFound("title", id) }
        return t
    }

    /// Registers a packaged version (the caller has put its files in place).
    public func addVersion(_ v: TitleVersion, actor: String) async throws(ShowrunnerError) -> TitleVersion {
        try CatalogRules.checkID(v.title, field: "title")
        try CatalogRules.checkID(v.id, field: "version")
        _ = try await store.apply(.addVersion(v), actor: actor, at: clock.now())
        return v
    }

    /// The next free version id of a title: `v1`, `v2`, ...
    public func nextVersionID(title: String) async throws(ShowrunnerError) -> String {
        let existing = try await store.versions(title: title).map(\.id)
        var n = existing.count + 1
        while existing.contains("v\(n)") { n += 1 }
        return "v\(n)"
    }

    /// A title's versions with the channels each is live on.
    public struct VersionInfo: Sendable, Hashable, Codable {
        public var version: TitleVersion
        public var liveOn: [String]

        enum CodingKeys: String, CodingKey { case version, liveOn = "live_on" }
    }

    public func versions(title: String) async throws(ShowrunnerError) -> [VersionInfo] {
        _ = try await self.title(title)
        let snapshot = try await store.snapshot()
        let versions = try await store.versions(title: title)
        return versions.map { v in
            let live = snapshot.live.filter { $0.key.hasPrefix(title + "\u{0}") && $0.value == v.id }
                .map { String($0.key.dropFirst(title.count + 1)) }.sorted()
            return VersionInfo(version: v, liveOn: live)
        }
    }

    // MARK: Channels

    public func addChannel(_ c: Channel, actor: String) async throws(ShowrunnerError) -> Channel {
        try Self.check(c)
        _ = try await store.apply(.addChannel(c), actor: actor, at: clock.now())
        return c
    }

    public func putChannel(_ c: Channel, actor: String) async throws(ShowrunnerError) -> Channel {
        try Self.check(c)
        _ = try await store.apply(.putChannel(c), actor: actor, at: clock.now())
        return c
    }

    public func channel(_ id: String) async throws(ShowrunnerError) -> Channel {
        guard let c = try await store.channels().first(where: { $0.id == id }) else { throw .notFound("channel", id) }
        return c
    }

    static func check(_ c: Channel) throws(ShowrunnerError) {
        try CatalogRules.checkID(c.id, field: "id")
        try CatalogRules.checkName(c.name, field: "name")
        guard c.screens.count <= 32 else { throw .invalid("screens", "at most 32 screen profiles") }
        for (k, v) in c.settings {
            try CatalogRules.checkID(k, field: "settings")
            guard v.count <= 4096 else { throw .invalid("settings.\(k)", "value longer than 4096 characters") }
        }
    }

    // MARK: Rights windows

    public func addWindow(_ w: NewWindow, actor: String) async throws(ShowrunnerError) -> RightsWindow {
        let window = RightsWindow(title: w.title, channel: w.channel, from: w.from, until: w.until, regions: w.regions ?? [])
        try CatalogRules.checkWindow(window)
        let outcome = try await store.apply(.addWindow(window), actor: actor, at: clock.now())
        var stored = window
        stored.id = Int64(outcome.id) ?? 0
        return stored
    }

    public func deleteWindow(_ id: Int64, actor: String) async throws(ShowrunnerError) {
        _ = try await store.apply(.deleteWindow(id: id), actor: actor, at: clock.now())
    }

    // MARK: Publishing

    public func publish(_ r: PublishRequest, actor: String) async throws(ShowrunnerError) -> PublishResult {
        try CatalogRules.checkID(r.title, field: "title")
        try CatalogRules.checkID(r.channel, field: "channel")
        if let v = r.version { try CatalogRules.checkID(v, field: "version") }
        if let from = r.from, let until = r.until, until <= from {
            throw .invalid("until", "\(until) is not after from (\(from))")
        }
        let o = try await store.apply(.publish(title: r.title, channel: r.channel, version: r.version, from: r.from, until: r.until),
                                      actor: actor, at: clock.now())
        return PublishResult(title: r.title, channel: r.channel, version: o.id, changed: o.changed, seq: o.entry?.seq)
    }

    public func unpublish(_ r: PairRequest, actor: String) async throws(ShowrunnerError) -> PublishResult {
        try CatalogRules.checkID(r.title, field: "title")
        try CatalogRules.checkID(r.channel, field: "channel")
        let o = try await store.apply(.unpublish(title: r.title, channel: r.channel), actor: actor, at: clock.now())
        return PublishResult(title: r.title, channel: r.channel, version: nil, changed: o.changed, seq: o.entry?.seq)
    }

    public func rollback(_ r: PairRequest, actor: String) async throws(ShowrunnerError) -> PublishResult {
        try CatalogRules.checkID(r.title, field: "title")
        try CatalogRules.checkID(r.channel, field: "channel")
        let o = try await store.apply(.rollback(title: r.title, channel: r.channel), actor: actor, at: clock.now())
        return PublishResult(title: r.title, channel: r.channel, version: o.id, changed: o.changed, seq: o.entry?.seq)
    }

    // MARK: Tokens

    /// Creates a token for `name` with `role`; returns the secret (shown once) — only its
    /// SHA-256 is stored. `secret` comes from the caller's random source (32 random bytes as hex).
    public func createToken(name: String, role: Role, secret: String, actor: String) async throws(ShowrunnerError) -> String {
        try CatalogRules.checkID(name, field: "name")
        guard secret.utf8.count >= 32 else { throw .invalid("secret", "too short") }
        let token = "sr_" + secret
        _ = try await store.apply(.createToken(name: name, role: role, hash: SHA256.hex(token)), actor: actor, at: clock.now())
        return token
    }

    public func revokeToken(name: String, actor: String) async throws(ShowrunnerError) {
        try CatalogRules.checkID(name, field: "name")
        _ = try await store.apply(.revokeToken(name: name), actor: actor, at: clock.now())
    }

    /// The live token presented as `Authorization: Bearer <text>`, or nil.
    public func authenticate(bearer text: String) async throws(ShowrunnerError) -> APIToken? {
        guard text.hasPrefix("sr_"), text.utf8.count <= 200 else { return nil }
        return try await store.token(hash: SHA256.hex(text))
    }
}
