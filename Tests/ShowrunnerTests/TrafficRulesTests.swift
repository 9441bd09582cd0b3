import Showrunner
import Testing

/// Invalid-traffic flags: each rule flags what it should and nothing else.
@Suite struct TrafficRulesTests {
    static let t0 = Timestamp(milliseconds: 1_800_000_000_000)

    static func ad(_ type: String, at ms: Int64, slot: String? = "s.pre.0") -> LedgerEvent {
        LedgerEvent(eventID: type + "\(ms)", type: type, source: .client, deviceID: "d", slotID: slot,
                    ts: t0.adding(milliseconds: ms), receivedAt: t0.adding(milliseconds: ms))
    }

    @Test func inOrderQuartilesAreClean() {
        var history: [LedgerEvent] = []
        for (i, type) in ["ad.impression", "ad.start", "ad.firstQuartile", "ad.midpoint", "ad.thirdQuartile", "ad.complete"].enumerated() {
            let e = Self.ad(type, at: Int64(i) * 3_500)
            #expect(TrafficRules.flags(e, TrafficContext(slotHistory: history, adDurationMS: 15_000)).isEmpty, "\(type)")
            history.append(e)
        }
    }

    @Test func completeWithoutStart() {
        let flags = TrafficRules.flags(Self.ad("ad.complete", at: 0), TrafficContext())
        #expect(flags == [.completeWithoutStart])
    }

    @Test func quartileOutOfOrder() {
        let history = [Self.ad("ad.start", at: 0)]
        #expect(TrafficRules.flags(Self.ad("ad.midpoint", at: 5_000), TrafficContext(slotHistory: history)) == [.quartileOutOfOrder])
        #expect(TrafficRules.flags(Self.ad("ad.firstQuartile", at: 5_000), TrafficContext()) == [.quartileOutOfOrder])
    }

    @Test func completeTooSoonAfterStart() {
        let history = ["ad.start", "ad.firstQuartile", "ad.midpoint", "ad.thirdQuartile"].map { Self.ad($0, at: 0) }
        // 13.4 s after start of a 15 s ad: < 0.9 × 15 s.
        #expect(TrafficRules.flags(Self.ad("ad.complete", at: 13_400), TrafficContext(slotHistory: history, adDurationMS: 15_000)) == [.completeTooSoon])
        #expect(TrafficRules.flags(Self.ad("ad.complete", at: 13_500), TrafficContext(slotHistory: history, adDurationMS: 15_000)).isEmpty)
    }

    @Test func sessionsAndRate() {
        let e = Self.ad("ad.impression", at: 0)
        #expect(TrafficRules.flags(e, TrafficContext(session: .some(nil))) == [.unknownSession])
        let expired = PlaybackSession(id: "s", channel: "tv", title: "t", version: "v1", device: "d", household: "d", model: nil,
                                      endpoint: .tv, createdAt: Self.t0.adding(seconds: -7200), expiresAt: Self.t0.adding(seconds: -1),
                                      programDateTime: 0, interstitials: false)
        #expect(TrafficRules.flags(e, TrafficContext(session: .some(expired))) == [.expiredSession])
        #expect(TrafficRules.flags(e, TrafficContext(deviceEventsLastSecond: 19)).isEmpty)
        #expect(TrafficRules.flags(e, TrafficContext(deviceEventsLastSecond: 20)) == [.deviceTooFast])
        // Content events have no slot rules.
        #expect(TrafficRules.flags(Self.ad("content.complete", at: 0, slot: nil), TrafficContext()).isEmpty)
    }
}
