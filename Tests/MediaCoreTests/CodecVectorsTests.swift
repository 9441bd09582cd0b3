import Testing

@testable import MediaCore

// Shared fixtures and helpers for the Codec*Tests files: real parameter sets made with the
// ffmpeg 5.1 CLI (libx264 / libx265 as shipped by Debian 12), a hex decoder, a seeded PRNG and a
// bit writer for hand-built headers. Nothing here reads files.
//
// Expected codec strings were cross-checked against ffprobe's `profile` and `level` for the same
// MP4 (`ffprobe -show_entries stream=profile,level,width,height,pix_fmt`), quoted per vector; the
// HEVC tier and constraint flags against `ffmpeg -c copy -bsf:v trace_headers`. For HEVC, ffprobe's
// level is general_level_idc (30 × level) and x265 sets constraint byte 0x90 (progressive_source +
// frame_only), hence ".90" rather than Apple's example ".B0".

/// One real H.264 or HEVC encode: its configuration record, its Annex B parameter sets and what
/// they must yield.
struct VideoVector: Sendable, CustomTestStringConvertible {
    let name: String
    /// avcC / hvcC payload (hex, whitespace ignored).
    let configRecord: String
    /// Annex B bytes up to the first slice (hex, whitespace ignored).
    let annexB: String
    let codecString: String
    let profileIDC: Int
    let levelIDC: Int
    let width: Int
    let height: Int
    let bitDepth: Int

    var testDescription: String { name }
    var configBytes: [UInt8] { hexBytes(configRecord) }
    var annexBBytes: [UInt8] { hexBytes(annexB) }
    var facts: VideoParameterFacts {
        VideoParameterFacts(profileIDC: profileIDC, levelIDC: levelIDC, width: width, height: height, bitDepth: bitDepth)
    }
}

enum CodecVectors {
    // h264ConstrainedBaseline30: avcC = payload of moov/trak/mdia/minf/stbl/stsd/avc1/avcC from
    //   ffmpeg -f lavfi -i testsrc2=s=640x360:d=1 -frames:v 1 -c:v libx264 -profile:v baseline -level 3.0 -f mp4 x.mp4
    // Annex B = bytes before the first slice NAL unit of
    //   ffmpeg -f lavfi -i testsrc2=s=640x360:d=1 -frames:v 1 -c:v libx264 -profile:v baseline -level 3.0 -bsf:v filter_units=remove_types=6 -f h264 x.h264
    // ffprobe: profile=Constrained Baseline, level=30, 640x360, yuv420p
    static let h264ConstrainedBaseline30 = VideoVector(
        name: "h264ConstrainedBaseline30",
        configRecord: """
            0142c01effe100196742c01ed900a02ff97011000003000100000300320f162e4801000568cb83cb20
            """,
        annexB: """
            000000016742c01ed900a02ff97011000003000100000300320f162e480000000168cb83cb20
            """,
        codecString: "avc1.42c01e", profileIDC: 66, levelIDC: 30,
        width: 640, height: 360, bitDepth: 8)

    // h264Main31: avcC = payload of moov/trak/mdia/minf/stbl/stsd/avc1/avcC from
    //   ffmpeg -f lavfi -i testsrc2=s=1280x720:d=1 -frames:v 1 -c:v libx264 -profile:v main -level 3.1 -f mp4 x.mp4
    // Annex B = bytes before the first slice NAL unit of
    //   ffmpeg -f lavfi -i testsrc2=s=1280x720:d=1 -frames:v 1 -c:v libx264 -profile:v main -level 3.1 -bsf:v filter_units=remove_types=6 -f h264 x.h264
    // ffprobe: profile=Main, level=31, 1280x720, yuv420p
    static let h264Main31 = VideoVector(
        name: "h264Main31",
        configRecord: """
            014d401fffe10019674d401feca02802dd80880000030008000003019078c18cb001000568ebe3cb20
            """,
        annexB: """
            00000001674d401feca02802dd80880000030008000003019078c18cb00000000168ebe3cb20
            """,
        codecString: "avc1.4d401f", profileIDC: 77, levelIDC: 31,
        width: 1280, height: 720, bitDepth: 8)

