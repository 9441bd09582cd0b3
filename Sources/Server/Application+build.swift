public import Hummingbird
public import Logging
import NIOCore
public import Showrunner
import Store

/// How `showrunner serve` listens and where its media is.
public struct ServerConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port (reported through `onRunning`).
    public var port: Int
    /// The media root: package folders, served under `/media/`.
    public var mediaRoot: String
    /// How often the catalog snapshot checks the store for changes made elsewhere.
    public var refreshInterval: Duration
    /// How long a client may take to send an event batch's body before a 408.
    public var bodyTimeout: Duration
    /// The Ed25519 key file that signs boot prefetch lists (made on first use); nil: prefetch off.
    public var bootKeyFile: String?
    /// The master key that unwraps content keys; nil: the server refuses to start if the store
    /// holds any content key or encrypted version (it never serves keys it cannot protect).
    public var masterKey: MasterKey?
    /// The URL-signing secrets file (`<db>.url-secrets`, made on first use); nil: no URL is
    /// signed or checked, whatever the channels say.
    public var urlSecretsFile: String?
    /// How often the secrets file is checked for a change (a rotation by the CLI).
    public var urlSecretsCheckInterval: Duration

    public init(host: String = "127.0.0.1", port: Int = 8080, mediaRoot: String = "Playlists",
                refreshInterval: Duration = .milliseconds(250), bodyTimeout: Duration = .seconds(10)) {
        self.host = host
        self.port = port
        self.mediaRoot = mediaRoot
        self.refreshInterval = refreshInterval
        self.bodyTimeout = bodyTimeout
        self.bootKeyFile = nil
        self.masterKey = nil
        self.urlSecretsFile = nil
        self.urlSecretsCheckInterval = .seconds(1)
    }
}

