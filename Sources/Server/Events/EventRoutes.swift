import FoundationEssentials
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Showrunner
import Synchronization

/// `POST /v1/events` (event ingest) and `POST /v1/identity/link`.
///
/// A 202 means every accepted event is committed and synced (one group-commit transaction with
/// `synchronous=FULL` shared by the batches in flight). Each event is checked on its own: valid
/// events of a mixed batch are kept, the others listed by index and field. An `event_id`
/// received in the 7 days before counts as a duplicate, once. Too many batches in flight: 429 with Retry-After; the
/// database unavailable: 503 with Retry-After; never a silent drop.
struct EventRoutes {
    let ledger: any AdLedger
    let catalog: PlaybackCatalog
    let clock: any WallClock
    let sessions: AdSessions?
    /// Told when a batch carries boot impressions (the boot frequency cap reads it).
    let bootHistory: BootHistory?
    let logger: Logger
    /// How long a client may take to send its body before a 408.
    let bodyTimeout: Duration
    let gate = IngestGate(limit: 256)

    func register(on router: Router<ServerContext>) {
        router.post("/v1/events") { request, context in try await self.ingest(request, context) }
        router.post("/v1/identity/link") { request, context in try await self.link(request, context) }
    }

    struct Reply: Encodable {
        var accepted: Int
        var duplicates: Int
        var rejected: [EventIntake.Rejection]
    }

    func ingest(_ request: Request, _ context: ServerContext) async throws -> Response {
        guard gate.enter() else {
            throw Self.retry(.tooManyRequests, "too many event batches in flight; retry after 1 s")
        }
        defer { gate.leave() }
        let body = try await Self.collect(request, limit: EventIntake.maxBatchBytes, timeout: bodyTimeout)
        let batch = EventIntake.decode(body, contentType: request.headers[.contentType], receivedAt: clock.now(),
                                       knownChannels: Set(catalog.snapshot.value.channels.keys))
        if let failure = batch.failure { throw failure }
        var stored = (accepted: 0, duplicates: 0)
        if !batch.events.isEmpty {
            // Campaign and creative of an ad event come from the session's decision, not the client.
            var events = batch.events.map(\.event)
            if let sessions {
                for i in events.indices {
                    guard let slot = events[i].slotID, let sid = slot.split(separator: ".").first,
                          let entry = try? await sessions.entry(String(sid)),
                          let decision = entry.record.breaks.lazy.flatMap(\.placed).first(where: { $0.slotID(session: String(sid)) == slot })
                    else { continue }
                    events[i].campaignID = decision.campaign
                    if events[i].creativeID == nil { events[i].creativeID = decision.creative }
                }
            }
            do {
                stored = try await ledger.record(events: events)
                if events.contains(where: { $0.type == "boot.impression" }) { bootHistory?.invalidate() }
            } catch {
                logger.error("event batch not stored: \(error)")
                throw Self.retry(.serviceUnavailable, "events not stored (\(error.message)); nothing of this batch was acknowledged, retry after 1 s")
            }
        }
        return try JSON.response(Reply(accepted: stored.accepted, duplicates: stored.duplicates + batch.duplicateIndexes.count,
                                       rejected: batch.rejected), status: .accepted)
    }

    func link(_ request: Request, _ context: ServerContext) async throws -> Response {
        let l = try await JSON.decode(DeviceLink.self, from: request, context: context)
        try l.check()
        let changed = try await ledger.link([l], at: clock.now())
        sessions?.linked(device: l.deviceID, household: l.householdID)
        struct Body: Encodable {
            var deviceID: String
            var householdID: String
            var changed: Bool
            enum CodingKeys: String, CodingKey { case changed, deviceID = "device_id", householdID = "household_id" }
        }
        return try JSON.response(Body(deviceID: l.deviceID, householdID: l.householdID, changed: changed > 0))
    }

    static func retry(_ status: HTTPResponse.Status, _ message: String) -> APIError {
        var e = APIError(status: status, code: status == .tooManyRequests ? "overloaded" : "unavailable", message: message)
        e.headers[.retryAfter] = "1"
        return e
    }

    /// The body, at most `limit` bytes (413 beyond), within `bodyTimeout` (408 for a client that
    /// sends too slowly).
    static func collect(_ request: Request, limit: Int, timeout: Duration) async throws -> [UInt8] {
        let body = request.body
        do {
            return try await withThrowingTaskGroup(of: [UInt8]?.self) { group in
                group.addTask {
                    var out: [UInt8] = []
                    for try await chunk in body {
                        guard out.count + chunk.readableBytes <= limit else {
                            throw APIError(status: .contentTooLarge, code: "too_large",
                                           message: "the batch is larger than \(limit / 1024) KiB; send at most 500 events or 512 KiB per request",
                                           field: "body")
                        }
                        out += chunk.readableBytesView
                    }
                    return out
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                guard let first = try await group.next(), let bytes = first else {
                    group.cancelAll()
                    throw APIError(status: .requestTimeout, code: "timeout", message: "the request body did not arrive within \(timeout)", field: "body")
                }
                group.cancelAll()
                return bytes
            }
        }
    }
}

/// Counts ingest requests in flight; beyond `limit` new ones get 429.
final class IngestGate: Sendable {
    let limit: Int
    private let count = Atomic<Int>(0)
    init(limit: Int) { self.limit = limit }
    func enter() -> Bool {
        if count.add(1, ordering: .acquiring).newValue > limit {
            count.subtract(1, ordering: .releasing)
            return false
        }
        return true
    }
    func leave() { count.subtract(1, ordering: .releasing) }
}
