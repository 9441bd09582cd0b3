import Foundation
import GRDB
import Showrunner
import Testing
@testable import Store

/// The ingest writer's in-memory index of stored events (`EventIndex`): the idempotency window,
/// the devices' rate windows, the journal that undoes a rolled-back transaction, and — through
/// the store — loading on first use, catching up with another process, and the v12 migration.
@Suite struct EventIndexTests {
    static let day: Int64 = 86_400_000
    let now = t0.milliseconds

    // MARK: The pure index

    @Test func uuidKeysIgnoreCaseOtherIdsAreText() {
        let a = EventIndex.key("0B6C9A3E-1111-4222-8333-444455556666")
        let b = EventIndex.key("0b6c9a3e-1111-4222-8333-444455556666")
        #expect(a == b)
        #expect(a == .uuid(.init(high: 0x0b6c_9a3e_1111_4222, low: 0x8333_4444_5555_6666)))
        #expect(EventIndex.key("srv:abc.pre.0:impression") == .text("srv:abc.pre.0:impression"))
        // Not UUIDs: wrong length, a dash out of place, a non-hex digit.
        #expect(EventIndex.uuid("0b6c9a3e-1111-4222-8333-44445555666") == nil)
        #expect(EventIndex.uuid("0b6c9a3e11111-4222-8333-444455556666") == nil)
        #expect(EventIndex.uuid("0b6c9a3g-1111-4222-8333-444455556666") == nil)
    }

    @Test func anIdCountsForSevenDaysAfterItWasFirstReceived() {
        let index = EventIndex()
        let key = EventIndex.key("0b6c9a3e-1111-4222-8333-444455556666")
        index.stored(key, receivedAt: now, deviceID: "tv-1", ts: now, client: true, seq: 1)
        index.commit()
        #expect(index.contains(key, receivedAt: now))
        #expect(index.contains(key, receivedAt: now + 6 * Self.day))
        #expect(!index.contains(EventIndex.key("0b6c9a3e-1111-4222-8333-444455556667"), receivedAt: now))
        // Eight days later its day is outside the window, and storing anything prunes it.
        #expect(!index.contains(key, receivedAt: now + 8 * Self.day))
        index.stored(.text("later"), receivedAt: now + 8 * Self.day, deviceID: nil, ts: now, client: false, seq: 2)
        index.commit()
        #expect(index.idCount == 1)
    }

    @Test func theDeviceRateCountsClientEventsInTheSecondBefore() {
        let index = EventIndex()
        for (i, t) in [0, 200, 400, 999, 1000, 5000].enumerated() {
            index.stored(.text("e\(i)"), receivedAt: now, deviceID: "tv-1", ts: now + Int64(t), client: true, seq: Int64(i + 1))
        }
        index.stored(.text("srv"), receivedAt: now, deviceID: "tv-1", ts: now + 1000, client: false, seq: 7)
        index.commit()
        // (ts − 1000, ts]: at now + 1000 → 200, 400, 999, 1000 (not 0; the server beacon not at all).
        #expect(index.deviceEventsLastSecond("tv-1", ts: now + 1000) == 4)
        #expect(index.deviceEventsLastSecond("tv-1", ts: now + 4999) == 0)
        #expect(index.deviceEventsLastSecond("tv-2", ts: now + 1000) == 0)
        // Devices not heard from for the device window are dropped by the pruning, one shard a
        // second: after a minute's events all are swept.
        let later = now + EventIndex.deviceWindowMS + 1000
        for i in 0..<EventIndex.shards {
            index.stored(.text("x\(i)"), receivedAt: later + Int64(i) * 1000, deviceID: "tv-9", ts: now, client: true, seq: Int64(8 + i))
        }
        index.commit()
        #expect(index.deviceEventsLastSecond("tv-1", ts: now + 1000) == 0)
        #expect(index.deviceEventsLastSecond("tv-9", ts: now) == EventIndex.shards)
    }

    @Test func rollbackUndoesTheTransactionAndASavepointOnlyItsOwnPart() {
        let index = EventIndex()
        index.stored(.text("kept"), receivedAt: now, deviceID: "tv-1", ts: now, client: true, seq: 1)
        index.commit()
        index.stored(.text("a"), receivedAt: now, deviceID: "tv-1", ts: now + 1, client: true, seq: 2)
        let mark = index.mark()
        index.stored(.text("b"), receivedAt: now, deviceID: "tv-1", ts: now + 2, client: true, seq: 3)
        index.rollback(to: mark)
        #expect(index.contains(.text("a"), receivedAt: now))
        #expect(!index.contains(.text("b"), receivedAt: now))
        #expect(index.seenThrough == 2)
        #expect(index.deviceEventsLastSecond("tv-1", ts: now + 2) == 2)
        index.rollback()
        #expect(!index.contains(.text("a"), receivedAt: now))
        #expect(index.contains(.text("kept"), receivedAt: now))
        #expect(index.seenThrough == 1)
        #expect(index.deviceEventsLastSecond("tv-1", ts: now + 2) == 1)
    }

    // MARK: Through the store

