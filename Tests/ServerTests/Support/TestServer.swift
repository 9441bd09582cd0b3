import Foundation
import Hummingbird
import Logging
import MediaCore
import Packager
import Server
import Showrunner
import ShowrunnerTestSupport
import Store
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A clock tests set by hand.
final class TestClock: WallClock {
    private let t: Mutex<Timestamp>
    init(_ start: Timestamp) { t = Mutex(start) }
    func now() -> Timestamp { t.withLock { $0 } }
    func set(_ value: Timestamp) { t.withLock { $0 = value } }
}

/// Real packages made once per test run (with the packager, from the committed samples).
enum Fixtures {
    static let dir: String = {
        // Kept between runs (each package is written atomically); bump the version when the recipe changes.
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("showrunner-tests/server-fixtures-v3").path
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }()
    private static let lock = NSLock()
    nonisolated(unsafe) private static var made: [String: String] = [:]

    /// A TS package of `sample` (e.g. "ad-10s.mp4"), made once.
    static func package(_ sample: String, format: SegmentFormat = .ts) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        let key = sample + format.rawValue
        if let p = made[key] { return p }
        let out = dir + "/" + key
        if !FileManager.default.fileExists(atPath: out + "/master.m3u8") {
            _ = try HLSPackager.package(PackageRequest(input: TestEnv.media + "/" + sample, output: out, format: format,
                                                       cues: [MediaTime(seconds: 4)]))
        }
        made[key] = out
        return out
    }
}

/// A Showrunner server on 127.0.0.1 with a fresh database and media root, seeded with:
/// brand `brew-co`, channels `tv` and `mobile`, series `long-road` with episode `ep1`, film
/// `film1` (brand brew-co), two versions of `ep1` (v1 from ad-10s, v2 from ad-15s), v1 published
/// on `tv` with an open window from 2026-01-01, and tokens for each role.
final class TestServer: @unchecked Sendable {
    let dir: TempDir
    let store: SQLiteStore
    let service: CatalogService
    let library: MediaLibrary
    let clock: TestClock
    var port = 0
    var tokens: [Role: String] = [:]
    /// The master key the server starts with (nil: none, as without SHOWRUNNER_MASTER_KEY_FILE).
    var masterKey: MasterKey?
    private var task: Task<Void, any Error>?

    var base: String { "http://127.0.0.1:\(port)" }

    init() throws {
        dir = try TempDir("server")
        store = try SQLiteStore(path: dir.file("catalog.sqlite"))
        clock = TestClock(Timestamp(iso8601: "2026-11-29T10:00:00Z")!)
        service = CatalogService(store: store, clock: clock)
        library = MediaLibrary(root: dir.file("media"))
        try FileManager.default.createDirectory(atPath: library.root, withIntermediateDirectories: true)
    }

    /// Seeds the catalog described above.
    func seed() async throws {
        let a = "test"
        _ = try await service.addBrand(Brand(id: "brew-co", name: "Brew & Co.", category: "beverages", tier: .premium), actor: a)
        _ = try await service.addChannel(Channel(id: "tv", name: "TV", endpoint: .tv, screens: [ScreenProfile(width: 1920, height: 1080)]), actor: a)
        _ = try await service.addChannel(Channel(id: "mobile", name: "Mobile", endpoint: .mobile), actor: a)
        _ = try await service.addSeries(Series(id: "long-road", name: "The Long Road"), actor: a)
        _ = try await service.addEpisode(.init(id: "ep1", name: "Departure", series: "long-road", season: 1, episode: 1), actor: a)
        _ = try await service.addFilm(.init(id: "film1", name: "Morning Ritual", brand: "brew-co"), actor: a)
        _ = try await library.register(package: try Fixtures.package("ad-10s.mp4"), title: "ep1", service: service, actor: a)
        _ = try await library.register(package: try Fixtures.package("ad-15s.mp4"), title: "ep1", service: service, actor: a)
        _ = try await service.publish(.init(title: "ep1", channel: "tv", version: "v1", from: Timestamp(iso8601: "2026-01-01")), actor: a)
        for role in Role.allCases {
            tokens[role] = try await service.createToken(name: "t-\(role.rawValue)", role: role, secret: String(repeating: "ab", count: 16) + role.rawValue, actor: a)
        }
    }

