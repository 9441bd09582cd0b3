/// A big-endian (MSB-first) bit reader over a byte array, as used by H.264/HEVC RBSPs and the
/// MPEG-4 AudioSpecificConfig. Every read is bounds-checked and throws `.truncated` (naming the
/// field and bit position) instead of trapping; exp-Golomb codes longer than 32 bits throw
/// `.malformed`.
struct BitReader {
    private let bytes: [UInt8]
    /// The structure being read, used as the prefix of error messages (e.g. "H.264 SPS").
    let context: String
    /// Bits consumed so far.
    private(set) var bitPosition: Int = 0

    /// A reader at bit 0 of `bytes`.
    init(_ bytes: [UInt8], context: String) {
        self.bytes = bytes
        self.context = context
    }

    /// Bits left to read.
    var bitsRemaining: Int { bytes.count &* 8 &- bitPosition }

    private func ensure(_ count: Int, _ field: String) throws(CodecStringError) {
        guard count >= 0, count <= bitsRemaining else {
            throw .truncated(
                "\(context): \(field) needs \(count) bit\(count == 1 ? "" : "s") at bit \(bitPosition), "
                    + "only \(bitsRemaining) remain")
        }
    }

    /// Reads `count` (0...64) bits as an unsigned big-endian number.
    mutating func bits(_ count: Int, _ field: String) throws(CodecStringError) -> UInt64 {
        guard count <= 64 else { throw .malformed("\(context): \(field) read of \(count) bits exceeds 64") }
        try ensure(count, field)
        var value: UInt64 = 0
        var left = count
        while left > 0 {
            let index = bitPosition >> 3
            guard index < bytes.count else { throw .truncated("\(context): \(field) at bit \(bitPosition)") }
            let offset = bitPosition & 7
            let take = min(8 - offset, left)
            let chunk = (UInt64(bytes[index]) >> UInt64(8 - offset - take)) & ((1 << UInt64(take)) - 1)
            value = (value << UInt64(take)) | chunk
            left -= take
            bitPosition += take
        }
        return value
    }

    /// Reads `count` (0...32) bits as an `Int`.
    mutating func int(_ count: Int, _ field: String) throws(CodecStringError) -> Int {
        guard count <= 32 else { throw .malformed("\(context): \(field) read of \(count) bits exceeds 32") }
        return Int(truncatingIfNeeded: try bits(count, field))
    }

    /// Reads one bit as a flag.
    mutating func flag(_ field: String) throws(CodecStringError) -> Bool {
        try bits(1, field) == 1
    }

    /// Reads 8 bits.
    mutating func byte(_ field: String) throws(CodecStringError) -> UInt8 {
        UInt8(truncatingIfNeeded: try bits(8, field))
    }

    /// Skips `count` bits.
    mutating func skip(_ count: Int, _ field: String) throws(CodecStringError) {
        try ensure(count, field)
        bitPosition += count
    }

    /// Reads an unsigned exp-Golomb code `ue(v)` (0 ... 2^32 - 2).
    mutating func ue(_ field: String) throws(CodecStringError) -> Int {
        let start = bitPosition
        var leadingZeros = 0
        while try !flag(field) {
            leadingZeros += 1
            guard leadingZeros <= 31 else {
                throw .malformed(
                    "\(context): \(field) exp-Golomb code at bit \(start) has more than 31 leading zero bits")
            }
        }
        let suffix = try bits(leadingZeros, field)
        return Int(truncatingIfNeeded: (UInt64(1) << UInt64(leadingZeros)) - 1 + suffix)
    }

    /// Reads an unsigned exp-Golomb code and checks it lies in `range`, else `.malformed`.
    mutating func ue(_ field: String, in range: ClosedRange<Int>) throws(CodecStringError) -> Int {
        let start = bitPosition
        let value = try ue(field)
        guard range.contains(value) else {
            throw .malformed(
                "\(context): \(field) = \(value) at bit \(start), expected \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    /// Reads a signed exp-Golomb code `se(v)`: 0, 1, -1, 2, -2, ...
    mutating func se(_ field: String) throws(CodecStringError) -> Int {
        let k = try ue(field)
        let magnitude = (k + 1) / 2
        return k & 1 == 1 ? magnitude : -magnitude
    }
}
