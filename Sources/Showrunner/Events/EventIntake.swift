
/// Decoding and validation of a `POST /v1/events` body: pure (no I/O, no clock; the receive
/// time is passed in), total (never traps, whatever the bytes), and per event — a bad event is
/// rejected on its own, naming its index and field, and the valid events of the batch are kept.
///
/// **Body.** A JSON array of event objects, or NDJSON (one object per line; blank lines and a
/// `\r` before `\n` are fine). NDJSON when the content type is `application/x-ndjson`,
/// `application/ndjson`, `application/jsonl` or `application/x-jsonl` (parameters and case
/// ignored); otherwise sniffed: the first non-space byte `[` means an array, anything else
/// NDJSON. A leading UTF-8 byte order mark is skipped. `[]` is a valid batch of no events.
///
/// **Fatal** (`Batch.fatal`, index -1, field `body`; nothing accepted): over `maxBatchBytes`
/// bytes or `maxEvents` events (code `too_large`); empty or blank; not UTF-8 (byte offset named);
/// an array body that is not JSON (byte offset, line and column named); an NDJSON body in which
/// no line is a JSON object (the first bad line named). In NDJSON a line that is not JSON rejects
/// only that event.
///
/// **Per event** (`Batch.rejected`, one rejection per rejected event: the first problem found,
/// checked in this order): the event's JSON text over `maxEventBytes` (field `event`); not an
/// object (`event`); a known field given twice (that field); `event_id` a UUID;
/// `type`/`kind` (see `EventType`); `device_id` 1-128 of `A-Z a-z 0-9 . _ : -`; `endpoint`
/// tv|mobile|web|speaker; `channel` one of `knownChannels`; `model`, `app_version` at most 64
/// printable characters; `title_id`, `session_id`, `slot_id`, `creative_id` 1-128 safe
/// characters; `position_ms` a whole number 0...48 h (required for `heartbeat`); `ts` and
/// `sent_at` RFC 3339 date-times; `sent_at` not before `ts`; then the skew-corrected `ts` within
/// `maxAge` before and `maxFuture` after the receive time. Optional fields may be absent or
/// null; an empty string counts as absent. Unknown fields are ignored (and may hold anything).
///
/// **Skew.** The client's clock is corrected by how far its `sent_at` is from the receive
/// time: stored `ts` = `ts` + (`receivedAt` − `sent_at`); `sentAt` keeps the raw `sent_at`.
///
/// **Duplicates.** A valid event whose `event_id` (compared lowercased) was already accepted
/// earlier in the batch is dropped and listed in `Batch.duplicateIndexes`, not rejected.
public enum EventIntake {
    /// Events per batch.
    public static let maxEvents = 500
    /// Bytes per batch body (512 KiB).
    public static let maxBatchBytes = 512 * 1024
    /// Bytes of one event's JSON text (16 KiB).
    public static let maxEventBytes = 16 * 1024
    /// How old (ms before the receive time, after skew correction) an event's `ts` may be: 7 days,
    /// so offline boot impressions are still counted.
    public static let maxAge: Int64 = 7 * 86_400_000
    /// How far (ms) after the receive time a skew-corrected `ts` may be: 5 minutes.
    public static let maxFuture: Int64 = 5 * 60_000
    /// The largest `position_ms`: 48 hours.
    public static let maxPositionMS: Int64 = 48 * 3_600_000
    /// Content types (without parameters, lowercased) that mean NDJSON.
    public static let ndjsonContentTypes: Set<String> = [
        "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonl",
    ]

    /// The outcome of decoding one body.
    public struct Batch: Sendable {
        /// The valid events, in batch order, without in-batch duplicates.
        public var events: [Accepted]
        /// The rejected events, by index, one each.
        public var rejected: [Rejection]
        /// Set (with index -1) when the body as a whole is unusable; then nothing is accepted.
        public var fatal: Rejection?
        /// What kind of failure `fatal` is: `tooLarge` (over the byte or event limit, HTTP 413)
        /// or `invalid` (HTTP 400). Nil when `fatal` is nil.
        public var fatalCode: ShowrunnerError.Code?
        /// Indexes of valid events whose `event_id` an earlier event of the batch already has.
        public var duplicateIndexes: [Int]

