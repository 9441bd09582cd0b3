/// The fields of an `AVCDecoderConfigurationRecord` (ISO/IEC 14496-15 §5.3.3.1, the `avcC` box
/// payload) that codec strings and checks need. Trailing high-profile extension bytes
/// (chroma_format etc.) are ignored: they repeat what the SPS says and are often absent.
struct AVCDecoderConfigurationRecord {
    /// `AVCProfileIndication`, equal to the SPS's profile_idc.
    var profileIndication: UInt8
    /// `profile_compatibility`, the SPS byte holding constraint_set0..5_flag.
    var profileCompatibility: UInt8
    /// `AVCLevelIndication`, equal to the SPS's level_idc.
    var levelIndication: UInt8
    /// The SPS NAL units (with their 1-byte NAL header, emulation prevention still in place).
    var sequenceParameterSets: [ArraySlice<UInt8>]
    /// The PPS NAL units.
    var pictureParameterSets: [ArraySlice<UInt8>]

    /// Parses a record; `.malformed` unless `configurationVersion` is 1, `.truncated` when a
    /// declared length runs past the end.
    static func parse(_ bytes: [UInt8]) throws(CodecStringError) -> AVCDecoderConfigurationRecord {
        var reader = ByteReader(bytes, context: "avcC")
        let version = try reader.u8("configurationVersion")
        guard version == 1 else {
            throw .malformed("avcC: configurationVersion \(Hex.literal(version)) at byte 0, expected 1")
        }
        let profile = try reader.u8("AVCProfileIndication")
        let compatibility = try reader.u8("profile_compatibility")
        let level = try reader.u8("AVCLevelIndication")
        _ = try reader.u8("lengthSizeMinusOne")
        let spsCount = Int(try reader.u8("numOfSequenceParameterSets") & 0x1F)
        var sps: [ArraySlice<UInt8>] = []
        for index in 0..<spsCount {
            let length = try reader.u16("sequenceParameterSetLength[\(index)]")
            sps.append(try reader.bytes(length, "sequenceParameterSetNALUnit[\(index)]"))
        }
        let ppsCount = Int(try reader.u8("numOfPictureParameterSets"))
        var pps: [ArraySlice<UInt8>] = []
        for index in 0..<ppsCount {
            let length = try reader.u16("pictureParameterSetLength[\(index)]")
            pps.append(try reader.bytes(length, "pictureParameterSetNALUnit[\(index)]"))
        }
        return AVCDecoderConfigurationRecord(
            profileIndication: profile, profileCompatibility: compatibility, levelIndication: level,
            sequenceParameterSets: sps, pictureParameterSets: pps)
    }
}

/// H.264 extradata in either of its two shapes.
enum AVCExtradata {
    /// An `avcC` record (MP4, MOV, Matroska).
    case record(AVCDecoderConfigurationRecord)
    /// Annex B NAL units (MPEG-TS, raw `.h264`).
    case annexB([ArraySlice<UInt8>])

    /// Classifies by the first bytes: a start code means Annex B, anything else must be an
    /// `avcC` record.
    static func classify(_ extradata: [UInt8]) throws(CodecStringError) -> AVCExtradata {
        guard !extradata.isEmpty else { throw .empty("H.264 extradata: no bytes") }
        if AnnexB.hasStartCode(extradata) { return .annexB(try AnnexB.split(extradata)) }
        return .record(try AVCDecoderConfigurationRecord.parse(extradata))
    }

