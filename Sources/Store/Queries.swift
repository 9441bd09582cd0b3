import Foundation
import GRDB
import Showrunner

/// JSON text for list and map columns and for change-log before/after values: sorted keys, so
/// the same value always gives the same text (and the same chain hash).
enum JSONText {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        return String(decoding: data, as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String, table: String, column: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw DamagedRow(table: table, detail: "column \(column) is not the JSON expected: \(error)")
        }
    }
}

/// Reading models out of rows. Every value is checked: NULLs where the model has none, unknown
/// enum cases and bad JSON throw `DamagedRow` (no force unwraps on database data).
extension Row {
    func text(_ column: String) throws -> String { try decode(String.self, forColumn: column) }
    func optionalText(_ column: String) throws -> String? { try decode(String?.self, forColumn: column) }
    func int(_ column: String) throws -> Int64 { try decode(Int64.self, forColumn: column) }
    func optionalInt(_ column: String) throws -> Int64? { try decode(Int64?.self, forColumn: column) }
    func timestamp(_ column: String) throws -> Timestamp { Timestamp(milliseconds: try int(column)) }
    func optionalTimestamp(_ column: String) throws -> Timestamp? { try optionalInt(column).map { Timestamp(milliseconds: $0) } }

    func smallInt(_ column: String, table: String) throws -> Int {
        let value = try int(column)
        guard let small = Int(exactly: value) else { throw DamagedRow(table: table, detail: "\(column) \(value) out of range") }
        return small
    }

    func enumValue<E: RawRepresentable>(_ type: E.Type, _ column: String, table: String) throws -> E where E.RawValue == String {
        let raw = try text(column)
        guard let value = E(rawValue: raw) else { throw DamagedRow(table: table, detail: "\(column) '\(raw)' is not a known value") }
        return value
    }

    func json<T: Decodable>(_ type: T.Type, _ column: String, table: String) throws -> T {
        try JSONText.decode(type, try text(column), table: table, column: column)
    }
}

/// The SQL of every lookup, shared by reads and by the checks inside write transactions.
enum Queries {
    // MARK: Brands, series, seasons, titles

    static func brand(_ row: Row) throws -> Brand {
        Brand(id: try row.text("id"), name: try row.text("name"), category: try row.text("category"),
              tier: try row.enumValue(BrandTier.self, "tier", table: "brand"))
    }

    static func brands(_ db: Database) throws -> [Brand] {
        try Row.fetchAll(db, sql: "SELECT * FROM brand ORDER BY id").map(brand)
    }

    static func brand(_ db: Database, id: String) throws -> Brand? {
        try Row.fetchOne(db, sql: "SELECT * FROM brand WHERE id = ?", arguments: [id]).map(brand)
    }

    static func series(_ row: Row) throws -> Series {
        Series(id: try row.text("id"), name: try row.text("name"), brand: try row.optionalText("brand"))
    }

    static func series(_ db: Database) throws -> [Series] {
        try Row.fetchAll(db, sql: "SELECT * FROM series ORDER BY id").map(series)
    }

    static func series(_ db: Database, id: String) throws -> Series? {
        try Row.fetchOne(db, sql: "SELECT * FROM series WHERE id = ?", arguments: [id]).map(series)
    }

    static func season(_ row: Row) throws -> Season {
        Season(series: try row.text("series"), number: try row.smallInt("number", table: "season"), name: try row.optionalText("name"))
    }

    static func seasons(_ db: Database, series: String) throws -> [Season] {
        try Row.fetchAll(db, sql: "SELECT * FROM season WHERE series = ? ORDER BY number", arguments: [series]).map(season)
    }

    static func season(_ db: Database, series: String, number: Int) throws -> Season? {
        try Row.fetchOne(db, sql: "SELECT * FROM season WHERE series = ? AND number = ?", arguments: [series, number]).map(season)
    }

    static func title(_ row: Row) throws -> Title {
        let kind: Title.Kind
        switch try row.text("kind") {
        case "episode":
            guard let series = try row.optionalText("series"),
                  let season = try row.optionalInt("season").flatMap({ Int(exactly: $0) }),
                  let episode = try row.optionalInt("episode").flatMap({ Int(exactly: $0) }) else {
                throw DamagedRow(table: "title", detail: "episode without series, season or episode number")
            }
            kind = .episode(series: series, season: season, number: episode)
        case "film":
            kind = .film(brand: try row.optionalText("brand"))
        case let other:
            throw DamagedRow(table: "title", detail: "kind '\(other)' is not episode or film")
        }
        return Title(id: try row.text("id"), name: try row.text("name"), kind: kind)
    }

    static func titles(_ db: Database) throws -> [Title] {
        try Row.fetchAll(db, sql: "SELECT * FROM title ORDER BY id").map(title)
    }

    static func title(_ db: Database, id: String) throws -> Title? {
        try Row.fetchOne(db, sql: "SELECT * FROM title WHERE id = ?", arguments: [id]).map(title)
    }

    static func episodeTitle(_ db: Database, series: String, season: Int, episode: Int) throws -> String? {
        try String.fetchOne(db, sql: "SELECT id FROM title WHERE series = ? AND season = ? AND episode = ?",
                            arguments: [series, season, episode])
    }

    // MARK: Versions

    static func version(_ row: Row) throws -> TitleVersion {
        TitleVersion(id: try row.text("id"), title: try row.text("title"), path: try row.text("path"),
                     format: try row.text("format"), durationMS: try row.int("duration_ms"),
                     renditions: try row.json([VersionRendition].self, "renditions", table: "title_version"),
                     cutsMS: try row.json([Int64].self, "cuts", table: "title_version"),
                     createdAt: try row.timestamp("created_at"), source: try row.optionalText("source"),
                     encryption: try row.optionalText("encryption").map {
                         try JSONText.decode(VersionEncryption.self, $0, table: "title_version", column: "encryption")
                     })
    }

