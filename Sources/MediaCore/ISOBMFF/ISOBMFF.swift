/// Just enough ISO base media file format (MP4) reading to check fragmented MP4 output: box
/// headers.
/// Reads untrusted bytes safely: truncated or malformed boxes end the walk, never trap.
public enum ISOBMFF {
    /// A box header found at `offset` (relative to the start of the bytes given).
    public struct BoxHeader: Sendable, Hashable {
        /// Four-character type, e.g. "moof".
        public var type: String
        /// Offset of the box's first byte.
        public var offset: Int
        /// 8, or 16 for a 64-bit `largesize` box.
        public var headerSize: Int
        /// Total size including the header (a box with size 0 extends to the end of the bytes).
        public var size: Int
    }

    /// The boxes directly inside `bytes[range]` (top level when `range` is the whole buffer).
    /// Stops at the first header that does not fit or claims more bytes than remain.
    public static func boxes(in bytes: ArraySlice<UInt8>, range: Range<Int>? = nil) -> [BoxHeader] {
        let base = bytes.startIndex
        let r = range ?? 0..<bytes.count
        var out: [BoxHeader] = []
        var pos = r.lowerBound
        while pos + 8 <= r.upperBound {
            let size32 = readU32(bytes, base + pos)
            let type = fourCC(bytes, base + pos + 4)
            var headerSize = 8
            var size: Int
            if size32 == 1 {
                guard pos + 16 <= r.upperBound else { break }
                let large = readU64(bytes, base + pos + 8)
                guard large <= UInt64(Int.max) else { break }
                size = Int(large)
                headerSize = 16
            } else if size32 == 0 {
                size = r.upperBound - pos
            } else {
                size = Int(size32)
            }
            guard size >= headerSize, size <= r.upperBound - pos else {
                break
            }
            out.append(BoxHeader(type: type, offset: pos, headerSize: headerSize, size: size))
            pos += size
        }
        return out
    }

    static func readU32(_ b: ArraySlice<UInt8>, _ i: Int) -> UInt32 {
        UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
    }

    static func readU64(_ b: ArraySlice<UInt8>, _ i: Int) -> UInt64 {
        UInt64(readU32(b, i)) << 32 | UInt64(readU32(b, i + 4))
    }

    static func fourCC(_ b: ArraySlice<UInt8>, _ i: Int) -> String {
        String(decoding: b[i..<(i + 4)].map { $0 >= 0x20 && $0 < 0x7F ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
    }
}
