/// The catalog: who advertises, what is published, on which channel, under which rights.
/// Values only; `CatalogStore` keeps them and `CatalogService` changes them. JSON field names
/// are snake_case (the HTTP API's contract).

/// An advertiser or sponsor.
public struct Brand: Sendable, Hashable, Codable {
    /// Slug id, e.g. `brew-co`.
    public var id: String
    public var name: String
    /// Business category, used for competitive separation (`beverages`, `automotive`, ...).
    public var category: String
    /// Advertiser tier; premium TV models may show only whitelisted tiers.
    public var tier: BrandTier

    public init(id: String, name: String, category: String, tier: BrandTier = .standard) {
        self.id = id
        self.name = name
        self.category = category
        self.tier = tier
    }

    enum CodingKeys: String, CodingKey { case id, name, category, tier }

    /// Decodes a brand; `tier` defaults to standard.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try c.decode(String.self, forKey: .id), name: try c.decode(String.self, forKey: .name),
                  category: try c.decode(String.self, forKey: .category),
                  tier: try c.decodeIfPresent(BrandTier.self, forKey: .tier) ?? .standard)
    }
}

/// How premium an advertiser is.
public enum BrandTier: String, Sendable, Hashable, Codable, CaseIterable {
    case premium, standard, basic
}

/// A series: seasons of episodes.
public struct Series: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    /// A sponsor, if the whole series has one.
    public var brand: String?

    public init(id: String, name: String, brand: String? = nil) {
        self.id = id
        self.name = name
        self.brand = brand
    }
}

/// A season of a series.
public struct Season: Sendable, Hashable, Codable {
    public var series: String
    /// 1-based.
    public var number: Int
    public var name: String?

    public init(series: String, number: Int, name: String? = nil) {
        self.series = series
        self.number = number
        self.name = name
    }
}

/// A publishable title: an episode of a series, or a (branded) film.
public struct Title: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var kind: Kind

    /// What the title is: its place in a series, or a film and its sponsor.
    public enum Kind: Sendable, Hashable {
        case episode(series: String, season: Int, number: Int)
        case film(brand: String?)
    }

    public init(id: String, name: String, kind: Kind) {
        self.id = id
        self.name = name
        self.kind = kind
    }

    /// "episode" or "film".
    public var kindName: String {
        if case .episode = kind { return "episode" }
        return "film"
    }

    public var series: String? {
        if case .episode(let s, _, _) = kind { return s }
        return nil
    }

    public var seasonNumber: Int? {
        if case .episode(_, let s, _) = kind { return s }
        return nil
    }

    public var episodeNumber: Int? {
        if case .episode(_, _, let n) = kind { return n }
        return nil
    }

    public var brand: String? {
        if case .film(let b) = kind { return b }
        return nil
    }

    enum CodingKeys: String, CodingKey { case id, name, kind, series, season, episode, brand }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        switch try c.decode(String.self, forKey: .kind) {
        case "episode":
            kind = .episode(series: try c.decode(String.self, forKey: .series),
                            season: try c.decode(Int.self, forKey: .season),
                            number: try c.decode(Int.self, forKey: .episode))
        case "film":
            kind = .film(brand: try c.decodeIfPresent(String.self, forKey: .brand))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "kind '\(other)' is not episode or film")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(kindName, forKey: .kind)
        switch kind {
        case .episode(let s, let season, let n):
            try c.encode(s, forKey: .series)
            try c.encode(season, forKey: .season)
            try c.encode(n, forKey: .episode)
        case .film(let b):
            try c.encodeIfPresent(b, forKey: .brand)
        }
    }
}

/// A rendition of a packaged version, as recorded at registration.
public struct VersionRendition: Sendable, Hashable, Codable {
    public var id: String
    /// "video" or "audio".
    public var kind: String
    public var codecs: [String]
    public var resolution: String?
    public var bandwidth: Int64

    public init(id: String, kind: String, codecs: [String], resolution: String?, bandwidth: Int64) {
        self.id = id
        self.kind = kind
        self.codecs = codecs
        self.resolution = resolution
        self.bandwidth = bandwidth
    }
}

/// One packaged version of a title: an immutable package folder under the media root.
public struct TitleVersion: Sendable, Hashable, Codable {
    /// `v1`, `v2`, ... per title.
    public var id: String
    public var title: String
    /// The package folder relative to the media root: `<title>/<version>`.
    public var path: String
    /// "ts" or "fmp4".
    public var format: String
    public var durationMS: Int64
    public var renditions: [VersionRendition]
    /// Ad-break cut points actually made (milliseconds from the start), from breaks.json.
    public var cutsMS: [Int64]
    public var createdAt: Timestamp
    /// The input file it was packaged from (informational).
    public var source: String?
    /// How its segments are encrypted; nil when they are in the clear (and in records written
    /// before encryption existed: decoded if present).
    public var encryption: VersionEncryption?

