import Foundation
import Showrunner
import Testing
@testable import Store

@Suite struct PublishingTests {
    let pair = CatalogSnapshot.pair("e1", "tv-2026")

    @Test func publishUnpublishRollbackSequence() async throws {
        let store = try SQLiteStore.inMemory()
        try await seed(store)
        func at(_ hours: Int64) -> Timestamp { t0.adding(milliseconds: hours * hour) }

        let first = try await store.apply(.publish(title: "e1", channel: "tv-2026", version: nil, from: nil, until: nil), at: at(1))
        #expect(first.changed && first.id == "v2")  // latest by default
        let entry = try #require(first.entry)
        #expect(entry.action == "publish" && entry.entity == "publication" && entry.entityID == "e1/tv-2026" && entry.before == nil)
        #expect(entry.after?.contains("\"window\"") == true && entry.after?.contains("\"version\":\"v2\"") == true)
        var snapshot = try await store.snapshot()
        #expect(snapshot.live == [pair: "v2"])
        #expect(snapshot.windows[pair]?.count == 1 && snapshot.windows[pair]?.first?.from == at(1) && snapshot.windows[pair]?.first?.until == nil)
        #expect(snapshot.availability(title: "e1", channel: "tv-2026", now: at(2)) == .playable(version("v2", of: "e1", at: t0.adding(milliseconds: 1))))

        let same = try await store.apply(.publish(title: "e1", channel: "tv-2026", version: nil, from: nil, until: nil), at: at(2))
        #expect(!same.changed && same.id == "v2" && same.entry == nil)

        #expect(try await store.apply(.publish(title: "e1", channel: "tv-2026", version: "v1", from: nil, until: nil), at: at(3)).id == "v1")
        let back = try await store.apply(.rollback(title: "e1", channel: "tv-2026"), at: at(4))
        #expect(back.changed && back.id == "v2" && back.entry?.action == "rollback" && back.entry?.before?.contains("\"v1\"") == true)
        #expect(try await store.snapshot().live[pair] == "v2")
        #expect(try await store.apply(.rollback(title: "e1", channel: "tv-2026"), at: at(5)).id == "v1")

        let off = try await store.apply(.unpublish(title: "e1", channel: "tv-2026"), at: at(6))
        #expect(off.changed && off.entry?.action == "unpublish" && off.entry?.after?.contains("\"version\"") == false)
        snapshot = try await store.snapshot()
        #expect(snapshot.live.isEmpty && snapshot.liveVersion(title: "e1", channel: "tv-2026") == nil)
        #expect(snapshot.availability(title: "e1", channel: "tv-2026", now: at(7)) == .notPublished)
        #expect(snapshot.windows[pair]?.count == 1)  // windows stay
        #expect(try await !store.apply(.unpublish(title: "e1", channel: "tv-2026"), at: at(7)).changed)

        let again = try await store.apply(.rollback(title: "e1", channel: "tv-2026"), at: at(8))
        #expect(again.changed && again.id == "v1")
        #expect(try await store.snapshot().live[pair] == "v1")

        let history = try await store.publications(title: "e1", channel: "tv-2026")
        #expect(history.map(\.version) == ["v2", "v1", "v2", "v1", nil, "v1"])
        #expect(history.map(\.at) == [at(1), at(3), at(4), at(5), at(6), at(8)])
        #expect(history.allSatisfy { $0.actor == editor })
        #expect(try await store.publications(title: nil, channel: "phone").isEmpty)
        #expect(try await store.revision() == Int64(try await store.logCount()))
    }

    @Test func publishErrorsWriteNothing() async throws {
        let store = try SQLiteStore.inMemory()
        try await seed(store)
        try await store.apply(.addTitle(episode("e2", number: 2)))
        let before = try await store.revision()

        #expect(await failure { try await store.apply(.publish(title: "e2", channel: "tv-2026", version: nil, from: nil, until: nil)) }?.code == .conflict)
        #expect(await failure { try await store.apply(.publish(title: "e1", channel: "tv-2026", version: "v9", from: nil, until: nil)) }?.field == "version")
        #expect(await failure { try await store.apply(.publish(title: "zz", channel: "tv-2026", version: nil, from: nil, until: nil)) } == .notFound("title", "zz"))
        #expect(await failure { try await store.apply(.publish(title: "e1", channel: "radio", version: nil, from: nil, until: nil)) } == .notFound("channel", "radio"))
        #expect(await failure { try await store.apply(.unpublish(title: "e1", channel: "radio")) } == .notFound("channel", "radio"))
        #expect(await failure { try await store.apply(.rollback(title: "e1", channel: "phone")) }?.code == .conflict)

        // A publish with its own window inserts the window...
        let from = t0.adding(milliseconds: hour), until = t0.adding(milliseconds: 5 * hour)
        let o = try await store.apply(.publish(title: "e1", channel: "phone", version: "v1", from: from, until: until))
        #expect(o.changed && o.id == "v1")
        #expect(try await store.windows(title: "e1", channel: "phone").map { [$0.from, $0.until] } == [[from, until]])
        // ...naming the same window again reuses it; an overlapping one is refused with nothing written.
        #expect(try await !store.apply(.publish(title: "e1", channel: "phone", version: "v1", from: from, until: until)).changed)
        let revision = try await store.revision()
        #expect(revision == before + 1)
        let overlap = await failure {
            try await store.apply(.publish(title: "e1", channel: "phone", version: "v2", from: t0.adding(milliseconds: 2 * hour), until: nil))
        }
        #expect(overlap?.code == .invalid)
        #expect(try await store.revision() == revision)
        #expect(try await store.publications(title: "e1", channel: "phone").count == 1)
        #expect(try await store.windows(title: "e1", channel: "phone").count == 1)
        #expect(try await store.snapshot().live == [CatalogSnapshot.pair("e1", "phone"): "v1"])
    }

    @Test func snapshotHoldsTheWholeCatalog() async throws {
        let store = try SQLiteStore.inMemory()
        try await seed(store, versions: 3)
        let film = Title(id: "ad-film", name: "The Ad", kind: .film(brand: "brew-co"))
        try await store.apply(.addTitle(film))
        try await store.apply(.addVersion(version("v1", of: "ad-film")))
        try await store.apply(.publish(title: "e1", channel: "tv-2026", version: "v3", from: nil, until: nil))
        try await store.apply(.publish(title: "ad-film", channel: "phone", version: nil, from: nil, until: nil))
        try await store.apply(.publish(title: "ad-film", channel: "tv-2026", version: nil, from: nil, until: nil))
        try await store.apply(.unpublish(title: "ad-film", channel: "tv-2026"))

        let s = try await store.snapshot()
        #expect(s.revision == Int64(try await store.logCount()))
        #expect(s.brands == ["brew-co": brewCo])
        #expect(s.series == ["harbour": harbour])
        #expect(s.channels == ["tv-2026": tv, "phone": phone])
        #expect(s.titles["ad-film"] == film && s.titles["e1"] == episode("e1"))
        #expect(s.versions["e1"]?.keys.sorted() == ["v1", "v2", "v3"] && s.versions["ad-film"]?["v1"] == version("v1", of: "ad-film"))
        #expect(s.live == [pair: "v3", CatalogSnapshot.pair("ad-film", "phone"): "v1"])
        #expect(s.windows.count == 3)
        #expect(s.liveVersion(title: "e1", channel: "tv-2026")?.id == "v3")
    }
}
