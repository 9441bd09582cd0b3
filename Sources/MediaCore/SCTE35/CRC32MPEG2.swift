/// The CRC-32/MPEG-2 checksum that ends every MPEG-2 private section, SCTE-35's
/// `splice_info_section` included: polynomial 0x04C11DB7, initial value 0xFFFFFFFF, no bit
/// reflection, no final XOR.
///
/// Appending the big-endian checksum to the data makes the checksum of the whole run 0, which is
/// how a decoder checks a section.
public enum CRC32MPEG2 {
    /// The byte-at-a-time lookup table for polynomial 0x04C11DB7 (MSB first).
    private static let table: [UInt32] = (0..<256).map { index -> UInt32 in
        var crc = UInt32(index) << 24
        for _ in 0..<8 {
            crc = crc & 0x8000_0000 != 0 ? (crc << 1) ^ 0x04C1_1DB7 : crc << 1
        }
        return crc
    }

    /// The CRC-32/MPEG-2 of `bytes` (e.g. `checksum("123456789".utf8) == 0x0376E6E7`).
    public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        let table = Self.table
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            let index = Int(truncatingIfNeeded: (crc >> 24) ^ UInt32(byte)) & 0xFF
            crc = (crc << 8) ^ table[index]
        }
        return crc
    }
}
