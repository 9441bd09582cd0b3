import Foundation
import GRDB
import Showrunner
import Testing
@testable import Store

/// A fixed instant the tests count from (2027-01-15T08:00:00Z).
let t0 = Timestamp(milliseconds: 1_800_000_000_000)
let hour: Int64 = 3_600_000
let editor = "cli:tester"

/// Runs `body` with a fresh temporary folder, removed afterwards.
func withTempDir<T>(_ body: (URL) async throws -> T) async throws -> T {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("showrunner-store-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    return try await body(dir)
}

/// Runs `body` with a store on a new file in a temporary folder; closes and removes it after.
func withFileStore<T>(_ body: (SQLiteStore, String) async throws -> T) async throws -> T {
    try await withTempDir { dir in
        let path = dir.appendingPathComponent("catalog.sqlite").path
        let store = try SQLiteStore(path: path)
        defer { store.close() }
        return try await body(store, path)
    }
}

/// The `ShowrunnerError` a call fails with, or nil when it succeeds (any other error is an issue).
func failure(_ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async -> ShowrunnerError? {
    do {
        try await body()
        return nil
    } catch let error as ShowrunnerError {
        return error
    } catch {
        Issue.record("not a ShowrunnerError: \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

extension SQLiteStore {
    /// Applies with the test actor at `t0` (or later).
    @discardableResult
    func apply(_ change: CatalogChange, at: Timestamp = t0) async throws(ShowrunnerError) -> ChangeOutcome {
        try await apply(change, actor: editor, at: at)
    }

    /// The number of change-log rows.
    func logCount() async throws -> Int {
        try await writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM change_log") ?? 0 }
    }

    /// Runs raw SQL with the append-only triggers dropped (to simulate tampering), then restores them.
    func tamper(_ sql: String) async throws {
        try await writer.write { db in
            for t in ["change_log_no_update", "change_log_no_delete", "publication_no_update", "publication_no_delete"] {
                try db.execute(sql: "DROP TRIGGER IF EXISTS \(t)")
            }
            try db.execute(sql: sql)
        }
    }
}

let brewCo = Brand(id: "brew-co", name: "Brew Co", category: "beverages", tier: .premium)
let motorCo = Brand(id: "motor-co", name: "Motor Co", category: "automotive")
let harbour = Series(id: "harbour", name: "Harbour Lights")
let tv = Channel(id: "tv-2026", name: "Smart TV 2026", endpoint: .tv,
                 screens: [ScreenProfile(width: 1920, height: 1080), ScreenProfile(width: 3840, height: 2160)],
                 settings: ["ad_policy": "premium-only"])
let phone = Channel(id: "phone", name: "Phone app", endpoint: .mobile)

func episode(_ id: String, season: Int = 1, number: Int = 1, series: String = "harbour") -> Title {
    Title(id: id, name: "Episode \(number)", kind: .episode(series: series, season: season, number: number))
}

func version(_ id: String, of title: String, at: Timestamp = t0) -> TitleVersion {
    TitleVersion(id: id, title: title, path: "\(title)/\(id)", format: "ts", durationMS: 60_000,
                 renditions: [VersionRendition(id: "v720p", kind: "video", codecs: ["avc1.64001f", "mp4a.40.2"],
                                               resolution: "1280x720", bandwidth: 2_000_000)],
                 cutsMS: [10_000, 15_500], createdAt: at, source: "Media/episode.mp4")
}

/// A brand, a series, one episode `e1` with versions v1...`versions`, and the channels tv-2026 and phone.
func seed(_ store: SQLiteStore, versions: Int = 2) async throws {
    try await store.apply(.addBrand(brewCo))
    try await store.apply(.addSeries(harbour))
    try await store.apply(.addTitle(episode("e1")))
    for n in 0..<versions {
        try await store.apply(.addVersion(version("v\(n + 1)", of: "e1", at: t0.adding(milliseconds: Int64(n)))))
    }
    try await store.apply(.addChannel(tv))
    try await store.apply(.addChannel(phone))
}
