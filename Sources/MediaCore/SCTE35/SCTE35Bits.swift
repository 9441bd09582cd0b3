/// A big-endian (MSB-first) bit reader over a section, limited to the structure being read.
///
/// Every read is bounds-checked against `limit` (a byte offset: the end of the current
/// structure, e.g. the end given by `splice_command_length`) and throws `.truncated` naming the
/// structure, field and byte instead of trapping.
struct SCTE35Reader {
    private let data: [UInt8]
    /// Bits consumed so far, from the start of `data` (the section).
    private(set) var bitPosition: Int
    /// The byte offset the current structure ends at (exclusive); reads never pass it.
    var limit: Int
    /// Names the end for messages, e.g. "splice_command_length 20 (byte 34)".
    var limitName: String
    /// The structure being read, used as the prefix of messages (e.g. "splice_insert()").
    var structure: String

    /// A reader at byte `start` of `data`, limited to `limit` (clamped to `data.count`).
    init(_ data: [UInt8], start: Int, limit: Int, limitName: String, structure: String) {
        self.data = data
        self.bitPosition = max(0, start) &* 8
        self.limit = min(max(0, limit), data.count)
        self.limitName = limitName
        self.structure = structure
    }

    /// The byte offset of the next read (rounded down when not byte aligned).
    var byte: Int { bitPosition >> 3 }

    /// Whole bytes left before `limit` (assumes byte alignment).
    var bytesRemaining: Int { max(0, limit &- byte) }

    private func ensure(_ count: Int, _ field: String) throws(SCTE35Error) {
        guard count >= 0, bitPosition &+ count <= limit &* 8 else {
            let unit = count % 8 == 0 ? "\(count / 8) byte\(count == 8 ? "" : "s")" : "\(count) bits"
            throw .truncated(
                "\(structure): \(field) needs \(unit) at byte \(byte) but \(limitName) ends at byte \(limit)",
                byte: byte)
        }
    }

    /// Reads `count` (0...64) bits as an unsigned big-endian number.
    mutating func bits(_ count: Int, _ field: String) throws(SCTE35Error) -> UInt64 {
        guard count <= 64 else {
            throw .malformed("\(structure): \(field) read of \(count) bits exceeds 64", byte: byte)
        }
        try ensure(count, field)
        var value: UInt64 = 0
        var left = count
        while left > 0 {
            let index = bitPosition >> 3
            guard index >= 0, index < data.count else {
                throw .truncated("\(structure): \(field) at byte \(index) is past the end", byte: index)
            }
            let offset = bitPosition & 7
            let take = min(8 &- offset, left)
            let chunk = (UInt64(data[index]) >> UInt64(8 &- offset &- take)) & ((1 << UInt64(take)) &- 1)
            value = (value << UInt64(take)) | chunk
            left &-= take
            bitPosition &+= take
        }
        return value
    }

    /// Reads one bit as a flag.
    mutating func flag(_ field: String) throws(SCTE35Error) -> Bool { try bits(1, field) == 1 }

    /// Reads 8 bits.
    mutating func u8(_ field: String) throws(SCTE35Error) -> UInt8 {
        UInt8(truncatingIfNeeded: try bits(8, field))
    }

    /// Reads 16 bits.
    mutating func u16(_ field: String) throws(SCTE35Error) -> UInt16 {
        UInt16(truncatingIfNeeded: try bits(16, field))
    }

    /// Reads 32 bits.
    mutating func u32(_ field: String) throws(SCTE35Error) -> UInt32 {
        UInt32(truncatingIfNeeded: try bits(32, field))
    }

    /// Reads `count` bits (at most 63) as a non-negative Int64.
    mutating func i64(_ count: Int, _ field: String) throws(SCTE35Error) -> Int64 {
        Int64(truncatingIfNeeded: try bits(min(count, 63), field))
    }

    /// Skips `count` bits (reserved bits are not checked).
    mutating func skip(_ count: Int, _ field: String) throws(SCTE35Error) {
        try ensure(count, field)
        bitPosition &+= count
    }

    /// Reads `count` whole bytes (the reader must be byte aligned).
    mutating func bytes(_ count: Int, _ field: String) throws(SCTE35Error) -> [UInt8] {
        try ensure(count &* 8, field)
        let start = byte
        guard bitPosition & 7 == 0, count >= 0, start &+ count <= data.count else {
            throw .malformed("\(structure): \(field) at byte \(start) is not byte aligned", byte: start)
        }
        bitPosition &+= count &* 8
        return Array(data[start..<(start &+ count)])
    }
}

/// A big-endian (MSB-first) bit writer. Values are masked to their field width, so it never
/// traps; `SpliceInfoSection.validate()` reports values that do not fit.
struct SCTE35Writer {
    /// The bytes written so far (the last one partial when not byte aligned).
    private(set) var bytes: [UInt8] = []
    private var bitCount = 0

    /// Bytes written so far (rounded up).
    var count: Int { bytes.count }

    /// Writes the low `width` (0...64) bits of `value`, most significant first.
    mutating func put(_ value: UInt64, _ width: Int) {
        var left = max(0, min(width, 64))
        while left > 0 {
            let offset = bitCount & 7
            if offset == 0 { bytes.append(0) }
            let take = min(8 &- offset, left)
            let chunk = UInt8(truncatingIfNeeded: (value >> UInt64(left &- take)) & ((1 << UInt64(take)) &- 1))
            bytes[bytes.count &- 1] |= chunk << UInt8(8 &- offset &- take)
            left &-= take
            bitCount &+= take
        }
    }

    /// Writes the low `width` bits of a signed value (two's complement, i.e. modulo 2^width).
    mutating func put(signed value: Int64, _ width: Int) { put(UInt64(bitPattern: value), width) }

    /// Writes one bit.
    mutating func flag(_ value: Bool) { put(value ? 1 : 0, 1) }

    /// Writes `width` reserved bits, all 1 as the standard requires.
    mutating func reserved(_ width: Int) { put(UInt64.max, width) }

    /// Appends whole bytes.
    mutating func append(_ data: [UInt8]) {
        if bitCount & 7 == 0 {
            bytes.append(contentsOf: data)
            bitCount &+= data.count &* 8
        } else {
            for byte in data { put(UInt64(byte), 8) }
        }
    }

    /// Overwrites the 8 bits at byte `index` (used to patch lengths written as placeholders).
    mutating func patch(byte index: Int, _ value: UInt8) {
        guard index >= 0, index < bytes.count else { return }
        bytes[index] = value
    }
}