    /// The RBSP of the first SPS (nal_unit_type 7), or `.noParameterSet`.
    func firstSPSPayload() throws(CodecStringError) -> [UInt8] {
        switch self {
        case .record(let record):
            for (index, nal) in record.sequenceParameterSets.enumerated() {
                let context = "avcC: sequenceParameterSetNALUnit[\(index)]"
                guard try H264NAL.type(of: nal, context: context) == 7 else {
                    throw .malformed("\(context) has nal_unit_type \(H264NAL.typeOrZero(nal)), expected 7")
                }
                return try AnnexB.rbsp(nal, context: context)
            }
            throw .noParameterSet("avcC: numOfSequenceParameterSets is 0")
        case .annexB(let units):
            for (index, nal) in units.enumerated() {
                let context = "Annex B NAL unit \(index)"
                if try H264NAL.type(of: nal, context: context) == 7 {
                    return try AnnexB.rbsp(nal, context: "H.264 SPS (NAL unit \(index))")
                }
            }
            throw .noParameterSet("Annex B: no H.264 SPS (nal_unit_type 7) among \(units.count) NAL units")
        }
    }
}

/// H.264 NAL unit header helpers.
enum H264NAL {
    /// `nal_unit_type` of a NAL unit; `.malformed` if forbidden_zero_bit is set, `.truncated` if empty.
    static func type(of nal: ArraySlice<UInt8>, context: String) throws(CodecStringError) -> Int {
        guard let header = nal.first else { throw .truncated("\(context): empty NAL unit, no header byte") }
        guard header & 0x80 == 0 else {
            throw .malformed("\(context): forbidden_zero_bit set in NAL header \(Hex.literal(header))")
        }
        return Int(header & 0x1F)
    }

    /// `nal_unit_type` without validation (for messages).
    static func typeOrZero(_ nal: ArraySlice<UInt8>) -> Int { Int((nal.first ?? 0) & 0x1F) }
}

/// The leading fields of an H.264 sequence parameter set (ITU-T H.264 §7.3.2.1.1) up to the
/// frame cropping offsets: enough for profile, level, display size and bit depth.
struct H264SPS {
    /// profile_idc.
    var profileIDC: Int
    /// The byte holding constraint_set0..5_flag and reserved_zero_2bits.
    var constraintFlags: UInt8
    /// level_idc.
    var levelIDC: Int
    /// chroma_format_idc (1 when absent).
    var chromaFormatIDC: Int
    /// BitDepthY (8 when absent).
    var bitDepthLuma: Int
    /// Cropped width in luma samples.
    var width: Int
    /// Cropped frame height in luma samples (both fields for field coding).
    var height: Int

    /// Profiles whose SPS carries chroma_format_idc, bit depths and scaling matrices.
    static let highProfiles: Set<Int> = [100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]

