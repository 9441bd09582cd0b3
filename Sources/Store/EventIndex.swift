import Synchronization

/// What the ingest writer must know about events already stored, kept in memory so an insert
/// touches no index with random keys: the `event_id`s received in the idempotency window (a
/// duplicate counts once) and each device's recent client events (the invalid-traffic rate rule).
///
/// A b-tree index on random keys (UUIDs, device ids) dirties about one page per insert once it
/// outgrows a transaction: ~4 KB written per event. Here an insert is a hash-set probe, and the
/// `event` table only grows at its ends (`seq`, and `ts` for live events).
///
/// The index is exact, also across processes: every ingest transaction first reads the rows
/// other processes appended since this one last looked (`seq` greater than `seenThrough`, a
/// rowid range), inside the write transaction, so no other writer can add one in between.
/// Changes made in a transaction are journaled and undone when it rolls back.
///
/// Only the ingest writer uses it, inside its serial write transactions; the mutex makes it
/// `Sendable` and costs nothing uncontended.
final class EventIndex: Sendable {
    /// How long an `event_id` counts as seen: 7 days after it was first received.
    static let windowMS: Int64 = 7 * 86_400_000
    /// How long a device's client events are kept for the rate rule, by receive time.
    static let deviceWindowMS: Int64 = 10 * 60_000
    /// Most recent events kept per device (a device above the rate limit needs no more).
    static let devicePerDevice = 256

    struct State {
        /// Ids by the UTC day they were first received: day → ids. Days older than the window are
        /// dropped whole.
        var days: [Int64: Generation] = [:]
        /// Per device (in `shards` parts by the id's hash): its recent client events.
        var devices = [[String: DeviceWindow]](repeating: [:], count: shards)
        /// The highest `seq` whose row is in the index (nil: not loaded yet).
        var seenThrough: Int64? = nil
        /// Receive time (ms) of the last prune step.
        var prunedAt: Int64 = 0
        /// The device shard the next prune step sweeps.
        var pruneShard = 0
        /// What the open transaction changed, to undo on rollback.
        var journal: [Undo] = []
    }

    /// Hash tables are split in this many parts, so growing one (a rehash of every entry) takes
    /// 1/64 of the time a single table would stall the writer for (~100 ms at a few million ids).
    static let shards = 64

    /// The ids first received on one day: UUIDs as 128-bit numbers, other ids (server beacons,
    /// `srv:<slot>:<type>`) as text; each in `shards` parts.
    struct Generation {
        var uuids = [Set<UUIDKey>](repeating: [], count: shards)
        var texts = [Set<String>](repeating: [], count: shards)
        var count: Int { uuids.reduce(0) { $0 + $1.count } + texts.reduce(0) { $0 + $1.count } }
    }

    /// A device's recent client events (their `ts`, in the order received) and when it was last
    /// heard from.
    struct DeviceWindow {
        var ts: [Int64] = []
        var lastReceived: Int64 = 0
    }

    enum Undo {
        case id(day: Int64, key: Key)
        case device(String)
        case seen(Int64?)
    }

    enum Key: Hashable {
        case uuid(UUIDKey)
        case text(String)
    }

    struct UUIDKey: Hashable {
        var high: UInt64
        var low: UInt64
        var shard: Int { Int(truncatingIfNeeded: (low ^ high) & UInt64(EventIndex.shards - 1)) }
    }

    static func shard(_ text: String) -> Int { text.hashValue & (shards - 1) }

    private let state = Mutex(State())

    // MARK: Keys

    /// The key of an event id: a UUID (either case) as its 128 bits, anything else as its text
    /// lowercased (client ids arrive lowercased already).
    static func key(_ id: String) -> Key {
        if let u = uuid(id) { return .uuid(u) }
        return .text(id.lowercased())
    }

    static func uuid(_ id: String) -> UUIDKey? {
        var id = id
        return id.withUTF8 { uuid(bytes: $0) }
    }

    /// A UUID's 128 bits from its 36 characters (8-4-4-4-12 hex digits, either case), nil for
    /// anything else.
    static func uuid(bytes: UnsafeBufferPointer<UInt8>) -> UUIDKey? {
        guard bytes.count == 36 else { return nil }
        var high: UInt64 = 0, low: UInt64 = 0
        var digits = 0
        for (k, c) in bytes.enumerated() {
            if k == 8 || k == 13 || k == 18 || k == 23 {
                guard c == 0x2D else { return nil }
                continue
            }
            let v: UInt8
            switch c {
            case 0x30...0x39: v = c - 0x30
            case 0x41...0x46: v = c - 0x41 + 10
            case 0x61...0x66: v = c - 0x61 + 10
            default: return nil
            }
            if digits < 16 { high = high << 4 | UInt64(v) } else { low = low << 4 | UInt64(v) }
            digits += 1
        }
        return UUIDKey(high: high, low: low)
    }

    static func day(_ ms: Int64) -> Int64 { ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000 }

    // MARK: State

    /// The highest `seq` the index holds; nil until it is loaded (at server start, or by the
    /// first ingest transaction).
    var seenThrough: Int64? { state.withLock { $0.seenThrough } }

    /// Ids held, over all days (for tests and the stats).
    var idCount: Int { state.withLock { s in s.days.values.reduce(0) { $0 + $1.count } } }

