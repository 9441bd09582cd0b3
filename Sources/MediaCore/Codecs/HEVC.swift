/// The general part of an HEVC profile_tier_level() (ITU-T H.265 §7.3.3), as carried by the
/// VPS, the SPS and the `hvcC` header.
struct HEVCProfileTierLevel: Hashable {
    /// general_profile_space (0...3).
    var profileSpace: Int
    /// general_tier_flag: false = Main tier, true = High tier.
    var highTier: Bool
    /// general_profile_idc (0...31).
    var profileIDC: Int
    /// general_profile_compatibility_flag[0...31], flag[0] in the most significant bit.
    var compatibilityFlags: UInt32
    /// The 48 bits from general_progressive_source_flag on, as 6 bytes.
    var constraintFlags: [UInt8]
    /// general_level_idc (30 × the level number).
    var levelIDC: Int

    /// Reads the 96 general bits (profile space through level_idc).
    static func readGeneral(_ r: inout BitReader) throws(CodecStringError) -> HEVCProfileTierLevel {
        let space = try r.int(2, "general_profile_space")
        let tier = try r.flag("general_tier_flag")
        let idc = try r.int(5, "general_profile_idc")
        let compatibility = UInt32(truncatingIfNeeded: try r.bits(32, "general_profile_compatibility_flags"))
        var constraints: [UInt8] = []
        for index in 0..<6 { constraints.append(try r.byte("general_constraint_indicator_flags byte \(index)")) }
        let level = try r.int(8, "general_level_idc")
        return HEVCProfileTierLevel(
            profileSpace: space, highTier: tier, profileIDC: idc, compatibilityFlags: compatibility,
            constraintFlags: constraints, levelIDC: level)
    }

    /// Reads profile_tier_level(1, maxSubLayersMinus1) and skips its sub-layer part.
    static func read(_ r: inout BitReader, maxSubLayersMinus1: Int) throws(CodecStringError) -> HEVCProfileTierLevel {
        let general = try readGeneral(&r)
        var profilePresent: [Bool] = []
        var levelPresent: [Bool] = []
        for index in 0..<maxSubLayersMinus1 {
            profilePresent.append(try r.flag("sub_layer_profile_present_flag[\(index)]"))
            levelPresent.append(try r.flag("sub_layer_level_present_flag[\(index)]"))
        }
        if maxSubLayersMinus1 > 0 {
            try r.skip(2 * (8 - maxSubLayersMinus1), "reserved_zero_2bits")
        }
        for index in 0..<maxSubLayersMinus1 {
            if profilePresent[index] { try r.skip(88, "sub_layer profile[\(index)]") }
            if levelPresent[index] { try r.skip(8, "sub_layer_level_idc[\(index)]") }
        }
        return general
    }

    /// The ISO/IEC 14496-15 Annex E codec string, e.g. `hvc1.1.6.L93.B0`. Hex digits are
    /// uppercase, as in the Annex E examples.
    func codecString(sampleEntry: String) -> String {
        let spaceLetter = ["", "A", "B", "C"][profileSpace & 3]
        var reversed: UInt32 = 0
        for bit in 0..<32 where compatibilityFlags & (UInt32(1) << UInt32(bit)) != 0 {
            reversed |= UInt32(1) << UInt32(31 - bit)
        }
        var parts = [
            sampleEntry,
            spaceLetter + String(profileIDC),
            String(reversed, radix: 16, uppercase: true),
            (highTier ? "H" : "L") + String(levelIDC),
        ]
        var constraints = constraintFlags[...]
        while let last = constraints.last, last == 0 { constraints = constraints.dropLast() }
        for byte in constraints { parts.append(String(byte, radix: 16, uppercase: true)) }
        return parts.joined(separator: ".")
    }
}

/// H.265 NAL unit header helpers.
enum H265NAL {
    /// nal_unit_type of a VPS.
    static let vps = 32
    /// nal_unit_type of an SPS.
    static let sps = 33

    /// `(nal_unit_type, nuh_layer_id)`; `.malformed` if forbidden_zero_bit is set, `.truncated`
    /// if the 2-byte header is incomplete.
    static func header(of nal: ArraySlice<UInt8>, context: String) throws(CodecStringError) -> (type: Int, layer: Int) {
        guard let first = nal.first, nal.count >= 2 else {
            throw .truncated("\(context): NAL unit of \(nal.count) bytes, the header needs 2")
        }
        guard first & 0x80 == 0 else {
            throw .malformed("\(context): forbidden_zero_bit set in NAL header \(Hex.literal(first))")
        }
        let second = nal[nal.index(after: nal.startIndex)]
        return (Int((first >> 1) & 0x3F), Int(first & 1) << 5 | Int(second >> 3))
    }
}

