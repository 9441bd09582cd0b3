import MediaCore
import Testing

@Suite struct MediaTimeTests {
    @Test func equalityAcrossTimescales() {
        #expect(MediaTime(seconds: 6) == MediaTime(value: 6000, timescale: 1000))
        #expect(MediaTime(seconds: 6).hashValue == MediaTime(value: 540_000, timescale: 90_000).hashValue)
        #expect(MediaTime(value: 1, timescale: 3) < MediaTime(value: 334, timescale: 1000))
    }

    @Test(arguments: [
        ("6", "6"), ("6.006", "6.006"), ("10.000", "10.000"), ("-0.5", "-0.5"), ("0.0000000001", "0.000000000"),
    ])
    func decimalRoundTrip(text: String, written: String) throws {
        let t = try #require(MediaTime(decimal: text))
        #expect(t.decimalSeconds == written)
    }

    @Test(arguments: ["", "-", ".5", "1e3", "1.2.3", "+1", "1,5", "99999999999"])
    func decimalRejects(text: String) {
        #expect(MediaTime(decimal: text) == nil)
    }

    @Test func clockParsing() throws {
        #expect(MediaTime(parsing: "00:01:02.500") == MediaTime(value: 62_500, timescale: 1000))
        #expect(MediaTime(parsing: "1:30") == MediaTime(seconds: 90))
        #expect(MediaTime(parsing: "12.5") == MediaTime(value: 125, timescale: 10))
        #expect(MediaTime(parsing: "00:61:00") == nil)
        #expect(MediaTime(parsing: "00:00:60") == nil)
    }

    @Test func conversionRounds() {
        let t = MediaTime(value: 1001, timescale: 30_000)
        #expect(t.converted(to: 90_000).value == 3003)
        #expect(MediaTime(value: 1, timescale: 3).converted(to: 1000).value == 333)
        #expect(MediaTime(value: 2, timescale: 3).converted(to: 1000).value == 667)
        #expect(MediaTime(value: -2, timescale: 3).converted(to: 1000).value == -667)
        #expect(MediaTime(value: Int64.max, timescale: 1).converted(to: 90_000).value == Int64.max)
    }

    @Test func arithmetic() {
        let a = MediaTime(value: 3003, timescale: 90_000) + MediaTime(value: 1, timescale: 1000)
        #expect(a == MediaTime(value: 3093, timescale: 90_000))
        #expect(MediaTime(seconds: 1).decimalString(fractionDigits: 3) == "1.000")
        #expect(MediaTime(value: 2_002, timescale: 1000).decimalString(fractionDigits: 0) == "2")
    }
}
