import Foundation
import Showrunner
import Testing
@testable import Store

@Suite struct CatalogChangeTests {
    @Test func brandsAddPutDelete() async throws {
        let store = try SQLiteStore.inMemory()
        let added = try await store.apply(.addBrand(brewCo))
        #expect(added.changed && added.id == "brew-co")
        let entry = try #require(added.entry)
        #expect(entry.seq == 1 && entry.action == "brand.add" && entry.entity == "brand" && entry.entityID == "brew-co")
        #expect(entry.before == nil && entry.after?.contains("\"Brew Co\"") == true && entry.actor == editor && entry.at == t0)

        let again = try await store.apply(.addBrand(brewCo))
        #expect(!again.changed && again.entry == nil && again.id == "brew-co")

        var other = brewCo
        other.name = "Brew Company"
        let conflict = await failure { try await store.apply(.addBrand(other)) }
        #expect(conflict?.code == .conflict && conflict?.message.contains("brew-co") == true)

        let put = try await store.apply(.putBrand(other))
        #expect(put.changed && put.entry?.action == "brand.put" && put.entry?.before?.contains("\"Brew Co\"") == true)
        #expect(try await !store.apply(.putBrand(other)).changed)
        let created = try await store.apply(.putBrand(motorCo))
        #expect(created.changed && created.entry?.before == nil)
        #expect(try await store.brands() == [other, motorCo])

        try await store.apply(.addSeries(Series(id: "harbour", name: "Harbour", brand: "brew-co")))
        try await store.apply(.addTitle(Title(id: "ad-film", name: "The Ad", kind: .film(brand: "brew-co"))))
        let used = await failure { try await store.apply(.deleteBrand(id: "brew-co")) }
        #expect(used?.code == .conflict)
        #expect(used?.message.contains("series 'harbour'") == true && used?.message.contains("title 'ad-film'") == true)

        let deleted = try await store.apply(.deleteBrand(id: "motor-co"))
        #expect(deleted.changed && deleted.entry?.action == "brand.delete" && deleted.entry?.after == nil && deleted.entry?.before != nil)
        let missing = await failure { try await store.apply(.deleteBrand(id: "motor-co")) }
        #expect(missing == .notFound("brand", "motor-co"))
        #expect(try await store.logCount() == 6)
    }

    @Test func seriesAndSeasons() async throws {
        let store = try SQLiteStore.inMemory()
        let noBrand = await failure { try await store.apply(.addSeries(Series(id: "s", name: "S", brand: "nobody"))) }
        #expect(noBrand == .notFound("brand", "nobody"))
        #expect(try await store.apply(.addSeries(harbour)).entry?.action == "series.add")
        #expect(try await !store.apply(.addSeries(harbour)).changed)
        let clash = await failure { try await store.apply(.addSeries(Series(id: "harbour", name: "Other"))) }
        #expect(clash?.code == .conflict)

        let orphan = await failure { try await store.apply(.addSeason(Season(series: "nope", number: 1))) }
        #expect(orphan == .notFound("series", "nope"))
        let season = try await store.apply(.addSeason(Season(series: "harbour", number: 2, name: "Winter")))
        #expect(season.changed && season.id == "harbour/2" && season.entry?.action == "season.add")
        #expect(try await !store.apply(.addSeason(Season(series: "harbour", number: 2, name: "Winter"))).changed)
        let renamed = await failure { try await store.apply(.addSeason(Season(series: "harbour", number: 2, name: "Summer"))) }
        #expect(renamed?.code == .conflict && renamed?.message.contains("harbour/2") == true)
        let zero = await failure { try await store.apply(.addSeason(Season(series: "harbour", number: 0))) }
        #expect(zero?.code == .invalid)
        #expect(try await store.seasons(series: "harbour") == [Season(series: "harbour", number: 2, name: "Winter")])
        #expect(try await store.series() == [harbour])
    }