        public init(events: [Accepted] = [], rejected: [Rejection] = [], fatal: Rejection? = nil,
                    fatalCode: ShowrunnerError.Code? = nil, duplicateIndexes: [Int] = []) {
            self.events = events
            self.rejected = rejected
            self.fatal = fatal
            self.fatalCode = fatalCode
            self.duplicateIndexes = duplicateIndexes
        }

        /// `fatal` as a domain error (code `too_large` or `invalid`, field `body`).
        public var failure: ShowrunnerError? {
            fatal.map { ShowrunnerError(fatalCode ?? .invalid, $0.message, field: $0.field) }
        }

        /// How many events the batch held (accepted, rejected and duplicates).
        public var count: Int { events.count + rejected.count + duplicateIndexes.count }
    }

    /// A valid event: its position in the batch and its ledger row (`source` client, no flags,
    /// `campaignID` nil — the server fills it from the session's decisions if it wants).
    public struct Accepted: Sendable, Hashable {
        public var index: Int
        public var event: LedgerEvent

        public init(index: Int, event: LedgerEvent) {
            self.index = index
            self.event = event
        }
    }

    /// Why an event (or, with index -1, the whole batch) was refused. The `rejected` items of
    /// the 202 reply: `{"index": 3, "field": "ts", "message": "older than 7 days ..."}`.
    public struct Rejection: Sendable, Hashable, Codable {
        /// The event's 0-based position in the batch (array element or non-blank NDJSON line);
        /// -1 for the whole batch.
        public var index: Int
        /// The wire field at fault (`event_id`, `ts`, ...), `event` for the event as a whole, or
        /// `body` for the batch.
        public var field: String
        public var message: String

        public init(index: Int, field: String, message: String) {
            self.index = index
            self.field = field
            self.message = message
        }
    }

    /// Decodes and validates a batch: a JSON array of objects, or NDJSON (one object per line;
    /// blank lines ignored), chosen by content type (`application/x-ndjson`,
    /// `application/jsonl`, ...) or sniffed (first non-space byte `[` → array).
    ///
    /// - Parameters:
    ///   - body: the request body, at most `maxBatchBytes` (more is fatal).
    ///   - contentType: the `Content-Type` header, if any.
    ///   - receivedAt: when the server received the body (the skew reference and `receivedAt`).
    ///   - knownChannels: the channel ids an event may name.
    public static func decode(_ body: [UInt8], contentType: String?, receivedAt: Timestamp,
                              knownChannels: Set<String>) -> Batch {
        func fatal(_ code: ShowrunnerError.Code, _ message: String) -> Batch {
            Batch(fatal: Rejection(index: -1, field: "body", message: message), fatalCode: code)
        }
        if body.count > maxBatchBytes {
            return fatal(.tooLarge, "body is \((body.count + 1023) / 1024) KiB (\(body.count) bytes); the limit is \(maxBatchBytes / 1024) KiB")
        }
        if let bad = EventJSONReader.firstInvalidUTF8(body) {
            return fatal(.invalid, "not UTF-8: invalid byte 0x\(EventJSONReader.hex(body[bad])) at byte offset \(bad)\(where_(body, bad, column: false))")
        }
        var start = 0
        if body.count >= 3, body[0] == 0xEF, body[1] == 0xBB, body[2] == 0xBF { start = 3 }
        var probe = EventJSONReader(body, from: start, to: body.count)
        probe.skipSpace()
        guard let first = probe.peek else { return fatal(.invalid, "empty body: expected a JSON array of events or NDJSON") }

        let items: [Item]
        switch isNDJSON(contentType) || first != 0x5B ? Framing.ndjson : .array {
        case .array:
            do {
                items = try arrayItems(body, from: probe.i)
            } catch is TooMany {
                return fatal(.tooLarge, tooManyMessage)
            } catch let e as EventJSONReader.SyntaxError {
                return fatal(.invalid, "not JSON: \(e.message) at byte offset \(e.offset)\(where_(body, e.offset, column: true))")
            } catch {
                return fatal(.invalid, "not JSON")
            }
        case .ndjson:
            guard let lines = ndjsonItems(body, from: start) else { return fatal(.tooLarge, tooManyMessage) }
            if !lines.contains(where: { if case .object = $0.content { true } else { false } }), let bad = lines.first {
                switch bad.content {
                case .syntax(let e):
                    return fatal(.invalid, "not JSON (an array, or NDJSON with one object per line): line \(bad.line): \(e.message) at byte offset \(e.offset)\(where_(body, e.offset, column: true))")
                case .other(let v):
                    return fatal(.invalid, "not an array or NDJSON of event objects: line \(bad.line) is \(described(v))")
                case .object:
                    break
                }
            }
            items = lines
        }

        var batch = Batch()
        var seen: Set<String> = []
        for item in items {
            switch validate(item, receivedAt: receivedAt, knownChannels: knownChannels) {
            case .success(let event):
                if seen.insert(event.eventID).inserted {
                    batch.events.append(Accepted(index: item.index, event: event))
                } else {
                    batch.duplicateIndexes.append(item.index)
                }
            case .failure(let p):
                batch.rejected.append(Rejection(index: item.index, field: p.field, message: p.message))
            }
        }
        return batch
    }

