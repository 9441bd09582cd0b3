/// Finds out whether an H.264 or HEVC access unit (one demuxed video packet) starts a picture
/// with an IDR: the first VCL NAL unit decides, parameter sets, SEI and access-unit delimiters
/// before it are skipped. Reads untrusted bytes; never traps.
public enum IDRScan {
    /// The video coding family.
    public enum Codec: Sendable, Hashable {
        /// H.264 / AVC: VCL nal_unit_type 1...5, IDR = 5.
        case h264
        /// H.265 / HEVC: VCL nal_unit_type 0...31, IDR = 19 (IDR_W_RADL) or 20 (IDR_N_LP). CRA and
        /// BLA pictures are random access points but not IDRs, so they answer false.
        case hevc

        /// The family of an FFmpeg codec name (`"h264"`, `"hevc"`); nil for others.
        public init?(codecName: String) {
            switch codecName {
            case "h264": self = .h264
            case "hevc", "h265": self = .hevc
            default: return nil
            }
        }
    }

    /// The framing of NAL units in a packet.
    public enum Framing: Sendable, Hashable {
        /// `00 00 01` start codes (MPEG-TS, raw streams).
        case annexB
        /// Each NAL unit preceded by its big-endian length in 1, 2 or 4 bytes (MP4: the size comes
        /// from the avcC/hvcC record, see `lengthSize(extradata:codec:)`).
        case lengthPrefixed(Int)
    }

    /// Whether the first VCL NAL unit of `accessUnit` is an IDR slice. False when the bytes hold
    /// no VCL NAL unit (or cannot be split under `framing`).
    public static func startsWithIDR(_ accessUnit: [UInt8], codec: Codec, framing: Framing) -> Bool {
        for header in nalHeaders(accessUnit, framing: framing) {
            switch codec {
            case .h264:
                let type = header & 0x1F
                if (1...5).contains(type) { return type == 5 }
            case .hevc:
                let type = (header >> 1) & 0x3F
                if type <= 31 { return type == 19 || type == 20 }
            }
        }
        return false
    }

    /// The NAL length size an MP4 decoder configuration record declares: avcC byte 4 or hvcC byte
    /// 21, low two bits, plus one (1, 2 or 4). Nil for Annex B extradata (a start code) or a
    /// record too short or with version ≠ 1.
    public static func lengthSize(extradata: [UInt8], codec: Codec) -> Int? {
        guard let first = extradata.first, first == 1 else { return nil }
        let index = codec == .h264 ? 4 : 21
        guard extradata.count > index else { return nil }
        let size = Int(extradata[index] & 0x03) + 1
        return size == 3 ? nil : size
    }

    /// The framing of a packet: Annex B when it begins with a start code, else length-prefixed with
    /// the record's length size (4 when unknown).
    public static func framing(of packet: [UInt8], extradata: [UInt8], codec: Codec) -> Framing {
        if AnnexB.hasStartCode(packet) { return .annexB }
        return .lengthPrefixed(lengthSize(extradata: extradata, codec: codec) ?? 4)
    }

    /// The first byte of every NAL unit, in order (at most 64 units are looked at).
    static func nalHeaders(_ bytes: [UInt8], framing: Framing) -> [UInt8] {
        var headers: [UInt8] = []
        switch framing {
        case .annexB:
            let units = (try? AnnexB.split(bytes)) ?? []
            headers = units.prefix(64).compactMap(\.first)
        case .lengthPrefixed(let size):
            guard (1...4).contains(size) else { return [] }
            var pos = 0
            while pos + size < bytes.count, headers.count < 64 {
                var length = 0
                for i in 0..<size { length = length << 8 | Int(bytes[pos + i]) }
                pos += size
                guard length > 0, length <= bytes.count - pos else { break }
                headers.append(bytes[pos])
                pos += length
            }
        }
        return headers
    }
}
