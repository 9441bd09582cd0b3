/// Content keys at rest and the record of every key fetch (implemented by the store). The store
/// only ever sees keys wrapped by the server's master key (`KeyVault`); it cannot read them.

/// A content key as stored: wrapped (AES-GCM under the master key, the key id as associated
/// data), never in the clear.
public struct StoredContentKey: Sendable, Hashable, Codable {
    /// 32 lowercase hex digits, as in `/v1/keys/<id>`.
    public var id: String
    /// The title and version whose segments it encrypts; nil for a package made with `--out`
    /// until a version that names the key is registered.
    public var title: String?
    public var version: String?
    /// The first segment (0-based, on the package's segment grid) under this key, and how many.
    public var firstSegment: Int
    public var segmentCount: Int
    /// `KeyVault`'s wrapped form (`v1:<base64 nonce|ciphertext|tag>`).
    public var wrapped: String
    public var createdAt: Timestamp

    public init(id: String, title: String?, version: String?, firstSegment: Int, segmentCount: Int, wrapped: String, createdAt: Timestamp) {
        self.id = id
        self.title = title
        self.version = version
        self.firstSegment = firstSegment
        self.segmentCount = segmentCount
        self.wrapped = wrapped
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, title, version, wrapped
        case firstSegment = "first_segment", segmentCount = "segment_count", createdAt = "created_at"
    }
}

/// Why a key fetch was refused.
public enum KeyRefusal: String, Sendable, Hashable, Codable, CaseIterable {
    /// No stored key has that id (or the id is malformed).
    case unknownKey = "unknown_key"
    /// No `session` parameter, or no such session.
    case noSession = "no_session"
    /// The session's time is over.
    case expiredSession = "expired_session"
    /// The key belongs to a title (or version) the session did not open: flagged.
    case otherTitle = "other_title"
    /// The channel's rights window does not cover the title now.
    case rights
    /// The session was revoked by an operator.
    case revoked
    /// On a channel with signed URLs: no valid token (missing, tampered, another path or session,
    /// unknown kid).
    case badToken = "bad_token"
}

/// One `GET /v1/keys/{id}`: who asked, when, and whether the key was handed out.
public struct KeyFetch: Sendable, Hashable, Codable {
    /// The session named by the request ("" when none was given).
    public var session: String
    public var keyID: String
    public var at: Timestamp
    public var ok: Bool
    /// Why it was refused (nil when ok).
    public var reason: KeyRefusal?

    public init(session: String, keyID: String, at: Timestamp, ok: Bool, reason: KeyRefusal? = nil) {
        self.session = session
        self.keyID = keyID
        self.at = at
        self.ok = ok
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case session, at, ok, reason
        case keyID = "key_id"
    }
}

/// Fetches of one key: handed out and refused.
public struct KeyFetchCounts: Sendable, Hashable, Codable {
    public var ok: Int
    public var refused: Int

    public init(ok: Int = 0, refused: Int = 0) {
        self.ok = ok
        self.refused = refused
    }
}

public protocol KeyStore: Sendable {
    /// Stores wrapped keys (an id already stored with the same wrapped bytes is a no-op; with
    /// other bytes, a conflict).
    func storeKeys(_ keys: [StoredContentKey]) async throws(ShowrunnerError)
    /// The key with this id, or nil.
    func contentKey(id: String) async throws(ShowrunnerError) -> StoredContentKey?
    /// Every stored key, oldest first.
    func contentKeys() async throws(ShowrunnerError) -> [StoredContentKey]
    /// Whether the store holds any content key or any encrypted version (the server then needs
    /// the master key to start).
    func holdsProtectedContent() async throws(ShowrunnerError) -> Bool
    /// Appends one fetch to the record.
    func recordKeyFetch(_ fetch: KeyFetch) async throws(ShowrunnerError)
    /// Fetch counts by key id.
    func keyFetchCounts() async throws(ShowrunnerError) -> [String: KeyFetchCounts]
    /// The newest refused fetches, newest first, at most `limit`.
    func refusedKeyFetches(limit: Int) async throws(ShowrunnerError) -> [KeyFetch]
    /// Fetches made under one session, oldest first.
    func keyFetches(session: String) async throws(ShowrunnerError) -> [KeyFetch]
    /// Marks a session revoked (its signed URLs and key fetches are refused from then on).
    /// Returns false when it already was.
    func revokeSession(_ id: String, at: Timestamp, actor: String) async throws(ShowrunnerError) -> Bool
    /// Every revoked session id.
    func revokedSessions() async throws(ShowrunnerError) -> Set<String>
}