    enum CodingKeys: String, CodingKey {
        case id, title, path, format, renditions, source, encryption
        case durationMS = "duration_ms", cutsMS = "cuts_ms", createdAt = "created_at"
    }

    public init(id: String, title: String, path: String, format: String, durationMS: Int64,
                renditions: [VersionRendition], cutsMS: [Int64], createdAt: Timestamp, source: String?,
                encryption: VersionEncryption? = nil) {
        self.id = id
        self.title = title
        self.path = path
        self.format = format
        self.durationMS = durationMS
        self.renditions = renditions
        self.cutsMS = cutsMS
        self.createdAt = createdAt
        self.source = source
        self.encryption = encryption
    }
}

/// The encryption of a version's segments, as its playlists declare it (the keys themselves are
/// stored apart and served at `/v1/keys/{id}`).
public struct VersionEncryption: Sendable, Hashable, Codable {
    /// "aes-128" (HLS METHOD=AES-128: whole segments, AES-128-CBC, PKCS#7).
    public var method: String
    /// The key ids (32 lowercase hex), in the order their segments come.
    public var keyIDs: [String]

    enum CodingKeys: String, CodingKey {
        case method
        case keyIDs = "key_ids"
    }

    public init(method: String, keyIDs: [String]) {
        self.method = method
        self.keyIDs = keyIDs
    }
}

/// What kind of device a channel serves.
public enum EndpointKind: String, Sendable, Hashable, Codable, CaseIterable {
    case tv, mobile, web, speaker
}

/// A screen size a channel's devices have, `1920x1080`.
public struct ScreenProfile: Sendable, Hashable, Codable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// Parses `WIDTHxHEIGHT` (each 16...16384).
    public init?(_ text: String) {
        let parts = text.lowercased().split(separator: "x")
        guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]),
              (16...16384).contains(w), (16...16384).contains(h) else { return nil }
        self.init(width: w, height: h)
    }

    public var description: String { "\(width)x\(height)" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let p = ScreenProfile(s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "'\(s)' is not WIDTHxHEIGHT")
        }
        self = p
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// A distribution channel: a TV model line, a phone app, a partner.
public struct Channel: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var endpoint: EndpointKind
    public var screens: [ScreenProfile]
    /// Settings later features add (ad policy, signing, ...), as strings.
    public var settings: [String: String]

    public init(id: String, name: String, endpoint: EndpointKind, screens: [ScreenProfile] = [], settings: [String: String] = [:]) {
        self.id = id
        self.name = name
        self.endpoint = endpoint
        self.screens = screens
        self.settings = settings
    }

    enum CodingKeys: String, CodingKey { case id, name, endpoint, screens, settings }

    /// The setting that turns signed playback URLs on (`"on"`); absent or anything else: off.
    public static let signedURLsSetting = "signed_urls"

    /// Whether every playlist, segment and key URL handed to this channel's players must carry a
    /// valid signature (`settings["signed_urls"] == "on"`). Off by default, e.g. for trusted networks.
    public var signsURLs: Bool { settings[Self.signedURLsSetting] == "on" }

    /// Decodes a channel; `screens` and `settings` may be left out.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try c.decode(String.self, forKey: .id), name: try c.decode(String.self, forKey: .name),
                  endpoint: try c.decode(EndpointKind.self, forKey: .endpoint),
                  screens: try c.decodeIfPresent([ScreenProfile].self, forKey: .screens) ?? [],
                  settings: try c.decodeIfPresent([String: String].self, forKey: .settings) ?? [:])
    }
}

/// A licensing window: `title` may be shown on `channel` from `from` until `until` (open-ended
/// when nil), optionally only in some regions.
public struct RightsWindow: Sendable, Hashable, Codable {
    /// Assigned by the store.
    public var id: Int64
    public var title: String
    public var channel: String
    public var from: Timestamp
    public var until: Timestamp?
    /// ISO 3166 region codes; empty means everywhere.
    public var regions: [String]

    public init(id: Int64 = 0, title: String, channel: String, from: Timestamp, until: Timestamp? = nil, regions: [String] = []) {
        self.id = id
        self.title = title
        self.channel = channel
        self.from = from
        self.until = until
        self.regions = regions
    }

