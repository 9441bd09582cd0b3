
import Showrunner
import Testing

/// One malformed body and what `EventIntake.decode` must say about it.
struct MalformedEventCase: Sendable, CustomTestStringConvertible {
    var name: String
    var body: [UInt8]
    var contentType: String? = nil
    /// A fatal batch whose message contains this text.
    var fatal: String? = nil
    var tooLarge = false
    /// index → field of the expected rejections (exactly these).
    var rejected: [Int: String] = [:]
    /// Text the first rejection's message contains.
    var message: String? = nil
    /// Indexes expected accepted (exactly these).
    var accepted: [Int] = []
    var duplicates: [Int] = []

    var testDescription: String { name }

    typealias F = EventFixtures

    /// One event (`F.event(0, changes)`) in an array; rejected on `field`.
    static func one(_ name: String, _ changes: [String: String?], extra: [(String, String)] = [], field: String,
                    message: String? = nil) -> MalformedEventCase {
        MalformedEventCase(name: name, body: F.array([F.event(0, changes, extra: extra)]), rejected: [0: field], message: message)
    }

    /// Raw body text, fatal with `message` in the message.
    static func fatal(_ name: String, _ text: String, _ message: String, contentType: String? = nil) -> MalformedEventCase {
        MalformedEventCase(name: name, body: Array(text.utf8), contentType: contentType, fatal: message)
    }

