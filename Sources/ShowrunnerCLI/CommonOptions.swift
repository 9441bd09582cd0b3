import ArgumentParser
import FoundationEssentials
import MediaCore
import Server
import Showrunner
import Store

#if canImport(Glibc)
import Glibc
#endif

/// `--db PATH` (env `SHOWRUNNER_DB`, default `./showrunner.sqlite`).
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The catalog database (env SHOWRUNNER_DB; default ./showrunner.sqlite).")
    var db: String?

    var path: String { db ?? ProcessInfo.processInfo.environment["SHOWRUNNER_DB"] ?? "showrunner.sqlite" }

    /// Opens the store, or prints one clear line and exits 1. `SHOWRUNNER_BUSY_TIMEOUT_MS`
    /// sets how long a write waits for another process's lock (default 5000).
    func open() throws -> SQLiteStore {
        let busy = ProcessInfo.processInfo.environment["SHOWRUNNER_BUSY_TIMEOUT_MS"].flatMap { Double($0) }.map { $0 / 1000 } ?? 5
        do {
            return try SQLiteStore(path: path, busyTimeout: busy)
        } catch {
            throw CLIError(error.message)
        }
    }
}

/// `--master-key-file FILE` (env `SHOWRUNNER_MASTER_KEY_FILE`): the key that wraps content keys.
struct MasterKeyOptions: ParsableArguments {
    @Option(name: .long, help: "The master key file that wraps content keys (env SHOWRUNNER_MASTER_KEY_FILE; make one with `showrunner keys init --out FILE`).")
    var masterKeyFile: String?

    var path: String? {
        masterKeyFile ?? ProcessInfo.processInfo.environment[MasterKey.environmentVariable].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The master key if one is configured (a configured file that is unusable is an error).
    func load() throws -> MasterKey? {
        guard let path else { return nil }
        do {
            return try MasterKey.load(path: path)
        } catch {
            throw CLIError(error.message)
        }
    }

    /// The master key, required for `purpose`.
    func require(for purpose: String) throws -> MasterKey {
        guard let key = try load() else {
            throw CLIError("\(purpose) needs the master key: set \(MasterKey.environmentVariable) (or --master-key-file) to a key file; make one with: showrunner keys init --out FILE")
        }
        return key
    }
}

/// `--media-root DIR` (env `SHOWRUNNER_MEDIA_ROOT`, default `Playlists`).
struct MediaRootOptions: ParsableArguments {
    @Option(name: .long, help: "The media root holding package folders (env SHOWRUNNER_MEDIA_ROOT; default Playlists).")
    var mediaRoot: String?

    var path: String { mediaRoot ?? ProcessInfo.processInfo.environment["SHOWRUNNER_MEDIA_ROOT"] ?? "Playlists" }
}

/// `--json`: print the result as JSON on stdout.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    /// Prints `value` as JSON when `--json`, else `text()`.
    func emit<T: Encodable>(_ value: T, _ text: () -> String) throws {
        if json {
            let e = JSONEncoder()
            e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try e.encode(value), as: UTF8.self))
        } else {
            let t = text()
            if !t.isEmpty { print(t) }
        }
    }
}

/// A failure to report on one line and exit 1 (or `code`).
struct CLIError: Error, CustomStringConvertible {
    var description: String
    var code: Int32 = 1
    init(_ d: String, code: Int32 = 1) {
        description = d
        self.code = code
    }
}

/// Who the change log records for CLI changes: `cli:<user>`.
var cliActor: String {
    "cli:" + (ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.environment["LOGNAME"] ?? "uid\(getuid())")
}

/// Runs a catalog command: opens the store, calls `body` with a service, closes, and turns
/// domain errors into one line on stderr and exit 1.
func withService<T>(_ options: StoreOptions, _ body: (CatalogService, SQLiteStore) async throws -> T) async throws -> T {
    let store = try options.open()
    defer { store.close() }
    do {
        return try await body(CatalogService(store: store, clock: SystemClock()), store)
    } catch let e as ShowrunnerError {
        throw CLIError(e.message)
    }
}

/// Parses an ISO 8601 time option, naming the option on error.
func parseTime(_ text: String?, option: String) throws -> Timestamp? {
    guard let text else { return nil }
    if text == "now" { return SystemClock().now() }
    guard let t = Timestamp(iso8601: text) else {
        throw ValidationError("\(option) '\(text)' is not a date-time (e.g. 2026-11-29T10:00:00Z, 2026-11-29, or now)")
    }
    return t
}

/// Builds a deterministic-length random secret: 32 bytes of the system CSPRNG as hex.
func randomSecret() -> String {
    var g = SystemRandomNumberGenerator()
    return Hex.encode((0..<32).map { _ in UInt8.random(in: 0...255, using: &g) })
}
