import GRDB
import Showrunner

/// The ad side of the catalog: documents (JSON bodies) with their references checked, each change
/// logged with before and after like the rest of the catalog.
extension ChangeWriter {
    func putPolicy(_ p: AdPolicy) throws -> ChangeOutcome {
        guard try Queries.channel(db, id: p.channel) != nil else { throw ShowrunnerError.notFound("channel", p.channel) }
        if let slate = p.slate {
            guard let creative = try Queries.creative(db, id: slate) else { throw ShowrunnerError.notFound("creative", slate) }
            guard creative.slate else { throw ShowrunnerError.invalid("slate", "creative '\(slate)' is an ad, not a slate") }
        }
        let existing = try Queries.policy(db, channel: p.channel)
        if existing == p { return unchanged(p.channel) }
        try db.execute(sql: "INSERT OR REPLACE INTO ad_policy (channel, body) VALUES (?, ?)", arguments: [p.channel, try JSONText.encode(p)])
        return try logged(p.channel, action: "policy.put", entity: "policy", entityID: p.channel,
                          before: try existing.map { try JSONText.encode($0) }, after: try JSONText.encode(p))
    }

    func putBreaks(_ b: TitleBreaks) throws -> ChangeOutcome {
        guard try Queries.title(db, id: b.title) != nil else { throw ShowrunnerError.notFound("title", b.title) }
        let existing = try Queries.titleBreaks(db, title: b.title)
        if existing == b || (existing == nil && b.breaks.isEmpty) { return unchanged(b.title) }
        if let newest = try Queries.versions(db, title: b.title).last {
            try AdDecisionEngine.validate(b, version: newest)
        }
        if b.breaks.isEmpty {
            try db.execute(sql: "DELETE FROM title_breaks WHERE title = ?", arguments: [b.title])
        } else {
            try db.execute(sql: "INSERT OR REPLACE INTO title_breaks (title, body) VALUES (?, ?)", arguments: [b.title, try JSONText.encode(b)])
        }
        return try logged(b.title, action: "breaks.put", entity: "breaks", entityID: b.title,
                          before: try existing.map { try JSONText.encode($0) }, after: b.breaks.isEmpty ? nil : try JSONText.encode(b))
    }

    func addCampaign(_ c: Campaign) throws -> ChangeOutcome {
        if let existing = try Queries.campaign(db, id: c.id) {
            guard existing == c else { throw exists("campaign", c.id, hint: " (update replaces it)") }
            return unchanged(c.id)
        }
        return try putCampaign(c)
    }

    func putCampaign(_ c: Campaign) throws -> ChangeOutcome {
        guard try Queries.brand(db, id: c.brand) != nil else { throw ShowrunnerError.notFound("brand", c.brand) }
        let existing = try Queries.campaign(db, id: c.id)
        if existing == c { return unchanged(c.id) }
        try db.execute(sql: "INSERT OR REPLACE INTO campaign (id, brand, body) VALUES (?, ?, ?)", arguments: [c.id, c.brand, try JSONText.encode(c)])
        return try logged(c.id, action: existing == nil ? "campaign.add" : "campaign.put", entity: "campaign", entityID: c.id,
                          before: try existing.map { try JSONText.encode($0) }, after: try JSONText.encode(c))
    }

    func putCreative(_ c: Creative) throws -> ChangeOutcome {
        if let campaign = c.campaign, try Queries.campaign(db, id: campaign) == nil {
            throw ShowrunnerError.notFound("campaign", campaign)
        }
        let existing = try Queries.creative(db, id: c.id)
        if existing == c { return unchanged(c.id) }
        if let existing, existing.slate != c.slate {
            throw ShowrunnerError(.conflict, "creative '\(c.id)' is \(existing.slate ? "a slate" : "an ad"); it cannot become \(c.slate ? "a slate" : "an ad")", field: "slate")
        }
        try db.execute(sql: "INSERT OR REPLACE INTO creative (id, campaign, body) VALUES (?, ?, ?)", arguments: [c.id, c.campaign, try JSONText.encode(c)])
        return try logged(c.id, action: existing == nil ? "creative.add" : "creative.put", entity: "creative", entityID: c.id,
                          before: try existing.map { try JSONText.encode($0) }, after: try JSONText.encode(c))
    }
}

extension ChangeWriter {
    func putBootRules(_ r: BootRules) throws -> ChangeOutcome {
        guard try Queries.channel(db, id: r.channel) != nil else { throw ShowrunnerError.notFound("channel", r.channel) }
        let existing = try Queries.bootRules(db, channel: r.channel)
        if existing == r { return unchanged(r.channel) }
        try db.execute(sql: "INSERT OR REPLACE INTO boot_rules (channel, body) VALUES (?, ?)", arguments: [r.channel, try JSONText.encode(r)])
        return try logged(r.channel, action: "boot.rules.put", entity: "boot_rules", entityID: r.channel,
                          before: try existing.map { try JSONText.encode($0) }, after: try JSONText.encode(r))
    }

