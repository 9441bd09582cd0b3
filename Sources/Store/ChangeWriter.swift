import GRDB
import Showrunner

/// Field checks that need no database: run before the write transaction starts.
enum FieldChecks {
    static func check(_ change: CatalogChange, actor: String) throws(ShowrunnerError) {
        try CatalogRules.checkName(actor, field: "actor")
        switch change {
        case .addBrand(let b), .putBrand(let b):
            try CatalogRules.checkID(b.id, field: "id")
            try CatalogRules.checkName(b.name, field: "name")
            try CatalogRules.checkID(b.category, field: "category")
        case .deleteBrand(let id):
            try CatalogRules.checkID(id, field: "id")
        case .addSeries(let s):
            try CatalogRules.checkID(s.id, field: "id")
            try CatalogRules.checkName(s.name, field: "name")
            if let brand = s.brand { try CatalogRules.checkID(brand, field: "brand") }
        case .addSeason(let s):
            try CatalogRules.checkID(s.series, field: "series")
            try CatalogRules.checkPositive(s.number, field: "number", max: 1000)
            if let name = s.name { try CatalogRules.checkName(name, field: "name") }
        case .addTitle(let t):
            try CatalogRules.checkID(t.id, field: "id")
            try CatalogRules.checkName(t.name, field: "name")
            switch t.kind {
            case .episode(let series, let season, let number):
                try CatalogRules.checkID(series, field: "series")
                try CatalogRules.checkPositive(season, field: "season", max: 1000)
                try CatalogRules.checkPositive(number, field: "episode", max: 100_000)
            case .film(let brand):
                if let brand { try CatalogRules.checkID(brand, field: "brand") }
            }
        case .addVersion(let v):
            try CatalogRules.checkID(v.id, field: "version")
            try CatalogRules.checkID(v.title, field: "title")
            try checkVersion(v)
        case .addChannel(let c), .putChannel(let c):
            try CatalogRules.checkID(c.id, field: "id")
            try CatalogRules.checkName(c.name, field: "name")
            guard c.screens.count <= 32 else { throw .invalid("screens", "at most 32 screen profiles") }
            for (key, value) in c.settings {
                try CatalogRules.checkID(key, field: "settings")
                guard value.count <= 4096 else { throw .invalid("settings.\(key)", "value longer than 4096 characters") }
            }
        case .addWindow(let w):
            try CatalogRules.checkWindow(w)
        case .deleteWindow(let id):
            guard id > 0 else { throw .invalid("id", "\(id) is not a window id") }
        case .publish(let title, let channel, let version, _, _):
            try CatalogRules.checkID(title, field: "title")
            try CatalogRules.checkID(channel, field: "channel")
            if let version { try CatalogRules.checkID(version, field: "version") }
        case .unpublish(let title, let channel), .rollback(let title, let channel):
            try CatalogRules.checkID(title, field: "title")
            try CatalogRules.checkID(channel, field: "channel")
        case .createToken(let name, _, let hash):
            try CatalogRules.checkID(name, field: "name")
            guard hash.utf8.count == 64, hash.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) else {
                throw .invalid("hash", "must be a SHA-256 as 64 lowercase hex digits")
            }
        case .revokeToken(let name):
            try CatalogRules.checkID(name, field: "name")
        case .putPolicy(let p):
            try AdRules.check(p)
        case .putBreaks(let b):
            try AdRules.check(b)
        case .addCampaign(let c), .putCampaign(let c):
            try AdRules.check(c)
        case .putCreative(let c):
            try AdRules.check(c)
        case .putBootRules(let r):
            try CatalogRules.checkID(r.channel, field: "channel")
            do { try r.validate() } catch let e as ShowrunnerError { throw e } catch { throw .invalid("rules", "\(error)") }
        case .putBootCreative(let c):
            try CatalogRules.checkID(c.id, field: "id")
            try CatalogRules.checkID(c.channel, field: "channel")
        }
    }

    static func checkVersion(_ v: TitleVersion) throws(ShowrunnerError) {
        guard v.format == "ts" || v.format == "fmp4" else { throw .invalid("format", "'\(v.format)' is not ts or fmp4") }
        guard v.durationMS > 0 else { throw .invalid("duration_ms", "\(v.durationMS) is not positive") }
        for cut in v.cutsMS where cut < 0 || cut > v.durationMS {
            throw .invalid("cuts_ms", "\(cut) is outside the title (0...\(v.durationMS))")
        }
        let parts = v.path.split(separator: "/", omittingEmptySubsequences: false)
        guard !v.path.isEmpty, v.path.utf8.count <= 1024, !v.path.hasPrefix("/"),
              !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }),
              !v.path.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == "\\" }) else {
            throw .invalid("path", "'\(v.path)' is not a relative folder path under the media root")
        }
    }
}

