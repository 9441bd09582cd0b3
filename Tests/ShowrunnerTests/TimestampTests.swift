import MediaCore
import Showrunner
import Testing

@Suite struct TimestampTests {
    @Test(arguments: [
        ("2026-11-29T10:00:00Z", "2026-11-29T10:00:00.000Z"),
        ("2026-11-29T10:00:00.25Z", "2026-11-29T10:00:00.250Z"),
        ("2026-11-29T10:00:00.123456789Z", "2026-11-29T10:00:00.123Z"),
        ("2026-11-29T12:00:00+02:00", "2026-11-29T10:00:00.000Z"),
        ("2026-11-29T00:30:00-01:00", "2026-11-29T01:30:00.000Z"),
        ("2026-11-29", "2026-11-29T00:00:00.000Z"),
        ("2024-02-29 23:59:59z", "2024-02-29T23:59:59.000Z"),
        ("1970-01-01T00:00:00Z", "1970-01-01T00:00:00.000Z"),
    ])
    func parsesAndWritesUTC(text: String, written: String) throws {
        let t = try #require(Timestamp(iso8601: text))
        #expect(t.iso8601 == written)
        #expect(Timestamp(iso8601: t.iso8601) == t)
    }

    @Test(arguments: ["", "2026", "2026-13-01", "2026-02-29", "2026-11-29T10:00:00", "2026-11-29T25:00:00Z",
                      "2026-11-29T10:00Z", "1969-12-31T23:59:59Z", "2026-11-29T10:00:00.Z", "2026-11-29T10:00:00Zjunk",
                      "tomorrow", "2026-11-29T10:00:00+2:00", "２０２６-11-29"])
    func rejects(text: String) {
        #expect(Timestamp(iso8601: text) == nil)
    }

    @Test func knownEpochValues() {
        #expect(Timestamp(iso8601: "2000-01-01T00:00:00Z")?.milliseconds == 946_684_800_000)
        #expect(Timestamp(milliseconds: 1_795_946_400_000).iso8601 == "2026-11-29T10:00:00.000Z")
    }
}

@Suite struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func nistVectors(input: String, digest: String) {
        #expect(SHA256.hex(input) == digest)
    }

    @Test func millionAs() {
        var h = SHA256()
        let chunk = [UInt8](repeating: 0x61, count: 1000)
        for _ in 0..<1000 { h.update(chunk) }
        #expect(Hex.encode(h.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}