    // MARK: Framing

    enum Framing { case array, ndjson }

    static let tooManyMessage = "more than \(maxEvents) events; the limit is \(maxEvents) per batch"

    struct TooMany: Error {}

    /// One event's place in the body and what its text holds.
    struct Item {
        var index: Int
        /// 1-based line of the event's first byte.
        var line: Int
        /// Bytes of the event's JSON text.
        var size: Int
        var content: Content

        enum Content {
            case object(Fields, repeated: Field?)
            case other(EventJSONReader.Value)
            case syntax(EventJSONReader.SyntaxError)
        }
    }

    /// The wire fields an event may have (other names are skipped), in the order they are checked.
    enum Field: Int, CaseIterable {
        case eventID, type, kind, deviceID, endpoint, channel, model, appVersion, titleID, sessionID, slotID, creativeID
        case positionMS, ts, sentAt

        var name: String {
            switch self {
            case .eventID: "event_id"
            case .type: "type"
            case .kind: "kind"
            case .deviceID: "device_id"
            case .endpoint: "endpoint"
            case .channel: "channel"
            case .model: "model"
            case .appVersion: "app_version"
            case .titleID: "title_id"
            case .sessionID: "session_id"
            case .slotID: "slot_id"
            case .creativeID: "creative_id"
            case .positionMS: "position_ms"
            case .ts: "ts"
            case .sentAt: "sent_at"
            }
        }

        /// `name` as bytes, by `rawValue`, for `EventJSONReader.readObject(names:)`.
        static let names: [[UInt8]] = allCases.map { Array($0.name.utf8) }
    }

    /// An event's known fields, by `Field`.
    struct Fields {
        var values: [EventJSONReader.Value?]
        subscript(_ f: Field) -> EventJSONReader.Value? { values[f.rawValue] }
    }