    // h264High40: avcC = payload of moov/trak/mdia/minf/stbl/stsd/avc1/avcC from
    //   ffmpeg -f lavfi -i testsrc2=s=1920x1080:d=1 -frames:v 1 -c:v libx264 -profile:v high -level 4.0 -f mp4 x.mp4
    // Annex B = bytes before the first slice NAL unit of
    //   ffmpeg -f lavfi -i testsrc2=s=1920x1080:d=1 -frames:v 1 -c:v libx264 -profile:v high -level 4.0 -bsf:v filter_units=remove_types=6 -f h264 x.h264
    // ffprobe: profile=High, level=40, 1920x1080, yuv420p
    static let h264High40 = VideoVector(
        name: "h264High40",
        configRecord: """
            01640028ffe1001b67640028acd940780227e5c044000003000400000300c83c60c65801000668ebe3cb22c0fdf8f800
            """,
        annexB: """
            0000000167640028acd940780227e5c044000003000400000300c83c60c6580000000168ebe3cb22c0
            """,
        codecString: "avc1.640028", profileIDC: 100, levelIDC: 40,
        width: 1920, height: 1080, bitDepth: 8)

    // h264High41: avcC = payload of moov/trak/mdia/minf/stbl/stsd/avc1/avcC from
    //   ffmpeg -f lavfi -i testsrc2=s=320x240:d=1 -frames:v 1 -c:v libx264 -profile:v high -level 4.1 -f mp4 x.mp4
    // Annex B = bytes before the first slice NAL unit of
    //   ffmpeg -f lavfi -i testsrc2=s=320x240:d=1 -frames:v 1 -c:v libx264 -profile:v high -level 4.1 -bsf:v filter_units=remove_types=6 -f h264 x.h264
    // ffprobe: profile=High, level=41, 320x240, yuv420p
    static let h264High41 = VideoVector(
        name: "h264High41",
        configRecord: """
            01640029ffe1001967640029acd94141fb011000000300100000030320f183196001000668ebe3cb22c0fdf8f800
            """,
        annexB: """
            0000000167640029acd94141fb011000000300100000030320f18319600000000168ebe3cb22c0
            """,
        codecString: "avc1.640029", profileIDC: 100, levelIDC: 41,
        width: 320, height: 240, bitDepth: 8)

    // h264High51: avcC = payload of moov/trak/mdia/minf/stbl/stsd/avc1/avcC from
    //   ffmpeg -f lavfi -i testsrc2=s=320x240:d=1 -frames:v 1 -c:v libx264 -profile:v high -level 5.1 -f mp4 x.mp4
    // Annex B = bytes before the first slice NAL unit of
    //   ffmpeg -f lavfi -i testsrc2=s=320x240:d=1 -frames:v 1 -c:v libx264 -profile:v high -level 5.1 -bsf:v filter_units=remove_types=6 -f h264 x.h264
    // ffprobe: profile=High, level=51, 320x240, yuv420p
    static let h264High51 = VideoVector(
        name: "h264High51",
        configRecord: """
            01640033ffe1001967640033acd94141fb011000000300100000030320f183196001000668ebe3cb22c0fdf8f800
            """,
        annexB: """
            0000000167640033acd94141fb011000000300100000030320f18319600000000168ebe3cb22c0
            """,
        codecString: "avc1.640033", profileIDC: 100, levelIDC: 51,
        width: 320, height: 240, bitDepth: 8)

    // h264High10: avcC = payload of moov/trak/mdia/minf/stbl/stsd/avc1/avcC from
    //   ffmpeg -f lavfi -i testsrc2=s=320x180:d=1 -frames:v 1 -c:v libx264 -profile:v high10 -pix_fmt yuv420p10le -level 3.0 -f mp4 x.mp4
    // Annex B = bytes before the first slice NAL unit of
    //   ffmpeg -f lavfi -i testsrc2=s=320x180:d=1 -frames:v 1 -c:v libx264 -profile:v high10 -pix_fmt yuv420p10le -level 3.0 -bsf:v filter_units=remove_types=6 -f h264 x.h264
    // ffprobe: profile=High 10, level=30, 320x180, yuv420p10le
    static let h264High10 = VideoVector(
        name: "h264High10",
        configRecord: """
            016e001effe1001a676e001ea6cd941419f9f011000003000100000300320f162d9601000668ebe3cb22c0fdfafa00
            """,
        annexB: """
            00000001676e001ea6cd941419f9f011000003000100000300320f162d960000000168ebe3cb22c0
            """,
        codecString: "avc1.6e001e", profileIDC: 110, levelIDC: 30,
        width: 320, height: 180, bitDepth: 10)

