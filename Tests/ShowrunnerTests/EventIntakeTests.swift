
import Showrunner
import Testing

@Suite("EventIntake: valid batches")
struct EventIntakeTests {
    typealias F = EventFixtures

    static func ts(_ text: String) -> Timestamp { Timestamp(iso8601: text)! }

    @Test("the issue's example event becomes this ledger row")
    func exampleEvent() throws {
        let b = F.decode(F.array([F.event(0, ["event_id": #""0B6C9A3E-1D2F-4A5B-8C7D-9E0F1A2B3C4D""#])]))
        #expect(b.fatal == nil && b.rejected.isEmpty && b.duplicateIndexes.isEmpty)
        let e = try #require(b.events.first)
        #expect(e.index == 0)
        // Skew: the client sent at 10:00:01.250, we received at 10:00:02.000 → its clock is 750 ms behind.
        #expect(e.event == LedgerEvent(
            eventID: "0b6c9a3e-1d2f-4a5b-8c7d-9e0f1a2b3c4d", type: "content.play_start", source: .client, deviceID: "tv-5521",
            endpoint: .tv, model: "ES75", channel: "tv", titleID: "ep-101", sessionID: "s-1", slotID: nil, creativeID: nil,
            campaignID: nil, positionMS: 0, ts: Self.ts("2026-11-29T10:00:00.750Z"), sentAt: Self.ts("2026-11-29T10:00:01.250Z"),
            receivedAt: F.receivedAt, appVersion: "3.2.1", flags: []))
    }

    @Test("an array and the same events as NDJSON decode alike")
    func arrayAndNDJSON() {
        let events = (0..<5).map { F.event($0) }
        let array = F.decode(F.array(events))
        let ndjsonText = "\r\n" + events.joined(separator: "\r\n\n  \t\n") + "\r\n\r\n"
        for contentType in [nil, "application/x-ndjson", "application/jsonl", "Application/X-NDJSON; charset=utf-8", "application/json"] {
            let nd = F.decode(Array(ndjsonText.utf8), contentType: contentType)
            #expect(nd.fatal == nil && nd.rejected.isEmpty, "\(contentType ?? "nil")")
            #expect(nd.events == array.events, "\(contentType ?? "nil")")
        }
        #expect(array.events.map(\.index) == [0, 1, 2, 3, 4])
        #expect(array.events.map(\.event.eventID) == (0..<5).map { F.uuid($0) })
    }

    @Test("an array body sent as application/json, with a byte order mark and spaces")
    func arrayWithBOM() {
        let body: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(" \n ".utf8) + F.array([F.event(0), F.event(1)]) + Array(" \n".utf8)
        let b = F.decode(body, contentType: "application/json")
        #expect(b.fatal == nil && b.events.count == 2)
    }

    @Test("an empty array is a batch of no events")
    func emptyArray() {
        let b = F.decode(Array("[ ]".utf8))
        #expect(b.fatal == nil && b.events.isEmpty && b.rejected.isEmpty && b.count == 0)
    }

    @Test("skew correction: stored ts = ts + (receivedAt − sent_at); sentAt keeps the raw sent_at",
          arguments: [
              // (client ts, client sent_at, received, expected stored ts)
              ("2026-11-29T10:00:00.000Z", "2026-11-29T10:00:00.000Z", "2026-11-29T10:00:00.000Z", "2026-11-29T10:00:00.000Z"),
              // Client clock one hour behind.
              ("2026-11-29T09:00:00.000Z", "2026-11-29T09:00:05.000Z", "2026-11-29T10:00:06.000Z", "2026-11-29T10:00:01.000Z"),
              // Client clock a year ahead (and the event still counts).
              ("2027-11-29T10:00:00.000Z", "2027-11-29T10:00:30.500Z", "2026-11-29T10:00:31.000Z", "2026-11-29T10:00:00.500Z"),
              // Offsets in the client's text.
              ("2026-11-29T12:00:00+02:00", "2026-11-29T12:00:10.000+02:00", "2026-11-29T10:00:10.000Z", "2026-11-29T10:00:00.000Z"),
              // Offline for six days: a boot impression stored then, sent now.
              ("2026-11-23T08:00:00.000Z", "2026-11-29T09:59:59.000Z", "2026-11-29T10:00:00.000Z", "2026-11-23T08:00:01.000Z"),
          ])
    func skew(_ c: (String, String, String, String)) throws {
        let received = Self.ts(c.2)
        let b = F.decode(F.array([F.event(0, ["ts": F.string(c.0), "sent_at": F.string(c.1)])]), receivedAt: received)
        let e = try #require(b.events.first?.event, "\(b.rejected)")
        #expect(e.ts == Self.ts(c.3))
        #expect(e.sentAt == Self.ts(c.1))
        #expect(e.receivedAt == received)
    }

    @Test("ts exactly 7 days old after correction is accepted; 1 ms more is not")
    func sevenDayBoundary() {
        let edge = F.decode(F.array([F.event(0, ["ts": F.at(-EventIntake.maxAge - 2000), "sent_at": F.at(-2000)])]))
        #expect(edge.events.count == 1 && edge.rejected.isEmpty)
        #expect(edge.events.first?.event.ts == F.receivedAt.adding(milliseconds: -EventIntake.maxAge))
        let over = F.decode(F.array([F.event(0, ["ts": F.at(-EventIntake.maxAge - 2001), "sent_at": F.at(-2000)])]))
        #expect(over.events.isEmpty && over.rejected.first?.field == "ts")
    }

    /// (wire fields changed, stored type).
    static let typeCases: [([String: String], String)] = [
        (["type": #""play_start""#], "content.play_start"),
        (["type": #""heartbeat""#, "position_ms": "61000"], "content.heartbeat"),
        (["type": #""pause""#], "content.pause"),
        (["type": #""resume""#], "content.resume"),
        (["type": #""seek""#, "position_ms": "172800000"], "content.seek"),
        (["type": #""complete""#], "content.complete"),
        (["type": #""exit""#], "content.exit"),
        (["type": #""complete""#, "slot_id": #""s1:b1.0""#], "ad.complete"),
        (["type": #""complete""#, "creative_id": #""cr-9""#], "ad.complete"),
        (["type": #""complete""#, "slot_id": #""""#, "creative_id": "null"], "content.complete"),
        (["type": #""complete""#, "slot_id": #""s1""#, "kind": #""content""#], "content.complete"),
        (["type": #""complete""#, "kind": #""ad""#], "ad.complete"),
        (["type": #""impression""#, "slot_id": #""s1""#, "creative_id": #""cr-9""#], "ad.impression"),
        (["type": #""start""#], "ad.start"),
        (["type": #""firstQuartile""#], "ad.firstQuartile"),
        (["type": #""midpoint""#], "ad.midpoint"),
        (["type": #""thirdQuartile""#], "ad.thirdQuartile"),
        (["type": #""skip""#], "ad.skip"),
        (["type": #""close""#], "ad.close"),
        (["type": #""click""#], "ad.click"),
        (["type": #""error""#], "ad.error"),
        (["type": #""boot_impression""#, "creative_id": #""boot-cr""#], "boot.impression"),
        (["type": #""boot_close""#], "boot.close"),
        (["type": #""boot_click""#, "kind": #""boot""#], "boot.click"),
        (["type": #""boot_complete""#], "boot.complete"),
        (["type": #""impression""#, "kind": #""boot""#, "creative_id": #""boot-cr""#], "boot.impression"),
        (["type": #""complete""#, "kind": #""boot""#], "boot.complete"),
        (["type": #""play_start""#, "kind": "null"], "content.play_start"),
    ]

    @Test("content, ad and boot events, and how their types are stored", arguments: typeCases)
    func types(_ c: ([String: String], String)) throws {
        var changes: [String: String?] = [:]
        for (k, v) in c.0 { changes[k] = v }
        let b = F.decode(F.array([F.event(0, changes)]))
        let e = try #require(b.events.first?.event, "\(b.rejected)")
        #expect(e.type == c.1)
        let parsed = try #require(EventType(ledgerType: e.type))
        #expect(parsed.ledgerType == c.1)
    }

    @Test("optional fields may be absent, null or empty")
    func optionalFields() throws {
        let none: [String: String?] = ["model": nil, "title_id": nil, "session_id": "null", "slot_id": nil, "creative_id": nil,
                                       "position_ms": nil, "app_version": #""""#]
        let b = F.decode(F.array([F.event(0, none)]))
        let e = try #require(b.events.first?.event, "\(b.rejected)")
        #expect(e.model == nil && e.titleID == nil && e.sessionID == nil && e.slotID == nil && e.creativeID == nil)
        #expect(e.positionMS == nil && e.appVersion == nil)
    }

    @Test("extra fields are ignored, whatever they hold")
    func extraFields() throws {
        let deep = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        let extra: [(String, String)] = [
            ("campaign_id", #""c-1""#), ("screen", #"{"w": 1920, "h": [1080, {"x": null}]}"#), ("flags", "[true, false, -1.5e-3]"),
            ("deep", deep), ("weird \\u0000 name", #""\u0000\uD800 \uDC00""#), ("big", "1e999999"), ("", "0"),
            ("Event_ID", "5"), ("emoji", #""🎬 \ud83c\udfac""#),
        ]
        let b = F.decode(F.array([F.event(0, extra: extra)]))
        let e = try #require(b.events.first?.event, "\(b.rejected)")
        #expect(e.type == "content.play_start" && e.campaignID == nil)
    }

    @Test("strings: escapes, Unicode and the printable rule")
    func strings() throws {
        let b = F.decode(F.array([F.event(0, ["model": #""Bravia \"X\" 4K \u00e9\ud83d\udcfa""#, "app_version": #""3.2.1\/beta""#])]))
        let e = try #require(b.events.first?.event, "\(b.rejected)")
        #expect(e.model == "Bravia \"X\" 4K é📺")
        #expect(e.appVersion == "3.2.1/beta")
        let sixtyFour = String(repeating: "é", count: 64)
        #expect(F.decode(F.array([F.event(0, ["model": F.string(sixtyFour)])])).events.first?.event.model == sixtyFour)
    }

    @Test("every endpoint kind")
    func endpoints() {
        for kind in EndpointKind.allCases {
            let b = F.decode(F.array([F.event(0, ["endpoint": "\"\(kind.rawValue)\""])]))
            #expect(b.events.first?.event.endpoint == kind)
        }
    }

    @Test("ids at their limits")
    func idLimits() throws {
        let id = String(repeating: "a.b_c:d-E9", count: 12) + "12345678"  // 128 characters
        let b = F.decode(F.array([F.event(0, ["device_id": F.string(id), "title_id": F.string(id), "session_id": F.string(id),
                                              "slot_id": F.string(id), "creative_id": F.string(id)])]))
        let e = try #require(b.events.first?.event, "\(b.rejected)")
        #expect(e.deviceID == id && e.slotID == id && e.type == "content.play_start")
    }

    @Test("500 events are accepted; 501 are refused whole")
    func eventLimit() {
        let five = (0..<500).map { F.event($0) }
        for body in [F.array(five), F.ndjson(five)] {
            let b = F.decode(body)
            #expect(b.fatal == nil && b.events.count == 500 && b.events.last?.index == 499)
        }
        for body in [F.array(five + [F.event(500)]), F.ndjson(five + [F.event(500)])] {
            let b = F.decode(body)
            #expect(b.fatal?.field == "body" && b.fatalCode == .tooLarge && b.events.isEmpty)
        }
        // Blank lines do not count.
        #expect(F.decode(Array((five.joined(separator: "\n\n\n") + "\n\n").utf8)).events.count == 500)
    }

    @Test("a body of exactly 512 KiB is read; one byte more is refused")
    func byteLimit() {
        let event = F.event(0)
        var text = "[" + event + "]"
        text += String(repeating: " ", count: EventIntake.maxBatchBytes - text.utf8.count)
        #expect(F.decode(Array(text.utf8)).events.count == 1)
        let b = F.decode(Array((text + " ").utf8))
        #expect(b.fatalCode == .tooLarge && b.fatal?.message.contains("KiB") == true)
    }

    @Test("an event of exactly 16 KiB is accepted")
    func eventSizeLimit() {
        let base = F.event(0, extra: [("pad", #""""#)])
        let pad = String(repeating: "p", count: EventIntake.maxEventBytes - base.utf8.count)
        let event = F.event(0, extra: [("pad", F.string(pad))])
        #expect(event.utf8.count == EventIntake.maxEventBytes)
        #expect(F.decode(F.array([event])).events.count == 1)
        #expect(F.decode(F.ndjson([event])).events.count == 1)
    }

    @Test("duplicates keep the first and report the others; the server counts them")
    func duplicates() {
        let b = F.decode(F.ndjson([F.event(1), F.event(2), F.event(1), F.event(1, ["type": #""pause""#]), F.event(3)]))
        #expect(b.events.map(\.index) == [0, 1, 4])
        #expect(b.events.first?.event.type == "content.play_start")
        #expect(b.duplicateIndexes == [2, 3])
        #expect(b.rejected.isEmpty && b.count == 5)
    }

    @Test("a fatal batch as a ShowrunnerError (failure)")
    func rejectionShape() {
        let r = EventIntake.Rejection(index: 3, field: "ts", message: "older than 7 days")
        #expect(r.index == 3 && r.field == "ts")
        let b = F.decode(Array("nope".utf8))
        #expect(b.failure == ShowrunnerError(.invalid, b.fatal?.message ?? "", field: "body"))
    }

    @Test("EventType: ledger names round-trip; bare ad names read as ad events")
    func eventTypeNames() {
        var all: [EventType] = []
        all += EventType.Content.allCases.map { .content($0) }
        all += EventType.Ad.allCases.map { .ad($0) }
        all += EventType.Boot.allCases.map { .boot($0) }
        #expect(all.count == 21)
        #expect(Set(all.map(\.ledgerType)).count == 21)
        for t in all {
            #expect(EventType(ledgerType: t.ledgerType) == t)
            #expect(t.ledgerType == "\(t.category.rawValue).\(t.name)")
        }
        #expect(EventType(ledgerType: "impression") == .ad(.impression))
        #expect(EventType(ledgerType: "complete") == .ad(.complete))
        #expect(EventType(ledgerType: "play_start") == nil)
        #expect(EventType(ledgerType: "ad.play_start") == nil)
        #expect(EventType(ledgerType: "tv.impression") == nil)
        #expect(EventType(wire: "complete", kind: nil, hasAdIDs: false) == .content(.complete))
        #expect(EventType(wire: "complete", kind: nil, hasAdIDs: true) == .ad(.complete))
        #expect(EventType(wire: "boot_complete", kind: .ad, hasAdIDs: true) == nil)
    }
}
