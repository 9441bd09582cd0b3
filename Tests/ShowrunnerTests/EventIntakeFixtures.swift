
import Showrunner
import Testing

/// Wire events for the `EventIntake` tests: the issue's example event, with fields changed,
/// added or removed as raw JSON text.
enum EventFixtures {
    /// The receive time of every batch (unless a test says otherwise).
    static let receivedAt = Timestamp(iso8601: "2026-11-29T10:00:02.000Z")!
    static let channels: Set<String> = ["tv", "news", "kids"]

    /// The issue's example, in order; values are raw JSON.
    static let base: [(String, String)] = [
        ("event_id", #""0b6c9a3e-1d2f-4a5b-8c7d-9e0f1a2b3c4d""#),
        ("type", #""play_start""#),
        ("device_id", #""tv-5521""#),
        ("endpoint", #""tv""#),
        ("model", #""ES75""#),
        ("channel", #""tv""#),
        ("title_id", #""ep-101""#),
        ("session_id", #""s-1""#),
        ("slot_id", "null"),
        ("creative_id", "null"),
        ("position_ms", "0"),
        ("ts", #""2026-11-29T10:00:00.000Z""#),
        ("sent_at", #""2026-11-29T10:00:01.250Z""#),
        ("app_version", #""3.2.1""#),
    ]

    /// A UUID made from `n` (`00000000-0000-4000-8000-00000000000n` in hex).
    static func uuid(_ n: Int) -> String {
        let hex = String(n, radix: 16)
        return "00000000-0000-4000-8000-" + String(repeating: "0", count: max(0, 12 - hex.count)) + hex
    }

    /// One event's JSON text: `base` with `changes` applied (a nil value removes the field; new
    /// names are appended in the order given by `extra`), and `event_id` = `uuid(n)` unless changed.
    static func event(_ n: Int = 0, _ changes: [String: String?] = [:], extra: [(String, String)] = []) -> String {
        var fields: [(String, String)] = []
        for (k, v) in base {
            if let change = changes[k] {
                if let change { fields.append((k, change)) }
            } else if k == "event_id" {
                fields.append((k, "\"\(uuid(n))\""))
            } else {
                fields.append((k, v))
            }
        }
        for (k, v) in changes where !base.contains(where: { $0.0 == k }) {
            if let v { fields.append((k, v)) }
        }
        fields += extra
        return "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
    }

    /// A JSON array body of `events`.
    static func array(_ events: [String]) -> [UInt8] { Array(("[" + events.joined(separator: ",\n") + "]").utf8) }

    /// An NDJSON body of `events`.
    static func ndjson(_ events: [String]) -> [UInt8] { Array((events.joined(separator: "\n") + "\n").utf8) }

    static func decode(_ body: [UInt8], contentType: String? = nil, receivedAt: Timestamp = receivedAt) -> EventIntake.Batch {
        EventIntake.decode(body, contentType: contentType, receivedAt: receivedAt, knownChannels: channels)
    }

    /// A JSON string literal of `text` (quotes and backslashes escaped).
    static func string(_ text: String) -> String {
        "\"" + text.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"") + "\""
    }

    /// The instant `ms` milliseconds from `receivedAt`, as a JSON string.
    static func at(_ ms: Int64) -> String { "\"\(receivedAt.adding(milliseconds: ms).iso8601)\"" }
}

/// SplitMix64: a tiny seeded PRNG, so the mutation test is the same run after run.
struct EventsSplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<n (n > 0).
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

extension String {
    /// Every `target` replaced (no Foundation).
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}

/// What must hold for any batch, whatever the input.
func checkBatchInvariants(_ b: EventIntake.Batch, sourceLocation: SourceLocation = #_sourceLocation) {
    if b.fatal != nil {
        #expect(b.events.isEmpty && b.rejected.isEmpty && b.duplicateIndexes.isEmpty, sourceLocation: sourceLocation)
        #expect(b.fatal?.index == -1 && b.fatal?.field == "body", sourceLocation: sourceLocation)
        #expect(b.fatalCode != nil, sourceLocation: sourceLocation)
        return
    }
    let indexes = b.events.map(\.index) + b.rejected.map(\.index) + b.duplicateIndexes
    #expect(indexes.sorted() == Array(0..<indexes.count), "indexes cover 0..<n once each", sourceLocation: sourceLocation)
    #expect(indexes.count <= EventIntake.maxEvents, sourceLocation: sourceLocation)
    #expect(Set(b.events.map(\.event.eventID)).count == b.events.count, sourceLocation: sourceLocation)
    for a in b.events {
        #expect(a.event.source == .client && a.event.flags.isEmpty, sourceLocation: sourceLocation)
        #expect(a.event.eventID == a.event.eventID.lowercased() && a.event.eventID.utf8.count == 36, sourceLocation: sourceLocation)
        #expect(EventType(ledgerType: a.event.type) != nil, sourceLocation: sourceLocation)
        #expect(EventFixtures.channels.contains(a.event.channel ?? ""), sourceLocation: sourceLocation)
    }
    for r in b.rejected { #expect(!r.field.isEmpty && !r.message.isEmpty, sourceLocation: sourceLocation) }
}

