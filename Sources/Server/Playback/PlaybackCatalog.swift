import Logging
import MediaCore
import ServiceLifecycle
public import Showrunner
import Synchronization

/// What players see: the catalog snapshot held in memory and swapped whole when the store's
/// revision moves (a publish from the CLI or the admin API, in any process), so play requests
/// never touch the database and a republish switches new sessions atomically.
public final class PlaybackCatalog: Sendable {
    let store: any CatalogStore
    /// Held by reference: a request takes one retain, not a copy of every dictionary.
    private let current: Mutex<Box>

    /// An immutable snapshot, shared.
    public final class Box: Sendable {
        public let value: CatalogSnapshot
        init(_ value: CatalogSnapshot) { self.value = value }
    }

    public init(store: any CatalogStore) {
        self.store = store
        self.current = Mutex(Box(CatalogSnapshot(revision: -1)))
    }

    /// The snapshot in effect now (read it through `.value`).
    public var snapshot: Box { current.withLock { $0 } }

    /// Reloads the snapshot if the store's revision moved (or `force`). Returns whether it did.
    @discardableResult
    public func refresh(force: Bool = false) async throws(ShowrunnerError) -> Bool {
        let revision = try await store.revision()
        if !force, revision == snapshot.value.revision { return false }
        let fresh = try await store.snapshot()
        current.withLock { s in
            if fresh.revision >= s.value.revision || force { s = Box(fresh) }
        }
        return true
    }
}

/// Keeps a `PlaybackCatalog` fresh: polls the store's revision (cheap) every `interval`, for as
/// long as the server runs.
struct CatalogRefresher: Service {
    let catalog: PlaybackCatalog
    let interval: Duration
    let logger: Logger
    /// Called with each new snapshot (after a change seen in the store).
    var onChange: @Sendable (CatalogSnapshot) -> Void = { _ in }

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                if try await catalog.refresh() { onChange(catalog.snapshot.value) }
            } catch {
                logger.warning("catalog refresh failed: \(error)")
            }
            try? await Task.sleep(for: interval)
        }
    }
}