    static func isNDJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let media = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return ndjsonContentTypes.contains(media.withoutSpacesAround().lowercased())
    }

    /// The elements of a JSON array body starting at `[` (at `from`). Throws a syntax error, or
    /// `TooMany` at element `maxEvents + 1`.
    static func arrayItems(_ body: [UInt8], from: Int) throws -> [Item] {
        var r = EventJSONReader(body, from: from + 1, to: body.count)
        var items: [Item] = []
        var line = 1
        var lineCounted = 0
        r.skipSpace()
        if r.peek == 0x5D {
            r.i += 1
        } else {
            while true {
                guard items.count < maxEvents else { throw TooMany() }
                let s = r.i
                let content: Item.Content
                if r.peek == 0x7B {
                    let o = try r.readObject(names: Field.names)
                    content = .object(Fields(values: o.values), repeated: o.repeated.flatMap { Field(rawValue: $0) })
                } else {
                    content = .other(try r.readValue())
                }
                while lineCounted < s {
                    if body[lineCounted] == 0x0A { line += 1 }
                    lineCounted += 1
                }
                items.append(Item(index: items.count, line: line, size: r.i - s, content: content))
                r.skipSpace()
                if r.peek == 0x2C {
                    r.i += 1
                    r.skipSpace()
                    continue
                }
                if r.peek == 0x5D {
                    r.i += 1
                    break
                }
                throw r.error("expected ',' or ']' after event \(items.count - 1), found \(r.found())")
            }
        }
        r.skipSpace()
        guard r.atEnd else { throw r.error("expected nothing after the array's closing ']', found \(r.found())") }
        return items
    }

    /// The non-blank lines of an NDJSON body, each parsed on its own; nil over `maxEvents`.
    static func ndjsonItems(_ body: [UInt8], from: Int) -> [Item]? {
        var items: [Item] = []
        var lineStart = from
        var line = 1
        while lineStart <= body.count {
            var lineEnd = lineStart
            while lineEnd < body.count, body[lineEnd] != 0x0A { lineEnd += 1 }
            defer {
                lineStart = lineEnd + 1
                line += 1
            }
            var r = EventJSONReader(body, from: lineStart, to: lineEnd)
            r.skipSpace()
            guard !r.atEnd else { continue }
            guard items.count < maxEvents else { return nil }
            let s = r.i
            var size = lineEnd - s
            let content: Item.Content
            do throws(EventJSONReader.SyntaxError) {
                if r.peek == 0x7B {
                    let o = try r.readObject(names: Field.names)
                    content = .object(Fields(values: o.values), repeated: o.repeated.flatMap { Field(rawValue: $0) })
                } else {
                    content = .other(try r.readValue())
                }
                size = r.i - s
                r.skipSpace()
                guard r.atEnd else { throw r.error("expected the end of the line after the event (one event per line), found \(r.found())") }
            } catch {
                items.append(Item(index: items.count, line: line, size: size, content: .syntax(error)))
                continue
            }
            items.append(Item(index: items.count, line: line, size: size, content: content))
        }
        return items
    }

    // MARK: One event

    struct Problem: Error {
        var field: String
        var message: String
        init(_ field: String, _ message: String) {
            self.field = field
            self.message = message
        }
    }

    static func validate(_ item: Item, receivedAt: Timestamp, knownChannels: Set<String>) -> Result<LedgerEvent, Problem> {
        let f: Fields
        switch item.content {
        case .syntax(let e):
            return .failure(Problem("event", "line \(item.line) is not JSON: \(e.message) at byte offset \(e.offset)"))
        case .other(let v):
            if item.size > maxEventBytes { return .failure(tooBig(item)) }
            return .failure(Problem("event", "must be a JSON object, found \(described(v))"))
        case .object(let fields, let repeated):
            if item.size > maxEventBytes { return .failure(tooBig(item)) }
            if let repeated { return .failure(Problem(repeated.name, "appears more than once in the event")) }
            f = fields
        }
        do throws(Problem) {
            return .success(try event(f, receivedAt: receivedAt, knownChannels: knownChannels))
        } catch {
            return .failure(error)
        }
    }

    static func tooBig(_ item: Item) -> Problem {
        Problem("event", "is \(item.size) bytes of JSON; the limit is \(maxEventBytes) bytes per event")
    }

    static func event(_ f: Fields, receivedAt: Timestamp,
                      knownChannels: Set<String>) throws(Problem) -> LedgerEvent {
        // event_id
        let rawID = try required(f, .eventID)
        guard isUUID(rawID) else { throw Problem("event_id", "must be a UUID (8-4-4-4-12 hex digits), found \(quote(rawID))") }
        let eventID = rawID.lowercased()

        // type and kind
        let wireType = try required(f, .type)
        let kind: EventType.Category?
        switch try optional(f, .kind) {
        case nil: kind = nil
        case let k?:
            guard let c = EventType.Category(rawValue: k) else { throw Problem("kind", "must be content, ad or boot, found \(quote(k))") }
            kind = c
        }
        let hasAdIDs = present(f[.slotID]) || present(f[.creativeID])
        guard let type = EventType(wire: wireType, kind: kind, hasAdIDs: hasAdIDs) else {
            if wireType.hasPrefix("boot_"), EventType.Boot(rawValue: String(wireType.dropFirst(5))) != nil, let kind {
                throw Problem("kind", "is \(kind.rawValue) but type \(quote(wireType)) is a boot-screen event")
            }
            if let kind {
                let names: [String] = switch kind {
                case .content: EventType.Content.allCases.map(\.rawValue)
                case .ad: EventType.Ad.allCases.map(\.rawValue)
                case .boot: EventType.Boot.allCases.map(\.rawValue)
                }
                throw Problem("type", "unknown \(kind.rawValue) event type \(quote(wireType)); expected one of \(names.joined(separator: ", "))")
            }
            throw Problem("type", "unknown event type \(quote(wireType)); expected one of \(EventType.wireNames)")
        }

        // who and where
        let device = try required(f, .deviceID)
        guard isSafeID(device) else { throw Problem("device_id", "must be 1-128 characters of A-Z a-z 0-9 . _ : -, found \(quote(device))") }
        let endpointText = try required(f, .endpoint)
        guard let endpoint = EndpointKind(rawValue: endpointText) else {
            throw Problem("endpoint", "must be tv, mobile, web or speaker, found \(quote(endpointText))")
        }
        let channel = try required(f, .channel)
        guard knownChannels.contains(channel) else { throw Problem("channel", "unknown channel \(quote(channel))") }
        let model = try printable(f, .model)
        let appVersion = try printable(f, .appVersion)
        let titleID = try safeID(f, .titleID)
        let sessionID = try safeID(f, .sessionID)
        let slotID = try safeID(f, .slotID)
        let creativeID = try safeID(f, .creativeID)

        // position
        let position = try positionMS(f)
        if position == nil, case .content(.heartbeat) = type {
            throw Problem("position_ms", "is required for heartbeat events")
        }

        // time
        let ts = try dateTime(f, .ts)
        let sentAt = try dateTime(f, .sentAt)
        guard sentAt >= ts else {
            throw Problem("sent_at", "is \(ts.milliseconds - sentAt.milliseconds) ms before ts (\(ts.iso8601)); an event is sent after it happens")
        }
        // corrected = ts + (receivedAt − sentAt), with every step checked for overflow.
        let (skew, o1) = receivedAt.milliseconds.subtractingReportingOverflow(sentAt.milliseconds)
        let (corrected, o2) = ts.milliseconds.addingReportingOverflow(skew)
        guard !o1, !o2 else { throw Problem("ts", "cannot be corrected for clock skew (sent_at \(sentAt.iso8601), received \(receivedAt.iso8601))") }
        let (age, o3) = receivedAt.milliseconds.subtractingReportingOverflow(corrected)
        if !o3, age > maxAge {
            throw Problem("ts", "older than 7 days: \(Timestamp(milliseconds: corrected).iso8601) after clock-skew correction, received \(receivedAt.iso8601)")
        }
        if o3 || -age > maxFuture {
            throw Problem("ts", "in the future: \(Timestamp(milliseconds: corrected).iso8601) after clock-skew correction, received \(receivedAt.iso8601)")
        }

        return LedgerEvent(
            eventID: eventID, type: type.ledgerType, source: .client, deviceID: device, endpoint: endpoint, model: model,
            channel: channel, titleID: titleID, sessionID: sessionID, slotID: slotID, creativeID: creativeID,
            positionMS: position, ts: Timestamp(milliseconds: corrected), sentAt: sentAt, receivedAt: receivedAt,
            appVersion: appVersion)
    }

    // MARK: Fields

    /// A required string field.
    static func required(_ f: Fields, _ field: Field) throws(Problem) -> String {
        switch f[field] {
        case nil: throw Problem(field.name, "is required")
        case .null: throw Problem(field.name, "is required, found null")
        case .string(let s): return s
        case .badString(let why): throw Problem(field.name, "is not a valid string: it \(why)")
        case let v?: throw Problem(field.name, "must be a string, found \(described(v))")
        }
    }

    /// An optional string field: nil when absent, null or empty.
    static func optional(_ f: Fields, _ field: Field) throws(Problem) -> String? {
        switch f[field] {
        case nil, .null: return nil
        case .string(let s): return s.isEmpty ? nil : s
        case .badString(let why): throw Problem(field.name, "is not a valid string: it \(why)")
        case let v?: throw Problem(field.name, "must be a string or null, found \(described(v))")
        }
    }

    /// Whether an optional field holds something (not absent, null or "").
    static func present(_ v: EventJSONReader.Value?) -> Bool {
        switch v {
        case nil, .null: false
        case .string(let s): !s.isEmpty
        default: true
        }
    }

    /// An optional field of at most 64 printable characters.
    static func printable(_ f: Fields, _ field: Field) throws(Problem) -> String? {
        guard let s = try optional(f, field) else { return nil }
        guard s.unicodeScalars.count <= 64, s.unicodeScalars.allSatisfy(isPrintable) else {
            throw Problem(field.name, "must be at most 64 printable characters, found \(quote(s))")
        }
        return s
    }

    /// An optional id of 1-128 of `A-Z a-z 0-9 . _ : -`.
    static func safeID(_ f: Fields, _ field: Field) throws(Problem) -> String? {
        guard let s = try optional(f, field) else { return nil }
        guard isSafeID(s) else { throw Problem(field.name, "must be 1-128 characters of A-Z a-z 0-9 . _ : -, found \(quote(s))") }
        return s
    }

    static func positionMS(_ f: Fields) throws(Problem) -> Int64? {
        switch f[.positionMS] {
        case nil, .null: return nil
        case .number(let text):
            let digits = text.utf8.drop { $0 == 0x2D }
            guard !digits.isEmpty, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw Problem("position_ms", "must be a whole number of milliseconds, found \(quote(text))")
            }
            guard text.utf8.first != 0x2D else { throw Problem("position_ms", "must be 0 or more, found \(quote(text))") }
            var v: Int64 = 0
            for d in digits {
                let (m, o1) = v.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int64(d - 0x30))
                guard !o1, !o2, a <= maxPositionMS else {
                    throw Problem("position_ms", "must be at most \(maxPositionMS) (48 hours), found \(quote(text))")
                }
                v = a
            }
            return v
        case let v?:
            throw Problem("position_ms", "must be a number or null, found \(described(v))")
        }
    }

    /// A required RFC 3339 date-time (a date alone is not enough).
    static func dateTime(_ f: Fields, _ field: Field) throws(Problem) -> Timestamp {
        let s = try required(f, field)
        guard s.utf8.count > 10, let t = Timestamp(iso8601: s) else {
            throw Problem(field.name, "must be an RFC 3339 date-time such as 2026-11-29T10:00:00.000Z, found \(quote(s))")
        }
        return t
    }

    // MARK: Character classes

    /// 8-4-4-4-12 hex digits, either case.
    static func isUUID(_ s: String) -> Bool {
        guard s.utf8.count == 36 else { return false }
        var k = 0
        for c in s.utf8 {
            defer { k += 1 }
            if k == 8 || k == 13 || k == 18 || k == 23 {
                guard c == 0x2D else { return false }
            } else {
                guard (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66) else { return false }
            }
        }
        return true
    }

    /// 1-128 of `A-Z a-z 0-9 . _ : -`.
    static func isSafeID(_ s: String) -> Bool {
        let u = s.utf8
        return !u.isEmpty && u.count <= 128 && u.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2E || c == 0x5F || c == 0x3A || c == 0x2D
        }
    }

    /// Not a control character (C0, DEL, C1), a line or paragraph separator, or a noncharacter.
    static func isPrintable(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        if v < 0x20 || (v >= 0x7F && v <= 0x9F) || v == 0x2028 || v == 0x2029 { return false }
        if (v >= 0xFDD0 && v <= 0xFDEF) || v & 0xFFFE == 0xFFFE { return false }
        return true
    }

    // MARK: Messages

    /// A client value quoted for a message: at most 40 characters, control characters escaped.
    static func quote(_ s: String) -> String {
        var out = "'"
        var n = 0
        for u in s.unicodeScalars {
            if n == 40 {
                out += "…"
                break
            }
            out += isPrintable(u) ? String(Character(u)) : "\\u{\(String(u.value, radix: 16))}"
            n += 1
        }
        return out + "'"
    }

    /// `a number`, `an object`, `null`, ... for "found ..." messages.
    static func described(_ v: EventJSONReader.Value) -> String {
        switch v {
        case .null: "null"
        case .object, .array: "an " + v.typeName
        default: "a " + v.typeName
        }
    }

    /// ` (line L, column C)` of a byte offset (column in bytes, from 1), or ` (line L)`.
    static func where_(_ body: [UInt8], _ offset: Int, column: Bool) -> String {
        var line = 1, lineStart = 0
        for k in 0..<min(offset, body.count) where body[k] == 0x0A {
            line += 1
            lineStart = k + 1
        }
        return column ? " (line \(line), column \(offset - lineStart + 1))" : " (line \(line))"
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    fileprivate func withoutSpacesAround() -> Substring {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" { s = s.dropLast() }
        return s
    }
}
