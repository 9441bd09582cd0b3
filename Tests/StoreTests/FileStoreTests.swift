import Foundation
import GRDB
import Showrunner
import Testing
@testable import Store

@Suite struct FileStoreTests {
    @Test func opensWALWithTheSettings() async throws {
        try await withFileStore { store, path in
            let (journal, foreignKeys, synchronous) = try await store.writer.write { db in
                (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA foreign_keys"),
                 try Int.fetchOne(db, sql: "PRAGMA synchronous"))
            }
            #expect(journal == "wal" && foreignKeys == 1 && synchronous == 1)
            try await seed(store)
            #expect(try await store.integrityCheck() == ["ok"])
            // Reopening keeps everything and runs no migration twice.
            let again = try SQLiteStore(path: path)
            defer { again.close() }
            #expect(try await again.titles() == [episode("e1")])
            #expect(try await again.verifyChangeLog() == [])
        }
    }

    @Test func revisionSeesOtherConnectionsCommits() async throws {
        try await withFileStore { a, path in
            let b = try SQLiteStore(path: path)
            defer { b.close() }
            #expect(try await b.revision() == 0)
            #expect(try await b.snapshot().brands.isEmpty)
            try await a.apply(.addBrand(brewCo))
            #expect(try await b.revision() == 1)
            #expect(try await b.snapshot().brands == ["brew-co": brewCo])
            try await b.apply(.addBrand(motorCo))
            #expect(try await a.revision() == 2)
            #expect(try await a.brands().count == 2)
            #expect(try await a.verifyChangeLog() == [])
        }
    }

    @Test func concurrentPublishesSerialize() async throws {
        try await withFileStore { a, path in
            let b = try SQLiteStore(path: path)
            defer { b.close() }
            try await seed(a, versions: 3)
            let start = try await a.revision()
            let stores = [a, b]
            let results = await withTaskGroup(of: Result<ChangeOutcome, ShowrunnerError>.self) { group in
                for i in 0..<24 {
                    group.addTask {
                        do throws(ShowrunnerError) {
                            let change = CatalogChange.publish(title: "e1", channel: "tv-2026", version: "v\(i % 3 + 1)", from: nil, until: nil)
                            return .success(try await stores[i % 2].apply(change, actor: "task-\(i)", at: t0.adding(milliseconds: Int64(i))))
                        } catch {
                            return .failure(error)
                        }
                    }
                }
                var all: [Result<ChangeOutcome, ShowrunnerError>] = []
                for await r in group { all.append(r) }
                return all
            }
            let outcomes = results.compactMap { try? $0.get() }
            #expect(outcomes.count == 24, "errors: \(results.compactMap { if case .failure(let e) = $0 { e } else { nil } })")
            let changed = outcomes.filter(\.changed).count
            let live = try #require(try await b.snapshot().live[CatalogSnapshot.pair("e1", "tv-2026")])
            #expect(["v1", "v2", "v3"].contains(live))
            #expect(try await a.publications(title: "e1", channel: "tv-2026").count == changed)
            #expect(try await a.publications(title: "e1", channel: "tv-2026").last?.version == live)
            #expect(try await a.revision() == start + Int64(changed))
            #expect(try await a.windows(title: "e1", channel: "tv-2026").count == 1)
            #expect(try await b.verifyChangeLog() == [])
            #expect(try await a.integrityCheck() == ["ok"])
        }
    }

    @Test func readOnlyStoreRefusesWrites() async throws {
        try await withTempDir { dir in
            let path = dir.appendingPathComponent("catalog.sqlite").path
            let writable = try SQLiteStore(path: path)
            try await writable.apply(.addBrand(brewCo))
            writable.close()

            let store = try SQLiteStore(path: path, readOnly: true)
            defer { store.close() }
            #expect(store.readOnly)
            #expect(try await store.brands() == [brewCo])
            let e = await failure { try await store.apply(.addBrand(motorCo)) }
            #expect(e == ShowrunnerError(.storage, "database is read-only: \(path)"))
            #expect(try await store.brands() == [brewCo])
            #expect(try await store.revision() == 1)

            let missing = dir.appendingPathComponent("none.sqlite").path
            let notThere = await failure { _ = try SQLiteStore(path: missing, readOnly: true) }
            #expect(notThere?.code == .storage && notThere?.message.contains(missing) == true)
        }
    }