    /// Starts the HTTP server on a free port.
    func start() async throws {
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "test-server")
        logger.logLevel = .warning
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0, mediaRoot: library.root, refreshInterval: .milliseconds(50),
                                                bodyTimeout: .milliseconds(1500))
        configuration.bootKeyFile = dir.file("boot.key")
        configuration.masterKey = masterKey
        configuration.urlSecretsFile = dir.file("catalog.sqlite.url-secrets")
        configuration.urlSecretsCheckInterval = .zero
        let app = try await buildApplication(
            configuration: configuration,
            store: store, clock: clock, logger: logger,
            onRunning: { port in continuation.yield(port) })
        task = Task { try await app.run() }
        for await p in stream {
            port = p
            break
        }
    }

    func stop() async {
        task?.cancel()
        _ = try? await task?.value
        store.close()
        dir.cleanup()
    }

    /// Waits until the server's catalog snapshot has caught up with the store (every change made
    /// so far is visible to player routes); fails after 10 s.
    func caughtUp() async throws {
        let want = try await store.revision()
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            let r = try await HTTP.get(base + "/healthz")
            if let revision = (try? r.json())?["revision"] as? Int, revision >= want { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestFailure("the server's catalog did not reach revision \(want) in 10 s")
    }

    static func started(seed: Bool = true) async throws -> TestServer {
        let s = try TestServer()
        if seed { try await s.seed() }
        try await s.start()
        return s
    }
}

/// A response as tests see it.
struct HTTPResult: Sendable {
    var status: Int
    var headers: [String: String]
    var body: Data

    var text: String { String(decoding: body, as: UTF8.self) }

    func json() throws -> [String: Any] {
        guard let o = try JSONSerialization.jsonObject(with: body) as? [String: Any] else { throw TestFailure("not a JSON object: \(text)") }
        return o
    }

    /// `error.code` of a JSON error body.
    var errorCode: String? { ((try? json())?["error"] as? [String: Any])?["code"] as? String }
    var errorField: String? { ((try? json())?["error"] as? [String: Any])?["field"] as? String }
    var errorMessage: String? { ((try? json())?["error"] as? [String: Any])?["message"] as? String }
}

/// A plain HTTP client over URLSession (no redirects followed, no caching).
enum HTTP {
    static let session: URLSession = {
        let c = URLSessionConfiguration.ephemeral
        c.requestCachePolicy = .reloadIgnoringLocalCacheData
        c.urlCache = nil
        return URLSession(configuration: c)
    }()

    static func request(_ method: String, _ url: String, headers: [String: String] = [:], body: Data? = nil) async throws -> HTTPResult {
        guard let u = URL(string: url) else { throw TestFailure("bad URL \(url)") }
        var r = URLRequest(url: u)
        r.httpMethod = method
        for (k, v) in headers { r.setValue(v, forHTTPHeaderField: k) }
        r.httpBody = body
        let (data, response) = try await session.data(for: r)
        guard let http = response as? HTTPURLResponse else { throw TestFailure("no HTTP response") }
        var h: [String: String] = [:]
        for (k, v) in http.allHeaderFields { h[String(describing: k).lowercased()] = String(describing: v) }
        return HTTPResult(status: http.statusCode, headers: h, body: data)
    }

    static func get(_ url: String, token: String? = nil, headers: [String: String] = [:]) async throws -> HTTPResult {
        var h = headers
        if let token { h["Authorization"] = "Bearer \(token)" }
        return try await request("GET", url, headers: h)
    }

    static func send(_ method: String, _ url: String, token: String?, json: Any) async throws -> HTTPResult {
        var h = ["Content-Type": "application/json"]
        if let token { h["Authorization"] = "Bearer \(token)" }
        return try await request(method, url, headers: h, body: try JSONSerialization.data(withJSONObject: json))
    }
}
