/// RFC 6381 `CODECS` values (as used by the HLS `CODECS` attribute and DASH `@codecs`),
/// computed from the bitstream configuration FFmpeg exposes as `AVCodecParameters.extradata`.
///
/// Video extradata may be either an ISO/IEC 14496-15 configuration record (`avcC`/`hvcC`, from
/// MP4/MOV/Matroska) or Annex B NAL units with start codes (MPEG-TS, raw streams); the shape is
/// detected from the first bytes (a `00 00 01` / `00 00 00 01` start code means Annex B).
///
/// Hex case follows each format's established convention: AVC uses lowercase (`avc1.64001f`,
/// as in Apple's HLS authoring examples and FFmpeg), HEVC uppercase (`hvc1.2.4.L120.B0`, as in
/// ISO/IEC 14496-15 Annex E). Consumers compare these case-insensitively, but the output is
/// deterministic.
public enum CodecString {
    /// `avc1.PPCCLL`: profile_idc, the constraint-flags byte and level_idc as two lowercase hex
    /// digits each, e.g. `avc1.64001f` (High 3.1), `avc1.42c01e` (Constrained Baseline 3.0).
    ///
    /// From an `avcC` record the three header bytes (AVCProfileIndication,
    /// profile_compatibility, AVCLevelIndication) are used and the rest of the record is
    /// validated; from Annex B the first SPS (nal_unit_type 7) is read after removing
    /// emulation-prevention bytes. The sample entry is always `avc1`; use `avc3` yourself if
    /// parameter sets travel in-band.
    ///
    /// - Throws: `.empty`, `.truncated`, `.malformed` (bad configurationVersion, missing start
    ///   code, forbidden bit), `.noParameterSet` (Annex B without an SPS).
    public static func avc(extradata: [UInt8]) throws(CodecStringError) -> String {
        let profile: UInt8, constraints: UInt8, level: UInt8
        switch try AVCExtradata.classify(extradata) {
        case .record(let record):
            (profile, constraints, level) =
                (record.profileIndication, record.profileCompatibility, record.levelIndication)
        case .annexB(let units):
            let sps = try AVCExtradata.annexB(units).firstSPSPayload()
            var r = BitReader(sps, context: "H.264 SPS")
            try r.skip(8, "nal_unit_header")
            profile = try r.byte("profile_idc")
            constraints = try r.byte("constraint_set_flags")
            level = try r.byte("level_idc")
        }
        return "avc1." + Hex.byte(profile, uppercase: false) + Hex.byte(constraints, uppercase: false)
            + Hex.byte(level, uppercase: false)
    }

    /// The ISO/IEC 14496-15 Annex E string
    /// `<entry>.<space letter><profile_idc>.<compat flags>.<L|H><level_idc>[.<constraint byte>…]`,
    /// e.g. `hvc1.1.6.L93.B0` (Main, level 3.1), `hvc1.2.4.L120.B0` (Main 10, level 4).
    ///
    /// The profile space is "" / A / B / C for 0...3; the 32 compatibility flags are bit-reversed
    /// and printed in uppercase hex without leading zeros; the tier letter is L (Main) or H
    /// (High); the six constraint bytes are printed in uppercase hex without leading zeros, with
    /// trailing zero bytes dropped (all six when all are zero).
    ///
    /// From an `hvcC` record the header's profile_tier_level is used and the NAL arrays are
    /// validated; from Annex B the first base-layer SPS (nal_unit_type 33) is read, else the first
    /// VPS (32), after removing emulation-prevention bytes.
    ///
    /// - Parameter sampleEntry: `"hvc1"` (default: parameter sets only in the sample entry, as
    ///   Apple requires) or `"hev1"`; anything else throws `.unsupported`.
    /// - Throws: `.empty`, `.truncated`, `.malformed`, `.noParameterSet`, `.unsupported`.
    public static func hevc(extradata: [UInt8], sampleEntry: String = "hvc1") throws(CodecStringError) -> String {
        guard sampleEntry == "hvc1" || sampleEntry == "hev1" else {
            throw .unsupported("HEVC sample entry \"\(sampleEntry)\", expected \"hvc1\" or \"hev1\"")
        }
        return try HEVCExtradata.classify(extradata).profileTierLevel().codecString(sampleEntry: sampleEntry)
    }

    /// `mp4a.40.<audioObjectType>` from an MPEG-4 AudioSpecificConfig (the `esds`
    /// DecoderSpecificInfo, FFmpeg's AAC extradata), e.g. `mp4a.40.2` for AAC-LC.
    ///
    /// The escape value 31 is expanded (32 + 6 bits, e.g. `mp4a.40.42` for USAC). Explicit
    /// SBR/PS signalling (first object type 5 or 29) gives `mp4a.40.5` / `mp4a.40.29`.
    /// Backward-compatible signalling (object type 1...4 followed by a 0x2B7 sync extension with
    /// sbrPresentFlag, optionally a 0x548 one with psPresentFlag) is also reported as 40.5 /
    /// 40.29, as Apple's HLS tools do; it is not looked for when channelConfiguration is 0
    /// (program_config_element).
    ///
    /// - Throws: `.empty`, `.truncated` (cut inside the leading fields), `.malformed` (object
    ///   type 0, reserved sampling frequency index).
    public static func aac(audioSpecificConfig: [UInt8]) throws(CodecStringError) -> String {
        "mp4a.40.\(try AudioSpecificConfig.parse(audioSpecificConfig).advertisedObjectType)"
    }