    @Test func titles() async throws {
        let store = try SQLiteStore.inMemory()
        let noSeries = await failure { try await store.apply(.addTitle(episode("e1"))) }
        #expect(noSeries == .notFound("series", "harbour"))
        try await store.apply(.addSeries(harbour))

        let e2 = try await store.apply(.addTitle(episode("e2", season: 3, number: 2)))
        #expect(e2.changed && e2.entry?.action == "title.add" && e2.entry?.after?.contains("\"kind\":\"episode\"") == true)
        #expect(try await store.seasons(series: "harbour") == [Season(series: "harbour", number: 3)])  // created with the title
        #expect(try await !store.apply(.addTitle(episode("e2", season: 3, number: 2))).changed)
        let moved = await failure { try await store.apply(.addTitle(episode("e2", season: 3, number: 5))) }
        #expect(moved?.code == .conflict && moved?.message.contains("e2") == true)
        let sameSlot = await failure { try await store.apply(.addTitle(episode("other", season: 3, number: 2))) }
        #expect(sameSlot?.code == .conflict && sameSlot?.message.contains("'e2'") == true)

        let noBrand = await failure { try await store.apply(.addTitle(Title(id: "ad", name: "Ad", kind: .film(brand: "ghost")))) }
        #expect(noBrand == .notFound("brand", "ghost"))
        let film = Title(id: "a-film", name: "A Film", kind: .film(brand: nil))
        try await store.apply(.addTitle(film))
        try await store.apply(.addTitle(episode("e1", season: 3, number: 1)))
        #expect(try await store.titles().map(\.id) == ["a-film", "e1", "e2"])
        #expect(try await store.titles().first == film)

        let bad = await failure { try await store.apply(.addTitle(Title(id: "Bad Id", name: "x", kind: .film(brand: nil)))) }
        #expect(bad?.code == .invalid && bad?.field == "id")
        let control = await failure { try await store.apply(.addTitle(Title(id: "ok", name: "a\u{7}b", kind: .film(brand: nil)))) }
        #expect(control?.code == .invalid && control?.field == "name")
        #expect(try await store.logCount() == 4)
    }

    @Test func versions() async throws {
        let store = try SQLiteStore.inMemory()
        let orphan = await failure { try await store.apply(.addVersion(version("v1", of: "e1"))) }
        #expect(orphan == .notFound("title", "e1"))
        try await store.apply(.addSeries(harbour))
        try await store.apply(.addTitle(episode("e1")))
        for id in ["v1", "v2", "v10"] {
            let o = try await store.apply(.addVersion(version(id, of: "e1")))
            #expect(o.changed && o.id == id && o.entry?.action == "version.add" && o.entry?.entityID == "e1/\(id)")
        }
        #expect(try await !store.apply(.addVersion(version("v2", of: "e1"))).changed)
        var changed = version("v2", of: "e1")
        changed.durationMS = 70_000
        let clash = await failure { try await store.apply(.addVersion(changed)) }
        #expect(clash?.code == .conflict && clash?.message.contains("'v2'") == true)

        let stored = try await store.versions(title: "e1")
        #expect(stored.map(\.id) == ["v1", "v2", "v10"])  // registration order, not text order
        #expect(stored.first == version("v1", of: "e1"))
        #expect(try await store.versions(title: "nothing").isEmpty)

        for path in ["/abs/v3", "e1/../../etc", "", "e1//v3"] {
            var v = version("v3", of: "e1")
            v.path = path
            let e = await failure { try await store.apply(.addVersion(v)) }
            #expect(e?.code == .invalid && e?.field == "path", "path \(path)")
        }
        var format = version("v3", of: "e1")
        format.format = "mkv"
        #expect(await failure { try await store.apply(.addVersion(format)) }?.field == "format")
    }

    @Test func channels() async throws {
        let store = try SQLiteStore.inMemory()
        #expect(try await store.apply(.addChannel(tv)).entry?.action == "channel.add")
        #expect(try await !store.apply(.addChannel(tv)).changed)
        var renamed = tv
        renamed.settings["signing"] = "on"
        #expect(await failure { try await store.apply(.addChannel(renamed)) }?.code == .conflict)
        let put = try await store.apply(.putChannel(renamed))
        #expect(put.changed && put.entry?.action == "channel.put" && put.entry?.before != nil)
        #expect(try await !store.apply(.putChannel(renamed)).changed)
        try await store.apply(.putChannel(phone))
        #expect(try await store.channels() == [phone, renamed])
        var bad = phone
        bad.settings = ["Bad Key": "x"]
        #expect(await failure { try await store.apply(.putChannel(bad)) }?.code == .invalid)
    }

