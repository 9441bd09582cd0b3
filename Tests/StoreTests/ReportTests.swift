import Foundation
import Showrunner
import Store
import Testing

/// Reports over generated ledgers, checked against brute-force computations in Swift.
@Suite struct ReportTests {
    struct Rng: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let day = Timestamp(iso8601: "2026-11-29")!
    static let period = ReportPeriod(from: day, until: day.adding(seconds: 86_400))

    @Test func reachAndFrequencyMatchBruteForce() async throws {
        let store = try SQLiteStore.inMemory()
        var rng = Rng(state: 7)
        // 3,000 devices (TV and phones) in 1,200 households; a quarter of devices unlinked.
        let devices = (0..<3000).map { i in (id: "\(i % 3 == 0 ? "tv" : "phone")-\(i)", endpoint: i % 3 == 0 ? EndpointKind.tv : .mobile) }
        var household: [String: String] = [:]
        var links: [DeviceLink] = []
        for d in devices where Int.random(in: 0..<4, using: &rng) != 0 {
            let h = "hh-\(Int.random(in: 0..<1200, using: &rng))"
            household[d.id] = h
            links.append(DeviceLink(deviceID: d.id, householdID: h))
        }
        _ = try await store.link(links, at: Self.day)
        // Impressions: each slot seen by the server and, usually, by the client too (counted once).
        var events: [LedgerEvent] = []
        var slots: [String: Set<String>] = [:], reachedDevices: [String: Set<String>] = [:], reachedHouseholds: [String: Set<String>] = [:]
        var endpointDevices: [String: [String: Set<String>]] = [:]
        for n in 0..<6000 {
            let d = devices[Int.random(in: 0..<devices.count, using: &rng)]
            let campaign = ["brew", "volt", "snack"][Int.random(in: 0..<3, using: &rng)]
            let slot = String(repeating: "0", count: 27) + Self.format5(n) + ".mid-1.0"
            let ts = Self.day.adding(milliseconds: Int64.random(in: 0..<86_400_000, using: &rng))
            let sources: [EventSource] = Int.random(in: 0..<5, using: &rng) == 0 ? [.server] : [.server, .client]
            for src in sources {
                events.append(LedgerEvent(eventID: "\(src.rawValue):\(slot)", type: "ad.impression", source: src, deviceID: d.id,
                                          endpoint: d.endpoint, channel: d.endpoint == .tv ? "tv" : "mobile", slotID: slot,
                                          creativeID: campaign + "-15", campaignID: campaign, ts: ts, receivedAt: ts))
            }
            slots[campaign, default: []].insert(slot)
            reachedDevices[campaign, default: []].insert(d.id)
            reachedHouseholds[campaign, default: []].insert(household[d.id] ?? d.id)
            endpointDevices[campaign, default: [:]][d.endpoint.rawValue, default: []].insert(d.id)
        }
        // A day outside the period does not count.
        events.append(LedgerEvent(eventID: "old", type: "ad.impression", source: .server, deviceID: "tv-0", campaignID: "brew",
                                  ts: Self.day.adding(seconds: -10), receivedAt: Self.day))
        for chunk in stride(from: 0, to: events.count, by: 500) {
            _ = try await store.record(events: Array(events[chunk..<min(events.count, chunk + 500)]))
        }
        let report = try await store.reachReport(Self.period, includeFlagged: false)
        #expect(report.rows.map(\.campaign) == ["brew", "snack", "volt"])
        for row in report.rows {
            #expect(row.impressions == Int64(slots[row.campaign]!.count))
            #expect(row.devices == Int64(reachedDevices[row.campaign]!.count))
            #expect(row.households == Int64(reachedHouseholds[row.campaign]!.count))
            #expect(row.averageFrequency == Double(row.impressions) / Double(row.households))
            #expect(row.devicesByEndpoint == endpointDevices[row.campaign]!.mapValues { Int64($0.count) })
        }
        // Server and client side by side.
        let ads = try await store.adReport(Self.period, includeFlagged: false)
        let brew = ads.rows.filter { $0.campaign == "brew" }
        #expect(Set(brew.map(\.channel)) == ["tv", "mobile"] && brew.allSatisfy { $0.breakID == "mid-1" })
        let server = brew.reduce(0) { $0 + ($1.server["impression"] ?? 0) }, client = brew.reduce(0) { $0 + ($1.client["impression"] ?? 0) }
        #expect(server == Int64(slots["brew"]!.count))
        #expect(client > 0 && client < server)
    }

    static func format5(_ n: Int) -> String { String(repeating: "0", count: 5 - String(n).count) + String(n) }

