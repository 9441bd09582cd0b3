import Testing

@testable import MediaCore

@Suite struct CodecAVCTests {
    @Test("avc1 string from avcC", arguments: CodecVectors.h264)
    func codecStringFromRecord(_ vector: VideoVector) throws {
        #expect(try CodecString.avc(extradata: vector.configBytes) == vector.codecString)
    }

    @Test("avc1 string from Annex B", arguments: CodecVectors.h264)
    func codecStringFromAnnexB(_ vector: VideoVector) throws {
        #expect(try CodecString.avc(extradata: vector.annexBBytes) == vector.codecString)
    }

    @Test("SPS facts from avcC and Annex B", arguments: CodecVectors.h264)
    func facts(_ vector: VideoVector) throws {
        #expect(try ParameterSets.avcFacts(extradata: vector.configBytes) == vector.facts)
        #expect(try ParameterSets.avcFacts(extradata: vector.annexBBytes) == vector.facts)
    }

    @Test func constrainedBaselineKeepsConstraintByte() throws {
        // constraint_set0_flag + constraint_set1_flag = 0xC0.
        #expect(try CodecString.avc(extradata: CodecVectors.h264ConstrainedBaseline30.configBytes) == "avc1.42c01e")
    }

    @Test func annexBWithAccessUnitDelimiterAndThreeByteStartCodes() throws {
        // AUD (type 9) first, then the SPS and PPS behind 3-byte start codes, as in MPEG-TS.
        var bytes: [UInt8] = [0, 0, 0, 1, 0x09, 0xF0]
        for nal in try AnnexB.split(CodecVectors.h264High40.annexBBytes) {
            bytes += [0, 0, 1] + Array(nal)
        }
        #expect(try CodecString.avc(extradata: bytes) == "avc1.640028")
        #expect(try ParameterSets.avcFacts(extradata: bytes).height == 1080)
    }

    @Test func recordWithoutSPSStillHasHeaderButNoFacts() throws {
        let record: [UInt8] = [0x01, 0x64, 0x00, 0x1F, 0xFF, 0xE0, 0x00]
        #expect(try CodecString.avc(extradata: record) == "avc1.64001f")
        let error = #expect(throws: CodecStringError.self) { try ParameterSets.avcFacts(extradata: record) }
        #expect(error?.code == .noParameterSet)
    }

    @Test func badConfigurationVersionNamesTheByte() {
        var bytes = CodecVectors.h264Main31.configBytes
        bytes[0] = 0x02
        let error = #expect(throws: CodecStringError.self) { try CodecString.avc(extradata: bytes) }
        #expect(error?.code == .malformed)
        #expect(error?.message == "avcC: configurationVersion 0x02 at byte 0, expected 1")
    }

    @Test func truncatedRecordNamesTheField() {
        let bytes = Array(CodecVectors.h264Main31.configBytes.prefix(20))
        let error = #expect(throws: CodecStringError.self) { try CodecString.avc(extradata: bytes) }
        #expect(error?.code == .truncated)
        #expect(error?.message.contains("sequenceParameterSetNALUnit[0]") == true)
    }

    @Test func emptyAndNoSPS() {
        let empty = #expect(throws: CodecStringError.self) { try CodecString.avc(extradata: []) }
        #expect(empty?.code == .empty)
        let ppsOnly: [UInt8] = [0, 0, 0, 1, 0x68, 0xEB, 0xE3, 0xCB, 0x20]
        let none = #expect(throws: CodecStringError.self) { try CodecString.avc(extradata: ppsOnly) }
        #expect(none?.code == .noParameterSet)
    }

    @Test func forbiddenZeroBitIsMalformed() {
        let bytes: [UInt8] = [0, 0, 1, 0xE7, 0x42, 0xC0, 0x1E]
        let error = #expect(throws: CodecStringError.self) { try CodecString.avc(extradata: bytes) }
        #expect(error?.code == .malformed)
    }

    /// Baseline SPS exercising pic_order_cnt_type 1, level 1b (constraint_set3_flag) and
    /// frame cropping on all four sides: 176x144 coded as 12x10 macroblocks minus 2+6 / 4+12.
    @Test func handBuiltSPSWithPOCType1AndCropping() throws {
        var w = BitWriter()
        w.put(0x67, 8)  // nal_unit_header: nal_ref_idc 3, type 7
        w.put(66, 8)  // profile_idc Baseline
        w.put(0xD0, 8)  // constraint_set0, set1, set3 (level 1b)
        w.put(11, 8)  // level_idc
        w.ue(0)  // seq_parameter_set_id
        w.ue(0)  // log2_max_frame_num_minus4
        w.ue(1)  // pic_order_cnt_type
        w.flag(false)  // delta_pic_order_always_zero_flag
        w.se(-2)  // offset_for_non_ref_pic
        w.se(1)  // offset_for_top_to_bottom_field
        w.ue(3)  // num_ref_frames_in_pic_order_cnt_cycle
        w.se(4); w.se(-5); w.se(0)
        w.ue(1)  // max_num_ref_frames
        w.flag(false)  // gaps_in_frame_num_value_allowed_flag
        w.ue(11)  // pic_width_in_mbs_minus1 → 192
        w.ue(9)  // pic_height_in_map_units_minus1 → 160
        w.flag(true)  // frame_mbs_only_flag
        w.flag(true)  // direct_8x8_inference_flag
        w.flag(true)  // frame_cropping_flag (units of 2 samples in 4:2:0)
        w.ue(2); w.ue(6); w.ue(2); w.ue(6)
        w.flag(false)  // vui_parameters_present_flag
        w.trailingBits()
        let bytes = annexBNAL(rbsp: w.bytes)
        #expect(try CodecString.avc(extradata: bytes) == "avc1.42d00b")
        let facts = try ParameterSets.avcFacts(extradata: bytes)
        #expect(facts == VideoParameterFacts(profileIDC: 66, levelIDC: 11, width: 176, height: 144, bitDepth: 8))
    }

    @Test func croppingLargerThanThePictureIsMalformed() {
        var w = BitWriter()
        w.put(0x67, 8); w.put(66, 8); w.put(0xC0, 8); w.put(30, 8)
        w.ue(0); w.ue(0); w.ue(0); w.ue(0)  // sps id, frame num, poc type 0, poc lsb
        w.ue(1); w.flag(false)
        w.ue(0); w.ue(0)  // 16x16
        w.flag(true); w.flag(true)
        w.flag(true); w.ue(4); w.ue(4); w.ue(0); w.ue(0)  // crops 16 of 16 columns
        w.trailingBits()
        let error = #expect(throws: CodecStringError.self) {
            try ParameterSets.avcFacts(extradata: annexBNAL(rbsp: w.bytes))
        }
        #expect(error?.code == .malformed)
    }
}
