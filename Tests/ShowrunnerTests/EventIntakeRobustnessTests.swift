
import Showrunner
import Testing

/// Whatever the bytes, `EventIntake.decode` returns (never traps), and what it returns is
/// consistent (`checkBatchInvariants`).
@Suite("EventIntake: never crashes")
struct EventIntakeRobustnessTests {
    typealias F = EventFixtures

    static let three = [
        F.event(0),
        F.event(1, ["type": #""impression""#, "slot_id": #""s1:b1.0""#, "creative_id": #""cr-1""#]),
        F.event(2, ["type": #""boot_impression""#, "model": #""ES75 \u00e9\ud83d\udcfa""#]),
    ]

    @Test("every prefix of a 3-event array: fatal, or (whole) all three")
    func arrayPrefixes() {
        let body = F.array(Self.three)
        for n in 0...body.count {
            let b = F.decode(Array(body[..<n]))
            checkBatchInvariants(b)
            if n < body.count {
                #expect(b.fatal != nil, "prefix \(n)")
            } else {
                #expect(b.events.count == 3)
            }
        }
    }

    @Test("every prefix of a 3-event NDJSON body keeps the complete lines before the cut")
    func ndjsonPrefixes() {
        let body = F.ndjson(Self.three)
        var lineEnds: [Int] = []
        for (k, c) in body.enumerated() where c == 0x0A { lineEnds.append(k) }
        for n in 0...body.count {
            let b = F.decode(Array(body[..<n]), contentType: "application/x-ndjson")
            checkBatchInvariants(b)
            // A line is complete once its closing brace is in (its newline is optional).
            let complete = lineEnds.filter { $0 <= n }.count
            let accepted = b.events.map(\.index)
            #expect(Array(accepted.prefix(complete)) == Array(0..<complete), "prefix \(n)")
            #expect(accepted.count <= 3)
            if n == body.count { #expect(accepted == [0, 1, 2]) }
        }
    }

    @Test("every body with one byte removed or one byte cut in two lines")
    func splits() {
        let body = F.array(Self.three)
        for k in 0..<body.count {
            var removed = body
            removed.remove(at: k)
            checkBatchInvariants(F.decode(removed))
            var split = body
            split.insert(0x0A, at: k)
            checkBatchInvariants(F.decode(split, contentType: "application/x-ndjson"))
        }
    }

    @Test("3,000 seeded random mutations of valid batches")
    func mutations() {
        var rng = EventsSplitMix64(seed: 0xE7E7_5EED)
        let seeds = [F.array(Self.three), F.ndjson(Self.three)]
        let interesting: [UInt8] = [0x00, 0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x2C, 0x3A, 0x0A, 0x0D, 0x20, 0x2D, 0x30, 0x39, 0x65,
                                    0x75, 0x6E, 0x74, 0x80, 0xBF, 0xC0, 0xC3, 0xE2, 0xED, 0xEF, 0xF0, 0xF4, 0xF8, 0xFF]
        var outcomes = (fatal: 0, someAccepted: 0, someRejected: 0)
        for round in 0..<3000 {
            var body = seeds[round % 2]
            for _ in 0...rng.below(4) {
                let op = rng.below(6)
                let at = rng.below(body.count + 1)
                let byte = rng.below(3) == 0 ? UInt8(truncatingIfNeeded: rng.next()) : interesting[rng.below(interesting.count)]
                switch op {
                case 0 where at < body.count: body[at] = byte
                case 1: body.insert(byte, at: at)
                case 2 where at < body.count: body.remove(at: at)
                case 3 where at < body.count:  // cut
                    body = Array(body[..<at])
                case 4:  // duplicate a run
                    let end = min(body.count, at + rng.below(40))
                    body.insert(contentsOf: Array(body[at..<end]), at: at)
                default:  // flip one bit
                    if at < body.count { body[at] ^= UInt8(1 << rng.below(8)) }
                }
            }
            let contentType = [nil, "application/x-ndjson", "application/json"][rng.below(3)]
            let b = F.decode(body, contentType: contentType)
            checkBatchInvariants(b)
            if b.fatal != nil { outcomes.fatal += 1 }
            if !b.events.isEmpty { outcomes.someAccepted += 1 }
            if !b.rejected.isEmpty { outcomes.someRejected += 1 }
        }
        // The mutations reach all three outcomes.
        #expect(outcomes.fatal > 100 && outcomes.someAccepted > 100 && outcomes.someRejected > 100, "\(outcomes)")
    }

    @Test("random bytes")
    func randomBytes() {
        var rng = EventsSplitMix64(seed: 7)
        for _ in 0..<500 {
            let body = (0..<rng.below(200)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            checkBatchInvariants(F.decode(body))
            checkBatchInvariants(F.decode(body, contentType: "application/x-ndjson"))
        }
    }

    @Test("deep nesting does not overflow the stack", arguments: [10_000, 100_000, 250_000])
    func deepNesting(_ depth: Int) {
        let open = String(repeating: "[", count: depth), close = String(repeating: "]", count: depth)
        // An array of arrays: one event that is not an object.
        let arrays = F.decode(Array((open + close).utf8))
        #expect(arrays.rejected.first?.field == "event" && arrays.rejected.count == 1)
        // Unclosed: fatal, not a crash.
        #expect(F.decode(Array(open.utf8)).fatal != nil)
        // Objects inside an event's extra field: ignored, or the event too big and rejected on its own.
        let objects = String(repeating: #"{"a":"#, count: depth / 10) + "1" + String(repeating: "}", count: depth / 10)
        let event = F.event(0, extra: [("x", objects)])
        let b = F.decode(F.ndjson([event, F.event(1)]))
        if event.utf8.count > EventIntake.maxEventBytes {
            #expect(b.events.map(\.index) == [1])
            #expect(b.rejected.first?.field == "event")
        } else {
            #expect(b.events.map(\.index) == [0, 1])
        }
        // NDJSON line of nesting.
        checkBatchInvariants(F.decode(Array((open + "\n" + close).utf8), contentType: "application/x-ndjson"))
    }

    @Test("huge numbers", arguments: ["1e999999", "-1e-999999", "123456789012345678901234567890", "9223372036854775808",
                                      "0." + String(repeating: "9", count: 10_000), String(repeating: "9", count: 12_000)])
    func hugeNumbers(_ number: String) {
        let asExtra = F.decode(F.array([F.event(0, extra: [("n", number)])]))
        #expect(asExtra.events.count == 1)
        let asPosition = F.decode(F.array([F.event(0, ["position_ms": number])]))
        #expect(asPosition.rejected.first?.field == "position_ms")
        #expect((asPosition.rejected.first?.message.utf8.count ?? 0) < 300, "values are quoted short")
        let asID = F.decode(F.array([F.event(0, ["event_id": number])]))
        #expect(asID.rejected.first?.field == "event_id")
    }

    @Test("\\u0000 and control escapes in strings", arguments: ["device_id", "type", "channel", "model", "ts", "kind"])
    func nulInStrings(_ field: String) {
        let b = F.decode(F.array([F.event(0, [field: #""tv\u0000\u001f""#])]))
        #expect(b.rejected.first?.field == field)
        #expect(b.rejected.first?.message.contains("\u{0}") == false, "control characters are escaped in messages")
    }

    @Test("invalid surrogate escapes", arguments: [#""\uD800""#, #""\uDFFF""#, #""\uD800\u0041""#, #""\uDC00\uD800""#,
                                                 #""\uD800\uD800""#, #""a\uDBFF""#])
    func surrogates(_ text: String) {
        let b = F.decode(F.array([F.event(0, ["model": text])]))
        #expect(b.rejected.first?.field == "model")
        #expect(b.rejected.first?.message.contains("surrogate") == true)
        // As an extra field or a field name: ignored.
        #expect(F.decode(F.array([F.event(0, extra: [("x", text)])])).events.count == 1)
        let asName = String(text.dropFirst().dropLast())
        #expect(F.decode(Array(("[" + F.event(0).dropLast() + #", ""# + asName + #"": 1}]"#).utf8)).events.count == 1)
    }

    @Test("a byte order mark before NDJSON is skipped")
    func bomNDJSON() {
        let b = F.decode([0xEF, 0xBB, 0xBF] + F.ndjson(Self.three))
        #expect(b.events.count == 3 && b.fatal == nil)
    }

    @Test("timestamps at the edges of the calendar and of Int64")
    func extremeTimes() {
        let cases: [(String, String, Timestamp)] = [
            (#""1970-01-01T00:00:00Z""#, #""9999-12-31T23:59:59.999Z""#, F.receivedAt),
            (#""9999-12-31T23:59:59.999Z""#, #""9999-12-31T23:59:59.999Z""#, Timestamp(milliseconds: .max)),
            (#""1970-01-01T00:00:00Z""#, #""9999-12-31T23:59:59.999Z""#, Timestamp(milliseconds: .min)),
            (#""2026-11-29T10:00:00Z""#, #""2026-11-29T10:00:00Z""#, Timestamp(milliseconds: .min)),
            (#""2026-11-29T10:00:00Z""#, #""2026-11-29T10:00:00Z""#, Timestamp(milliseconds: 0)),
        ]
        for (ts, sent, received) in cases {
            let b = F.decode(F.array([F.event(0, ["ts": ts, "sent_at": sent])]), receivedAt: received)
            checkBatchInvariants(b)
            #expect(b.events.count + b.rejected.count == 1)
        }
    }
}
