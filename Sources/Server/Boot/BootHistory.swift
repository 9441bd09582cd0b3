import Showrunner
import Synchronization

/// Every device's boot impressions of the last two days, in memory, for the boot frequency cap:
/// loaded once, then caught up with the ledger (new rows by position) at most once a second,
/// and at once after this server records a boot impression itself — so a decision needs no
/// database read, and impressions another process records count within a second.
final class BootHistory: Sendable {
    let ledger: any AdLedger
    static let windowMS: Int64 = 2 * 86_400_000
    static let pollMS: Int64 = 1000

    private struct State {
        var through: Int64 = 0
        var loaded = false
        var polledAt: Int64?
        var times: [String: [Int64]] = [:]
        var prunedAt: Int64 = 0
    }
    private let state = Mutex(State())
    /// One catch-up at a time; the others wait for it.
    private let catchingUp = Mutex<Task<Void, any Error>?>(nil)

    init(ledger: any AdLedger) { self.ledger = ledger }

    static func key(_ device: String, _ channel: String) -> String { channel + "\u{0}" + device }

    /// The device's boot impressions on the channel since `now` − 2 days.
    func impressions(device: String, channel: String, now: Timestamp) async throws(ShowrunnerError) -> [Timestamp] {
        try await catchUp(now: now)
        let since = now.milliseconds - Self.windowMS
        return state.withLock { s in (s.times[Self.key(device, channel)] ?? []).filter { $0 >= since }.map { Timestamp(milliseconds: $0) } }
    }

    /// This server recorded boot impressions: the next decision catches up first.
    func invalidate() { state.withLock { $0.polledAt = nil } }

    func catchUp(now: Timestamp) async throws(ShowrunnerError) {
        let due = state.withLock { s in s.polledAt.map { now.milliseconds - $0 >= Self.pollMS || now.milliseconds < $0 } ?? true }
        guard due else { return }
        let task = catchingUp.withLock { running -> Task<Void, any Error> in
            if let running { return running }
            let t = Task { try await self.poll(now: now) }
            running = t
            return t
        }
        do {
            try await task.value
        } catch let e as ShowrunnerError {
            throw e
        } catch {
            throw ShowrunnerError(.storage, "boot history: \(error)")
        }
    }

    private func poll(now: Timestamp) async throws {
        defer { catchingUp.withLock { $0 = nil } }
        let after = state.withLock { $0.loaded ? $0.through : nil }
        let polledAt = now.milliseconds
        let (rows, through) = try await ledger.bootImpressions(after: after, since: Timestamp(milliseconds: now.milliseconds - Self.windowMS))
        state.withLock { s in
            for r in rows { s.times[Self.key(r.device, r.channel), default: []].append(r.at.milliseconds) }
            s.through = max(s.through, through)
            s.loaded = true
            s.polledAt = polledAt
            // Drop what has left the window, once an hour.
            if polledAt - s.prunedAt > 3_600_000 {
                let since = polledAt - Self.windowMS
                s.times = s.times.compactMapValues { t in
                    let kept = t.filter { $0 >= since }
                    return kept.isEmpty ? nil : kept
                }
                s.prunedAt = polledAt
            }
        }
    }
}
