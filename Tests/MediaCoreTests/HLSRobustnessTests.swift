import MediaCore
import Testing

/// Bytes likely to hit parser edge cases.
private let interestingBytes: [UInt8] = Array("\n\r#,\"=:@x.-0919 \tABEXT".utf8) + [0, 0x1F, 0x7F, 0xC3, 0xA9, 0xFF]

private let garbageLines: [String] = [
    "#EXTINF:", "#EXTINF:,", "#EXTINF:1e3,", "#EXT-X-BYTERANGE:@", "#EXT-X-KEY:METHOD=\"", "#EXT-X-STREAM-INF:",
    "#EXT-X-STREAM-INF:BANDWIDTH=1", "#EXT-X-MEDIA:TYPE=AUDIO", "#EXT-X-ENDLIST", "#EXT-X-TARGETDURATION:99999999999999999999",
    "#EXT-X-DATERANGE:ID=\"x\",ID=\"y\"", "#EXTM3U", "#", "", "uri.ts", "#EXT-X-MAP:URI=\"a\"", "#EXT-X-DISCONTINUITY",
    "#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=1,URI=\"i\"", "#EXT-X-MEDIA-SEQUENCE:-1", "#EXT-X-VERSION:",
]

/// Parses `text`; accepted input must write back exactly (modulo line endings) and re-parse
/// to an equal model; validators must not trap on it. Returns whether it was accepted.
@discardableResult
private func checkParse(_ text: String, limits: PlaylistLimits = .default) -> Bool {
    let playlist: Playlist
    do {
        playlist = try Playlist.parse(text, limits: limits)
    } catch {
        #expect(!error.message.isEmpty)
        #expect(error.line >= 0)
        return false
    }
    let written = playlist.text
    #expect(written == normalizedPlaylistText(text), "round trip changed \(String(reflecting: text))")
    #expect((try? Playlist.parse(written, limits: PlaylistLimits(maxLineLength: limits.maxLineLength + 1,
                                                                  maxBytes: limits.maxBytes + 1 + limits.maxLines,
                                                                  maxLines: limits.maxLines + 1))) == playlist)
    switch playlist {
    case .media(let m):
        _ = PlaylistValidator.validate(media: m, name: "m", facts: [0: SegmentFacts(size: 1)])
        _ = PlaylistValidator.validate(update: m, previous: m, name: "m")
        _ = PlaylistValidator.bitrates(of: m, sizes: Array(repeating: 1000, count: m.segments.count))
    case .multivariant(let mv):
        _ = PlaylistValidator.validate(multivariant: mv, name: "mv", media: [:], sizes: [:])
    }
    return true
}

private func lines(_ bytes: [UInt8]) -> [[UInt8]] {
    bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
}

private func join(_ lines: [[UInt8]]) -> [UInt8] {
    Array(lines.joined(separator: [0x0A]))
}

@Suite("HLS robustness")
struct HLSRobustnessTests {
    @Test func randomMutationsParseOrThrow() {
        var rng = SplitMix64(seed: 0x5EED_0F_5140_7E11)
        let sources = HLSFixtures.all.map { Array($0.1.utf8) }
        var accepted = 0
        let iterations = 3000
        for _ in 0..<iterations {
            var bytes = rng.pick(sources)
            for _ in 0...rng.below(3) {
                switch rng.below(7) {
                case 0, 1:  // byte flip
                    if !bytes.isEmpty {
                        let i = rng.below(bytes.count)
                        bytes[i] = rng.below(3) == 0 ? UInt8(truncatingIfNeeded: rng.next()) : rng.pick(interestingBytes)
                    }
                case 2:  // delete a line
                    var ls = lines(bytes)
                    if ls.count > 1 { ls.remove(at: 1 + rng.below(ls.count - 1)) }
                    bytes = join(ls)
                case 3:  // duplicate a line
                    var ls = lines(bytes)
                    let i = rng.below(ls.count)
                    ls.insert(ls[i], at: i)
                    bytes = join(ls)
                case 4:  // swap two lines
                    var ls = lines(bytes)
                    if ls.count > 2 {
                        let i = 1 + rng.below(ls.count - 1), j = 1 + rng.below(ls.count - 1)
                        ls.swapAt(i, j)
                    }
                    bytes = join(ls)
                case 5:  // insert a garbage line
                    var ls = lines(bytes)
                    var garbage = Array(rng.pick(garbageLines).utf8)
                    for _ in 0..<rng.below(4) { garbage.append(rng.pick(interestingBytes)) }
                    ls.insert(garbage, at: 1 + rng.below(ls.count))
                    bytes = join(ls)
                default:  // truncate
                    bytes = Array(bytes.prefix(rng.below(bytes.count + 1)))
                }
            }
            if checkParse(String(decoding: bytes, as: UTF8.self)) { accepted += 1 }
        }
        // Both outcomes must be exercised substantially.
        #expect(accepted > iterations / 10)
        #expect(accepted < iterations * 9 / 10)
    }

    @Test("truncation at every byte", arguments: [HLSFixtures.ffmpegVOD, HLSFixtures.multivariant])
    func truncationAtEveryPosition(_ text: String) {
        let bytes = Array(text.utf8)
        for n in 0...bytes.count {
            checkParse(String(decoding: bytes.prefix(n), as: UTF8.self))
        }
    }