    func event(_ id: String, device: String = "tv-1", ts: Int64? = nil, received: Int64? = nil) -> LedgerEvent {
        LedgerEvent(eventID: id, type: "content.heartbeat", source: .client, deviceID: device, endpoint: .tv, channel: "tv",
                    titleID: "ep1", positionMS: 0, ts: Timestamp(milliseconds: ts ?? now), sentAt: nil,
                    receivedAt: Timestamp(milliseconds: received ?? now))
    }

    func uuid(_ n: Int) -> String { String(format: "00000000-0000-4000-8000-%012x", n) }

    @Test func aNewStoreLoadsTheWindowAndAnotherProcessIsCaughtUpWith() async throws {
        try await withFileStore { store, path in
            let first = try await store.record(events: (0..<50).map { event(uuid($0)) })
            #expect(first == (50, 0))
            // A second store on the same file (another process): it loads the ids on first use.
            let other = try SQLiteStore(path: path)
            defer { other.close() }
            let again = try await other.record(events: (40..<60).map { event(uuid($0)) })
            #expect(again == (10, 10))
            // The first store sees the other's rows before its next insert.
            let third = try await store.record(events: (55..<65).map { event(uuid($0)) })
            #expect(third == (5, 5))
            // Upper case is the same id.
            let upper = try await store.record(events: [event(uuid(1).uppercased())])
            #expect(upper == (0, 1))
            #expect(try await store.eventStats().total == 65)
        }
    }

    @Test func idsOutsideTheWindowAreNotLoaded() async throws {
        try await withFileStore { store, path in
            // Received 9 days ago, then today.
            let old = now - 9 * Self.day
            _ = try await store.record(events: (0..<20).map { event(uuid($0), ts: old, received: old) })
            _ = try await store.record(events: (20..<30).map { event(uuid($0)) })
            let fresh = try SQLiteStore(path: path)
            defer { fresh.close() }
            _ = try await fresh.record(events: [event(uuid(29))])
            #expect(fresh.eventIndex.idCount == 10)
            #expect(fresh.eventIndex.seenThrough == 30)
        }
    }

    @Test func theRateFlagCountsTheDevicesEventsAcrossBatches() async throws {
        try await withFileStore { store, _ in
            // 25 events of one device 10 ms apart, in two batches: from the 21st on, 20 in the second before.
            _ = try await store.record(events: (0..<12).map { event(uuid($0), ts: now + Int64($0) * 10) })
            _ = try await store.record(events: (12..<25).map { event(uuid($0), ts: now + Int64($0) * 10) })
            let flagged = try await store.eventStats().flagged
            #expect(flagged == 5)
        }
    }

    @Test func aFailedGroupTransactionLeavesTheIndexAsItWas() async throws {
        try await withFileStore { store, _ in
            // An events write shares a group transaction with a write that fails: the group rolls
            // back and is redone write by write; the events must be accepted, not duplicates.
            struct Boom: Error {}
            // A slow write holds the writer so the next two are queued into one group, the events first.
            async let blocker: Int = store.groupWrite { _ in
                Thread.sleep(forTimeInterval: 0.3)
                return 0
            }
            try await Task.sleep(for: .milliseconds(50))
            async let events = store.record(events: (0..<10).map { event(uuid($0)) })
            try await Task.sleep(for: .milliseconds(50))
            async let failing: Int = store.groupWrite { db in
                try db.execute(sql: "INSERT INTO event (event_id, type, source, ts, received_at, flags) VALUES ('x', 't', 'client', 0, 0, '[]')")
                throw Boom()
            }
            let stored = try await events
            #expect(stored == (10, 0))
            let failed: Bool
            do { _ = try await failing; failed = false } catch { failed = true }
            #expect(failed)
            _ = try await blocker
            #expect(try await store.eventStats().total == 10)
            let again = try await store.record(events: (0..<10).map { event(uuid($0)) })
            #expect(again == (0, 10))
        }
    }

    @Test func migrationV12KeepsTheRowsAndTheSequence() async throws {
        try await withTempDir { dir in
            let path = dir.appendingPathComponent("old.sqlite").path
            do {
                let queue = try DatabaseQueue(path: path)
                try Schema.migrator.migrate(queue, upTo: "v11-slot-aggregates")
                try await queue.write { db in
                    for n in 1...5 {
                        try db.execute(sql: """
                            INSERT INTO event (event_id, type, source, device_id, ts, received_at, flags)
                            VALUES (?, 'content.heartbeat', 'client', 'tv-1', ?, ?, '[]')
                            """, arguments: [uuid(n), now, now])
                    }
                    try db.execute(sql: "DELETE FROM event WHERE seq >= 4")  // the newest rows compacted away
                }
                try queue.close()
            }
            let store = try SQLiteStore(path: path)
            defer { store.close() }
            let indexes = try await store.writer.read { db in
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'event' ORDER BY name")
            }
            #expect(indexes == ["event_by_session", "event_by_slot", "event_by_ts"])
            #expect(try await store.record(events: [event(uuid(2)), event(uuid(9))]) == (1, 1))
            let seqs = try await store.writer.read { db in try Int64.fetchAll(db, sql: "SELECT seq FROM event ORDER BY seq") }
            #expect(seqs == [1, 2, 3, 6])
        }
    }
}
