import GRDB
public import Showrunner

/// Wrapped content keys and the key-fetch record.
extension SQLiteStore: KeyStore {
    public func storeKeys(_ keys: [StoredContentKey]) async throws(ShowrunnerError) {
        for k in keys where !ContentKeyID.isWellFormed(k.id) {
            throw ShowrunnerError.invalid("id", "'\(k.id.prefix(40))' is not a key id (32 lowercase hex digits)")
        }
        guard !keys.isEmpty else { return }
        _ = try await write { db in
            for k in keys {
                if let existing = try String.fetchOne(db, sql: "SELECT wrapped FROM content_key WHERE id = ?", arguments: [k.id]) {
                    guard existing == k.wrapped else {
                        throw ShowrunnerError(.conflict, "content key \(k.id) is already stored with other bytes", field: "id")
                    }
                    continue
                }
                try db.execute(sql: """
                    INSERT INTO content_key (id, title, version, first_segment, segment_count, wrapped, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [k.id, k.title, k.version, k.firstSegment, k.segmentCount, k.wrapped, k.createdAt.milliseconds])
            }
            return keys.count
        }
    }

    public func contentKey(id: String) async throws(ShowrunnerError) -> StoredContentKey? {
        guard ContentKeyID.isWellFormed(id) else { return nil }
        return try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM content_key WHERE id = ?", arguments: [id]).map(Self.contentKey)
        }
    }

    public func contentKeys() async throws(ShowrunnerError) -> [StoredContentKey] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM content_key ORDER BY created_at, title, version, first_segment, id").map(Self.contentKey)
        }
    }

    public func holdsProtectedContent() async throws(ShowrunnerError) -> Bool {
        try await read { db in
            try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM content_key) OR EXISTS (SELECT 1 FROM title_version WHERE encryption IS NOT NULL)
                """) ?? false
        }
    }

    public func recordKeyFetch(_ f: KeyFetch) async throws(ShowrunnerError) {
        _ = try await groupWrite { db in
            try db.execute(sql: "INSERT INTO key_fetch (session, key_id, at, ok, reason) VALUES (?, ?, ?, ?, ?)",
                           arguments: [f.session, f.keyID, f.at.milliseconds, f.ok ? 1 : 0, f.reason?.rawValue])
            return 1
        }
    }

    public func keyFetchCounts() async throws(ShowrunnerError) -> [String: KeyFetchCounts] {
        try await read { db in
            var out: [String: KeyFetchCounts] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key_id, ok, COUNT(*) FROM key_fetch GROUP BY key_id, ok") {
                let id: String = row[0], ok: Int = row[1], n: Int = row[2]
                if ok != 0 { out[id, default: KeyFetchCounts()].ok += n } else { out[id, default: KeyFetchCounts()].refused += n }
            }
            return out
        }
    }

    public func refusedKeyFetches(limit: Int) async throws(ShowrunnerError) -> [KeyFetch] {
        guard limit > 0 else { return [] }
        return try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM key_fetch WHERE ok = 0 ORDER BY at DESC, rowid DESC LIMIT ?", arguments: [limit])
                .map(Self.keyFetch)
        }
    }

    public func keyFetches(session: String) async throws(ShowrunnerError) -> [KeyFetch] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM key_fetch WHERE session = ? ORDER BY at, rowid", arguments: [session]).map(Self.keyFetch)
        }
    }

    /// Revokes a session, in the change log (`session.revoke`, who and when) in the same
    /// transaction. Revoking it again changes nothing and logs nothing.
    public func revokeSession(_ id: String, at: Timestamp, actor: String) async throws(ShowrunnerError) -> Bool {
        try await write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO session_revoked (session, at, actor) VALUES (?, ?, ?)",
                           arguments: [id, at.milliseconds, actor])
            guard db.changesCount > 0 else { return false }
            struct Revoked: Encodable {
                var session: String
                var revokedAt: Int64
                enum CodingKeys: String, CodingKey { case session, revokedAt = "revoked_at" }
            }
            _ = try ChangeWriter(db: db, actor: actor, at: at).logged(
                id, action: "session.revoke", entity: "session", entityID: id, before: nil,
                after: try JSONText.encode(Revoked(session: id, revokedAt: at.milliseconds)))
            return true
        }
    }

    public func revokedSessions() async throws(ShowrunnerError) -> Set<String> {
        try await read { db in Set(try String.fetchAll(db, sql: "SELECT session FROM session_revoked")) }
    }

    static func contentKey(_ row: Row) throws -> StoredContentKey {
        StoredContentKey(id: try row.text("id"), title: try row.optionalText("title"), version: try row.optionalText("version"),
                         firstSegment: Int(try row.int("first_segment")), segmentCount: Int(try row.int("segment_count")),
                         wrapped: try row.text("wrapped"), createdAt: try row.timestamp("created_at"))
    }

    static func keyFetch(_ row: Row) throws -> KeyFetch {
        KeyFetch(session: try row.text("session"), keyID: try row.text("key_id"), at: try row.timestamp("at"),
                 ok: try row.int("ok") != 0, reason: try row.optionalText("reason").flatMap(KeyRefusal.init(rawValue:)))
    }
}

/// Key ids: 32 lowercase hex digits.
enum ContentKeyID {
    static func isWellFormed(_ id: some StringProtocol) -> Bool {
        id.utf8.count == 32 && id.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }
}
