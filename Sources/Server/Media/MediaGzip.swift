/// A small gzip (RFC 1952) writer with a DEFLATE (RFC 1951) encoder in pure Swift: LZ77 over a
/// 32 KiB window with hash chains and one-step lazy matching, coded with the fixed Huffman
/// tables (one final block). That suits playlists (short, very repetitive text) well; there is no
/// zlib module importable from Swift on this toolchain and the server module has no C target.
enum MediaGzip {
    /// gzip of `input`. Output is always a valid gzip member (decodable by `gzip -d`, zlib).
    static func compress(_ input: some Collection<UInt8>) -> [UInt8] {
        let bytes = Array(input)
        var writer = BitWriter()
        writer.out.reserveCapacity(bytes.count / 3 + 64)
        writer.out.append(contentsOf: [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3])  // no mtime/name, OS = Unix
        bytes.withUnsafeBufferPointer { deflate($0, into: &writer) }
        writer.flushToByte()
        let crc = crc32(bytes)
        let size = UInt32(truncatingIfNeeded: bytes.count)
        for shift in stride(from: 0, to: 32, by: 8) { writer.out.append(UInt8(truncatingIfNeeded: crc >> UInt32(shift))) }
        for shift in stride(from: 0, to: 32, by: 8) { writer.out.append(UInt8(truncatingIfNeeded: size >> UInt32(shift))) }
        return writer.out
    }

    // MARK: CRC-32 (IEEE, reflected)

    private static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        crcTable.withUnsafeBufferPointer { table in
            for b in bytes { crc = table[Int((crc ^ UInt32(b)) & 0xff)] ^ (crc >> 8) }
        }
        return crc ^ 0xFFFF_FFFF
    }

    // MARK: DEFLATE

    struct BitWriter {
        var out: [UInt8] = []
        var accumulator: UInt64 = 0
        var count = 0

        /// Appends the low `bits` bits of `value`, least significant first.
        mutating func write(_ value: UInt32, bits: Int) {
            accumulator |= UInt64(value) << UInt64(count)
            count += bits
            while count >= 8 {
                out.append(UInt8(truncatingIfNeeded: accumulator))
                accumulator >>= 8
                count -= 8
            }
        }

        mutating func flushToByte() {
            if count > 0 { write(0, bits: 8 - count) }
        }
    }

    private static func reversed(_ code: UInt32, bits: Int) -> UInt32 {
        var r: UInt32 = 0
        var c = code
        for _ in 0..<bits {
            r = (r << 1) | (c & 1)
            c >>= 1
        }
        return r
    }

    /// Fixed literal/length codes (RFC 1951 §3.2.6), bit-reversed for LSB-first output.
    private static let literalCodes: [(code: UInt32, bits: Int)] = (0..<288).map { s in
        switch s {
        case 0...143: return (reversed(UInt32(0x30 + s), bits: 8), 8)
        case 144...255: return (reversed(UInt32(0x190 + s - 144), bits: 9), 9)
        case 256...279: return (reversed(UInt32(s - 256), bits: 7), 7)
        default: return (reversed(UInt32(0xC0 + s - 280), bits: 8), 8)
        }
    }
    private static let distanceCodes: [UInt32] = (0..<30).map { reversed(UInt32($0), bits: 5) }

    private static let lengthBase: [Int] = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
    ]
    private static let lengthExtra: [Int] = [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
    ]
    private static let distanceBase: [Int] = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
        6145, 8193, 12289, 16385, 24577,
    ]
    private static let distanceExtra: [Int] = [
        0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
    ]
    /// Length (3...258) → index into lengthBase.
    private static let lengthIndex: [UInt8] = (0...258).map { length in
        guard length >= 3 else { return 0 }
        var i = lengthBase.count - 1
        while lengthBase[i] > length { i -= 1 }
        return UInt8(i)
    }

    private static func distanceIndex(_ distance: Int) -> Int {
        var i = distanceBase.count - 1
        while distanceBase[i] > distance { i -= 1 }
        return i
    }

    static let windowSize = 32768
    static let minMatch = 3
    static let maxMatch = 258
    static let maxChain = 128
    /// A match this long ends the search (zlib's `nice_match` at level 6).
    static let niceMatch = 128
    private static let hashBits = 15

    private static func emitLiteral(_ byte: UInt8, _ w: inout BitWriter) {
        let c = literalCodes[Int(byte)]
        w.write(c.code, bits: c.bits)
    }

    private static func emitMatch(length: Int, distance: Int, _ w: inout BitWriter) {
        let li = Int(lengthIndex[length])
        let lc = literalCodes[257 + li]
        w.write(lc.code, bits: lc.bits)
        if lengthExtra[li] > 0 { w.write(UInt32(length - lengthBase[li]), bits: lengthExtra[li]) }
        let di = distanceIndex(distance)
        w.write(distanceCodes[di], bits: 5)
        if distanceExtra[di] > 0 { w.write(UInt32(distance - distanceBase[di]), bits: distanceExtra[di]) }
    }

    private static func deflate(_ data: UnsafeBufferPointer<UInt8>, into w: inout BitWriter) {
        w.write(1, bits: 1)  // BFINAL
        w.write(1, bits: 2)  // BTYPE = 01, fixed Huffman
        let n = data.count
        let hashSize = 1 << hashBits
        var head = [Int32](repeating: -1, count: hashSize)
        var prev = [Int32](repeating: -1, count: windowSize)
        let mask = windowSize - 1

        func hash(_ i: Int) -> Int {
            let v = UInt32(data[i]) << 16 | UInt32(data[i + 1]) << 8 | UInt32(data[i + 2])
            return Int((v &* 2_654_435_761) >> UInt32(32 - hashBits))
        }
        func insert(_ i: Int) {
            guard i + minMatch <= n else { return }
            let h = hash(i)
            prev[i & mask] = head[h]
            head[h] = Int32(i)
        }
        /// Longest earlier match for position i (does not insert i).
        func longestMatch(_ i: Int) -> (length: Int, distance: Int) {
            guard i + minMatch <= n else { return (0, 0) }
            let limit = min(maxMatch, n - i)
            var best = 0
            var bestDistance = 0
            var candidate = Int(head[hash(i)])
            var chain = maxChain
            while candidate >= 0, chain > 0 {
                let distance = i - candidate
                if distance > windowSize || distance <= 0 { break }
                if data[candidate + best] == data[i + best] {
                    var length = 0
                    while length < limit, data[candidate + length] == data[i + length] { length += 1 }
                    if length > best {
                        best = length
                        bestDistance = distance
                        if length >= min(limit, niceMatch) { break }
                    }
                }
                let next = Int(prev[candidate & mask])
                if next >= candidate { break }  // slot reused by a newer position: chain ends
                candidate = next
                chain -= 1
            }
            return best >= minMatch ? (best, bestDistance) : (0, 0)
        }

        var i = 0
        while i < n {
            var match = longestMatch(i)
            insert(i)
            if match.length == 0 {
                emitLiteral(data[i], &w)
                i += 1
                continue
            }
            if match.length < 32, i + 1 < n {
                // One-step lazy matching: a longer match starting at the next byte wins.
                let next = longestMatch(i + 1)
                if next.length > match.length {
                    emitLiteral(data[i], &w)
                    i += 1
                    insert(i)
                    match = next
                }
            }
            emitMatch(length: match.length, distance: match.distance, &w)
            for k in (i + 1)..<(i + match.length) { insert(k) }
            i += match.length
        }
        w.write(literalCodes[256].code, bits: literalCodes[256].bits)  // end of block
    }
}