    // h264High444ScalingMatrices: avcC = payload of moov/trak/mdia/minf/stbl/stsd/avc1/avcC from
    //   ffmpeg -f lavfi -i testsrc2=s=352x288:d=1 -frames:v 1 -c:v libx264 -profile:v high444 -pix_fmt yuv444p -x264-params cqm=jvt -f mp4 x.mp4
    // Annex B = bytes before the first slice NAL unit of
    //   ffmpeg -f lavfi -i testsrc2=s=352x288:d=1 -frames:v 1 -c:v libx264 -profile:v high444 -pix_fmt yuv444p -x264-params cqm=jvt -bsf:v filter_units=remove_types=6 -f h264 x.h264
    // ffprobe: profile=High 4:4:4 Predictive, level=13, 352x288, yuv444p
    static let h264High444ScalingMatrices = VideoVector(
        name: "h264High444ScalingMatrices",
        configRecord: """
            01f4000dffe1001867f4000d919b282c12d808800000030080000019078a14cb01000868ebe3c44c000440fff8f800
            """,
        annexB: """
            0000000167f4000d919b282c12d808800000030080000019078a14cb0000000168ebe3c44c000440
            """,
        codecString: "avc1.f4000d", profileIDC: 244, levelIDC: 13,
        width: 352, height: 288, bitDepth: 8)

    // h264HighInterlaced40: avcC = payload of moov/trak/mdia/minf/stbl/stsd/avc1/avcC from
    //   ffmpeg -f lavfi -i testsrc2=s=1920x1080:d=1 -frames:v 1 -c:v libx264 -profile:v high -level 4.0 -flags +ildct -x264-params interlaced=1 -f mp4 x.mp4
    // Annex B = bytes before the first slice NAL unit of
    //   ffmpeg -f lavfi -i testsrc2=s=1920x1080:d=1 -frames:v 1 -c:v libx264 -profile:v high -level 4.0 -flags +ildct -x264-params interlaced=1 -bsf:v filter_units=remove_types=6 -f h264 x.h264
    // ffprobe: profile=High, level=40, 1920x1080, yuv420p
    static let h264HighInterlaced40 = VideoVector(
        name: "h264HighInterlaced40",
        configRecord: """
            01640028ffe1001a67640028acd94078044fde0220000003002000000643e2c5b2c001000668fba3cb22c0fdf8f800
            """,
        annexB: """
            0000000167640028acd94078044fde0220000003002000000643e2c5b2c00000000168fba3cb22c0
            """,
        codecString: "avc1.640028", profileIDC: 100, levelIDC: 40,
        width: 1920, height: 1080, bitDepth: 8)

    // hevcMain: hvcC = payload of moov/trak/mdia/minf/stbl/stsd/hvc1/hvcC from
    //   ffmpeg -f lavfi -i testsrc2=s=1280x720:d=1 -frames:v 1 -c:v libx265 -profile:v main -x265-params log-level=error:info=0 -f mp4 x.mp4
    // Annex B = bytes before the first slice NAL unit of
    //   ffmpeg -f lavfi -i testsrc2=s=1280x720:d=1 -frames:v 1 -c:v libx265 -profile:v main -x265-params log-level=error:info=0 -bsf:v filter_units=remove_types=39 -f hevc x.hevc
    // ffprobe: profile=Main, level=93, 1280x720, yuv420p
    static let hevcMain = VideoVector(
        name: "hevcMain",
        configRecord: """
            0101600000009000000000005df000fcfdf8f800000f03200001001840010c01ffff0160000003009000000300000300
            5d959809210001002b42010101600000030090000003000003005da00280802d165959a4932bc05a0200000300020000
            0300321022000100074401c172b46240
            """,
        annexB: """
            0000000140010c01ffff01600000030090000003000003005d9598090000000142010101600000030090000003000003
            005da00280802d165959a4932bc05a020000030002000003003210000000014401c172b46240
            """,
        codecString: "hvc1.1.6.L93.90", profileIDC: 1, levelIDC: 93,
        width: 1280, height: 720, bitDepth: 8)