/// The fields of an `HEVCDecoderConfigurationRecord` (ISO/IEC 14496-15 §8.3.3.1, the `hvcC`
/// box payload) used here.
struct HEVCDecoderConfigurationRecord {
    /// The general profile/tier/level copied into the record header.
    var profileTierLevel: HEVCProfileTierLevel
    /// The NAL unit arrays: declared type and units (headers included, emulation prevention kept).
    var arrays: [(type: Int, units: [ArraySlice<UInt8>])]

    /// Parses a record; `.malformed` unless `configurationVersion` is 1, `.truncated` when the
    /// 23-byte header or a declared array/length runs past the end.
    static func parse(_ bytes: [UInt8]) throws(CodecStringError) -> HEVCDecoderConfigurationRecord {
        var reader = ByteReader(bytes, context: "hvcC")
        let version = try reader.u8("configurationVersion")
        guard version == 1 else {
            throw .malformed("hvcC: configurationVersion \(Hex.literal(version)) at byte 0, expected 1")
        }
        let header = try reader.bytes(12, "general_profile_space...general_level_idc")
        var bits = BitReader(Array(header), context: "hvcC")
        let ptl = try HEVCProfileTierLevel.readGeneral(&bits)
        _ = try reader.bytes(8, "min_spatial_segmentation_idc...avgFrameRate")
        _ = try reader.u8("lengthSizeMinusOne")
        let arrayCount = Int(try reader.u8("numOfArrays"))
        var arrays: [(type: Int, units: [ArraySlice<UInt8>])] = []
        for arrayIndex in 0..<arrayCount {
            let type = Int(try reader.u8("array[\(arrayIndex)].NAL_unit_type") & 0x3F)
            let count = try reader.u16("array[\(arrayIndex)].numNalus")
            var units: [ArraySlice<UInt8>] = []
            for unitIndex in 0..<count {
                let length = try reader.u16("array[\(arrayIndex)].nalUnitLength[\(unitIndex)]")
                units.append(try reader.bytes(length, "array[\(arrayIndex)].nalUnit[\(unitIndex)]"))
            }
            arrays.append((type, units))
        }
        return HEVCDecoderConfigurationRecord(profileTierLevel: ptl, arrays: arrays)
    }
}

/// HEVC extradata in either of its two shapes.
enum HEVCExtradata {
    /// An `hvcC` record (MP4, Matroska).
    case record(HEVCDecoderConfigurationRecord)
    /// Annex B NAL units (MPEG-TS, raw `.hevc`).
    case annexB([ArraySlice<UInt8>])

    /// Classifies by the first bytes: a start code means Annex B, anything else must be `hvcC`.
    static func classify(_ extradata: [UInt8]) throws(CodecStringError) -> HEVCExtradata {
        guard !extradata.isEmpty else { throw .empty("HEVC extradata: no bytes") }
        if AnnexB.hasStartCode(extradata) { return .annexB(try AnnexB.split(extradata)) }
        return .record(try HEVCDecoderConfigurationRecord.parse(extradata))
    }

    /// The RBSP of the first base-layer NAL unit of `type` (VPS or SPS), if any, with its context.
    func firstPayload(ofType type: Int) throws(CodecStringError) -> (rbsp: [UInt8], context: String)? {
        let name = type == H265NAL.vps ? "VPS" : "SPS"
        switch self {
        case .record(let record):
            for (arrayIndex, array) in record.arrays.enumerated() where array.type == type {
                for (unitIndex, nal) in array.units.enumerated() {
                    let context = "hvcC: array[\(arrayIndex)].nalUnit[\(unitIndex)]"
                    let header = try H265NAL.header(of: nal, context: context)
                    guard header.type == type else {
                        throw .malformed("\(context) has nal_unit_type \(header.type), the array declares \(type)")
                    }
                    if header.layer == 0 { return (try AnnexB.rbsp(nal, context: context), "HEVC \(name)") }
                }
            }
        case .annexB(let units):
            for (index, nal) in units.enumerated() {
                let header = try H265NAL.header(of: nal, context: "Annex B NAL unit \(index)")
                if header.type == type && header.layer == 0 {
                    let context = "HEVC \(name) (NAL unit \(index))"
                    return (try AnnexB.rbsp(nal, context: context), context)
                }
            }
        }
        return nil
    }