    @Test func viewsCompletionAndWatchTime() async throws {
        let store = try SQLiteStore.inMemory()
        var events: [LedgerEvent] = []
        func add(_ device: String, _ session: String, _ type: String, _ position: Int64?, endpoint: EndpointKind = .tv) {
            let ts = Self.day.adding(milliseconds: 3_600_000 + Int64(events.count) * 1000)
            events.append(LedgerEvent(eventID: "e\(events.count)", type: type, source: .client, deviceID: device, endpoint: endpoint,
                                      channel: "tv", titleID: "ep1", positionMS: position, ts: ts, receivedAt: ts))
        }
        // A: watched to the end (complete). B: 12 s. C: 5 s (not a view). D: heartbeat only (no play_start). E: mobile, 30 s.
        add("a", "s1", "content.play_start", 0); add("a", "s1", "content.heartbeat", 20_000); add("a", "s1", "content.complete", 30_000)
        add("b", "s2", "content.play_start", 0); add("b", "s2", "content.heartbeat", 12_000)
        add("c", "s3", "content.play_start", 0); add("c", "s3", "content.heartbeat", 5_000)
        add("d", "s4", "content.heartbeat", 40_000)
        add("e", "s5", "content.play_start", 0, endpoint: .mobile); add("e", "s5", "content.heartbeat", 30_000, endpoint: .mobile)
        _ = try await store.record(events: events)
        let r = try await store.viewReport(Self.period, minimumMS: 10_000, includeFlagged: false)
        #expect(r.rows.count == 2)
        let tv = try #require(r.rows.first { $0.endpoint == "tv" })
        #expect(tv.views == 2 && tv.completed == 1 && tv.averageWatchMS == 21_000 && tv.day == "2026-11-29")
        #expect(r.rows.first { $0.endpoint == "mobile" }?.views == 1)
        // The table and CSV forms.
        let table = ReportTable.views(r)
        #expect(table.csv == "day,title,channel,endpoint,views,completed,completion_rate,average_watch_s\r\n"
                + "2026-11-29,ep1,tv,mobile,1,0,0.000,30.000\r\n2026-11-29,ep1,tv,tv,2,1,0.500,21.000\r\n")
    }
}

/// `compact`: reports over compacted days equal the reports before compaction.
@Suite struct CompactionTests {
    @Test func reportsAreTheSameAfterCompaction() async throws {
        let store = try SQLiteStore.inMemory()
        var rng = ReportTests.Rng(state: 99)
        let start = Timestamp(iso8601: "2026-11-01")!
        var events: [LedgerEvent] = []
        for n in 0..<4000 {
            let ts = start.adding(milliseconds: Int64.random(in: 0..<(4 * 86_400_000), using: &rng))
            let device = "d\(Int.random(in: 0..<300, using: &rng))"
            let endpoint: EndpointKind = device.hasSuffix("0") ? .mobile : .tv
            let flagged = Int.random(in: 0..<20, using: &rng) == 0 ? ["device_too_fast"] : []
            let campaign = ["brew", "volt"][n % 2]
            let slot = String(repeating: "a", count: 27) + ReportTests.format5(n / 2) + ".mid-1.0"
            switch n % 4 {
            case 0, 1:
                events.append(LedgerEvent(eventID: "i\(n)", type: n % 4 == 0 ? "ad.impression" : "ad.complete", source: .server,
                                          deviceID: device, endpoint: endpoint, channel: "tv", slotID: slot, creativeID: campaign + "-1",
                                          campaignID: campaign, ts: ts, receivedAt: ts, flags: flagged))
            default:
                let session = "s\(n / 8)"
                let type = ["content.play_start", "content.heartbeat", "content.complete"][Int.random(in: 0..<3, using: &rng)]
                events.append(LedgerEvent(eventID: "c\(n)", type: type, source: .server, deviceID: device, endpoint: endpoint, channel: "tv",
                                          titleID: "ep\(n % 3)", sessionID: session, positionMS: Int64.random(in: 0..<60_000, using: &rng),
                                          ts: ts, receivedAt: ts, flags: flagged))
            }
        }
        _ = try await store.link([DeviceLink(deviceID: "d1", householdID: "h1"), DeviceLink(deviceID: "d2", householdID: "h1")], at: start)
        for chunk in stride(from: 0, to: events.count, by: 500) {
            _ = try await store.record(events: Array(events[chunk..<min(events.count, chunk + 500)]))
        }
        let periods = [ReportPeriod(from: start, until: start.adding(seconds: 4 * 86_400)),
                       ReportPeriod(from: start.adding(seconds: 86_400), until: start.adding(seconds: 3 * 86_400))]
        func text(_ v: some Encodable) throws -> String {
            let e = JSONEncoder()
            e.outputFormatting = [.sortedKeys]
            return String(decoding: try e.encode(v), as: UTF8.self)
        }
        func snapshot() async throws -> [String] {
            var out: [String] = []
            for p in periods {
                for include in [false, true] {
                    out.append(try text(try await store.viewReport(p, minimumMS: 10_000, includeFlagged: include)))
                    out.append(try text(try await store.adReport(p, includeFlagged: include)))
                    out.append(try text(try await store.reachReport(p, includeFlagged: include)))
                }
            }
            out.append(try text(try await store.eventStats()))
            return out
        }
        let before = try await snapshot()
        let now = Timestamp(iso8601: "2026-11-29")!
        // Not a day boundary, or too recent: refused, nothing changed.
        await #expect(throws: ShowrunnerError.self) { _ = try await store.compact(before: start.adding(seconds: 3600), now: now) }
        await #expect(throws: ShowrunnerError.self) { _ = try await store.compact(before: Timestamp(iso8601: "2026-11-25")!, now: now) }
        // Compact the first three days (the last one stays raw: a period straddles both).
        let r = try await store.compact(before: start.adding(seconds: 3 * 86_400), now: now)
        #expect(r.events > 2000 && r.aggregateRows > 0)
        let after = try await snapshot()
        for (i, (a, b)) in zip(after, before).enumerated() where a != b {
            Issue.record("report \(i) differs after compaction:\nbefore \(b.prefix(600))\nafter  \(a.prefix(600))")
        }
        #expect(try await store.integrityCheck() == ["ok"])
    }
}