    // hevcMain10: hvcC = payload of moov/trak/mdia/minf/stbl/stsd/hvc1/hvcC from
    //   ffmpeg -f lavfi -i testsrc2=s=1920x1080:d=1 -frames:v 1 -c:v libx265 -profile:v main10 -pix_fmt yuv420p10le -x265-params log-level=error:info=0 -f mp4 x.mp4
    // Annex B = bytes before the first slice NAL unit of
    //   ffmpeg -f lavfi -i testsrc2=s=1920x1080:d=1 -frames:v 1 -c:v libx265 -profile:v main10 -pix_fmt yuv420p10le -x265-params log-level=error:info=0 -bsf:v filter_units=remove_types=39 -f hevc x.hevc
    // ffprobe: profile=Main 10, level=120, 1920x1080, yuv420p10le
    static let hevcMain10 = VideoVector(
        name: "hevcMain10",
        configRecord: """
            01022000000090000000000078f000fcfdfafa00000f03200001001840010c01ffff0220000003009000000300000300
            78959809210001002c420101022000000300900000030000030078a003c08010e4d96566924caf016808000003000800
            000300c84022000100074401c172b46240
            """,
        annexB: """
            0000000140010c01ffff0220000003009000000300000300789598090000000142010102200000030090000003000003
            0078a003c08010e4d96566924caf016808000003000800000300c840000000014401c172b46240
            """,
        codecString: "hvc1.2.4.L120.90", profileIDC: 2, levelIDC: 120,
        width: 1920, height: 1080, bitDepth: 10)

    // hevcMain444: hvcC = payload of moov/trak/mdia/minf/stbl/stsd/hvc1/hvcC from
    //   ffmpeg -f lavfi -i testsrc2=s=352x288:d=1 -frames:v 1 -c:v libx265 -profile:v main444-8 -pix_fmt yuv444p -x265-params log-level=error:info=0 -f mp4 x.mp4
    // Annex B = bytes before the first slice NAL unit of
    //   ffmpeg -f lavfi -i testsrc2=s=352x288:d=1 -frames:v 1 -c:v libx265 -profile:v main444-8 -pix_fmt yuv444p -x265-params log-level=error:info=0 -bsf:v filter_units=remove_types=39 -f hevc x.hevc
    // ffprobe: profile=Rext, level=60, 352x288, yuv444p
    static let hevcMain444 = VideoVector(
        name: "hevcMain444",
        configRecord: """
            0104080000009e08000000003cf000fcfff8f800000f03200001001740010c01ffff0408000003009e0800000300003c
            959809210001002a4201010408000003009e0800000300003c9001610090b2cacd24995e02d010000003001000000301
            908022000100084401c172860c4624
            """,
        annexB: """
            0000000140010c01ffff0408000003009e0800000300003c959809000000014201010408000003009e0800000300003c
            9001610090b2cacd24995e02d0100000030010000003019080000000014401c172860c4624
            """,
        codecString: "hvc1.4.10.L60.9E.8", profileIDC: 4, levelIDC: 60,
        width: 352, height: 288, bitDepth: 8)

    // hevcMainHighTier51: hvcC = payload of moov/trak/mdia/minf/stbl/stsd/hvc1/hvcC from
    //   ffmpeg -f lavfi -i testsrc2=s=640x360:d=1 -frames:v 1 -c:v libx265 -profile:v main -x265-params log-level=error:info=0:level-idc=5.1:high-tier=1 -f mp4 x.mp4
    // Annex B = bytes before the first slice NAL unit of
    //   ffmpeg -f lavfi -i testsrc2=s=640x360:d=1 -frames:v 1 -c:v libx265 -profile:v main -x265-params log-level=error:info=0:level-idc=5.1:high-tier=1 -bsf:v filter_units=remove_types=39 -f hevc x.hevc
    // ffprobe: profile=Main, level=153, 640x360, yuv420p
    static let hevcMainHighTier51 = VideoVector(
        name: "hevcMainHighTier51",
        configRecord: """
            01216000000090000000000099f000fcfdf8f800000f03200001001840010c01ffff2160000003009000000300000300
            99959809210001002a420101216000000300900000030000030099a00502016965959a4932bc05a02000000300200000
            03032122000100074401c172b46240
            """,
        annexB: """
            0000000140010c01ffff2160000003009000000300000300999598090000000142010121600000030090000003000003
            0099a00502016965959a4932bc05a02000000300200000030321000000014401c172b46240
            """,
        codecString: "hvc1.1.6.H153.90", profileIDC: 1, levelIDC: 153,
        width: 640, height: 360, bitDepth: 8)

