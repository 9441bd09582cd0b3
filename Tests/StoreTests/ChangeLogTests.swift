import Foundation
import GRDB
import Showrunner
import Testing
@testable import Store

@Suite struct ChangeLogTests {
    /// Nine changes: seq 1...9.
    func populated() async throws -> SQLiteStore {
        let store = try SQLiteStore.inMemory()
        try await seed(store)  // 7 changes
        try await store.apply(.publish(title: "e1", channel: "tv-2026", version: nil, from: nil, until: nil))
        try await store.apply(.createToken(name: "ci", role: .viewer, hash: SHA256.hex("sr_secret")))
        return store
    }

    @Test func entriesAreChained() async throws {
        let store = try await populated()
        let entries = try await store.changes(after: 0, limit: 100)
        #expect(entries.map(\.seq) == Array(1...9))
        #expect(entries.allSatisfy { $0.actor == editor && $0.at == t0 })
        #expect(entries.first?.prevHash == ChangeLogEntry.genesis)
        for (a, b) in zip(entries, entries.dropFirst()) { #expect(b.prevHash == a.hash) }
        for e in entries {
            #expect(e.hash == ChangeLogEntry.chainHash(prevHash: e.prevHash, seq: e.seq, at: e.at, actor: e.actor, action: e.action,
                                                       entity: e.entity, entityID: e.entityID, before: e.before, after: e.after))
        }
        #expect(try await store.changes(after: 2, limit: 2).map(\.seq) == [3, 4])
        #expect(try await store.changes(after: 9, limit: 10).isEmpty)
        #expect(try await store.changes(after: 0, limit: 0).isEmpty)
        #expect(try await store.verifyChangeLog() == [])
        #expect(try await store.revision() == 9)
    }

    @Test func actionsOfEveryChange() async throws {
        let store = try await populated()
        try await store.apply(.putBrand(motorCo))
        try await store.apply(.putChannel(Channel(id: "web", name: "Web", endpoint: .web)))
        try await store.apply(.addSeason(Season(series: "harbour", number: 2)))
        let w = try await store.apply(.addWindow(RightsWindow(title: "e1", channel: "phone", from: t0)))
        try await store.apply(.deleteWindow(id: try #require(Int64(w.id))))
        try await store.apply(.publish(title: "e1", channel: "tv-2026", version: "v1", from: nil, until: nil))
        try await store.apply(.rollback(title: "e1", channel: "tv-2026"))
        try await store.apply(.unpublish(title: "e1", channel: "tv-2026"))
        try await store.apply(.revokeToken(name: "ci"))
        try await store.apply(.deleteBrand(id: "motor-co"))
        let actions = try await store.changes(after: 0, limit: 100).map(\.action)
        #expect(actions == ["brand.add", "series.add", "title.add", "version.add", "version.add", "channel.add", "channel.add",
                            "publish", "token.create", "brand.put", "channel.put", "season.add", "window.add", "window.delete",
                            "publish", "rollback", "unpublish", "token.revoke", "brand.delete"])
        #expect(try await store.verifyChangeLog() == [])
    }

    @Test func editedEntryIsDetected() async throws {
        let store = try await populated()
        try await store.tamper("UPDATE change_log SET after = replace(after, 'Brew Co', 'Evil Co') WHERE seq = 1")
        let problems = try await store.verifyChangeLog()
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("seq 1:") == true)

        // Re-hashing the edited row moves the break to the next row.
        let e = try #require(try await store.changes(after: 0, limit: 1).first)
        let rehashed = ChangeLogEntry.chainHash(prevHash: e.prevHash, seq: e.seq, at: e.at, actor: e.actor, action: e.action,
                                                entity: e.entity, entityID: e.entityID, before: e.before, after: e.after)
        try await store.tamper("UPDATE change_log SET hash = '\(rehashed)' WHERE seq = 1")
        let moved = try await store.verifyChangeLog()
        #expect(moved.count == 1 && moved.first?.hasPrefix("seq 2:") == true)
    }

    @Test func deletedEntriesAreDetected() async throws {
        let store = try await populated()
        try await store.tamper("DELETE FROM change_log WHERE seq = 3")
        #expect(try await store.verifyChangeLog() == ["seq 3: missing (deleted)"])

        try await store.tamper("DELETE FROM change_log WHERE seq >= 8")
        #expect(try await store.verifyChangeLog() == ["seq 3: missing (deleted)", "seq 8: missing (deleted)", "seq 9: missing (deleted)"])
        // The next entry continues after the highest seq ever used, so the gap stays visible.
        let next = try await store.apply(.addBrand(motorCo))
        #expect(next.entry?.seq == 10)
        #expect(try await store.verifyChangeLog().count == 3)
    }

    @Test func logIsAppendOnlyForOrdinarySQL() async throws {
        let store = try await populated()
        await #expect(throws: (any Error).self) {
            try await store.writer.write { db in try db.execute(sql: "UPDATE change_log SET actor = 'x' WHERE seq = 1") }
        }
        await #expect(throws: (any Error).self) {
            try await store.writer.write { db in try db.execute(sql: "DELETE FROM publication") }
        }
        #expect(try await store.verifyChangeLog() == [])
    }

    @Test func failedChangeWritesNothing() async throws {
        let store = try await populated()
        // Make the change-log insert fail after the entity row was written: all of it must roll back.
        try await store.writer.write { db in
            try db.execute(sql: "CREATE TRIGGER boom BEFORE INSERT ON change_log BEGIN SELECT RAISE(ABORT, 'boom'); END")
        }
        let e = await failure { try await store.apply(.addBrand(motorCo)) }
        #expect(e != nil && e?.message.contains("boom") == true)
        #expect(try await store.brands() == [brewCo])
        let p = await failure { try await store.apply(.publish(title: "e1", channel: "phone", version: nil, from: nil, until: nil)) }
        #expect(p != nil)
        #expect(try await store.windows(title: "e1", channel: "phone").isEmpty)
        #expect(try await store.publications(title: "e1", channel: "phone").isEmpty)
        #expect(try await store.revision() == 9)
    }
}