    static let all: [MalformedEventCase] = {
        var c: [MalformedEventCase] = []
        let ok = F.event(0)
        // MARK: The body as a whole
        c.append(fatal("empty body", "", "empty body"))
        c.append(fatal("blank body", " \n\r\n\t ", "empty body"))
        c.append(MalformedEventCase(name: "byte order mark only", body: [0xEF, 0xBB, 0xBF], fatal: "empty body"))
        c.append(fatal("not JSON: prose", "hello, events", "not JSON"))
        c.append(fatal("not JSON: one truncated object", #"{"event_id": "#, "line 1"))
        c.append(fatal("array cut short", "[" + ok + ",", "not JSON"))
        c.append(fatal("array never closed", #"[{"event_id": "x""#, "not JSON"))
        c.append(fatal("trailing comma in array", "[" + ok + ",]", "expected a JSON value"))
        c.append(fatal("data after the array", "[" + ok + "] []", "after the array"))
        c.append(fatal("single quotes", "[{'event_id': 'x'}]", "byte offset 2"))
        c.append(fatal("NaN literal", #"[{"position_ms": NaN}]"#, "expected a JSON value, found 'N'"))
        c.append(fatal("number with a leading zero", #"[{"position_ms": 012}]"#, "expected ',' or '}'"))
        c.append(fatal("raw newline inside a string", "[{\"model\": \"a\nb\"}]", "control character 0x0A"))
        c.append(fatal("invalid escape", #"[{"model": "a\qb"}]"#, "invalid escape"))
        c.append(fatal("short \\u escape", #"[{"model": "\u12"}]"#, "4 hex digits"))
        c.append(fatal("missing colon", #"[{"model" "x"}]"#, "expected ':'"))
        c.append(fatal("error location: line and column", "[\n" + ok + ",\n  oops]", "(line 3, column 3)"))
        c.append(fatal("a JSON string, not events", #""just a string""#, "line 1 is a string"))
        c.append(fatal("NDJSON of numbers", "1\n2\n", "not an array or NDJSON of event objects"))
        c.append(fatal("NDJSON content type, array body", "[" + ok + "]", "line 1 is an array", contentType: "application/x-ndjson"))
        c.append(MalformedEventCase(name: "not UTF-8: 0xFF", body: Array("[{\"model\": \"".utf8) + [0xFF] + Array("\"}]".utf8),
                                    fatal: "not UTF-8: invalid byte 0xFF at byte offset 12"))
        c.append(MalformedEventCase(name: "not UTF-8: overlong '/'", body: Array("[\"".utf8) + [0xC0, 0xAF] + Array("\"]".utf8),
                                    fatal: "byte offset 2"))
        c.append(MalformedEventCase(name: "not UTF-8: encoded surrogate", body: Array("[\"".utf8) + [0xED, 0xA0, 0x80] + Array("\"]".utf8),
                                    fatal: "invalid byte 0xED"))
        c.append(MalformedEventCase(name: "not UTF-8: cut sequence at the end", body: Array("[]".utf8) + [0xE2, 0x82],
                                    fatal: "byte offset 2"))
        c.append(MalformedEventCase(name: "not UTF-8: Latin-1 NDJSON", body: Array("{\"model\": \"".utf8) + [0xE9] + Array("\"}\n".utf8),
                                    contentType: "application/x-ndjson", fatal: "not UTF-8"))
        let big = Array("[".utf8) + [UInt8](repeating: 0x20, count: EventIntake.maxBatchBytes) + Array("]".utf8)
        c.append(MalformedEventCase(name: "body over 512 KiB", body: big, fatal: "KiB", tooLarge: true))
        c.append(MalformedEventCase(name: "501 events in an array", body: F.array((0...500).map { F.event($0) }),
                                    fatal: "more than 500 events", tooLarge: true))
        c.append(MalformedEventCase(name: "501 events in NDJSON", body: F.ndjson((0...500).map { F.event($0) }),
                                    fatal: "more than 500 events", tooLarge: true))
        c.append(MalformedEventCase(name: "501 junk elements", body: Array(("[" + Array(repeating: "1", count: 501).joined(separator: ",") + "]").utf8),
                                    fatal: "events;", tooLarge: true))

        // MARK: event_id
        c.append(one("missing event_id", ["event_id": nil], field: "event_id", message: "is required"))
        c.append(one("event_id null", ["event_id": "null"], field: "event_id", message: "found null"))
        c.append(one("event_id a number", ["event_id": "42"], field: "event_id", message: "must be a string, found a number"))
        c.append(one("event_id not a UUID", ["event_id": #""evt-1""#], field: "event_id", message: "UUID"))
        c.append(one("event_id without dashes", ["event_id": #""0b6c9a3e1d2f4a5b8c7d9e0f1a2b3c4d""#], field: "event_id"))
        c.append(one("event_id non-hex", ["event_id": #""0b6c9a3e-1d2f-4a5b-8c7d-9e0f1a2b3c4g""#], field: "event_id"))
        c.append(one("event_id with NUL", ["event_id": #""0b6c9a3e-1d2f-4a5b-8c7d-9e0f1a2b3c4\u0000""#], field: "event_id", message: "\\u{0}"))
        c.append(one("event_id given twice", [:], extra: [("event_id", "\"\(F.uuid(9))\"")], field: "event_id", message: "more than once"))

        // MARK: type and kind
        c.append(one("missing type", ["type": nil], field: "type", message: "is required"))
        c.append(one("unknown type", ["type": #""play""#], field: "type", message: "unknown event type 'play'"))
        c.append(one("type in the wrong case", ["type": #""FirstQuartile""#], field: "type"))
        c.append(one("type a number", ["type": "1"], field: "type", message: "found a number"))
        c.append(one("type an object", ["type": #"{"name": "play_start"}"#], field: "type", message: "found an object"))
        c.append(one("unknown kind", ["kind": #""banner""#], field: "kind", message: "content, ad or boot"))
        c.append(one("kind ad with a boot type", ["type": #""boot_click""#, "kind": #""ad""#], field: "kind"))
        c.append(one("kind boot with an ad-only type", ["type": #""start""#, "kind": #""boot""#], field: "type", message: "unknown boot event type"))
        c.append(one("unknown boot_ type", ["type": #""boot_start""#], field: "type"))
        c.append(one("kind content with an ad type", ["type": #""impression""#, "kind": #""content""#], field: "type"))

        // MARK: who and where
        c.append(one("missing device_id", ["device_id": nil], field: "device_id"))
        c.append(one("device_id with a space", ["device_id": #""tv 5521""#], field: "device_id"))
        c.append(one("device_id 129 characters", ["device_id": F.string(String(repeating: "d", count: 129))], field: "device_id"))
        c.append(one("device_id empty", ["device_id": #""""#], field: "device_id"))
        c.append(one("device_id with a lone surrogate", ["device_id": #""tv\uD800""#], field: "device_id", message: "lone high surrogate"))
        c.append(one("unknown endpoint", ["endpoint": #""smartwatch""#], field: "endpoint", message: "tv, mobile, web or speaker"))
        c.append(one("endpoint in capitals", ["endpoint": #""TV""#], field: "endpoint"))
        c.append(one("endpoint a boolean", ["endpoint": "true"], field: "endpoint", message: "found a boolean"))
        c.append(one("unknown channel", ["channel": #""shopping""#], field: "channel", message: "unknown channel 'shopping'"))
        c.append(one("channel null", ["channel": "null"], field: "channel", message: "found null"))
        c.append(one("missing channel", ["channel": nil], field: "channel"))
        c.append(one("model 65 characters", ["model": F.string(String(repeating: "m", count: 65))], field: "model"))
        c.append(one("model with a control character", ["model": #""ES\u000775""#], field: "model"))
        c.append(one("app_version a number", ["app_version": "3.2"], field: "app_version", message: "found a number"))
        c.append(one("title_id with a slash", ["title_id": #""a/b""#], field: "title_id"))
        c.append(one("session_id an object", ["session_id": "{}"], field: "session_id", message: "found an object"))
        c.append(one("slot_id an array", ["slot_id": "[1]"], field: "slot_id", message: "found an array"))
        c.append(one("creative_id a lone low surrogate", ["creative_id": #""\uDC00""#], field: "creative_id", message: "lone low surrogate"))

        // MARK: position
        c.append(one("position_ms a string", ["position_ms": #""0""#], field: "position_ms", message: "found a string"))
        c.append(one("position_ms negative", ["position_ms": "-1"], field: "position_ms", message: "0 or more"))
        c.append(one("position_ms a fraction", ["position_ms": "1.5"], field: "position_ms", message: "whole number"))
        c.append(one("position_ms an exponent", ["position_ms": "1e3"], field: "position_ms"))
        c.append(one("position_ms huge", ["position_ms": "123456789012345678901234567890"], field: "position_ms", message: "at most"))
        c.append(one("position_ms over 48 h", ["position_ms": "172800001"], field: "position_ms"))
        c.append(one("heartbeat without position", ["type": #""heartbeat""#, "position_ms": "null"], field: "position_ms",
                     message: "required for heartbeat"))

        // MARK: time
        c.append(one("missing ts", ["ts": nil], field: "ts", message: "is required"))
        c.append(one("ts a number", ["ts": "1764410400000"], field: "ts", message: "found a number"))
        c.append(one("ts not a date", ["ts": #""yesterday""#], field: "ts", message: "RFC 3339"))
        c.append(one("ts a date alone", ["ts": #""2026-11-29""#], field: "ts"))
        c.append(one("ts an impossible date", ["ts": #""2026-02-30T10:00:00Z""#], field: "ts"))
        c.append(one("ts without an offset", ["ts": #""2026-11-29T10:00:00""#], field: "ts"))
        c.append(one("missing sent_at", ["sent_at": nil], field: "sent_at"))
        c.append(one("sent_at before ts", ["sent_at": #""2026-11-29T09:59:59.000Z""#], field: "sent_at", message: "before ts"))
        c.append(one("ts far in the future (sent now)", ["ts": F.at(3_600_000), "sent_at": F.at(0)], field: "sent_at"))
        c.append(one("ts older than 7 days", ["ts": F.at(-8 * 86_400_000), "sent_at": F.at(-1000)], field: "ts",
                     message: "older than 7 days"))
        c.append(one("ts 7 days and 1 ms old", ["ts": F.at(-EventIntake.maxAge - 1), "sent_at": F.at(0)], field: "ts",
                     message: "older than 7 days"))

        // MARK: The event as a whole
        c.append(MalformedEventCase(name: "event a number", body: F.array(["7"]), rejected: [0: "event"], message: "found a number"))
        c.append(MalformedEventCase(name: "event an array", body: F.array(["[" + ok + "]"]), rejected: [0: "event"], message: "found an array"))
        c.append(MalformedEventCase(name: "event null", body: F.array(["null"]), rejected: [0: "event"]))
        let pad = F.string(String(repeating: "x", count: EventIntake.maxEventBytes))
        c.append(one("event over 16 KiB", [:], extra: [("padding", pad)], field: "event", message: "limit is 16384 bytes"))

        // MARK: Mixed batches: the valid events survive
        c.append(MalformedEventCase(
            name: "mixed array", body: F.array([F.event(0), F.event(1, ["ts": F.at(-8 * 86_400_000)]), F.event(2),
                                                F.event(3, ["channel": #""shopping""#]), F.event(4)]),
            rejected: [1: "ts", 3: "channel"], accepted: [0, 2, 4]))
        c.append(MalformedEventCase(
            name: "NDJSON with a broken line", body: F.ndjson([F.event(0), #"{"event_id": "#, F.event(2)]),
            rejected: [1: "event"], message: "line 2 is not JSON", accepted: [0, 2]))
        c.append(MalformedEventCase(
            name: "NDJSON with two events on a line", body: F.ndjson([F.event(0) + " " + F.event(1), F.event(2)]),
            rejected: [0: "event"], message: "one event per line", accepted: [1]))
        c.append(MalformedEventCase(
            name: "NDJSON with a number line", body: F.ndjson([F.event(0), "42", F.event(2)]),
            contentType: "application/jsonl", rejected: [1: "event"], accepted: [0, 2]))
        c.append(MalformedEventCase(
            name: "NDJSON with a byte order mark inside", body: F.ndjson([F.event(0)]) + [0xEF, 0xBB, 0xBF] + F.ndjson([F.event(1)]),
            rejected: [1: "event"], accepted: [0]))
        c.append(MalformedEventCase(
            name: "duplicate ids inside a batch", body: F.array([F.event(0), F.event(0), F.event(1)]),
            accepted: [0, 2], duplicates: [1]))
        c.append(MalformedEventCase(
            name: "duplicate ids differing in case", body: F.array([F.event(10), F.event(0, ["event_id": F.string(F.uuid(10).uppercased())])]),
            accepted: [0], duplicates: [1]))
        c.append(MalformedEventCase(
            name: "duplicate of a rejected event is accepted", body: F.array([F.event(0, ["device_id": nil]), F.event(0)]),
            rejected: [0: "device_id"], accepted: [1]))
        c.append(MalformedEventCase(
            name: "invalid duplicate is rejected, not a duplicate", body: F.array([F.event(0), F.event(0, ["endpoint": #""fridge""#])]),
            rejected: [1: "endpoint"], accepted: [0]))
        return c
    }()
}

@Suite("EventIntake: malformed input")
struct EventIntakeMalformedTests {
    @Test("at least 40 malformed cases")
    func enoughCases() {
        #expect(MalformedEventCase.all.count >= 40)
        #expect(Set(MalformedEventCase.all.map(\.name)).count == MalformedEventCase.all.count)
    }

    @Test("each malformed case is refused as expected", arguments: MalformedEventCase.all)
    func malformed(_ c: MalformedEventCase) {
        let b = EventFixtures.decode(c.body, contentType: c.contentType)
        checkBatchInvariants(b)
        if let fatal = c.fatal {
            #expect(b.fatal != nil)
            #expect(b.fatal?.message.contains(fatal) == true, "\(b.fatal?.message ?? "no fatal")")
            #expect(b.fatalCode == (c.tooLarge ? .tooLarge : .invalid))
            #expect(b.failure?.code == b.fatalCode && b.failure?.field == "body")
            return
        }
        #expect(b.fatal == nil, "\(b.fatal?.message ?? "")")
        var got: [Int: String] = [:]
        for r in b.rejected { got[r.index] = r.field }
        #expect(got == c.rejected, "\(b.rejected)")
        #expect(b.rejected.count == c.rejected.count, "one rejection per event")
        if let message = c.message {
            #expect(b.rejected.first?.message.contains(message) == true, "\(b.rejected.first?.message ?? "none")")
        }
        #expect(b.events.map(\.index) == c.accepted)
        #expect(b.duplicateIndexes == c.duplicates)
    }
}