    /// Adds a stored row without journaling (loading, and catching up with other processes).
    /// `device` is asked for only when the row is a client event recent enough for the rate rule.
    func absorb(_ key: Key, receivedAt: Int64, client: Bool, ts: Int64, seq: Int64, device: () -> String?) {
        state.withLock { s in
            Self.addID(&s, key, day: Self.day(receivedAt))
            if client, receivedAt >= s.prunedAt - Self.deviceWindowMS, let deviceID = device() {
                Self.addDevice(&s, deviceID, ts: ts, receivedAt: receivedAt)
            }
            if seq > (s.seenThrough ?? 0) { s.seenThrough = seq }
        }
    }

    /// Marks the index loaded through `seq` (the table's highest at load time).
    func loaded(through seq: Int64, now: Int64) {
        state.withLock { s in
            s.seenThrough = max(s.seenThrough ?? 0, seq)
            s.prunedAt = max(s.prunedAt, now)
            Self.expire(&s, now: now)
        }
    }

    /// Sets the prune clock before a load, so `absorb` keeps device windows only for rows
    /// received within the device window.
    func beginLoad(now: Int64) {
        state.withLock { s in
            s.prunedAt = now
        }
    }

    // MARK: Ingest (inside the write transaction)

    /// True when `id` was received within the window before (or earlier in this transaction).
    func contains(_ key: Key, receivedAt: Int64) -> Bool {
        state.withLock { s in
            let oldest = Self.day(receivedAt - Self.windowMS)
            switch key {
            case .uuid(let u):
                let k = u.shard
                for (day, g) in s.days where day >= oldest && g.uuids[k].contains(u) { return true }
            case .text(let t):
                let k = Self.shard(t)
                for (day, g) in s.days where day >= oldest && g.texts[k].contains(t) { return true }
            }
            return false
        }
    }

    /// Client events of `device` with `ts` in (ts − 1 s, ts]: the rate rule's count.
    func deviceEventsLastSecond(_ device: String, ts: Int64) -> Int {
        state.withLock { s in
            guard let w = s.devices[Self.shard(device)][device] else { return 0 }
            var n = 0
            for t in w.ts where t > ts - 1000 && t <= ts { n += 1 }
            return n
        }
    }

    /// Records a row this transaction stored (journaled).
    func stored(_ key: Key, receivedAt: Int64, deviceID: String?, ts: Int64, client: Bool, seq: Int64) {
        state.withLock { s in
            let day = Self.day(receivedAt)
            if Self.addID(&s, key, day: day) { s.journal.append(.id(day: day, key: key)) }
            if client, let deviceID {
                Self.addDevice(&s, deviceID, ts: ts, receivedAt: receivedAt)
                s.journal.append(.device(deviceID))
            }
            if seq > (s.seenThrough ?? 0) {
                s.journal.append(.seen(s.seenThrough))
                s.seenThrough = seq
            }
            if receivedAt - s.prunedAt >= 1000 {
                // One device shard a second (a full sweep a minute); not journaled: pruning only
                // drops what is too old to matter.
                s.prunedAt = receivedAt
                Self.expire(&s, now: receivedAt, shard: s.pruneShard)
                s.pruneShard = (s.pruneShard + 1) % Self.shards
            }
        }
    }

    /// The transaction committed: keep its changes.
    func commit() {
        state.withLock { $0.journal.removeAll(keepingCapacity: true) }
    }

    /// A point in the open transaction to roll back to (a savepoint's start).
    func mark() -> Int { state.withLock { $0.journal.count } }

    /// The transaction rolled back (or, with `to`, a savepoint started at that mark): undo its
    /// changes, newest first.
    func rollback(to mark: Int = 0) {
        state.withLock { s in
            while s.journal.count > mark, let undo = s.journal.popLast() {
                switch undo {
                case .id(let day, let key):
                    switch key {
                    case .uuid(let u): s.days[day]?.uuids[u.shard].remove(u)
                    case .text(let t): s.days[day]?.texts[Self.shard(t)].remove(t)
                    }
                case .device(let d):
                    let k = Self.shard(d)
                    if var w = s.devices[k].removeValue(forKey: d) {
                        if !w.ts.isEmpty { w.ts.removeLast() }
                        s.devices[k][d] = w
                    }
                case .seen(let previous):
                    s.seenThrough = previous
                }
            }
        }
    }

    // MARK: Helpers

    @discardableResult
    private static func addID(_ s: inout State, _ key: Key, day: Int64) -> Bool {
        switch key {
        case .uuid(let u): return s.days[day, default: Generation()].uuids[u.shard].insert(u).inserted
        case .text(let t): return s.days[day, default: Generation()].texts[shard(t)].insert(t).inserted
        }
    }

    private static func addDevice(_ s: inout State, _ device: String, ts: Int64, receivedAt: Int64) {
        let k = shard(device)
        var w = s.devices[k].removeValue(forKey: device) ?? DeviceWindow()
        if w.ts.count >= devicePerDevice { w.ts.removeFirst(devicePerDevice / 2) }
        w.ts.append(ts)
        w.lastReceived = max(w.lastReceived, receivedAt)
        s.devices[k][device] = w
    }

    /// Drops id days older than the window, and the devices of `shard` (all shards when nil)
    /// not heard from within the device window.
    private static func expire(_ s: inout State, now: Int64, shard: Int? = nil) {
        let oldest = day(now - windowMS)
        for d in s.days.keys where d < oldest { s.days[d] = nil }
        let cutoff = now - deviceWindowMS
        for k in shard.map({ [$0] }) ?? Array(0..<shards) where !s.devices[k].isEmpty {
            s.devices[k] = s.devices[k].filter { $0.value.lastReceived >= cutoff }
        }
    }
}
