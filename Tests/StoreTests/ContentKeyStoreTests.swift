import Foundation
import Showrunner
import Testing
@testable import Store

/// Wrapped content keys and the key-fetch record through the store.
@Suite struct ContentKeyStoreTests {
    static let k1 = String(repeating: "a1", count: 16)
    static let k2 = String(repeating: "b2", count: 16)

    @Test func keysRoundTripAndAreAssignedWhenTheirVersionIsRegistered() async throws {
        let store = try SQLiteStore.inMemory()
        #expect(try await !store.holdsProtectedContent())
        // Stored unassigned (as `package --encrypt --out` does).
        let a = StoredContentKey(id: Self.k1, title: nil, version: nil, firstSegment: 0, segmentCount: 2, wrapped: "v1:AAAA", createdAt: t0)
        let b = StoredContentKey(id: Self.k2, title: nil, version: nil, firstSegment: 2, segmentCount: 1, wrapped: "v1:BBBB", createdAt: t0)
        try await store.storeKeys([a, b])
        #expect(try await store.holdsProtectedContent())
        #expect(try await store.contentKey(id: Self.k1) == a)
        #expect(try await store.contentKey(id: "nope") == nil)
        #expect(try await store.contentKeys() == [a, b])
        // Idempotent with the same bytes, a conflict with others; malformed ids refused.
        try await store.storeKeys([a])
        var changed = a
        changed.wrapped = "v1:CCCC"
        #expect(await failure { try await store.storeKeys([changed]) }?.code == .conflict)
        #expect(await failure { try await store.storeKeys([StoredContentKey(id: "XYZ", title: nil, version: nil, firstSegment: 0, segmentCount: 1, wrapped: "v1:", createdAt: t0)]) }?.code == .invalid)
        // Registering the version that names them assigns them.
        try await store.apply(.addSeries(harbour))
        try await store.apply(.addTitle(episode("e1")))
        var v = version("v1", of: "e1")
        v.encryption = VersionEncryption(method: "aes-128", keyIDs: [Self.k1, Self.k2])
        try await store.apply(.addVersion(v))
        let assigned = try await store.contentKeys()
        #expect(assigned.allSatisfy { $0.title == "e1" && $0.version == "v1" })
        // A store with an encrypted version but no keys still counts as protected.
        let other = try SQLiteStore.inMemory()
        try await other.apply(.addSeries(harbour))
        try await other.apply(.addTitle(episode("e1")))
        try await other.apply(.addVersion(v))
        #expect(try await other.holdsProtectedContent())
    }

    @Test func fetchesAreRecordedAndCounted() async throws {
        let store = try SQLiteStore.inMemory()
        let s1 = String(repeating: "1", count: 32), s2 = String(repeating: "2", count: 32)
        try await store.recordKeyFetch(KeyFetch(session: s1, keyID: Self.k1, at: t0, ok: true))
        try await store.recordKeyFetch(KeyFetch(session: s1, keyID: Self.k2, at: t0.adding(seconds: 1), ok: true))
        try await store.recordKeyFetch(KeyFetch(session: s2, keyID: Self.k1, at: t0.adding(seconds: 2), ok: false, reason: .otherTitle))
        try await store.recordKeyFetch(KeyFetch(session: "", keyID: Self.k1, at: t0.adding(seconds: 3), ok: false, reason: .noSession))
        let counts = try await store.keyFetchCounts()
        #expect(counts[Self.k1] == KeyFetchCounts(ok: 1, refused: 2))
        #expect(counts[Self.k2] == KeyFetchCounts(ok: 1, refused: 0))
        let refused = try await store.refusedKeyFetches(limit: 10)
        #expect(refused.map(\.reason) == [.noSession, .otherTitle])
        #expect(try await store.refusedKeyFetches(limit: 1).count == 1)
        #expect(try await store.keyFetches(session: s1).map(\.keyID) == [Self.k1, Self.k2])
        #expect(try await store.keyFetches(session: s2) == [KeyFetch(session: s2, keyID: Self.k1, at: t0.adding(seconds: 2), ok: false, reason: .otherTitle)])
    }
}
