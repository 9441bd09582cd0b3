import Foundation
import Showrunner
import ShowrunnerTestSupport
import Store
import Testing

/// The boot frequency cap reads an in-memory history: impressions this server records count at
/// once; impressions another process writes to the database count within a second.
@Suite(.serialized) struct BootHistoryTests {
    @Test func impressionsFromElsewhereCountWithinASecond() async throws {
        let s = try await TestServer.started()
        defer { Task { await s.stop() } }
        let r = try await runProcessAsync([TestEnv.showrunner, "boot", "add", "--channel", "tv", "--creative", TestEnv.media + "/boot-1080p.jpg",
                                           "--brand", "brew-co", "--from", "2026-11-01", "--until", "2026-12-31", "--priority", "1",
                                           "--id", "brew-boot", "--db", s.dir.file("catalog.sqlite"), "--media-root", s.library.root])
        #expect(r.status == 0, "\(r.stderr)")
        try await s.caughtUp()
        let url = s.base + "/v1/boot/tv?device=tv-9&model=ES75&w=1920&h=1080"
        #expect(try await HTTP.get(url).status == 200)
        // Another process records the TV's impression straight into the database.
        let now = s.clock.now()
        _ = try await s.store.record(events: [LedgerEvent(eventID: "elsewhere-1", type: "boot.impression", source: .client, deviceID: "tv-9",
                                                          endpoint: .tv, channel: "tv", creativeID: "brew-boot", ts: now, receivedAt: now)])
        // Within the second the server may not have seen it; a second later the 10-minute
        // interval cap applies (no default creative: nothing to show).
        s.clock.set(now.adding(milliseconds: 1000))
        #expect(try await HTTP.get(url).status == 204)
        // Another device is unaffected.
        #expect(try await HTTP.get(s.base + "/v1/boot/tv?device=tv-10&model=ES75&w=1920&h=1080").status == 200)
    }
}