    @Test func windows() async throws {
        let store = try SQLiteStore.inMemory()
        try await seed(store)
        let w = RightsWindow(title: "e1", channel: "tv-2026", from: t0, until: t0.adding(milliseconds: 10 * hour), regions: ["US", "CA"])

        var unknown = w
        unknown.title = "nope"
        #expect(await failure { try await store.apply(.addWindow(unknown)) } == .notFound("title", "nope"))
        unknown = w
        unknown.channel = "radio"
        #expect(await failure { try await store.apply(.addWindow(unknown)) } == .notFound("channel", "radio"))

        let added = try await store.apply(.addWindow(w))
        let id = try #require(Int64(added.id))
        #expect(added.changed && added.entry?.action == "window.add" && added.entry?.entityID == added.id)
        let repeated = try await store.apply(.addWindow(w))
        #expect(!repeated.changed && repeated.id == added.id)

        var overlapping = w
        overlapping.from = t0.adding(milliseconds: 5 * hour)
        overlapping.until = nil
        let overlap = await failure { try await store.apply(.addWindow(overlapping)) }
        #expect(overlap?.code == .invalid && overlap?.message.contains("#\(id)") == true)

        var backwards = w
        backwards.until = t0
        #expect(await failure { try await store.apply(.addWindow(backwards)) }?.field == "until")
        var region = w
        region.regions = ["usa"]
        #expect(await failure { try await store.apply(.addWindow(region)) }?.field == "regions")

        let later = RightsWindow(title: "e1", channel: "tv-2026", from: t0.adding(milliseconds: 20 * hour))
        let earlier = RightsWindow(title: "e1", channel: "tv-2026", from: t0.adding(milliseconds: -5 * hour), until: t0)
        let onPhone = RightsWindow(title: "e1", channel: "phone", from: t0)
        for x in [later, onPhone, earlier] { try await store.apply(.addWindow(x)) }
        let all = try await store.windows(title: nil, channel: nil)
        #expect(all.map(\.channel) == ["phone", "tv-2026", "tv-2026", "tv-2026"])
        #expect(all.filter { $0.channel == "tv-2026" }.map(\.from) == [earlier.from, w.from, later.from])
        #expect(try await store.windows(title: "e1", channel: "phone").count == 1)
        #expect(try await store.windows(title: nil, channel: "tv-2026").count == 3)
        #expect(try await store.windows(title: "e1", channel: nil).count == 4)
        var stored = w
        stored.id = id
        #expect(all.contains(stored))

        let deleted = try await store.apply(.deleteWindow(id: id))
        #expect(deleted.changed && deleted.entry?.action == "window.delete" && deleted.id == String(id))
        #expect(await failure { try await store.apply(.deleteWindow(id: id)) } == .notFound("window", String(id)))
        #expect(try await store.windows(title: "e1", channel: "tv-2026").count == 2)
    }

    @Test func tokens() async throws {
        let store = try SQLiteStore.inMemory()
        let secret = "sr_0123456789abcdef0123456789abcdef"
        let hash = SHA256.hex(secret)
        let created = try await store.apply(.createToken(name: "ci-bot", role: .editor, hash: hash))
        #expect(created.changed && created.entry?.action == "token.create")
        #expect(created.entry?.after?.contains(hash) == false && created.entry?.after?.contains("editor") == true)
        #expect(try await !store.apply(.createToken(name: "ci-bot", role: .editor, hash: hash)).changed)
        #expect(await failure { try await store.apply(.createToken(name: "ci-bot", role: .viewer, hash: hash)) }?.code == .conflict)
        #expect(await failure { try await store.apply(.createToken(name: "other", role: .viewer, hash: hash)) }?.code == .conflict)
        #expect(await failure { try await store.apply(.createToken(name: "x", role: .viewer, hash: "not-hex")) }?.field == "hash")

        let found = try #require(try await store.token(hash: hash))
        #expect(found.name == "ci-bot" && found.role == .editor && found.createdAt == t0 && found.revokedAt == nil)
        let revoked = try await store.apply(.revokeToken(name: "ci-bot"), at: t0.adding(milliseconds: hour))
        #expect(revoked.changed && revoked.entry?.action == "token.revoke" && revoked.entry?.after?.contains(hash) == false)
        #expect(try await store.token(hash: hash) == nil)
        #expect(try await store.tokens().first?.revokedAt == t0.adding(milliseconds: hour))
        #expect(try await !store.apply(.revokeToken(name: "ci-bot")).changed)
        #expect(await failure { try await store.apply(.revokeToken(name: "ghost")) } == .notFound("token", "ghost"))
        #expect(await failure { try await store.apply(.createToken(name: "ci-bot", role: .editor, hash: hash)) }?.code == .conflict)
    }

    @Test func badActorIsRefused() async throws {
        let store = try SQLiteStore.inMemory()
        let e = await failure { _ = try await store.apply(.addBrand(brewCo), actor: " ", at: t0) }
        #expect(e?.field == "actor")
        #expect(try await store.brands().isEmpty)
    }
}

/// An encrypted version keeps its method and key ids through the store; a clear one stays nil.
@Test func versionEncryptionRoundTrips() async throws {
    let store = try SQLiteStore.inMemory()
    try await store.apply(.addSeries(harbour))
    try await store.apply(.addTitle(episode("e1")))
    var v = version("v1", of: "e1")
    v.encryption = VersionEncryption(method: "aes-128", keyIDs: [String(repeating: "ab", count: 16), String(repeating: "0c", count: 16)])
    try await store.apply(.addVersion(v))
    try await store.apply(.addVersion(version("v2", of: "e1")))
    let stored = try await store.versions(title: "e1")
    #expect(stored == [v, version("v2", of: "e1")])
    #expect(try await !store.apply(.addVersion(v)).changed)  // idempotent with the column
}