    @Test func hugeNumbers() throws {
        let nines = String(repeating: "9", count: 40)
        for tag in ["EXT-X-TARGETDURATION", "EXT-X-VERSION", "EXT-X-MEDIA-SEQUENCE", "EXT-X-DISCONTINUITY-SEQUENCE"] {
            #expect(throws: PlaylistError.self) { try MediaPlaylist.parse("#EXTM3U\n#\(tag):\(nines)\n") }
        }
        let cases = [
            "#EXTINF:\(nines),\na.ts\n", "#EXTINF:1.\(nines),\na.ts\n", "#EXTINF:1,\n#EXT-X-BYTERANGE:\(nines)@1\na.ts\n",
            "#EXTINF:1,\n#EXT-X-BYTERANGE:1@\(nines)\na.ts\n", "#EXT-X-BITRATE:\(nines)\n#EXTINF:1,\na.ts\n",
        ]
        for body in cases {
            #expect(throws: PlaylistError.self) { try MediaPlaylist.parse("#EXTM3U\n#EXT-X-TARGETDURATION:1\n" + body) }
        }
        // The largest accepted values do not trap anywhere downstream.
        let big = """
            #EXTM3U
            #EXT-X-VERSION:999999999999999999
            #EXT-X-TARGETDURATION:999999999999999999
            #EXT-X-MEDIA-SEQUENCE:999999999999999999
            #EXTINF:9000000000.999999999,
            #EXT-X-BYTERANGE:999999999999999999@999999999999999999
            a.ts
            #EXTINF:9000000000.999999999,
            b.ts

            """
        #expect(checkParse(big))
        let p = try MediaPlaylist.parse(big)
        _ = p.totalDuration
        #expect(PlaylistValidator.bitrates(of: p, sizes: [Int64.max, Int64.max]) == nil)
        var next = p
        next.mediaSequence = -999_999_999_999_999_999
        _ = PlaylistValidator.validate(update: p, previous: next, name: "x")
        _ = PlaylistValidator.validate(update: next, previous: p, name: "x")
        let mv = try MultivariantPlaylist.parse("""
            #EXTM3U
            #EXT-X-STREAM-INF:BANDWIDTH=999999999999999999,AVERAGE-BANDWIDTH=0,RESOLUTION=999999999999999999x999999999999999999,FRAME-RATE=9000000000.999999999,CODECS="a"
            v.m3u8

            """)
        #expect(mv.variants.first?.resolution?.width == 999_999_999_999_999_999)
        #expect(mv.variants.first?.frameRate?.text == "9000000001.000")
        _ = PlaylistValidator.validate(multivariant: mv, name: "mv", media: ["v.m3u8": p], sizes: ["v.m3u8": [Int64.max, 1]])
        #expect(throws: PlaylistError.self) {
            try MultivariantPlaylist.parse("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=\(nines)\nv.m3u8\n")
        }
    }

    @Test func hugeLinesAreRejectedBeforeParsing() {
        let long = "#EXTM3U\n#EXT-X-KEY:METHOD=NONE,URI=\"" + String(repeating: "a", count: 200_000) + "\"\n"
        let error = #expect(throws: PlaylistError.self) { try MediaPlaylist.parse(long) }
        #expect(error?.code == .lineTooLong)
        #expect(error?.line == 2)
        // A line just within the limit, made of thousands of attributes, parses in linear time.
        var attributes = "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-DATERANGE:ID=\"x\""
        var n = 0
        while attributes.utf8.count < 60_000 {
            attributes += ",X-A\(n)=\(n)"
            n += 1
        }
        attributes += "\n"
        #expect(checkParse(attributes))
        let duplicate = attributes.dropLast() + ",X-A7=1\n"
        #expect(throws: PlaylistError.self) { try MediaPlaylist.parse(String(duplicate)) }
    }

    @Test func manyLines() throws {
        var text = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:6\n"
        let count = 20_000
        for i in 0..<count { text += "#EXTINF:6.006,\nseg\(i).ts\n" }
        text += "#EXT-X-ENDLIST\n"
        let p = try MediaPlaylist.parse(text)
        #expect(p.segments.count == count)
        #expect(p.text == text)
        #expect(p.totalDuration == MediaTime(value: 6006 * Int64(count), timescale: 1000))
        #expect(PlaylistValidator.validate(media: p, name: "big").isEmpty)
        let rates = PlaylistValidator.bitrates(of: p, sizes: Array(repeating: 750_750, count: count))
        #expect(rates?.peak == 1_000_000)
        #expect(rates?.average == 1_000_000)

        let limited = PlaylistLimits(maxLines: 1000)
        let error = #expect(throws: PlaylistError.self) { try MediaPlaylist.parse(text, limits: limited) }
        #expect(error?.code == .tooLarge)
        #expect(error?.line == 1001)
        let blank = "#EXTM3U\n" + String(repeating: "\n", count: 50_000)
        #expect(try MediaPlaylist.parse(blank).header.count == 50_000)
        #expect(throws: PlaylistError.self) {
            try MediaPlaylist.parse(String(repeating: "x", count: 100), limits: PlaylistLimits(maxBytes: 99))
        }
    }

    @Test func controlCharactersAnywhere() {
        for byte: UInt8 in 0..<0x20 where byte != 0x09 && byte != 0x0A {
            let text = String(decoding: Array("#EXTM3U\n#EXT-X-TARGETDURATION:1\n# a".utf8) + [byte] + Array("b\n".utf8), as: UTF8.self)
            let error = #expect(throws: PlaylistError.self) { try MediaPlaylist.parse(text) }
            #expect(error?.code == .controlCharacter)
            #expect(error?.line == 3)
        }
        #expect(checkParse("#EXTM3U\n#EXT-X-TARGETDURATION:1\n#\ttab is fine\n"))
    }
}