    static func versions(_ db: Database, title: String) throws -> [TitleVersion] {
        try Row.fetchAll(db, sql: "SELECT * FROM title_version WHERE title = ? ORDER BY position", arguments: [title]).map(version)
    }

    static func allVersions(_ db: Database) throws -> [TitleVersion] {
        try Row.fetchAll(db, sql: "SELECT * FROM title_version ORDER BY title, position").map(version)
    }

    static func version(_ db: Database, title: String, id: String) throws -> TitleVersion? {
        try Row.fetchOne(db, sql: "SELECT * FROM title_version WHERE title = ? AND id = ?", arguments: [title, id]).map(version)
    }

    // MARK: Channels

    static func channel(_ row: Row) throws -> Channel {
        Channel(id: try row.text("id"), name: try row.text("name"),
                endpoint: try row.enumValue(EndpointKind.self, "endpoint", table: "channel"),
                screens: try row.json([ScreenProfile].self, "screens", table: "channel"),
                settings: try row.json([String: String].self, "settings", table: "channel"))
    }

    static func channels(_ db: Database) throws -> [Channel] {
        try Row.fetchAll(db, sql: "SELECT * FROM channel ORDER BY id").map(channel)
    }

    static func channel(_ db: Database, id: String) throws -> Channel? {
        try Row.fetchOne(db, sql: "SELECT * FROM channel WHERE id = ?", arguments: [id]).map(channel)
    }

    // MARK: Windows and publications

    static func window(_ row: Row) throws -> RightsWindow {
        RightsWindow(id: try row.int("id"), title: try row.text("title"), channel: try row.text("channel"),
                     from: try row.timestamp("from_at"), until: try row.optionalTimestamp("until_at"),
                     regions: try row.json([String].self, "regions", table: "rights_window"))
    }

    /// `WHERE title = ? AND channel = ?` for whichever of the two are given.
    static func pairFilter(title: String?, channel: String?) -> (clause: String, arguments: StatementArguments) {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let title {
            conditions.append("title = ?")
            arguments += [title]
        }
        if let channel {
            conditions.append("channel = ?")
            arguments += [channel]
        }
        return (conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "), arguments)
    }

    static func windows(_ db: Database, title: String?, channel: String?) throws -> [RightsWindow] {
        let f = pairFilter(title: title, channel: channel)
        return try Row.fetchAll(db, sql: "SELECT * FROM rights_window \(f.clause) ORDER BY title, channel, from_at, id",
                                arguments: f.arguments).map(window)
    }

    static func window(_ db: Database, id: Int64) throws -> RightsWindow? {
        try Row.fetchOne(db, sql: "SELECT * FROM rights_window WHERE id = ?", arguments: [id]).map(window)
    }

    static func publication(_ row: Row) throws -> Publication {
        Publication(title: try row.text("title"), channel: try row.text("channel"), version: try row.optionalText("version"),
                    at: try row.timestamp("at"), actor: try row.text("actor"))
    }

    static func publications(_ db: Database, title: String?, channel: String?) throws -> [Publication] {
        let f = pairFilter(title: title, channel: channel)
        return try Row.fetchAll(db, sql: "SELECT * FROM publication \(f.clause) ORDER BY id", arguments: f.arguments).map(publication)
    }

    /// The latest publication of every title × channel pair.
    static func latestPublications(_ db: Database) throws -> [Publication] {
        try Row.fetchAll(db, sql: """
            SELECT p.* FROM publication p
            JOIN (SELECT title, channel, MAX(id) AS id FROM publication GROUP BY title, channel) latest ON latest.id = p.id
            ORDER BY p.title, p.channel
            """).map(publication)
    }

    // MARK: Tokens and the change log

    static func token(_ row: Row) throws -> APIToken {
        APIToken(id: try row.int("id"), name: try row.text("name"), role: try row.enumValue(Role.self, "role", table: "api_token"),
                 hash: try row.text("hash"), createdAt: try row.timestamp("created_at"), revokedAt: try row.optionalTimestamp("revoked_at"))
    }

    static func tokens(_ db: Database) throws -> [APIToken] {
        try Row.fetchAll(db, sql: "SELECT * FROM api_token ORDER BY id").map(token)
    }

    static func token(_ db: Database, name: String) throws -> APIToken? {
        try Row.fetchOne(db, sql: "SELECT * FROM api_token WHERE name = ?", arguments: [name]).map(token)
    }

    static func liveToken(_ db: Database, hash: String) throws -> APIToken? {
        try Row.fetchOne(db, sql: "SELECT * FROM api_token WHERE hash = ? AND revoked_at IS NULL", arguments: [hash]).map(token)
    }

    static func entry(_ row: Row) throws -> ChangeLogEntry {
        ChangeLogEntry(seq: try row.int("seq"), at: try row.timestamp("at"), actor: try row.text("actor"),
                       action: try row.text("action"), entity: try row.text("entity"), entityID: try row.text("entity_id"),
                       before: try row.optionalText("before"), after: try row.optionalText("after"),
                       prevHash: try row.text("prev_hash"), hash: try row.text("hash"))
    }

    static func changes(_ db: Database, after: Int64, limit: Int) throws -> [ChangeLogEntry] {
        try Row.fetchAll(db, sql: "SELECT * FROM change_log WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [after, limit]).map(entry)
    }

    /// The newest change-log seq (0 when empty): every committed change appends one row.
    static func revision(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM change_log") ?? 0
    }

    /// The AUTOINCREMENT counter of the change log: the highest seq ever inserted.
    static func changeLogCounter(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'change_log'") ?? 0
    }
}