    static let h264: [VideoVector] = [
        h264ConstrainedBaseline30,
        h264Main31,
        h264High40,
        h264High41,
        h264High51,
        h264High10,
        h264High444ScalingMatrices,
        h264HighInterlaced40,
    ]

    static let hevc: [VideoVector] = [
        hevcMain,
        hevcMain10,
        hevcMain444,
        hevcMainHighTier51,
    ]
}

/// Bytes from a hex string; whitespace is skipped. Test fixtures only: invalid hex is a test bug.
func hexBytes(_ hex: String) -> [UInt8] {
    var out: [UInt8] = []
    var high: UInt8? = nil
    for scalar in hex.unicodeScalars where !scalar.properties.isWhitespace {
        guard let nibble = UInt8(String(scalar), radix: 16) else {
            Issue.record("invalid hex digit \(scalar)")
            return []
        }
        if let h = high {
            out.append(h << 4 | nibble)
            high = nil
        } else {
            high = nibble
        }
    }
    if high != nil { Issue.record("odd number of hex digits") }
    return out
}

/// MSB-first bit writer for hand-built SPS/VPS/ASC fixtures.
struct BitWriter {
    private(set) var bytes: [UInt8] = []
    private var bitCount = 0

    mutating func put(_ value: UInt64, _ count: Int) {
        for shift in stride(from: count - 1, through: 0, by: -1) {
            if bitCount % 8 == 0 { bytes.append(0) }
            if (value >> UInt64(shift)) & 1 == 1 { bytes[bytes.count - 1] |= 0x80 >> UInt8(bitCount % 8) }
            bitCount += 1
        }
    }
    mutating func flag(_ value: Bool) { put(value ? 1 : 0, 1) }
    mutating func ue(_ value: UInt64) {
        let coded = value + 1
        let length = 64 - coded.leadingZeroBitCount
        put(0, length - 1)
        put(coded, length)
    }
    mutating func se(_ value: Int64) { ue(value > 0 ? UInt64(2 * value - 1) : UInt64(-2 * value)) }
    /// rbsp_trailing_bits(): a 1 then zeros to the byte boundary.
    mutating func trailingBits() {
        put(1, 1)
        while bitCount % 8 != 0 { put(0, 1) }
    }
}

/// An Annex B NAL unit (4-byte start code) from an RBSP, inserting emulation-prevention bytes.
func annexBNAL(rbsp: [UInt8]) -> [UInt8] {
    var out: [UInt8] = [0, 0, 0, 1]
    var zeros = 0
    for byte in rbsp {
        if zeros >= 2 && byte <= 3 {
            out.append(3)
            zeros = 0
        }
        out.append(byte)
        zeros = byte == 0 ? zeros + 1 : 0
    }
    return out
}

@Suite struct CodecVectorsTests {
    @Test("fixtures decode", arguments: CodecVectors.h264 + CodecVectors.hevc)
    func fixturesDecode(_ vector: VideoVector) {
        #expect(vector.configBytes.count > 20)
        #expect(vector.annexBBytes.prefix(4) == [0, 0, 0, 1])
    }

    @Test func bitWriterRoundTripsThroughBitReader() throws {
        var w = BitWriter()
        w.put(5, 3)
        w.ue(0)
        w.ue(7)
        w.se(-3)
        w.se(4)
        w.ue(4_294_967_294)
        w.trailingBits()
        var r = BitReader(w.bytes, context: "test")
        #expect(try r.bits(3, "a") == 5)
        #expect(try r.ue("b") == 0)
        #expect(try r.ue("c") == 7)
        #expect(try r.se("d") == -3)
        #expect(try r.se("e") == 4)
        #expect(try r.ue("f") == 4_294_967_294)
        #expect(try r.flag("stop"))
    }
}