/// Applies one change inside an open write transaction: reads the state it needs, checks it with
/// `CatalogRules`, writes, and appends the change-log entry.
struct ChangeWriter {
    let db: Database
    let actor: String
    let at: Timestamp

    func run(_ change: CatalogChange) throws -> ChangeOutcome {
        switch change {
        case .addBrand(let b): return try addBrand(b)
        case .putBrand(let b): return try putBrand(b)
        case .deleteBrand(let id): return try deleteBrand(id)
        case .addSeries(let s): return try addSeries(s)
        case .addSeason(let s): return try addSeason(s)
        case .addTitle(let t): return try addTitle(t)
        case .addVersion(let v): return try addVersion(v)
        case .addChannel(let c): return try addChannel(c)
        case .putChannel(let c): return try putChannel(c)
        case .addWindow(let w): return try addWindow(w)
        case .deleteWindow(let id): return try deleteWindow(id)
        case .publish(let title, let channel, let version, let from, let until):
            return try publish(title: title, channel: channel, version: version, from: from, until: until)
        case .unpublish(let title, let channel): return try unpublish(title: title, channel: channel)
        case .rollback(let title, let channel): return try rollback(title: title, channel: channel)
        case .createToken(let name, let role, let hash): return try createToken(name: name, role: role, hash: hash)
        case .revokeToken(let name): return try revokeToken(name)
        case .putPolicy(let p): return try putPolicy(p)
        case .putBreaks(let b): return try putBreaks(b)
        case .addCampaign(let c): return try addCampaign(c)
        case .putCampaign(let c): return try putCampaign(c)
        case .putCreative(let c): return try putCreative(c)
        case .putBootRules(let r): return try putBootRules(r)
        case .putBootCreative(let c): return try putBootCreative(c)
        }
    }

    // MARK: Brands, series, seasons, titles, versions, channels

    private func addBrand(_ b: Brand) throws -> ChangeOutcome {
        if let existing = try Queries.brand(db, id: b.id) {
            guard existing == b else { throw exists("brand", b.id, hint: " (put replaces it)") }
            return unchanged(b.id)
        }
        try insertBrand(b)
        return try logged(b.id, action: "brand.add", entity: "brand", entityID: b.id, before: nil, after: try JSONText.encode(b))
    }

    private func putBrand(_ b: Brand) throws -> ChangeOutcome {
        let existing = try Queries.brand(db, id: b.id)
        if existing == b { return unchanged(b.id) }
        if existing == nil {
            try insertBrand(b)
        } else {
            try db.execute(sql: "UPDATE brand SET name = ?, category = ?, tier = ? WHERE id = ?",
                           arguments: [b.name, b.category, b.tier.rawValue, b.id])
        }
        return try logged(b.id, action: "brand.put", entity: "brand", entityID: b.id,
                          before: try existing.map { try JSONText.encode($0) }, after: try JSONText.encode(b))
    }

    private func insertBrand(_ b: Brand) throws {
        try db.execute(sql: "INSERT INTO brand (id, name, category, tier) VALUES (?, ?, ?, ?)",
                       arguments: [b.id, b.name, b.category, b.tier.rawValue])
    }