    /// Whether `t` falls in [from, until).
    public func contains(_ t: Timestamp) -> Bool {
        t >= from && (until.map { t < $0 } ?? true)
    }

    /// Whether two windows of the same title and channel share any instant.
    public func overlaps(_ other: RightsWindow) -> Bool {
        let aEnd = until?.milliseconds ?? Int64.max
        let bEnd = other.until?.milliseconds ?? Int64.max
        return from.milliseconds < bEnd && other.from.milliseconds < aEnd
    }
}

/// Which version of a title is live on a channel. The latest entry per title × channel is the
/// current one (unless `version` is nil: unpublished); earlier entries are history, for rollback.
public struct Publication: Sendable, Hashable, Codable {
    public var title: String
    public var channel: String
    /// nil: unpublished at `at`.
    public var version: String?
    public var at: Timestamp
    /// Who did it (token name or `cli:<user>`).
    public var actor: String

    public init(title: String, channel: String, version: String?, at: Timestamp, actor: String) {
        self.title = title
        self.channel = channel
        self.version = version
        self.at = at
        self.actor = actor
    }
}

/// Roles of API tokens.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
    /// Catalog and publishing; reads everything.
    case editor
    /// Ads, boot screens, audit; reads everything.
    case `operator`
    /// Reads only.
    case viewer

    /// Whether this role may perform `action`.
    public func may(_ action: Action) -> Bool {
        switch action {
        case .read: return true
        case .editCatalog, .publish: return self == .editor
        case .operateAds: return self == .operator
        case .audit: return self == .operator || self == .viewer
        }
    }

    /// Kinds of admin actions, for the role check.
    public enum Action: String, Sendable, Hashable {
        case read, editCatalog = "edit_catalog", publish, operateAds = "operate_ads", audit
    }
}

/// An API token as stored: only the SHA-256 of the secret is kept.
public struct APIToken: Sendable, Hashable, Codable {
    public var id: Int64
    public var name: String
    public var role: Role
    /// Hex SHA-256 of the token text.
    public var hash: String
    public var createdAt: Timestamp
    public var revokedAt: Timestamp?

    enum CodingKeys: String, CodingKey {
        case id, name, role, hash
        case createdAt = "created_at", revokedAt = "revoked_at"
    }

    public init(id: Int64, name: String, role: Role, hash: String, createdAt: Timestamp, revokedAt: Timestamp? = nil) {
        self.id = id
        self.name = name
        self.role = role
        self.hash = hash
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

/// One entry of the append-only change log: who changed what, when, and the value before and
/// after (JSON text). Entries are hash-chained: `hash` = SHA-256 over the previous hash and this
/// entry's fields, so an edited or deleted row breaks the chain.
public struct ChangeLogEntry: Sendable, Hashable, Codable {
    public var seq: Int64
    public var at: Timestamp
    public var actor: String
    /// e.g. `brand.add`, `publish`, `window.delete`.
    public var action: String
    /// e.g. `brand`, `title`, `publication`.
    public var entity: String
    public var entityID: String
    public var before: String?
    public var after: String?
    public var prevHash: String
    public var hash: String

    enum CodingKeys: String, CodingKey {
        case seq, at, actor, action, entity, before, after, hash
        case entityID = "entity_id", prevHash = "prev_hash"
    }

    public init(seq: Int64, at: Timestamp, actor: String, action: String, entity: String, entityID: String,
                before: String?, after: String?, prevHash: String, hash: String) {
        self.seq = seq
        self.at = at
        self.actor = actor
        self.action = action
        self.entity = entity
        self.entityID = entityID
        self.before = before
        self.after = after
        self.prevHash = prevHash
        self.hash = hash
    }

    /// The chain hash of an entry: SHA-256 over the previous hash and every field, each
    /// length-prefixed so no two field lists hash alike.
    public static func chainHash(prevHash: String, seq: Int64, at: Timestamp, actor: String, action: String,
                                 entity: String, entityID: String, before: String?, after: String?) -> String {
        var bytes: [UInt8] = []
        func add(_ s: String) {
            let u = Array(s.utf8)
            bytes += Array(String(u.count).utf8) + [0x3A] + u
        }
        add(prevHash); add(String(seq)); add(String(at.milliseconds)); add(actor); add(action)
        add(entity); add(entityID); add(before ?? "\u{0}"); add(after ?? "\u{0}")
        return SHA256.hex(bytes)
    }

    /// The hash the chain starts from.
    public static let genesis = String(repeating: "0", count: 64)
}