    /// Parses an SPS RBSP that starts with its NAL header byte.
    static func parse(_ rbsp: [UInt8]) throws(CodecStringError) -> H264SPS {
        var r = BitReader(rbsp, context: "H.264 SPS")
        try r.skip(8, "nal_unit_header")
        let profile = try r.int(8, "profile_idc")
        let constraints = try r.byte("constraint_set_flags")
        let level = try r.int(8, "level_idc")
        _ = try r.ue("seq_parameter_set_id", in: 0...31)
        var chromaFormat = 1
        var separateColourPlane = false
        var bitDepthLuma = 8
        if highProfiles.contains(profile) {
            chromaFormat = try r.ue("chroma_format_idc", in: 0...3)
            if chromaFormat == 3 { separateColourPlane = try r.flag("separate_colour_plane_flag") }
            bitDepthLuma = 8 + (try r.ue("bit_depth_luma_minus8", in: 0...6))
            _ = try r.ue("bit_depth_chroma_minus8", in: 0...6)
            try r.skip(1, "qpprime_y_zero_transform_bypass_flag")
            if try r.flag("seq_scaling_matrix_present_flag") {
                let lists = chromaFormat == 3 ? 12 : 8
                for index in 0..<lists {
                    if try r.flag("seq_scaling_list_present_flag[\(index)]") {
                        try skipScalingList(&r, size: index < 6 ? 16 : 64, index: index)
                    }
                }
            }
        }
        _ = try r.ue("log2_max_frame_num_minus4", in: 0...12)
        let pocType = try r.ue("pic_order_cnt_type", in: 0...2)
        if pocType == 0 {
            _ = try r.ue("log2_max_pic_order_cnt_lsb_minus4", in: 0...12)
        } else if pocType == 1 {
            try r.skip(1, "delta_pic_order_always_zero_flag")
            _ = try r.se("offset_for_non_ref_pic")
            _ = try r.se("offset_for_top_to_bottom_field")
            let cycle = try r.ue("num_ref_frames_in_pic_order_cnt_cycle", in: 0...255)
            for index in 0..<cycle { _ = try r.se("offset_for_ref_frame[\(index)]") }
        }
        _ = try r.ue("max_num_ref_frames")
        try r.skip(1, "gaps_in_frame_num_value_allowed_flag")
        // Bounded so that the sample arithmetic below cannot overflow (H.264 allows at most
        // 139264 macroblocks per frame, level 6.2).
        let widthInMbs = try r.ue("pic_width_in_mbs_minus1", in: 0...65_535) + 1
        let heightInMapUnits = try r.ue("pic_height_in_map_units_minus1", in: 0...65_535) + 1
        let frameMbsOnly = try r.flag("frame_mbs_only_flag")
        if !frameMbsOnly { try r.skip(1, "mb_adaptive_frame_field_flag") }
        try r.skip(1, "direct_8x8_inference_flag")
        var cropLeft = 0, cropRight = 0, cropTop = 0, cropBottom = 0
        if try r.flag("frame_cropping_flag") {
            cropLeft = try r.ue("frame_crop_left_offset", in: 0...1_048_576)
            cropRight = try r.ue("frame_crop_right_offset", in: 0...1_048_576)
            cropTop = try r.ue("frame_crop_top_offset", in: 0...1_048_576)
            cropBottom = try r.ue("frame_crop_bottom_offset", in: 0...1_048_576)
        }
        // Table 6-1 and equations 7-19..7-22.
        let chromaArrayType = separateColourPlane ? 0 : chromaFormat
        let subWidthC = chromaArrayType == 1 || chromaArrayType == 2 ? 2 : 1
        let subHeightC = chromaArrayType == 1 ? 2 : 1
        let fieldFactor = frameMbsOnly ? 1 : 2
        let cropUnitX = chromaArrayType == 0 ? 1 : subWidthC
        let cropUnitY = chromaArrayType == 0 ? fieldFactor : subHeightC * fieldFactor
        let width = widthInMbs * 16 - cropUnitX * (cropLeft + cropRight)
        let height = fieldFactor * heightInMapUnits * 16 - cropUnitY * (cropTop + cropBottom)
        guard width > 0, height > 0 else {
            throw .malformed(
                "H.264 SPS: frame cropping (\(cropLeft), \(cropRight), \(cropTop), \(cropBottom)) "
                    + "leaves no picture of \(widthInMbs * 16)x\(fieldFactor * heightInMapUnits * 16)")
        }
        return H264SPS(
            profileIDC: profile, constraintFlags: constraints, levelIDC: level,
            chromaFormatIDC: chromaFormat, bitDepthLuma: bitDepthLuma, width: width, height: height)
    }

    /// scaling_list() of §7.3.2.1.1.1: delta-coded entries until nextScale becomes 0.
    private static func skipScalingList(_ r: inout BitReader, size: Int, index: Int) throws(CodecStringError) {
        var lastScale = 8
        var nextScale = 8
        for entry in 0..<size where nextScale != 0 {
            let delta = try r.se("delta_scale[\(index)][\(entry)]")
            guard (-128...127).contains(delta) else {
                throw .malformed("H.264 SPS: delta_scale[\(index)][\(entry)] = \(delta), expected -128...127")
            }
            nextScale = (lastScale + delta + 256) % 256
            lastScale = nextScale == 0 ? lastScale : nextScale
        }
    }
}