    @Test func lockedDatabaseFailsCleanly() async throws {
        try await withTempDir { dir in
            let path = dir.appendingPathComponent("catalog.sqlite").path
            let store = try SQLiteStore(path: path, busyTimeout: 0.2)
            defer { store.close() }
            let locker = try Self.locker(path)
            try await locker.writeWithoutTransaction { db in try db.execute(sql: "BEGIN IMMEDIATE") }

            let e = await failure { try await store.apply(.addBrand(brewCo)) }
            #expect(e == ShowrunnerError(.storage, "database is locked (another process is writing): \(path)"))
            #expect(try await store.brands().isEmpty)  // readers are not blocked
            try await locker.writeWithoutTransaction { db in try db.execute(sql: "ROLLBACK") }
            #expect(try await store.revision() == 0)

            // A writer that finishes within the busy timeout is waited for.
            let patient = try SQLiteStore(path: path)
            defer { patient.close() }
            try await locker.writeWithoutTransaction { db in try db.execute(sql: "BEGIN IMMEDIATE") }
            let release = Task {
                try await Task.sleep(for: .milliseconds(150))
                try await locker.writeWithoutTransaction { db in try db.execute(sql: "COMMIT") }
            }
            #expect(try await patient.apply(.addBrand(brewCo)).changed)
            try await release.value
            #expect(try await store.revision() == 1)
            try locker.close()
        }
    }

    /// A second, raw connection that may keep a transaction open between calls.
    static func locker(_ path: String) throws -> DatabaseQueue {
        var config = Configuration()
        config.allowsUnsafeTransactions = true
        return try DatabaseQueue(path: path, configuration: config)
    }

    @Test func refusesFilesThatAreNotItsDatabase() async throws {
        try await withTempDir { dir in
            let junk = dir.appendingPathComponent("junk.sqlite").path
            try Data(String(repeating: "not a database at all. ", count: 200).utf8).write(to: URL(fileURLWithPath: junk))
            let e = await failure { _ = try SQLiteStore(path: junk) }
            #expect(e == ShowrunnerError(.storage, "not a Showrunner database or damaged: \(junk)"))
            #expect(await failure { _ = try SQLiteStore(path: junk, readOnly: true) }?.code == .storage)

            let foreign = dir.appendingPathComponent("foreign.sqlite").path
            let other = try DatabaseQueue(path: foreign)
            try await other.write { db in try db.execute(sql: "CREATE TABLE invoices (id INTEGER PRIMARY KEY)") }
            try other.close()
            let f = await failure { _ = try SQLiteStore(path: foreign) }
            #expect(f?.code == .storage && f?.message.contains("not a Showrunner database") == true && f?.message.contains(foreign) == true)

            let nowhere = dir.appendingPathComponent("no-such-folder/catalog.sqlite").path
            let n = await failure { _ = try SQLiteStore(path: nowhere) }
            #expect(n?.code == .storage && n?.message.contains("cannot open") == true && n?.message.hasSuffix(nowhere) == true)
        }
    }

    @Test func refusesADatabaseFromANewerVersion() async throws {
        try await withTempDir { dir in
            let path = dir.appendingPathComponent("catalog.sqlite").path
            try SQLiteStore(path: path).close()
            let raw = try DatabaseQueue(path: path)
            try await raw.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9-from-the-future')") }
            try raw.close()
            let e = await failure { _ = try SQLiteStore(path: path) }
            #expect(e?.code == .storage && e?.message.contains("newer Showrunner") == true && e?.message.contains("v9-from-the-future") == true)
        }
    }

    @Test func writesUseImmediateTransactions() async throws {
        final class Statements: @unchecked Sendable {
            let lock = NSLock()
            var sql: [String] = []
            func add(_ s: String) { lock.withLock { sql.append(s) } }
        }
        try await withFileStore { store, _ in
            let seen = Statements()
            try await store.writer.writeWithoutTransaction { db in
                db.trace { event in seen.add(event.expandedDescription) }
            }
            try await store.apply(.addBrand(brewCo))
            let statements = seen.lock.withLock { seen.sql }
            #expect(statements.first == "BEGIN IMMEDIATE TRANSACTION")
            #expect(statements.last == "COMMIT TRANSACTION")
        }
    }

    @Test func closedStoreFails() async throws {
        let store = try SQLiteStore.inMemory()
        store.close()
        let e = await failure { _ = try await store.brands() }
        #expect(e?.code == .storage)
    }
}