    /// What the codec string describes: the `hvcC` header's profile_tier_level, or for Annex B
    /// the first SPS's, else the first VPS's.
    func profileTierLevel() throws(CodecStringError) -> HEVCProfileTierLevel {
        switch self {
        case .record(let record):
            return record.profileTierLevel
        case .annexB(let units):
            if let sps = try firstPayload(ofType: H265NAL.sps) {
                var r = BitReader(sps.rbsp, context: sps.context)
                try r.skip(16, "nal_unit_header")
                try r.skip(4, "sps_video_parameter_set_id")
                _ = try r.int(3, "sps_max_sub_layers_minus1")
                try r.skip(1, "sps_temporal_id_nesting_flag")
                return try HEVCProfileTierLevel.readGeneral(&r)
            }
            if let vps = try firstPayload(ofType: H265NAL.vps) {
                var r = BitReader(vps.rbsp, context: vps.context)
                try r.skip(16, "nal_unit_header")
                try r.skip(4 + 1 + 1 + 6 + 3 + 1 + 16, "vps_video_parameter_set_id...vps_reserved_0xffff_16bits")
                return try HEVCProfileTierLevel.readGeneral(&r)
            }
            throw .noParameterSet("Annex B: no HEVC SPS or VPS (nal_unit_type 33/32) among \(units.count) NAL units")
        }
    }
}

/// The leading fields of an HEVC sequence parameter set (ITU-T H.265 §7.3.2.2.1) up to the bit
/// depths: profile, level, conformance-window-cropped size and bit depth.
struct H265SPS {
    /// The SPS's general profile_tier_level.
    var profileTierLevel: HEVCProfileTierLevel
    /// chroma_format_idc.
    var chromaFormatIDC: Int
    /// Width in luma samples after the conformance window.
    var width: Int
    /// Height in luma samples after the conformance window.
    var height: Int
    /// BitDepthY.
    var bitDepthLuma: Int

    /// Parses a base-layer SPS RBSP that starts with its 2-byte NAL header.
    static func parse(_ rbsp: [UInt8], context: String = "HEVC SPS") throws(CodecStringError) -> H265SPS {
        var r = BitReader(rbsp, context: context)
        try r.skip(16, "nal_unit_header")
        try r.skip(4, "sps_video_parameter_set_id")
        let maxSubLayersMinus1 = try r.int(3, "sps_max_sub_layers_minus1")
        guard maxSubLayersMinus1 <= 6 else {
            throw .malformed("\(context): sps_max_sub_layers_minus1 = 7 at bit 20, expected 0...6")
        }
        try r.skip(1, "sps_temporal_id_nesting_flag")
        let ptl = try HEVCProfileTierLevel.read(&r, maxSubLayersMinus1: maxSubLayersMinus1)
        _ = try r.ue("sps_seq_parameter_set_id", in: 0...15)
        let chromaFormat = try r.ue("chroma_format_idc", in: 0...3)
        var separateColourPlane = false
        if chromaFormat == 3 { separateColourPlane = try r.flag("separate_colour_plane_flag") }
        // Bounded so the arithmetic below cannot overflow; level 6.2 allows at most
        // sqrt(8 × MaxLumaPs) ≈ 16888 samples per side.
        let codedWidth = try r.ue("pic_width_in_luma_samples", in: 1...65_535)
        let codedHeight = try r.ue("pic_height_in_luma_samples", in: 1...65_535)
        var left = 0, right = 0, top = 0, bottom = 0
        if try r.flag("conformance_window_flag") {
            left = try r.ue("conf_win_left_offset", in: 0...65_535)
            right = try r.ue("conf_win_right_offset", in: 0...65_535)
            top = try r.ue("conf_win_top_offset", in: 0...65_535)
            bottom = try r.ue("conf_win_bottom_offset", in: 0...65_535)
        }
        let bitDepthLuma = 8 + (try r.ue("bit_depth_luma_minus8", in: 0...8))
        _ = try r.ue("bit_depth_chroma_minus8", in: 0...8)
        // Table 6-1: SubWidthC/SubHeightC by ChromaArrayType.
        let chromaArrayType = separateColourPlane ? 0 : chromaFormat
        let subWidthC = chromaArrayType == 1 || chromaArrayType == 2 ? 2 : 1
        let subHeightC = chromaArrayType == 1 ? 2 : 1
        let width = codedWidth - subWidthC * (left + right)
        let height = codedHeight - subHeightC * (top + bottom)
        guard width > 0, height > 0 else {
            throw .malformed(
                "\(context): conformance window (\(left), \(right), \(top), \(bottom)) "
                    + "leaves no picture of \(codedWidth)x\(codedHeight)")
        }
        return H265SPS(
            profileTierLevel: ptl, chromaFormatIDC: chromaFormat, width: width, height: height,
            bitDepthLuma: bitDepthLuma)
    }
}
