import Showrunner
import Testing

private func ts(_ s: String) -> Timestamp { Timestamp(iso8601: s)! }

private func version(_ id: String) -> TitleVersion {
    TitleVersion(id: id, title: "ep1", path: "ep1/\(id)", format: "ts", durationMS: 30_000, renditions: [], cutsMS: [],
                 createdAt: ts("2026-11-01"), source: nil)
}

@Suite struct CatalogRulesTests {
    @Test(arguments: ["tv", "long-road-s01e01", "a.b_c-9", "0abc"])
    func acceptsIDs(id: String) throws {
        try CatalogRules.checkID(id, field: "id")
    }

    @Test(arguments: ["", "TV", "-tv", "a/b", "a b", "..", "é", String(repeating: "a", count: 65), "a\u{0}b"])
    func rejectsIDs(id: String) {
        #expect(throws: ShowrunnerError.self) { try CatalogRules.checkID(id, field: "id") }
    }

    @Test func windowsOverlap() throws {
        let a = RightsWindow(id: 1, title: "t", channel: "tv", from: ts("2026-01-01"), until: ts("2026-02-01"))
        let b = RightsWindow(title: "t", channel: "tv", from: ts("2026-02-01"), until: nil)
        let c = RightsWindow(title: "t", channel: "tv", from: ts("2026-01-15"), until: ts("2026-03-01"))
        try CatalogRules.checkNoOverlap(b, existing: [a])  // touching is fine: [from, until)
        #expect(throws: ShowrunnerError.self) { try CatalogRules.checkNoOverlap(c, existing: [a]) }
        let other = RightsWindow(title: "t", channel: "mobile", from: ts("2026-01-15"), until: nil)
        try CatalogRules.checkNoOverlap(other, existing: [a])
    }

    @Test func windowFieldsAreChecked() {
        let bad = RightsWindow(title: "t", channel: "tv", from: ts("2026-02-01"), until: ts("2026-01-01"))
        #expect { try CatalogRules.checkWindow(bad) } throws: { ($0 as? ShowrunnerError)?.field == "until" }
        let region = RightsWindow(title: "t", channel: "tv", from: ts("2026-02-01"), regions: ["usa"])
        #expect { try CatalogRules.checkWindow(region) } throws: { ($0 as? ShowrunnerError)?.field == "regions" }
    }

    @Test func publishDefaultsToLatestAndOpensAWindow() throws {
        let plan = try CatalogRules.planPublish(title: "ep1", channel: "tv", version: nil, from: nil, until: nil,
                                                versions: [version("v1"), version("v2")], windows: [], history: [],
                                                now: ts("2026-11-29T10:00:00Z"), actor: "cli")
        #expect(plan.version == "v2")
        #expect(plan.newWindow?.from == ts("2026-11-29T10:00:00Z"))
        #expect(plan.newWindow?.until == nil)
        #expect(plan.publication?.version == "v2")
    }

    @Test func republishingTheLiveVersionIsANoOp() throws {
        let w = RightsWindow(id: 1, title: "ep1", channel: "tv", from: ts("2026-01-01"))
        let live = Publication(title: "ep1", channel: "tv", version: "v2", at: ts("2026-11-01"), actor: "cli")
        let plan = try CatalogRules.planPublish(title: "ep1", channel: "tv", version: "v2", from: nil, until: nil,
                                                versions: [version("v1"), version("v2")], windows: [w], history: [live],
                                                now: ts("2026-11-29"), actor: "cli")
        #expect(plan.publication == nil)
        #expect(plan.newWindow == nil)
    }

