import Foundation
import GRDB
public import Showrunner

/// The catalog in a SQLite file (WAL): one writer at a time across every process that opens the
/// file (IMMEDIATE write transactions, 5 s busy timeout), readers never blocked. Each change is
/// one transaction that checks it with `CatalogRules` against the state read inside that same
/// transaction, writes it, and appends one hash-chained change-log row; on any error nothing is
/// written.
public final class SQLiteStore: CatalogStore {
    /// The connection(s): a `DatabasePool` for a file, a `DatabaseQueue` in memory.
    let writer: any DatabaseWriter
    /// The file path (`:memory:` for an in-memory store), as named in error messages.
    public let path: String
    /// Whether the store was opened read-only (every change fails with `.storage`).
    public let readOnly: Bool
    /// Keeps calls off closed connections (GRDB must not be used after `close`).
    private let gate = Gate()
    /// The queue of ledger writes (see `groupWrite`).
    let groupCommit = GroupCommit()
    /// The stored events' ids and devices' recent events, in memory (see `EventIndex`).
    let eventIndex = EventIndex()

    /// Opens (creating it if missing, unless `readOnly`) the catalog database at `path` and brings
    /// its schema up to date. The parent folder must exist.
    ///
    /// - Parameters:
    ///   - readOnly: open without write access; the schema must already be current.
    ///   - busyTimeout: seconds a write waits for another process's write transaction before
    ///     failing with "database is locked".
    /// - Throws: `.storage` when the file cannot be opened, is not a Showrunner database (or is
    ///   damaged), or was written by a newer Showrunner.
    public init(path: String, readOnly: Bool = false, busyTimeout: Double = 5) throws(ShowrunnerError) {
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: Self.configuration(readOnly: readOnly, busyTimeout: busyTimeout))
            try Self.prepare(pool, readOnly: readOnly, path: path)
        } catch {
            throw StorageErrors.map(error, path: path)
        }
        self.writer = pool
        self.path = path
        self.readOnly = readOnly
    }

    private init(writer: any DatabaseWriter, path: String) {
        self.writer = writer
        self.path = path
        self.readOnly = false
    }

    /// A fresh, empty, private catalog in memory (tests, dry runs).
    public static func inMemory() throws(ShowrunnerError) -> SQLiteStore {
        let path = ":memory:"
        do {
            let queue = try DatabaseQueue(configuration: configuration(readOnly: false, busyTimeout: 5))
            try prepare(queue, readOnly: false, path: path)
            return SQLiteStore(writer: queue, path: path)
        } catch {
            throw StorageErrors.map(error, path: path)
        }
    }

    /// Closes the connections (once the calls in flight have finished); later calls fail with
    /// `.storage` "database is closed".
    public func close() {
        if gate.close() { try? writer.close() }
    }

    /// Counts the calls in flight so `close` never pulls a connection from under one.
    private final class Gate: @unchecked Sendable {
        private let lock = NSLock()
        private var closed = false
        private var inFlight = 0

        /// False when closed.
        func enter() -> Bool {
            lock.withLock {
                if closed { return false }
                inFlight += 1
                return true
            }
        }

        /// True when the caller must close the connections (closed while this call ran).
        func leave() -> Bool {
            lock.withLock {
                inFlight -= 1
                return closed && inFlight == 0
            }
        }

        /// True when the connections may be closed now.
        func close() -> Bool {
            lock.withLock {
                if closed { return false }
                closed = true
                return inFlight == 0
            }
        }
    }

    func enter() throws(ShowrunnerError) {
        guard gate.enter() else { throw ShowrunnerError(.storage, "database is closed: \(path)") }
    }

    func leave() {
        if gate.leave() { try? writer.close() }
    }

    // MARK: Opening

    static func configuration(readOnly: Bool, busyTimeout: Double) -> Configuration {
        var config = Configuration()
        config.readonly = readOnly
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(max(0, busyTimeout))
        config.label = "showrunner.catalog"
        config.prepareDatabase { db in
            // FULL: a commit is on disk before it returns (WAL synced at each commit), so an
            // acknowledged event, session or catalog change survives power loss. Group commit
            // (the ledger) shares one sync among many writes.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Statement journals and temporary b-trees in memory, and a 64 MiB page cache: the
            // ingest writer re-reads index pages otherwise.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            try db.execute(sql: "PRAGMA cache_size = -65536")
        }
        return config
    }

    /// Refuses foreign and newer databases, then runs the migrations (or, read-only, checks that
    /// they all ran).
    static func prepare(_ writer: any DatabaseWriter, readOnly: Bool, path: String) throws {
        let migrator = Schema.migrator
        let known = Set(migrator.migrations)
        let (applied, otherTables) = try writer.read { db in
            let applied = try migrator.appliedIdentifiers(db)
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            return (applied, tables)
        }
        let unknown = applied.subtracting(known)
        if !unknown.isEmpty {
            throw ShowrunnerError(.storage, "the database was written by a newer Showrunner (unknown schema migrations: \(unknown.sorted().joined(separator: ", "))); upgrade Showrunner to open it: \(path)")
        }
        if applied.isEmpty && !otherTables.isEmpty {
            throw ShowrunnerError(.storage, "not a Showrunner database (it has other tables: \(otherTables.sorted().prefix(5).joined(separator: ", "))): \(path)")
        }
        if readOnly {
            guard applied.count == known.count else {
                throw ShowrunnerError(.storage, "the database's schema is not current; open it once without read-only to upgrade it: \(path)")
            }
            return
        }
        if applied.count == known.count { return }
        do {
            try migrator.migrate(writer)
        } catch {
            // Another process may have migrated it at the same moment: fine if it is current now.
            let done = (try? writer.read { db in try migrator.hasCompletedMigrations(db) }) ?? false
            if !done { throw error }
        }
    }

    // MARK: Transactions

    /// One read transaction (a consistent snapshot; sees every commit made before it began, by
    /// any process).
    func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws(ShowrunnerError) -> T {
        try enter()
        defer { leave() }
        do {
            return try await writer.read(body)
        } catch {
            throw StorageErrors.map(error, path: path)
        }
    }

    /// One `BEGIN IMMEDIATE` write transaction: takes the database's write lock up front (waiting
    /// up to the busy timeout), so checks and writes see the same state; rolled back on any error.
    func write<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws(ShowrunnerError) -> T {
        try enter()
        defer { leave() }
        do {
            return try await writer.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    CrashPoint.hit("store.before-commit")
                    return .commit
                }
                CrashPoint.hit("store.after-commit")
                guard let result else { throw ShowrunnerError(.storage, "the write transaction returned nothing") }
                return result
            }
        } catch {
            throw StorageErrors.map(error, path: path)
        }
    }

    // MARK: Reads

    public func brands() async throws(ShowrunnerError) -> [Brand] {
        try await read { db in try Queries.brands(db) }
    }

    public func series() async throws(ShowrunnerError) -> [Series] {
        try await read { db in try Queries.series(db) }
    }

    public func seasons(series: String) async throws(ShowrunnerError) -> [Season] {
        try await read { db in try Queries.seasons(db, series: series) }
    }

    public func titles() async throws(ShowrunnerError) -> [Title] {
        try await read { db in try Queries.titles(db) }
    }

    public func versions(title: String) async throws(ShowrunnerError) -> [TitleVersion] {
        try await read { db in try Queries.versions(db, title: title) }
    }

    public func channels() async throws(ShowrunnerError) -> [Channel] {
        try await read { db in try Queries.channels(db) }
    }

    public func windows(title: String?, channel: String?) async throws(ShowrunnerError) -> [RightsWindow] {
        try await read { db in try Queries.windows(db, title: title, channel: channel) }
    }

    public func publications(title: String?, channel: String?) async throws(ShowrunnerError) -> [Publication] {
        try await read { db in try Queries.publications(db, title: title, channel: channel) }
    }

    public func changes(after: Int64, limit: Int) async throws(ShowrunnerError) -> [ChangeLogEntry] {
        guard limit > 0 else { return [] }
        return try await read { db in try Queries.changes(db, after: after, limit: limit) }
    }

    public func tokens() async throws(ShowrunnerError) -> [APIToken] {
        try await read { db in try Queries.tokens(db) }
    }

    public func token(hash: String) async throws(ShowrunnerError) -> APIToken? {
        try await read { db in try Queries.liveToken(db, hash: hash) }
    }

    public func snapshot() async throws(ShowrunnerError) -> CatalogSnapshot {
        try await read { db in
            var snapshot = CatalogSnapshot(revision: try Queries.revision(db))
            for c in try Queries.channels(db) { snapshot.channels[c.id] = c }
            for t in try Queries.titles(db) { snapshot.titles[t.id] = t }
            for s in try Queries.series(db) { snapshot.series[s.id] = s }
            for b in try Queries.brands(db) { snapshot.brands[b.id] = b }
            for v in try Queries.allVersions(db) { snapshot.versions[v.title, default: [:]][v.id] = v }
            for p in try Queries.latestPublications(db) {
                if let version = p.version { snapshot.live[CatalogSnapshot.pair(p.title, p.channel)] = version }
            }
            for w in try Queries.windows(db, title: nil, channel: nil) {
                snapshot.windows[CatalogSnapshot.pair(w.title, w.channel), default: []].append(w)
            }
            for p in try Queries.policies(db) { snapshot.policies[p.channel] = p }
            for b in try Queries.allTitleBreaks(db) { snapshot.breaks[b.title] = b }
            for c in try Queries.campaigns(db) { snapshot.campaigns[c.id] = c }
            for c in try Queries.creatives(db) { snapshot.creatives[c.id] = c }
            for r in try Queries.allBootRules(db) { snapshot.bootRules[r.channel] = r }
            for c in try Queries.bootCreatives(db, channel: nil) { snapshot.bootCreatives[c.channel, default: []].append(c) }
            return snapshot
        }
    }

    /// The newest change-log seq. Every committed change appends a row, and each read is a new
    /// transaction on the file, so a commit by another process shows up on the next call.
    public func revision() async throws(ShowrunnerError) -> Int64 {
        try await read { db in try Queries.revision(db) }
    }

    // MARK: Changes

    public func apply(_ change: CatalogChange, actor: String, at: Timestamp) async throws(ShowrunnerError) -> ChangeOutcome {
        try FieldChecks.check(change, actor: actor)
        return try await write { db in
            try ChangeWriter(db: db, actor: actor, at: at).run(change)
        }
    }

    // MARK: Checks

    /// `PRAGMA integrity_check` (["ok"] when fine), followed by any foreign-key violations.
    public func integrityCheck() async throws(ShowrunnerError) -> [String] {
        try await read { db in
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            let violations = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").map { row in
                let table: String = (try? row.decode(String.self, atIndex: 0)) ?? "?"
                let rowid: Int64? = try? row.decode(Int64?.self, atIndex: 1)
                let parent: String = (try? row.decode(String.self, atIndex: 2)) ?? "?"
                return "foreign key violation: \(table) row \(rowid.map(String.init) ?? "?") refers to a missing \(parent)"
            }
            if violations.isEmpty { return integrity }
            return (integrity == ["ok"] ? [] : integrity) + violations
        }
    }

    /// Recomputes the change log's hash chain: one line per edited, unlinked or missing entry;
    /// empty when intact.
    public func verifyChangeLog() async throws(ShowrunnerError) -> [String] {
        try await read { db in
            var problems: [String] = []
            func missing(_ range: ClosedRange<Int64>) {
                if range.count <= 20 {
                    for seq in range { problems.append("seq \(seq): missing (deleted)") }
                } else {
                    problems.append("seq \(range.lowerBound)...\(range.upperBound): missing (\(range.count) entries deleted)")
                }
            }
            var previous: (seq: Int64, hash: String) = (0, ChangeLogEntry.genesis)
            let rows = try Row.fetchCursor(db, sql: "SELECT * FROM change_log ORDER BY seq")
            while let row = try rows.next() {
                let entry: ChangeLogEntry
                do {
                    entry = try Queries.entry(row)
                } catch {
                    let seq = (try? row.decode(Int64.self, forColumn: "seq")).map(String.init) ?? "?"
                    problems.append("seq \(seq): unreadable entry (\(error))")
                    continue
                }
                if entry.seq > previous.seq + 1 {
                    missing((previous.seq + 1)...(entry.seq - 1))
                } else if entry.prevHash != previous.hash {
                    let link = previous.seq == 0 ? "the genesis hash" : "the hash of seq \(previous.seq)"
                    problems.append("seq \(entry.seq): prev_hash does not match \(link) (an entry was edited or replaced)")
                }
                let hash = ChangeLogEntry.chainHash(prevHash: entry.prevHash, seq: entry.seq, at: entry.at, actor: entry.actor,
                                                    action: entry.action, entity: entry.entity, entityID: entry.entityID,
                                                    before: entry.before, after: entry.after)
                if hash != entry.hash {
                    problems.append("seq \(entry.seq): hash does not match the entry's contents (edited)")
                }
                previous = (entry.seq, entry.hash)
            }
            let counter = try Queries.changeLogCounter(db)
            if counter > previous.seq { missing((previous.seq + 1)...counter) }
            return problems
        }
    }
}
