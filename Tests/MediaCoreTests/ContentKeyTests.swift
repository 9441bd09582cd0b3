import MediaCore
import Testing

/// Key planning and EXT-X-KEY placement for AES-128 packages (pure; a seeded generator).
@Suite struct ContentKeyTests {
    /// SplitMix64: deterministic bytes for the planner.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test(arguments: [(5, 2, [0..<2, 2..<4, 4..<5]), (5, nil, [0..<5]), (4, 2, [0..<2, 2..<4]), (3, 10, [0..<3]), (1, 1, [0..<1])] as [(Int, Int?, [Range<Int>])])
    func periodsFollowTheRotation(_ count: Int, _ rotation: Int?, _ expected: [Range<Int>]) {
        var g = Seeded(state: 7)
        let keys = ContentKey.plan(segmentCount: count, rotation: rotation, using: &g)
        #expect(keys.map(\.segments) == expected)
        #expect(keys.allSatisfy { ContentKey.isKeyID($0.id) && $0.key.count == 16 && $0.iv.count == 16 })
        #expect(Set(keys.map(\.id)).count == keys.count)
        #expect(Set(keys.map(\.key)).count == keys.count)
        #expect(ContentKey.plan(segmentCount: 0, rotation: rotation, using: &g).isEmpty)
    }

    @Test func descriptionHidesTheKey() {
        var g = Seeded(state: 1)
        let k = ContentKey.plan(segmentCount: 2, rotation: nil, using: &g)[0]
        #expect(!"\(k)".contains(Hex.encode(k.key)))
        #expect("\(k)".contains(k.id))
    }

    @Test func hexAndURIs() {
        #expect(Hex.encode([0x00, 0xab, 0x7f]) == "00ab7f")
        #expect(Hex.decode("0x00AB7f") == [0x00, 0xab, 0x7f])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
        let id = String(repeating: "0f", count: 16)
        #expect(ContentKey.id(fromURI: "/v1/keys/\(id)") == id)
        #expect(ContentKey.id(fromURI: "/v1/keys/\(id)?session=s1") == id)
        #expect(ContentKey.id(fromURI: "/v1/keys/\(id.uppercased())") == nil)
        #expect(ContentKey.id(fromURI: "keys/\(id)") == nil)
        #expect(ContentKey.id(fromURI: "/v1/keys/abc") == nil)
    }

    /// fMP4: the key follows the MAP (the init section stays in the clear); a new key only where
    /// the period changes; rewriting replaces the old lines.
    @Test func keysFollowTheMapAndChangeWithThePeriod() throws {
        var g = Seeded(state: 3)
        let keys = ContentKey.plan(segmentCount: 3, rotation: 2, using: &g)
        var pl = MediaPlaylist(targetDuration: 6)
        pl.version = 6
        for i in 0..<3 {
            var s = MediaSegment(duration: MediaTime(seconds: 6), uri: "seg_\(i).m4s")
            if i == 0 {
                var map = AttributeList()
                map["URI"] = .quoted("init.mp4")
                s.map = map
            }
            pl.segments.append(s)
        }
        pl.endList = true
        pl.setKeys { keys[$0 / 2].keyAttributes() }
        pl.setKeys { keys[$0 / 2].keyAttributes() }  // idempotent
        let lines = pl.text.split(separator: "\n").map(String.init)
        let keyLines = lines.filter { $0.hasPrefix("#EXT-X-KEY:") }
        #expect(keyLines == keys.map { "#EXT-X-KEY:METHOD=AES-128,URI=\"/v1/keys/\($0.id)\",IV=0x\(Hex.encode($0.iv))" })
        let map = try #require(lines.firstIndex { $0.hasPrefix("#EXT-X-MAP:") })
        let firstKey = try #require(lines.firstIndex { $0.hasPrefix("#EXT-X-KEY:") })
        #expect(map < firstKey)
        // The second key sits right before seg_2.
        let seg2 = try #require(lines.firstIndex(of: "seg_2.m4s"))
        #expect(lines[seg2 - 2] == keyLines[1])
        // Round trip through the parser, and no findings from the validator.
        let parsed = try MediaPlaylist.parse(pl.text)
        #expect(parsed.segments.map(\.keys) == pl.segments.map(\.keys))
        #expect(PlaylistValidator.validate(media: parsed, name: "index.m3u8").filter { $0.severity == .error }.isEmpty)
        // Back to the clear: METHOD=NONE after a key.
        pl.setKeys { $0 == 0 ? keys[0].keyAttributes() : nil }
        #expect(pl.segments[1].key?.string("METHOD") == "NONE")
        #expect(pl.segments[2].keys.isEmpty)
    }
}