    func putBootCreative(_ c: BootCreative) throws -> ChangeOutcome {
        guard try Queries.channel(db, id: c.channel) != nil else { throw ShowrunnerError.notFound("channel", c.channel) }
        let rules = try Queries.bootRules(db, channel: c.channel) ?? BootRules(channel: c.channel)
        try rules.check(creative: c, brands: try Queries.brands(db), existing: try Queries.bootCreatives(db, channel: c.channel))
        let existing = try Queries.bootCreative(db, id: c.id)
        if existing == c { return unchanged(c.id) }
        try db.execute(sql: "INSERT OR REPLACE INTO boot_creative (id, channel, brand, body) VALUES (?, ?, ?, ?)",
                       arguments: [c.id, c.channel, c.brand, try JSONText.encode(c)])
        return try logged(c.id, action: existing == nil ? "boot.creative.add" : "boot.creative.put", entity: "boot_creative", entityID: c.id,
                          before: try existing.map { try JSONText.encode($0) }, after: try JSONText.encode(c))
    }
}

extension Queries {
    static func bootRules(_ db: Database, channel: String) throws -> BootRules? {
        try Row.fetchOne(db, sql: "SELECT body FROM boot_rules WHERE channel = ?", arguments: [channel]).map { try $0.json(BootRules.self, "body", table: "boot_rules") }
    }

    static func allBootRules(_ db: Database) throws -> [BootRules] {
        try Row.fetchAll(db, sql: "SELECT body FROM boot_rules ORDER BY channel").map { try $0.json(BootRules.self, "body", table: "boot_rules") }
    }

    static func bootCreative(_ db: Database, id: String) throws -> BootCreative? {
        try Row.fetchOne(db, sql: "SELECT body FROM boot_creative WHERE id = ?", arguments: [id]).map { try $0.json(BootCreative.self, "body", table: "boot_creative") }
    }

    static func bootCreatives(_ db: Database, channel: String?) throws -> [BootCreative] {
        let (sql, args): (String, StatementArguments) = channel.map { ("SELECT body FROM boot_creative WHERE channel = ? ORDER BY id", [$0]) }
            ?? ("SELECT body FROM boot_creative ORDER BY id", [])
        return try Row.fetchAll(db, sql: sql, arguments: args).map { try $0.json(BootCreative.self, "body", table: "boot_creative") }
    }

    static func policy(_ db: Database, channel: String) throws -> AdPolicy? {
        try Row.fetchOne(db, sql: "SELECT body FROM ad_policy WHERE channel = ?", arguments: [channel]).map { try $0.json(AdPolicy.self, "body", table: "ad_policy") }
    }

    static func policies(_ db: Database) throws -> [AdPolicy] {
        try Row.fetchAll(db, sql: "SELECT body FROM ad_policy ORDER BY channel").map { try $0.json(AdPolicy.self, "body", table: "ad_policy") }
    }

    static func titleBreaks(_ db: Database, title: String) throws -> TitleBreaks? {
        try Row.fetchOne(db, sql: "SELECT body FROM title_breaks WHERE title = ?", arguments: [title]).map { try $0.json(TitleBreaks.self, "body", table: "title_breaks") }
    }

    static func allTitleBreaks(_ db: Database) throws -> [TitleBreaks] {
        try Row.fetchAll(db, sql: "SELECT body FROM title_breaks ORDER BY title").map { try $0.json(TitleBreaks.self, "body", table: "title_breaks") }
    }

    static func campaign(_ db: Database, id: String) throws -> Campaign? {
        try Row.fetchOne(db, sql: "SELECT body FROM campaign WHERE id = ?", arguments: [id]).map { try $0.json(Campaign.self, "body", table: "campaign") }
    }

    static func campaigns(_ db: Database) throws -> [Campaign] {
        try Row.fetchAll(db, sql: "SELECT body FROM campaign ORDER BY id").map { try $0.json(Campaign.self, "body", table: "campaign") }
    }

    static func creative(_ db: Database, id: String) throws -> Creative? {
        try Row.fetchOne(db, sql: "SELECT body FROM creative WHERE id = ?", arguments: [id]).map { try $0.json(Creative.self, "body", table: "creative") }
    }

    static func creatives(_ db: Database) throws -> [Creative] {
        try Row.fetchAll(db, sql: "SELECT body FROM creative ORDER BY id").map { try $0.json(Creative.self, "body", table: "creative") }
    }
}