/// Assembles the HTTP server: player routes (channel titles, play, media files), the admin API,
/// health and metrics, with JSON errors and request metrics on every route.
///
/// - Parameters:
///   - onRunning: called with the bound port once the server listens.
public func buildApplication(
    configuration: ServerConfiguration,
    store: any CatalogStore,
    clock: any WallClock,
    logger: Logger,
    onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    let catalog = PlaybackCatalog(store: store)
    try await catalog.refresh(force: true)
    let vault = try await checkKeys(configuration: configuration, store: store, snapshot: catalog.snapshot.value)
    let service = CatalogService(store: store, clock: clock)
    let library = MediaLibrary(root: configuration.mediaRoot)
    let metrics = ServerMetrics()

    let router = Router(context: ServerContext.self)
    router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
    // Web players on other origins may read everything, errors included (no cookies are used).
    router.add(middleware: CORSMiddleware(
        allowOrigin: .all, allowHeaders: [.authorization, .contentType, .range, .ifNoneMatch],
        allowMethods: [.get, .head, .post, .put, .delete, .options],
        exposedHeaders: ["Content-Length", "Content-Range", "ETag", "Accept-Ranges"]))
    router.add(middleware: APIErrorMiddleware())
    let signer = try configuration.urlSecretsFile.map { path throws(ShowrunnerError) in
        try URLSigner(path: path, now: clock.now(), checkInterval: configuration.urlSecretsCheckInterval)
    }
    let revoked = RevokedSessions()
    let protectedVersions = ProtectedVersions()
    if let keys = store as? any KeyStore { try await revoked.load(from: keys) }
    if let signer {
        // Files of versions live on a channel with signed URLs need a token.
        router.add(middleware: SignedMediaMiddleware(catalog: catalog, signer: signer, revoked: revoked, clock: clock,
                                                     protected: protectedVersions))
    }
    OpsRoutes(catalog: catalog, metrics: metrics).register(on: router)
    let files = MediaFileServer(root: library.root, logger: logger)
    var sessions: AdSessions? = nil
    if let ledger = store as? any AdLedger {
        let s = AdSessions(catalog: catalog, ledger: ledger, clock: clock, mediaRoot: library.root, logger: logger,
                           offers: ExternalOffers(logger: logger), signer: signer, revoked: revoked,
                           protectedVersions: protectedVersions)
        try await s.loadCounters()
        // The event ids of the idempotency window, before the first batch rather than during it.
        let started = ContinuousClock.now
        let ids = try await ledger.prepareEventIngest(now: clock.now())
        logger.info("event ingest: \(ids) event ids of the last 7 days loaded in \(ContinuousClock.now - started)")
        if let keys = store as? any KeyStore {
            SessionRevokeRoutes(keys: keys, sessions: s, service: service).register(on: router)
        }
        SessionRoutes(sessions: s, files: files, logger: logger).register(on: router)
        VASTRoutes(sessions: s, catalog: catalog).register(on: router)
        let bootHistory = BootHistory(ledger: ledger)
        BootRoutes(catalog: catalog, ledger: ledger, clock: clock,
                   signer: try configuration.bootKeyFile.map { path throws(ShowrunnerError) in try BootSigner.loadOrCreate(path: path) },
                   history: bootHistory)
            .register(on: router)
        EventRoutes(ledger: ledger, catalog: catalog, clock: clock, sessions: s, bootHistory: bootHistory, logger: logger,
                    bodyTimeout: configuration.bodyTimeout).register(on: router)
        if let keys = store as? any KeyStore, let vault {
            KeyRoutes(keys: keys, vault: vault, sessions: s, catalog: catalog, clock: clock, logger: logger).register(on: router)
        }
        sessions = s
    }
    PlayRoutes(catalog: catalog, masters: MasterPlaylists(mediaRoot: library.root), sessions: sessions, clock: clock).register(on: router)
    // Package files; segments inside a registered version folder never change (immutable).
    router.addMediaRoutes(files, at: "/media") { relative in
        let parts = relative.split(separator: "/", maxSplits: 2)
        return parts.count == 3 && catalog.snapshot.value.versions[String(parts[0])]?[String(parts[1])] != nil
    }
    AdminRoutes(service: service, library: library, catalog: catalog, metrics: metrics).register(on: router)
    AdAdminRoutes(service: service, catalog: catalog, ledger: store as? any AdLedger).register(on: router)
    if let keys = store as? any KeyStore {
        KeyAdminRoutes(keys: keys, service: service, catalog: catalog, clock: clock).register(on: router)
    }
    if let reports = store as? any ReportSource {
        ReportRoutes(source: reports, service: service, clock: clock).register(on: router)
    }
    // Marked playlists of every live publication with ads, rewritten when the catalog changes.
    let published = PublishedPlaylists(mediaRoot: library.root)
    let syncPublished: @Sendable (CatalogSnapshot) -> Void = { snap in
        let r = published.sync(snap)
        if !r.written.isEmpty || !r.removed.isEmpty {
            logger.info("published playlists: \(r.written.count) written, \(r.removed.count) removed")
        }
        for p in r.problems { logger.warning("published playlists: \(p)") }
    }
    syncPublished(catalog.snapshot.value)
    if let auditStore = store as? any CatalogStore & AdLedger & AuditSource {
        let auditor = Auditor(store: auditStore, mediaRoot: library.root)
        AuditRoutes(auditor: auditor, catalog: catalog, service: service, clock: clock, sessions: sessions).register(on: router)
        OpsPageRoutes(data: OpsData(auditor: auditor, reports: store as? any ReportSource, keys: store as? any KeyStore),
                      catalog: catalog, service: service,
                      clock: clock, sessions: sessions).register(on: router)
    }

    var app = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Showrunner"),
        onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger)
    app.addServices(CatalogRefresher(catalog: catalog, interval: configuration.refreshInterval, logger: logger, onChange: syncPublished))
    return app
}

/// The key vault the server hands content keys out with. Without a master key, a store holding
/// any content key or encrypted version is refused (one line naming the variable); with one,
/// every stored key must open with it (a wrong master key is found at start, not by a player).
func checkKeys(configuration: ServerConfiguration, store: any CatalogStore, snapshot: CatalogSnapshot) async throws(ShowrunnerError) -> KeyVault? {
    let keys = store as? any KeyStore
    guard let master = configuration.masterKey else {
        let encrypted = snapshot.versions.values.contains { $0.values.contains { $0.encryption != nil } }
        var protected = encrypted
        if !protected, let keys { protected = try await keys.holdsProtectedContent() }
        if protected {
            throw ShowrunnerError(.invalid, "the catalog holds encrypted content but no master key is configured: set \(MasterKey.environmentVariable) (or --master-key-file) to the key file its content keys were stored with", field: "master_key")
        }
        return nil
    }
    let vault = KeyVault(master: master)
    for k in try await keys?.contentKeys() ?? [] {
        do {
            _ = try vault.unwrap(k.wrapped, id: k.id)
        } catch {
            throw ShowrunnerError(.invalid, "the master key does not open the stored content key \(k.id) (is \(MasterKey.environmentVariable) the key file the content was packaged with?)", field: "master_key")
        }
    }
    return vault
}
