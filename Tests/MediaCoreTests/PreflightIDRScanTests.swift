import MediaCore
import Testing

/// `IDRScan`: the first VCL NAL unit of an access unit decides whether a segment starts on an IDR.
struct PreflightIDRScanTests {
    // H.264 NAL headers: AUD 0x09, SPS 0x67, PPS 0x68, SEI 0x06, IDR slice 0x65, non-IDR slice 0x41.
    private static let h264IDR: [[UInt8]] = [[0x09, 0xF0], [0x67, 0x64, 0x00, 0x1E], [0x68, 0xEE], [0x06, 0x05, 0x01], [0x65, 0x88, 0x84]]
    private static let h264P: [[UInt8]] = [[0x09, 0x30], [0x41, 0x9A, 0x02]]
    // HEVC: AUD 35 (0x46 0x01), VPS 32 (0x40 0x01), IDR_W_RADL 19 (0x26 0x01), CRA 21 (0x2A 0x01), TRAIL_R 1 (0x02 0x01).
    private static let hevcIDR: [[UInt8]] = [[0x46, 0x01, 0x50], [0x40, 0x01, 0x0C], [0x26, 0x01, 0xAF]]
    private static let hevcCRA: [[UInt8]] = [[0x46, 0x01, 0x50], [0x2A, 0x01, 0xAF]]
    private static let hevcTrail: [[UInt8]] = [[0x02, 0x01, 0xD0]]

    private static func annexB(_ nals: [[UInt8]]) -> [UInt8] {
        nals.enumerated().flatMap { i, nal in (i == 0 ? [0, 0, 0, 1] : [0, 0, 1]) + nal }
    }

    private static func lengthPrefixed(_ nals: [[UInt8]], size: Int) -> [UInt8] {
        nals.flatMap { nal -> [UInt8] in
            let n = nal.count
            return (0..<size).reversed().map { UInt8(truncatingIfNeeded: n >> (8 * $0)) } + nal
        }
    }

    @Test func h264AnnexB() {
        #expect(IDRScan.startsWithIDR(Self.annexB(Self.h264IDR), codec: .h264, framing: .annexB))
        #expect(!IDRScan.startsWithIDR(Self.annexB(Self.h264P), codec: .h264, framing: .annexB))
        #expect(!IDRScan.startsWithIDR(Self.annexB([[0x09, 0xF0], [0x67, 0x64]]), codec: .h264, framing: .annexB))
        #expect(!IDRScan.startsWithIDR([], codec: .h264, framing: .annexB))
    }

    @Test(arguments: [1, 2, 4])
    func h264LengthPrefixed(size: Int) {
        #expect(IDRScan.startsWithIDR(Self.lengthPrefixed(Self.h264IDR, size: size), codec: .h264, framing: .lengthPrefixed(size)))
        #expect(!IDRScan.startsWithIDR(Self.lengthPrefixed(Self.h264P, size: size), codec: .h264, framing: .lengthPrefixed(size)))
    }

    @Test func hevc() {
        #expect(IDRScan.startsWithIDR(Self.annexB(Self.hevcIDR), codec: .hevc, framing: .annexB))
        #expect(!IDRScan.startsWithIDR(Self.annexB(Self.hevcCRA), codec: .hevc, framing: .annexB))
        #expect(!IDRScan.startsWithIDR(Self.lengthPrefixed(Self.hevcTrail, size: 4), codec: .hevc, framing: .lengthPrefixed(4)))
        #expect(IDRScan.startsWithIDR(Self.lengthPrefixed(Self.hevcIDR, size: 4), codec: .hevc, framing: .lengthPrefixed(4)))
    }

    @Test func framingAndLengthSize() {
        // avcC: version 1, profile, compat, level, 0xFF (lengthSizeMinusOne = 3).
        let avcC: [UInt8] = [0x01, 0x64, 0x00, 0x1E, 0xFF, 0xE1, 0x00, 0x00]
        #expect(IDRScan.lengthSize(extradata: avcC, codec: .h264) == 4)
        #expect(IDRScan.lengthSize(extradata: [0x01, 0x64, 0x00, 0x1E, 0xFD], codec: .h264) == 2)
        #expect(IDRScan.lengthSize(extradata: Self.annexB(Self.h264IDR), codec: .h264) == nil)
        var hvcC = [UInt8](repeating: 0, count: 23)
        hvcC[0] = 1
        hvcC[21] = 0x0F
        #expect(IDRScan.lengthSize(extradata: hvcC, codec: .hevc) == 4)
        #expect(IDRScan.framing(of: Self.annexB(Self.h264IDR), extradata: avcC, codec: .h264) == .annexB)
        #expect(IDRScan.framing(of: Self.lengthPrefixed(Self.h264IDR, size: 4), extradata: avcC, codec: .h264) == .lengthPrefixed(4))
        #expect(IDRScan.Codec(codecName: "hevc") == .hevc)
        #expect(IDRScan.Codec(codecName: "vp9") == nil)
    }

    @Test func truncatedAndHostileBytesNeverTrap() {
        let full = Self.lengthPrefixed(Self.h264IDR, size: 4)
        for cut in 0...full.count {
            _ = IDRScan.startsWithIDR(Array(full[..<cut]), codec: .h264, framing: .lengthPrefixed(4))
            _ = IDRScan.startsWithIDR(Array(full[..<cut]), codec: .hevc, framing: .annexB)
        }
        #expect(!IDRScan.startsWithIDR([0xFF, 0xFF, 0xFF, 0xFF, 0x65], codec: .h264, framing: .lengthPrefixed(4)))
        #expect(!IDRScan.startsWithIDR([0, 0, 1], codec: .h264, framing: .annexB))
        #expect(!IDRScan.startsWithIDR([1, 2, 3], codec: .h264, framing: .lengthPrefixed(3)))
    }
}