    private func deleteBrand(_ id: String) throws -> ChangeOutcome {
        guard let existing = try Queries.brand(db, id: id) else { throw ShowrunnerError.notFound("brand", id) }
        let series = try String.fetchAll(db, sql: "SELECT id FROM series WHERE brand = ? ORDER BY id LIMIT 6", arguments: [id])
        let titles = try String.fetchAll(db, sql: "SELECT id FROM title WHERE brand = ? ORDER BY id LIMIT 6", arguments: [id])
        if !series.isEmpty || !titles.isEmpty {
            func list(_ kind: String, _ ids: [String]) -> String? {
                guard !ids.isEmpty else { return nil }
                let shown = ids.prefix(5).map { "'\($0)'" }.joined(separator: ", ")
                return "\(kind) \(shown)\(ids.count > 5 ? ", ..." : "")"
            }
            let users = [list("series", series), list(titles.count == 1 ? "title" : "titles", titles)].compactMap { $0 }
            throw ShowrunnerError(.conflict, "brand '\(id)' is still used by \(users.joined(separator: " and "))", field: "id")
        }
        try db.execute(sql: "DELETE FROM brand WHERE id = ?", arguments: [id])
        return try logged(id, action: "brand.delete", entity: "brand", entityID: id, before: try JSONText.encode(existing), after: nil)
    }

    private func addSeries(_ s: Series) throws -> ChangeOutcome {
        if let existing = try Queries.series(db, id: s.id) {
            guard existing == s else { throw exists("series", s.id) }
            return unchanged(s.id)
        }
        if let brand = s.brand, try Queries.brand(db, id: brand) == nil { throw ShowrunnerError.notFound("brand", brand) }
        try db.execute(sql: "INSERT INTO series (id, name, brand) VALUES (?, ?, ?)", arguments: [s.id, s.name, s.brand])
        return try logged(s.id, action: "series.add", entity: "series", entityID: s.id, before: nil, after: try JSONText.encode(s))
    }

    private func addSeason(_ s: Season) throws -> ChangeOutcome {
        let id = "\(s.series)/\(s.number)"
        if let existing = try Queries.season(db, series: s.series, number: s.number) {
            guard existing == s else { throw exists("season", id) }
            return unchanged(id)
        }
        guard try Queries.series(db, id: s.series) != nil else { throw ShowrunnerError.notFound("series", s.series) }
        try insertSeason(s)
        return try logged(id, action: "season.add", entity: "season", entityID: id, before: nil, after: try JSONText.encode(s))
    }

    private func insertSeason(_ s: Season) throws {
        try db.execute(sql: "INSERT INTO season (series, number, name) VALUES (?, ?, ?)", arguments: [s.series, s.number, s.name])
    }

    private func addTitle(_ t: Title) throws -> ChangeOutcome {
        if let existing = try Queries.title(db, id: t.id) {
            guard existing == t else { throw exists("title", t.id) }
            return unchanged(t.id)
        }
        switch t.kind {
        case .episode(let series, let season, let number):
            guard try Queries.series(db, id: series) != nil else { throw ShowrunnerError.notFound("series", series) }
            if let other = try Queries.episodeTitle(db, series: series, season: season, episode: number) {
                throw ShowrunnerError(.conflict, "episode \(number) of season \(season) of series '\(series)' is already title '\(other)'", field: "episode")
            }
            if try Queries.season(db, series: series, number: season) == nil {
                try insertSeason(Season(series: series, number: season))
            }
            try db.execute(sql: "INSERT INTO title (id, name, kind, series, season, episode, brand) VALUES (?, ?, 'episode', ?, ?, ?, NULL)",
                           arguments: [t.id, t.name, series, season, number])
        case .film(let brand):
            if let brand, try Queries.brand(db, id: brand) == nil { throw ShowrunnerError.notFound("brand", brand) }
            try db.execute(sql: "INSERT INTO title (id, name, kind, series, season, episode, brand) VALUES (?, ?, 'film', NULL, NULL, NULL, ?)",
                           arguments: [t.id, t.name, brand])
        }
        return try logged(t.id, action: "title.add", entity: "title", entityID: t.id, before: nil, after: try JSONText.encode(t))
    }

