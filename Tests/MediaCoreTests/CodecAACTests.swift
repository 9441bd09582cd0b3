import Testing

@testable import MediaCore

/// An AudioSpecificConfig and the codec string it must give.
struct AACVector: Sendable, CustomTestStringConvertible {
    let name: String
    let hex: String
    let codecString: String
    var testDescription: String { name }
    var bytes: [UInt8] { hexBytes(hex) }
}

enum AACVectors {
    // Real ASCs: DecoderSpecificInfo of moov/.../stsd/mp4a/esds from
    //   ffmpeg -f lavfi -i sine=r=<rate>:d=0.1 -ac <channels> -c:a aac -profile:a <profile> -f mp4 a.mp4
    // ffprobe reported profile=LC (Main for aac_main) with the rate/channels given in the name.
    // FFmpeg appends a 0x2B7 sync extension with extension AOT 5 and sbrPresentFlag 0 ("56e500"),
    // which must NOT turn LC into HE-AAC.
    static let real: [AACVector] = [
        AACVector(name: "LC 44.1 kHz stereo (aac_low)", hex: "121056e500", codecString: "mp4a.40.2"),
        AACVector(name: "LC 48 kHz stereo (aac_low)", hex: "119056e500", codecString: "mp4a.40.2"),
        AACVector(name: "LC 48 kHz mono (aac_low)", hex: "118856e500", codecString: "mp4a.40.2"),
        AACVector(name: "LC 22.05 kHz mono (aac_low)", hex: "138856e500", codecString: "mp4a.40.2"),
        AACVector(name: "LC 48 kHz 5.1 (aac_low)", hex: "11b056e500", codecString: "mp4a.40.2"),
        AACVector(name: "Main 44.1 kHz stereo (aac_main)", hex: "0a1056e500", codecString: "mp4a.40.1"),
    ]

    // Hand-built (bit fields, MSB first, zero-padded to a byte):
    static let handBuilt: [AACVector] = [
        // AOT 5 | sfi 6 (24 kHz) | ch 2 | ext sfi 3 (48 kHz) | core AOT 2 | GASpecificConfig 000
        AACVector(name: "HE-AAC explicit", hex: "2b118800", codecString: "mp4a.40.5"),
        // AOT 29 | sfi 6 | ch 1 | ext sfi 3 | core AOT 2 | 000
        AACVector(name: "HE-AACv2 explicit", hex: "eb098800", codecString: "mp4a.40.29"),
        // AOT 2 | sfi 6 | ch 2 | 000 | sync 0x2B7 | ext AOT 5 | sbrPresentFlag 1 | ext sfi 3
        AACVector(name: "HE-AAC backward-compatible", hex: "131056e598", codecString: "mp4a.40.5"),
        // AOT 2 | sfi 6 | ch 1 | 000 | 0x2B7 | 5 | 1 | ext sfi 3 | sync 0x548 | psPresentFlag 1
        AACVector(name: "HE-AACv2 backward-compatible", hex: "130856e59d4880", codecString: "mp4a.40.29"),
        // AOT escape 31 + 6 bits 10 → 42 (USAC) | sfi 3 | ch 2
        AACVector(name: "escape AOT 42 (USAC)", hex: "f94640", codecString: "mp4a.40.42"),
        // AOT escape 31 + 6 bits 7 → 39 (ER AAC ELD) | sfi 3 | ch 2
        AACVector(name: "escape AOT 39 (ELD)", hex: "f8e640", codecString: "mp4a.40.39"),
        // AOT 2 | sfi 15 + 24-bit 44056 Hz | ch 2 | 000
        AACVector(name: "explicit sampling frequency", hex: "1780560c10", codecString: "mp4a.40.2"),
        // AOT 2 | sfi 4 | ch 2, GASpecificConfig cut off: the object type is still known.
        AACVector(name: "LC without GASpecificConfig", hex: "1210", codecString: "mp4a.40.2"),
    ]

    static let all = real + handBuilt
}

@Suite struct CodecAACTests {
    @Test("mp4a string from AudioSpecificConfig", arguments: AACVectors.all)
    func codecString(_ vector: AACVector) throws {
        #expect(try CodecString.aac(audioSpecificConfig: vector.bytes) == vector.codecString)
    }

    @Test(
        "mp4a string from FFmpeg profile",
        arguments: [
            (0, "mp4a.40.1"), (1, "mp4a.40.2"), (2, "mp4a.40.3"), (3, "mp4a.40.4"), (4, "mp4a.40.5"),
            (28, "mp4a.40.29"), (22, "mp4a.40.23"), (38, "mp4a.40.39"), (128, "mp4a.40.2"),
            (131, "mp4a.40.5"), (-99, "mp4a.40.2"), (17, "mp4a.40.2"), (Int.max, "mp4a.40.2"),
        ])
    func ffmpegProfile(_ profile: Int, _ expected: String) {
        #expect(CodecString.aac(ffmpegProfile: profile) == expected)
    }

    @Test func constants() {
        #expect(CodecString.mp3 == "mp4a.40.34")
        #expect(CodecString.ac3 == "ac-3")
        #expect(CodecString.eac3 == "ec-3")
    }

    @Test(
        "bad AudioSpecificConfigs",
        arguments: [
            ([], CodecStringError.Code.empty),
            ([0x12], .truncated),  // channelConfiguration cut
            ([0xF8], .truncated),  // escape without its 6 bits
            ([0x2B, 0x11], .truncated),  // explicit SBR without the core object type
            ([0x00, 0x10], .malformed),  // object type 0
            ([0x16, 0x90], .malformed),  // samplingFrequencyIndex 13 (reserved)
        ] as [([UInt8], CodecStringError.Code)])
    func badConfigs(_ bytes: [UInt8], _ code: CodecStringError.Code) {
        let error = #expect(throws: CodecStringError.self) { try CodecString.aac(audioSpecificConfig: bytes) }
        #expect(error?.code == code)
        #expect(error?.message.isEmpty == false)
    }
}
