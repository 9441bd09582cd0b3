/// The parts of an MPEG-4 AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1) that decide the
/// RFC 6381 `mp4a.40.<audioObjectType>` codec string.
struct AudioSpecificConfig {
    /// The object type to advertise: the first audioObjectType, or 5 / 29 when SBR / PS is
    /// signalled (explicitly, or backward-compatibly by a sync extension).
    var advertisedObjectType: Int
    /// The first audioObjectType field (after the escape).
    var audioObjectType: Int

    /// Parses up to what the codec string needs. `.truncated` if the mandatory leading fields
    /// are cut short, `.malformed` for object type 0 or a reserved sampling frequency index.
    static func parse(_ bytes: [UInt8]) throws(CodecStringError) -> AudioSpecificConfig {
        guard !bytes.isEmpty else { throw .empty("AudioSpecificConfig: no bytes") }
        var r = BitReader(bytes, context: "AudioSpecificConfig")
        let aot = try objectType(&r, "audioObjectType")
        try samplingFrequency(&r, "samplingFrequencyIndex")
        let channelConfiguration = try r.int(4, "channelConfiguration")
        if aot == 5 || aot == 29 {
            // Explicit hierarchical signalling: the extension rate, then the core's object type.
            try samplingFrequency(&r, "extensionSamplingFrequencyIndex")
            _ = try objectType(&r, "audioObjectType (core)")
            return AudioSpecificConfig(advertisedObjectType: aot, audioObjectType: aot)
        }
        var result = AudioSpecificConfig(advertisedObjectType: aot, audioObjectType: aot)
        // Backward-compatible signalling: a sync extension after the GASpecificConfig. Only
        // looked for when the GASpecificConfig can be skipped exactly (no program_config_element);
        // it is optional, so anything unexpected there leaves the core object type.
        if (1...4).contains(aot), channelConfiguration != 0,
            let extended = try? implicitExtension(&r, aot: aot)
        {
            result.advertisedObjectType = extended
        }
        return result
    }

    /// The SBR/PS object type announced by a sync extension, or nil.
    private static func implicitExtension(_ r: inout BitReader, aot: Int) throws(CodecStringError) -> Int? {
        // GASpecificConfig for object types 1...4 (§4.4.1): no layerNr or resilience flags.
        try r.skip(1, "frameLengthFlag")
        if try r.flag("dependsOnCoreCoder") { try r.skip(14, "coreCoderDelay") }
        if try r.flag("extensionFlag") { try r.skip(1, "extensionFlag3") }
        guard r.bitsRemaining >= 16, try r.int(11, "syncExtensionType") == 0x2B7 else { return nil }
        guard try objectType(&r, "extensionAudioObjectType") == 5, try r.flag("sbrPresentFlag") else { return nil }
        try samplingFrequency(&r, "extensionSamplingFrequencyIndex")
        if r.bitsRemaining >= 12, try r.int(11, "syncExtensionType") == 0x548, try r.flag("psPresentFlag") {
            return 29
        }
        return 5
    }

    /// GetAudioObjectType(): 5 bits, 31 escaping to 32 + 6 more bits.
    private static func objectType(_ r: inout BitReader, _ field: String) throws(CodecStringError) -> Int {
        let start = r.bitPosition
        var value = try r.int(5, field)
        if value == 31 { value = 32 + (try r.int(6, "\(field) (audioObjectTypeExt)")) }
        guard value != 0 else { throw .malformed("AudioSpecificConfig: \(field) is 0 (null object) at bit \(start)") }
        return value
    }

    /// samplingFrequencyIndex, with 0xF followed by a 24-bit explicit frequency.
    private static func samplingFrequency(_ r: inout BitReader, _ field: String) throws(CodecStringError) {
        let start = r.bitPosition
        let index = try r.int(4, field)
        if index == 0xF {
            try r.skip(24, "\(field) (samplingFrequency)")
        } else if index > 12 {
            throw .malformed("AudioSpecificConfig: \(field) \(index) at bit \(start) is reserved")
        }
    }
}
