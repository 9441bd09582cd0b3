import Foundation
import Showrunner
import ShowrunnerTestSupport
import Store
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Issue 7, "Verified by": the real `showrunner serve` is SIGKILLed (three times, and once more at the
/// end) while a load generator posts batches of events and retries every batch that was not
/// acknowledged; after restarts every acknowledged event is stored exactly once, nothing else is
/// stored, and the database passes `PRAGMA integrity_check`.
@Suite(.serialized) struct EventDurabilityTests {
    typealias Workdir = CLIServeTests.Workdir
    typealias Serve = CLIServeTests.Serve

    static let batchSize = 50
    static let workers = 8

    /// What the load generator sent and what the server acknowledged. Each batch is owned by one
    /// worker at a time, so a batch is never in flight twice.
    actor LoadLedger {
        struct Batch: Sendable {
            let number: Int
            let ids: [String]
            let body: Data
            var attempts = 0
        }

        enum Work: Sendable {
            case post(Batch, base: String)
            case wait
            case done
        }

        enum Outcome: Sendable {
            /// 202 with the reply's counts.
            case acknowledged(accepted: Int, duplicates: Int, rejected: Int)
            /// Connection refused or reset, timeout, 5xx, 429, 408: retry the same bytes.
            case retry(String)
            /// Any other status: a bug, not retried.
            case refused(Int, String)
        }

        let session: String
        private(set) var base: String
        private var generating = true
        private var aborted = false
        private var pending: [Batch] = []
        private var inFlight = 0
        private var nextNumber = 0

        private(set) var sent: Set<String> = []
        private(set) var acked: Set<String> = []
        private(set) var batchesAcked = 0
        private(set) var acceptedSum = 0
        private(set) var duplicatesSum = 0
        /// Batches acknowledged only after a failed attempt, and those of them the server had
        /// already committed (the reply was lost: the retry comes back as duplicates).
        private(set) var retriedAcks = 0
        private(set) var committedButUnacked = 0
        private(set) var requests = 0
        private(set) var failures: [String: Int] = [:]
        private(set) var problems: [String] = []

        init(base: String, session: String) {
            self.base = base
            self.session = session
        }

        var failureCount: Int { failures.values.reduce(0, +) }
        var unacknowledged: Int { pending.count + inFlight }

        func follow(_ base: String) { self.base = base }
        func stopGenerating() { generating = false }
        func abort() { aborted = true }

        func next() throws -> Work {
            if aborted { return .done }
            if !pending.isEmpty {
                inFlight += 1
                return .post(pending.removeFirst(), base: base)
            }
            guard generating else { return inFlight == 0 ? .done : .wait }
            inFlight += 1
            return .post(try makeBatch(), base: base)
        }

        func finish(_ batch: Batch, _ outcome: Outcome) {
            inFlight -= 1
            requests += 1
            var b = batch
            b.attempts += 1
            switch outcome {
            case .acknowledged(let accepted, let duplicates, let rejected):
                batchesAcked += 1
                acceptedSum += accepted
                duplicatesSum += duplicates
                acked.formUnion(b.ids)
                if rejected != 0 { problems.append("batch \(b.number): \(rejected) events rejected") }
                if accepted + duplicates != b.ids.count {
                    problems.append("batch \(b.number): accepted \(accepted) + duplicates \(duplicates) != \(b.ids.count)")
                }
                if b.attempts == 1 {
                    if duplicates != 0 { problems.append("batch \(b.number) on its first attempt: \(duplicates) duplicates") }
                } else {
                    retriedAcks += 1
                    if duplicates == b.ids.count { committedButUnacked += 1 }
                    // A batch commits in one savepoint: all of it or none of it.
                    if accepted != 0 && duplicates != 0 {
                        problems.append("batch \(b.number) partly stored before its retry: accepted \(accepted), duplicates \(duplicates)")
                    }
                }
            case .retry(let kind):
                failures[kind, default: 0] += 1
                pending.append(b)
            case .refused(let status, let text):
                problems.append("batch \(b.number): HTTP \(status) \(text.prefix(300))")
            }
        }

        private func makeBatch() throws -> Batch {
            nextNumber += 1
            let now = Date()
            let iso = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
            let ts = iso.format(now.addingTimeInterval(-0.2)), sentAt = iso.format(now)
            let types = ["play_start", "heartbeat", "pause", "resume", "heartbeat", "seek"]
            var ids: [String] = []
            var events: [[String: Any]] = []
            for i in 0..<EventDurabilityTests.batchSize {
                let id = UUID().uuidString.lowercased()
                ids.append(id)
                events.append(["event_id": id, "type": types[i % types.count], "device_id": "dur-\(nextNumber % 97)", "endpoint": "tv",
                               "model": "ES75", "channel": "tv", "title_id": "ep1", "session_id": session, "position_ms": i * 1000,
                               "ts": ts, "sent_at": sentAt, "app_version": "3.2.1"])
            }
            sent.formUnion(ids)
            return Batch(number: nextNumber, ids: ids, body: try JSONSerialization.data(withJSONObject: events))
        }
    }

    static let http: URLSession = {
        let c = URLSessionConfiguration.ephemeral
        c.requestCachePolicy = .reloadIgnoringLocalCacheData
        c.urlCache = nil
        c.timeoutIntervalForRequest = 4
        c.httpMaximumConnectionsPerHost = workers + 2
        return URLSession(configuration: c)
    }()

    /// Posts one batch and classifies the result.
    static func post(_ batch: LoadLedger.Batch, to base: String) async -> LoadLedger.Outcome {
        var r = URLRequest(url: URL(string: base + "/v1/events")!)
        r.httpMethod = "POST"
        r.setValue("application/json", forHTTPHeaderField: "Content-Type")
        r.httpBody = batch.body
        do {
            let (data, response) = try await http.data(for: r)
            guard let status = (response as? HTTPURLResponse)?.statusCode else { return .retry("no HTTP response") }
            let text = String(decoding: data, as: UTF8.self)
            switch status {
            case 202:
                guard let body = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                      let accepted = body["accepted"] as? Int, let duplicates = body["duplicates"] as? Int,
                      let rejected = body["rejected"] as? [Any]
                else { return .refused(status, "unreadable 202 reply: \(text)") }
                return .acknowledged(accepted: accepted, duplicates: duplicates, rejected: rejected.count)
            case 408, 429, 500...599: return .retry("HTTP \(status)")
            default: return .refused(status, text)
            }
        } catch let e as URLError {
            return .retry("URLError \(e.code.rawValue)")
        } catch {
            return .retry("\(type(of: error))")
        }
    }

    static func worker(_ ledger: LoadLedger) async throws {
        while !Task.isCancelled {
            switch try await ledger.next() {
            case .done: return
            case .wait: try await Task.sleep(for: .milliseconds(5))
            case .post(let batch, let base):
                let outcome = await post(batch, to: base)
                await ledger.finish(batch, outcome)
                // Back off a little while the server is down (connection refused is instant).
                if case .retry = outcome { try await Task.sleep(for: .milliseconds(20)) }
            }
        }
    }

    /// Polls `/healthz` until it answers 200 (at most `seconds`).
    static func waitHealthy(_ base: String, seconds: Double = 10) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let r = try? await HTTP.get(base + "/healthz"), r.status == 200 { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestFailure("\(base)/healthz did not answer 200 within \(seconds) s")
    }

    /// Polls `condition` every 10 ms until true or `seconds` passed; whether it became true.
    static func poll(seconds: Double, _ condition: () async -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if await condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return await condition()
    }

    /// SIGKILL (no graceful shutdown, nothing flushed by the server) and reap.
    static func hardKill(_ s: Serve) {
        if s.process.isRunning { kill(s.process.processIdentifier, SIGKILL) }
        s.process.waitUntilExit()
    }

    @Test func killedServerKeepsEveryAcknowledgedEventExactlyOnce() async throws {
        let started = Date()
        func elapsed() -> String { String(format: "%.2f s", Date().timeIntervalSince(started)) }
        let w = try Workdir()
        defer { w.cleanup() }
        try FileManager.default.createDirectory(atPath: w.media, withIntermediateDirectories: true)
        try w.cli(["channel", "add", "tv", "--name", "TV", "--endpoint", "tv", "--screen", "1920x1080"])

        var servers: [Serve] = []
        defer { for s in servers { Self.hardKill(s) } }
        servers.append(try Serve(w))
        try await Self.waitHealthy(servers[0].base)

        let runSession = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let ledger = LoadLedger(base: servers[0].base, session: runSession)
        var tasks: [Task<Void, any Error>] = []
        defer {
            for t in tasks { t.cancel() }
        }
        for _ in 0..<Self.workers { tasks.append(Task { try await Self.worker(ledger) }) }

        var timings: [String] = []
        let kills = 3
        for cycle in 1...kills {
            // Load for 0.5-1 s (with at least a few acknowledged batches), then SIGKILL mid-load.
            let loadFor = Double.random(in: 0.5...1.0)
            try await Task.sleep(for: .milliseconds(Int(loadFor * 1000)))
            let loaded = try await Self.poll(seconds: 5) { await ledger.batchesAcked >= 3 * cycle }
            #expect(loaded, "cycle \(cycle): the server acknowledged batches before the kill")
            let live = servers.last!
            let ackedBeforeKill = await ledger.acked.count
            let failuresBefore = await ledger.failureCount
            let killedAt = Date()
            kill(live.process.processIdentifier, SIGKILL)
            live.process.waitUntilExit()
            #expect(live.process.terminationReason == .uncaughtSignal && live.process.terminationStatus == SIGKILL)
            // The generator keeps trying against the dead server: failures, no acknowledgements.
            let sawFailures = try await Self.poll(seconds: 3) { await ledger.failureCount > failuresBefore }
            #expect(sawFailures, "cycle \(cycle): requests fail while the server is down")
            let restartedAt = Date()
            let next = try Serve(w)
            servers.append(next)
            try await Self.waitHealthy(next.base)
            await ledger.follow(next.base)
            let upAt = Date()
            let unacked = await ledger.unacknowledged
            timings.append(String(format: "kill %d after %.2f s of load (%d events acked): down %.0f ms, restart to healthy %.0f ms, %d batches unacknowledged",
                                  cycle, loadFor, ackedBeforeKill, restartedAt.timeIntervalSince(killedAt) * 1000,
                                  upAt.timeIntervalSince(restartedAt) * 1000, unacked))
        }

        // Load on the last server for a moment, then no new batches: retry until all are acknowledged.
        try await Task.sleep(for: .milliseconds(300))
        await ledger.stopGenerating()
        let drainStart = Date()
        let drained = try await Self.poll(seconds: 10) { await ledger.unacknowledged == 0 }
        #expect(drained, "every batch acknowledged within 10 s of the last restart")
        await ledger.abort()
        for t in tasks { _ = await t.result }
        timings.append(String(format: "drain %.0f ms", Date().timeIntervalSince(drainStart) * 1000))

        // A third SIGKILL, with the load stopped: nothing closes the database gracefully.
        Self.hardKill(servers.last!)

        let sent = await ledger.sent, acked = await ledger.acked
        let acceptedSum = await ledger.acceptedSum, duplicatesSum = await ledger.duplicatesSum
        let problems = await ledger.problems
        #expect(problems.isEmpty, "\(problems.prefix(10))")
        #expect(acked == sent, "every batch sent was eventually acknowledged (\(sent.count - acked.count) events not)")

        let store = try SQLiteStore(path: w.db)
        defer { store.close() }
        #expect(try await store.integrityCheck() == ["ok"])
        let rows = try await store.events(session: runSession).map(\.eventID)
        let stored = Set(rows)
        #expect(rows.count == stored.count, "no event stored twice (\(rows.count - stored.count) repeated rows)")
        let lost = acked.subtracting(stored)
        #expect(lost.isEmpty, "\(lost.count) acknowledged events missing after the kills, e.g. \(lost.prefix(3))")
        let extra = stored.subtracting(sent)
        #expect(extra.isEmpty, "\(extra.count) stored events that were never sent")
        let stats = try await store.eventStats()
        let total = Int(stats.total)
        #expect(total == rows.count, "nothing stored but this run's events (total \(total), run \(rows.count))")
        // Each batch got exactly one 202, each of its events counted there as accepted or as a
        // duplicate: the accepted ones plus those committed before a lost reply are what is stored.
        #expect(acceptedSum + duplicatesSum == total, "accepted \(acceptedSum) + duplicates \(duplicatesSum) vs stored \(total)")
        let wholeBatchesRetried = await ledger.committedButUnacked
        #expect(duplicatesSum == wholeBatchesRetried * Self.batchSize, "duplicates only for whole batches committed before a lost reply")
        // `showrunner events stats --json` agrees (anyone can check acknowledged equals stored).
        let cli = try w.cli(["events", "stats", "--json"])
        let cliTotal = (try? JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as? [String: Any])?["total"] as? Int
        #expect(cliTotal == total, "\(cli.stdout)")

        let batchesAcked = await ledger.batchesAcked, requests = await ledger.requests
        let retried = await ledger.retriedAcks, committedButUnacked = await ledger.committedButUnacked
        let failures = await ledger.failures
        print("EventDurability: \(batchesAcked) batches (\(requests) requests, \(failures.values.reduce(0, +)) failed: \(failures.sorted { $0.key < $1.key })), "
            + "\(acked.count) events acknowledged, \(total) stored, accepted \(acceptedSum), duplicates \(duplicatesSum); "
            + "\(retried) batches acknowledged after a retry, \(committedButUnacked) of them committed before the kill (all duplicates); "
            + "\(kills + 1) SIGKILLs; \(timings.joined(separator: "; ")); total \(elapsed())")
    }
}
