/// ITU-T H.264 / H.265 Annex B byte streams: NAL units separated by `00 00 01` start codes
/// (optionally preceded by more zero bytes, i.e. the 4-byte `00 00 00 01` form), and the removal
/// of emulation-prevention bytes that turns a NAL unit into its RBSP.
enum AnnexB {
    /// Whether `bytes` begins with a start code: at least two zero bytes then `01`.
    static func hasStartCode(_ bytes: [UInt8]) -> Bool {
        var zeros = 0
        for byte in bytes {
            if byte == 0 {
                zeros += 1
            } else {
                return byte == 1 && zeros >= 2
            }
        }
        return false
    }

    /// The NAL units of an Annex B stream, without start codes or trailing zero bytes, in order.
    /// Empty NAL units (start code directly followed by another) are dropped.
    ///
    /// Throws `.empty` for no bytes and `.malformed` when the stream does not begin with a start
    /// code (leading zero bytes are allowed).
    static func split(_ bytes: [UInt8]) throws(CodecStringError) -> [ArraySlice<UInt8>] {
        guard !bytes.isEmpty else { throw .empty("Annex B: no bytes") }
        guard hasStartCode(bytes) else {
            throw .malformed("Annex B: no start code (00 00 01) at byte 0")
        }
        var units: [ArraySlice<UInt8>] = []
        var nalStart: Int? = nil
        var zeros = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 1 && zeros >= 2 {
                // A start code ends at `index`; the zeros before it are not part of any NAL.
                if let start = nalStart {
                    let end = index - zeros
                    if end > start { units.append(bytes[start..<end]) }
                }
                nalStart = index + 1
                zeros = 0
            } else if byte == 0 {
                zeros += 1
            } else {
                zeros = 0
            }
            index += 1
        }
        if let start = nalStart {
            let end = bytes.count - zeros  // trailing_zero_8bits
            if end > start { units.append(bytes[start..<end]) }
        }
        return units
    }

    /// The RBSP of one NAL unit (header included): every `00 00 03` loses its `03`.
    ///
    /// Throws `.malformed` for `00 00 00`, `00 00 01` or `00 00 02` inside the unit, which the
    /// emulation-prevention rules forbid. `context` prefixes error messages.
    static func rbsp(_ nal: ArraySlice<UInt8>, context: String) throws(CodecStringError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(nal.count)
        var zeros = 0
        var offset = 0
        for byte in nal {
            if zeros >= 2 {
                if byte == 3 {
                    zeros = 0
                    offset += 1
                    continue
                }
                if byte < 3 {
                    throw .malformed(
                        "\(context): forbidden sequence 00 00 \(Hex.byte(byte, uppercase: true)) at byte \(offset - 2) of the NAL unit")
                }
            }
            zeros = byte == 0 ? zeros + 1 : 0
            out.append(byte)
            offset += 1
        }
        return out
    }
}

/// Reads the NAL units of an ISO/IEC 14496-15 configuration record (`avcC`/`hvcC`) byte by
/// byte, with bounds-checked, throwing reads that name the record and field in errors.
struct ByteReader {
    private let bytes: [UInt8]
    /// The structure being read, prefixing error messages (e.g. "avcC").
    let context: String
    /// Bytes consumed so far.
    private(set) var offset: Int = 0

    /// A reader at byte 0 of `bytes`.
    init(_ bytes: [UInt8], context: String) {
        self.bytes = bytes
        self.context = context
    }

    /// Bytes left to read.
    var remaining: Int { bytes.count - offset }

    /// Reads one byte.
    mutating func u8(_ field: String) throws(CodecStringError) -> UInt8 {
        guard offset < bytes.count else {
            throw .truncated("\(context): \(field) at byte \(offset) is past the end (\(bytes.count) bytes)")
        }
        let value = bytes[offset]
        offset += 1
        return value
    }

    /// Reads a big-endian 16-bit number.
    mutating func u16(_ field: String) throws(CodecStringError) -> Int {
        guard remaining >= 2 else {
            throw .truncated("\(context): \(field) needs 2 bytes at byte \(offset), only \(remaining) remain")
        }
        let high = Int(bytes[offset])
        let low = Int(bytes[offset + 1])
        offset += 2
        return high << 8 | low
    }

    /// Reads `count` bytes.
    mutating func bytes(_ count: Int, _ field: String) throws(CodecStringError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else {
            throw .truncated(
                "\(context): \(field) declares \(count) bytes at byte \(offset), only \(remaining) remain")
        }
        let slice = bytes[offset..<(offset + count)]
        offset += count
        return slice
    }
}