    @Test func publishErrors() {
        #expect { try CatalogRules.planPublish(title: "ep1", channel: "tv", version: nil, from: nil, until: nil, versions: [],
                                               windows: [], history: [], now: ts("2026-11-29"), actor: "cli") }
            throws: { ($0 as? ShowrunnerError)?.code == .conflict }
        #expect { try CatalogRules.planPublish(title: "ep1", channel: "tv", version: "v9", from: nil, until: nil, versions: [version("v1")],
                                               windows: [], history: [], now: ts("2026-11-29"), actor: "cli") }
            throws: { ($0 as? ShowrunnerError)?.code == .notFound }
        let w = RightsWindow(id: 1, title: "ep1", channel: "tv", from: ts("2026-01-01"))
        #expect { try CatalogRules.planPublish(title: "ep1", channel: "tv", version: nil, from: ts("2026-06-01"), until: nil,
                                               versions: [version("v1")], windows: [w], history: [], now: ts("2026-11-29"), actor: "cli") }
            throws: { ($0 as? ShowrunnerError)?.field == "from" }
    }

    @Test func rollbackGoesToThePreviousVersion() throws {
        let h = [
            Publication(title: "ep1", channel: "tv", version: "v1", at: ts("2026-11-01"), actor: "a"),
            Publication(title: "ep1", channel: "tv", version: "v2", at: ts("2026-11-02"), actor: "a"),
            Publication(title: "ep1", channel: "tv", version: nil, at: ts("2026-11-03"), actor: "a"),
            Publication(title: "ep1", channel: "tv", version: "v2", at: ts("2026-11-04"), actor: "a"),
        ]
        #expect(try CatalogRules.planRollback(title: "ep1", channel: "tv", history: h, now: ts("2026-11-29"), actor: "a").version == "v1")
        #expect(throws: ShowrunnerError.self) {
            try CatalogRules.planRollback(title: "ep1", channel: "tv", history: Array(h.prefix(1)), now: ts("2026-11-29"), actor: "a")
        }
        #expect(CatalogRules.planUnpublish(title: "ep1", channel: "tv", history: Array(h.prefix(3)), now: ts("2026-11-29"), actor: "a") == nil)
    }

    @Test func availability() {
        let v = version("v1")
        let w = [RightsWindow(id: 1, title: "ep1", channel: "tv", from: ts("2026-11-01"), until: ts("2026-12-01"), regions: ["US", "CA"])]
        #expect(CatalogRules.availability(version: v, windows: w, now: ts("2026-11-15"), region: nil) == .playable(v))
        #expect(CatalogRules.availability(version: v, windows: w, now: ts("2026-11-15"), region: "US") == .playable(v))
        #expect(CatalogRules.availability(version: v, windows: w, now: ts("2026-11-15"), region: "FR") == .region("FR"))
        #expect(CatalogRules.availability(version: v, windows: w, now: ts("2026-10-15"), region: nil) == .windowNotOpen(opens: ts("2026-11-01")))
        #expect(CatalogRules.availability(version: v, windows: w, now: ts("2026-12-15"), region: nil) == .windowClosed(closed: ts("2026-12-01")))
        #expect(CatalogRules.availability(version: nil, windows: w, now: ts("2026-11-15"), region: nil) == .notPublished)
        #expect(CatalogRules.availability(version: v, windows: [], now: ts("2026-11-15"), region: nil) == .noWindow)
    }

    @Test func changeLogChainHashCoversEveryField() {
        let a = ChangeLogEntry.chainHash(prevHash: ChangeLogEntry.genesis, seq: 1, at: ts("2026-11-29"), actor: "a", action: "brand.add",
                                         entity: "brand", entityID: "x", before: nil, after: "{}")
        let b = ChangeLogEntry.chainHash(prevHash: ChangeLogEntry.genesis, seq: 1, at: ts("2026-11-29"), actor: "a", action: "brand.add",
                                         entity: "brand", entityID: "x", before: "", after: "{}")
        let c = ChangeLogEntry.chainHash(prevHash: ChangeLogEntry.genesis, seq: 1, at: ts("2026-11-29"), actor: "ab", action: "rand.add",
                                         entity: "brand", entityID: "x", before: nil, after: "{}")
        #expect(a.count == 64)
        #expect(a != b)
        #expect(a != c)
    }
}