    private func addVersion(_ v: TitleVersion) throws -> ChangeOutcome {
        let entityID = "\(v.title)/\(v.id)"
        guard try Queries.title(db, id: v.title) != nil else { throw ShowrunnerError.notFound("title", v.title) }
        if let existing = try Queries.version(db, title: v.title, id: v.id) {
            guard existing == v else {
                throw ShowrunnerError(.conflict, "version '\(v.id)' of title '\(v.title)' already exists with different data", field: "version")
            }
            return unchanged(v.id)
        }
        let position = (try Int64.fetchOne(db, sql: "SELECT MAX(position) FROM title_version WHERE title = ?", arguments: [v.title]) ?? 0) + 1
        try db.execute(sql: """
            INSERT INTO title_version (title, id, position, path, format, duration_ms, renditions, cuts, created_at, source, encryption)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [v.title, v.id, position, v.path, v.format, v.durationMS, try JSONText.encode(v.renditions),
                             try JSONText.encode(v.cutsMS), v.createdAt.milliseconds, v.source,
                             try v.encryption.map { try JSONText.encode($0) }])
        // Keys stored by `package --encrypt --out` before the package was registered now belong here.
        if let ids = v.encryption?.keyIDs, !ids.isEmpty {
            try db.execute(sql: "UPDATE content_key SET title = ?, version = ? WHERE title IS NULL AND id IN (\(ids.map { _ in "?" }.joined(separator: ", ")))",
                           arguments: StatementArguments([v.title, v.id] + ids))
        }
        return try logged(v.id, action: "version.add", entity: "version", entityID: entityID, before: nil, after: try JSONText.encode(v))
    }

    private func addChannel(_ c: Channel) throws -> ChangeOutcome {
        if let existing = try Queries.channel(db, id: c.id) {
            guard existing == c else { throw exists("channel", c.id, hint: " (put replaces it)") }
            return unchanged(c.id)
        }
        try insertChannel(c)
        return try logged(c.id, action: "channel.add", entity: "channel", entityID: c.id, before: nil, after: try JSONText.encode(c))
    }

    private func putChannel(_ c: Channel) throws -> ChangeOutcome {
        let existing = try Queries.channel(db, id: c.id)
        if existing == c { return unchanged(c.id) }
        if existing == nil {
            try insertChannel(c)
        } else {
            try db.execute(sql: "UPDATE channel SET name = ?, endpoint = ?, screens = ?, settings = ? WHERE id = ?",
                           arguments: [c.name, c.endpoint.rawValue, try JSONText.encode(c.screens), try JSONText.encode(c.settings), c.id])
        }
        return try logged(c.id, action: "channel.put", entity: "channel", entityID: c.id,
                          before: try existing.map { try JSONText.encode($0) }, after: try JSONText.encode(c))
    }

    private func insertChannel(_ c: Channel) throws {
        try db.execute(sql: "INSERT INTO channel (id, name, endpoint, screens, settings) VALUES (?, ?, ?, ?, ?)",
                       arguments: [c.id, c.name, c.endpoint.rawValue, try JSONText.encode(c.screens), try JSONText.encode(c.settings)])
    }

    // MARK: Windows

    private func requirePair(title: String, channel: String) throws {
        guard try Queries.title(db, id: title) != nil else { throw ShowrunnerError.notFound("title", title) }
        guard try Queries.channel(db, id: channel) != nil else { throw ShowrunnerError.notFound("channel", channel) }
    }

    private func addWindow(_ requested: RightsWindow) throws -> ChangeOutcome {
        var w = requested
        w.id = 0
        try CatalogRules.checkWindow(w)
        try requirePair(title: w.title, channel: w.channel)
        let existing = try Queries.windows(db, title: w.title, channel: w.channel)
        if let same = existing.first(where: { $0.from == w.from && $0.until == w.until && $0.regions == w.regions }) {
            return unchanged(String(same.id))
        }
        try CatalogRules.checkNoOverlap(w, existing: existing)
        w.id = try insertWindow(w)
        return try logged(String(w.id), action: "window.add", entity: "window", entityID: String(w.id), before: nil, after: try JSONText.encode(w))
    }

    private func insertWindow(_ w: RightsWindow) throws -> Int64 {
        try db.execute(sql: "INSERT INTO rights_window (title, channel, from_at, until_at, regions) VALUES (?, ?, ?, ?, ?)",
                       arguments: [w.title, w.channel, w.from.milliseconds, w.until?.milliseconds, try JSONText.encode(w.regions)])
        return db.lastInsertedRowID
    }

    private func deleteWindow(_ id: Int64) throws -> ChangeOutcome {
        guard let existing = try Queries.window(db, id: id) else { throw ShowrunnerError.notFound("window", String(id)) }
        try db.execute(sql: "DELETE FROM rights_window WHERE id = ?", arguments: [id])
        return try logged(String(id), action: "window.delete", entity: "window", entityID: String(id), before: try JSONText.encode(existing), after: nil)
    }

    // MARK: Publishing

    /// The change-log value of a publish: the publication, and the window it opened if any.
    private struct PublicationRecord: Encodable {
        var title: String
        var channel: String
        var version: String?
        var at: Timestamp
        var actor: String
        var window: RightsWindow?

        init(_ p: Publication, window: RightsWindow? = nil) {
            title = p.title
            channel = p.channel
            version = p.version
            at = p.at
            actor = p.actor
            self.window = window
        }
    }

    private func publish(title: String, channel: String, version: String?, from: Timestamp?, until: Timestamp?) throws -> ChangeOutcome {
        try requirePair(title: title, channel: channel)
        let history = try Queries.publications(db, title: title, channel: channel)
        let plan = try CatalogRules.planPublish(
            title: title, channel: channel, version: version, from: from, until: until,
            versions: try Queries.versions(db, title: title), windows: try Queries.windows(db, title: title, channel: channel),
            history: history, now: at, actor: actor)
        var window = plan.newWindow
        if var w = window {
            w.id = try insertWindow(w)
            window = w
        }
        guard let publication = plan.publication else { return unchanged(plan.version) }
        try insertPublication(publication)
        return try logged(plan.version, action: "publish", entity: "publication", entityID: "\(title)/\(channel)",
                          before: try history.last.map { try JSONText.encode(PublicationRecord($0)) },
                          after: try JSONText.encode(PublicationRecord(publication, window: window)))
    }

    private func unpublish(title: String, channel: String) throws -> ChangeOutcome {
        try requirePair(title: title, channel: channel)
        let history = try Queries.publications(db, title: title, channel: channel)
        guard let publication = CatalogRules.planUnpublish(title: title, channel: channel, history: history, now: at, actor: actor) else {
            return unchanged(title)
        }
        try insertPublication(publication)
        return try logged(title, action: "unpublish", entity: "publication", entityID: "\(title)/\(channel)",
                          before: try history.last.map { try JSONText.encode(PublicationRecord($0)) },
                          after: try JSONText.encode(PublicationRecord(publication)))
    }

    private func rollback(title: String, channel: String) throws -> ChangeOutcome {
        try requirePair(title: title, channel: channel)
        let history = try Queries.publications(db, title: title, channel: channel)
        let publication = try CatalogRules.planRollback(title: title, channel: channel, history: history, now: at, actor: actor)
        guard let version = publication.version else {
            throw ShowrunnerError(.conflict, "'\(title)' on '\(channel)' has no earlier version to roll back to", field: "title")
        }
        try insertPublication(publication)
        return try logged(version, action: "rollback", entity: "publication", entityID: "\(title)/\(channel)",
                          before: try history.last.map { try JSONText.encode(PublicationRecord($0)) },
                          after: try JSONText.encode(PublicationRecord(publication)))
    }

    private func insertPublication(_ p: Publication) throws {
        try db.execute(sql: "INSERT INTO publication (title, channel, version, at, actor) VALUES (?, ?, ?, ?, ?)",
                       arguments: [p.title, p.channel, p.version, p.at.milliseconds, p.actor])
    }

    // MARK: Tokens

    /// A token as the change log shows it: never its hash.
    private struct TokenRecord: Encodable {
        var name: String
        var role: Role
        var createdAt: Timestamp
        var revokedAt: Timestamp?

        enum CodingKeys: String, CodingKey {
            case name, role
            case createdAt = "created_at", revokedAt = "revoked_at"
        }

        init(_ t: APIToken) {
            name = t.name
            role = t.role
            createdAt = t.createdAt
            revokedAt = t.revokedAt
        }
    }

    private func createToken(name: String, role: Role, hash: String) throws -> ChangeOutcome {
        if let existing = try Queries.token(db, name: name) {
            guard existing.role == role, existing.hash == hash, existing.revokedAt == nil else {
                let state = existing.revokedAt == nil ? "" : " (revoked)"
                throw ShowrunnerError(.conflict, "token '\(name)' already exists\(state); token names are never reused", field: "name")
            }
            return unchanged(name)
        }
        if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM api_token WHERE hash = ?)", arguments: [hash]) ?? false {
            throw ShowrunnerError(.conflict, "another token already has this secret; generate a new one", field: "hash")
        }
        try db.execute(sql: "INSERT INTO api_token (name, role, hash, created_at) VALUES (?, ?, ?, ?)",
                       arguments: [name, role.rawValue, hash, at.milliseconds])
        let token = APIToken(id: db.lastInsertedRowID, name: name, role: role, hash: hash, createdAt: at)
        return try logged(name, action: "token.create", entity: "token", entityID: name, before: nil, after: try JSONText.encode(TokenRecord(token)))
    }

    private func revokeToken(_ name: String) throws -> ChangeOutcome {
        guard let existing = try Queries.token(db, name: name) else { throw ShowrunnerError.notFound("token", name) }
        if existing.revokedAt != nil { return unchanged(name) }
        try db.execute(sql: "UPDATE api_token SET revoked_at = ? WHERE id = ?", arguments: [at.milliseconds, existing.id])
        var revoked = existing
        revoked.revokedAt = at
        return try logged(name, action: "token.revoke", entity: "token", entityID: name,
                          before: try JSONText.encode(TokenRecord(existing)), after: try JSONText.encode(TokenRecord(revoked)))
    }

    // MARK: Outcomes and the change log

    func unchanged(_ id: String) -> ChangeOutcome { ChangeOutcome(changed: false, entry: nil, id: id) }

    func exists(_ kind: String, _ id: String, hint: String = "") -> ShowrunnerError {
        ShowrunnerError(.conflict, "\(kind) '\(id)' already exists with different data\(hint)", field: "id")
    }

    func logged(_ id: String, action: String, entity: String, entityID: String, before: String?, after: String?) throws -> ChangeOutcome {
        let entry = try appendLog(action: action, entity: entity, entityID: entityID, before: before, after: after)
        return ChangeOutcome(changed: true, entry: entry, id: id)
    }

    /// Appends the entry chained to the newest row. The seq continues from the AUTOINCREMENT
    /// counter, so rows deleted from the end leave a gap that `verifyChangeLog` reports.
    private func appendLog(action: String, entity: String, entityID: String, before: String?, after: String?) throws -> ChangeLogEntry {
        let last = try Row.fetchOne(db, sql: "SELECT seq, hash FROM change_log ORDER BY seq DESC LIMIT 1")
        let lastSeq = try last?.int("seq") ?? 0
        let prevHash = try last?.text("hash") ?? ChangeLogEntry.genesis
        let seq = max(lastSeq, try Queries.changeLogCounter(db)) + 1
        let hash = ChangeLogEntry.chainHash(prevHash: prevHash, seq: seq, at: at, actor: actor, action: action,
                                            entity: entity, entityID: entityID, before: before, after: after)
        try db.execute(sql: """
            INSERT INTO change_log (seq, at, actor, action, entity, entity_id, before, after, prev_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [seq, at.milliseconds, actor, action, entity, entityID, before, after, prevHash, hash])
        return ChangeLogEntry(seq: seq, at: at, actor: actor, action: action, entity: entity, entityID: entityID,
                              before: before, after: after, prevHash: prevHash, hash: hash)
    }
}