    /// `mp4a.40.<n>` from FFmpeg's `AVCodecParameters.profile` when there is no
    /// AudioSpecificConfig (e.g. ADTS input): FF_PROFILE_AAC_MAIN 0 → 40.1, LOW 1 → 40.2,
    /// SSR 2 → 40.3, LTP 3 → 40.4, HE 4 → 40.5, HE_V2 28 → 40.29, LD 22 → 40.23, ELD 38 → 40.39,
    /// MPEG2_AAC_LOW 128 → 40.2, MPEG2_AAC_HE 131 → 40.5; anything else (including
    /// FF_PROFILE_UNKNOWN -99) → 40.2.
    public static func aac(ffmpegProfile: Int) -> String {
        let objectType: Int
        switch ffmpegProfile {
        case 0: objectType = 1
        case 1, 128: objectType = 2
        case 2: objectType = 3
        case 3: objectType = 4
        case 4, 131: objectType = 5
        case 28: objectType = 29
        case 22: objectType = 23
        case 38: objectType = 39
        default: objectType = 2
        }
        return "mp4a.40.\(objectType)"
    }

    /// MPEG-1/2 Audio Layer III in MP4/fMP4: `mp4a.40.34` (object type 34, Layer-3).
    public static let mp3 = "mp4a.40.34"
    /// Dolby Digital (AC-3), per ETSI TS 102 366 Annex F.
    public static let ac3 = "ac-3"
    /// Dolby Digital Plus (E-AC-3), per ETSI TS 102 366 Annex F.
    public static let eac3 = "ec-3"
}

/// Minimal facts parsed from an H.264 or HEVC sequence parameter set, for sanity checks (e.g.
/// that a rendition's declared RESOLUTION matches its bitstream). Not used for codec strings.
public struct VideoParameterFacts: Sendable, Hashable {
    /// profile_idc (H.264) or general_profile_idc (HEVC).
    public var profileIDC: Int
    /// level_idc (H.264, e.g. 31 for 3.1) or general_level_idc (HEVC, 30 × level, e.g. 93).
    public var levelIDC: Int
    /// Display width in luma samples after frame cropping / the conformance window.
    public var width: Int?
    /// Display height in luma samples after cropping (the full frame for interlaced H.264).
    public var height: Int?
    /// Luma bit depth (8 unless the SPS says otherwise).
    public var bitDepth: Int?

    /// Facts with the given values.
    public init(profileIDC: Int, levelIDC: Int, width: Int? = nil, height: Int? = nil, bitDepth: Int? = nil) {
        self.profileIDC = profileIDC
        self.levelIDC = levelIDC
        self.width = width
        self.height = height
        self.bitDepth = bitDepth
    }
}

/// SPS parsing for checks. Both functions need an SPS (not just a record header or a VPS) and
/// always fill every field of `VideoParameterFacts` when they return.
public enum ParameterSets {
    /// Facts from the first SPS in an `avcC` record or Annex B bytes: profile_idc, level_idc, the
    /// frame-cropped size (handling chroma format, separate colour planes, field coding) and the
    /// luma bit depth. Scaling matrices and POC-type-1 cycles are parsed through.
    ///
    /// - Throws: as `CodecString.avc(extradata:)`, plus `.noParameterSet` for a record without an
    ///   SPS, and `.truncated`/`.malformed` (naming the SPS field) for a bad SPS.
    public static func avcFacts(extradata: [UInt8]) throws(CodecStringError) -> VideoParameterFacts {
        let sps = try H264SPS.parse(try AVCExtradata.classify(extradata).firstSPSPayload())
        return VideoParameterFacts(
            profileIDC: sps.profileIDC, levelIDC: sps.levelIDC, width: sps.width, height: sps.height,
            bitDepth: sps.bitDepthLuma)
    }

    /// Facts from the first base-layer SPS in an `hvcC` record or Annex B bytes:
    /// general_profile_idc, general_level_idc, the conformance-window-cropped size and the luma
    /// bit depth.
    ///
    /// - Throws: as `CodecString.hevc(extradata:sampleEntry:)`, plus `.noParameterSet` when there
    ///   is no SPS (a VPS alone is not enough), and `.truncated`/`.malformed` for a bad SPS.
    public static func hevcFacts(extradata: [UInt8]) throws(CodecStringError) -> VideoParameterFacts {
        let source = try HEVCExtradata.classify(extradata)
        guard let payload = try source.firstPayload(ofType: H265NAL.sps) else {
            throw .noParameterSet("HEVC extradata: no SPS (nal_unit_type 33, nuh_layer_id 0)")
        }
        let sps = try H265SPS.parse(payload.rbsp, context: payload.context)
        return VideoParameterFacts(
            profileIDC: sps.profileTierLevel.profileIDC, levelIDC: sps.profileTierLevel.levelIDC,
            width: sps.width, height: sps.height, bitDepth: sps.bitDepthLuma)
    }
}
