import Testing

@testable import MediaCore

@Suite struct CodecHEVCTests {
    @Test("hvc1 string from hvcC", arguments: CodecVectors.hevc)
    func codecStringFromRecord(_ vector: VideoVector) throws {
        #expect(try CodecString.hevc(extradata: vector.configBytes) == vector.codecString)
    }

    @Test("hvc1 string from Annex B", arguments: CodecVectors.hevc)
    func codecStringFromAnnexB(_ vector: VideoVector) throws {
        #expect(try CodecString.hevc(extradata: vector.annexBBytes) == vector.codecString)
    }

    @Test("SPS facts from hvcC and Annex B", arguments: CodecVectors.hevc)
    func facts(_ vector: VideoVector) throws {
        #expect(try ParameterSets.hevcFacts(extradata: vector.configBytes) == vector.facts)
        #expect(try ParameterSets.hevcFacts(extradata: vector.annexBBytes) == vector.facts)
    }

    @Test func hev1SampleEntry() throws {
        let bytes = CodecVectors.hevcMain10.annexBBytes
        #expect(try CodecString.hevc(extradata: bytes, sampleEntry: "hev1") == "hev1.2.4.L120.90")
    }

    @Test func otherSampleEntriesAreUnsupported() {
        let error = #expect(throws: CodecStringError.self) {
            try CodecString.hevc(extradata: CodecVectors.hevcMain.configBytes, sampleEntry: "dvh1")
        }
        #expect(error?.code == .unsupported)
    }

    @Test func vpsOnlyAnnexBFallsBackToTheVPS() throws {
        let units = try AnnexB.split(CodecVectors.hevcMainHighTier51.annexBBytes)
        let vps = try #require(units.first)
        let bytes = [0, 0, 0, 1] + Array(vps)
        #expect(try CodecString.hevc(extradata: bytes) == "hvc1.1.6.H153.90")
        let error = #expect(throws: CodecStringError.self) { try ParameterSets.hevcFacts(extradata: bytes) }
        #expect(error?.code == .noParameterSet)
    }

    @Test func annexBWithAccessUnitDelimiterFirst() throws {
        // AUD (type 35) as MPEG-TS muxers emit it, then the real VPS/SPS/PPS.
        let bytes: [UInt8] = [0, 0, 0, 1, 0x46, 0x01, 0x50] + CodecVectors.hevcMain.annexBBytes
        #expect(try CodecString.hevc(extradata: bytes) == "hvc1.1.6.L93.90")
    }

    @Test func badConfigurationVersion() {
        var bytes = CodecVectors.hevcMain.configBytes
        bytes[0] = 0x00
        let error = #expect(throws: CodecStringError.self) { try CodecString.hevc(extradata: bytes) }
        #expect(error?.code == .malformed)
        #expect(error?.message == "hvcC: configurationVersion 0x00 at byte 0, expected 1")
    }

    @Test func arrayTypeMismatchIsMalformed() {
        // Relabel array 0 (byte 23, holding the VPS) as an SPS array (type 33).
        var bytes = CodecVectors.hevcMain.configBytes
        bytes[23] = (bytes[23] & 0xC0) | 33
        let error = #expect(throws: CodecStringError.self) { try ParameterSets.hevcFacts(extradata: bytes) }
        #expect(error?.code == .malformed)
    }

    @Test func codecStringFieldFormatting() {
        // Profile space 2 → "B", flags with bits 0 and 31 → reversed 0x80000001, zero byte kept
        // between non-zero ones, trailing zeros dropped, all-zero constraints omitted.
        let ptl = HEVCProfileTierLevel(
            profileSpace: 2, highTier: true, profileIDC: 4, compatibilityFlags: 0x8000_0001,
            constraintFlags: [0x0A, 0x00, 0x01, 0, 0, 0], levelIDC: 186)
        #expect(ptl.codecString(sampleEntry: "hvc1") == "hvc1.B4.80000001.H186.A.0.1")
        let plain = HEVCProfileTierLevel(
            profileSpace: 0, highTier: false, profileIDC: 1, compatibilityFlags: 0,
            constraintFlags: [0, 0, 0, 0, 0, 0], levelIDC: 30)
        #expect(plain.codecString(sampleEntry: "hev1") == "hev1.1.0.L30")
    }

    /// An SPS with three temporal sub-layers (sub-layer profile/level fields to skip), 4:2:0,
    /// 1920x1088 coded with a 4-row conformance window, 10-bit.
    @Test func handBuiltSPSWithSubLayers() throws {
        var w = BitWriter()
        w.put(0x4201, 16)  // nal_unit_header: type 33, layer 0, tid 1
        w.put(0, 4)  // sps_video_parameter_set_id
        w.put(2, 3)  // sps_max_sub_layers_minus1
        w.flag(true)  // sps_temporal_id_nesting_flag
        w.put(0, 2); w.flag(false); w.put(2, 5)  // space, tier, general_profile_idc Main 10
        w.put(0x2000_0000, 32)
        w.put(0x9000_0000_0000, 48)
        w.put(123, 8)  // general_level_idc 4.1
        w.flag(true); w.flag(true)  // sub-layer 0: profile, level present
        w.flag(false); w.flag(true)  // sub-layer 1: level present
        w.put(0, 12)  // reserved_zero_2bits × 6
        w.put(0x1234_5678_9ABC, 48); w.put(0xFF_FFFF_FFFF, 40)  // sub-layer 0 profile (88 bits)
        w.put(90, 8)  // sub_layer_level_idc[0]
        w.put(93, 8)  // sub_layer_level_idc[1]
        w.ue(0)  // sps_seq_parameter_set_id
        w.ue(1)  // chroma_format_idc
        w.ue(1920); w.ue(1088)
        w.flag(true); w.ue(0); w.ue(0); w.ue(0); w.ue(4)  // conformance window, units of 2 rows
        w.ue(2); w.ue(2)  // bit depths 10
        w.trailingBits()
        let bytes = annexBNAL(rbsp: w.bytes)
        #expect(try CodecString.hevc(extradata: bytes) == "hvc1.2.4.L123.90")
        let facts = try ParameterSets.hevcFacts(extradata: bytes)
        #expect(facts == VideoParameterFacts(profileIDC: 2, levelIDC: 123, width: 1920, height: 1080, bitDepth: 10))
    }

    @Test func enhancementLayerSPSIsIgnored() {
        // nuh_layer_id 1 (MV-HEVC/SHVC): not a base-layer SPS, so nothing to read.
        let bytes: [UInt8] = [0, 0, 0, 1, 0x42, 0x09, 0x01, 0x01, 0x60]
        let error = #expect(throws: CodecStringError.self) { try CodecString.hevc(extradata: bytes) }
        #expect(error?.code == .noParameterSet)
    }
}
