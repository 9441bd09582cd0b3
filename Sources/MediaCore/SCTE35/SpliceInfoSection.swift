/// An SCTE-35 `splice_info_section()` (ANSI/SCTE 35 2022 §9.6): one cue, as carried in an
/// MPEG-TS section, an HLS `EXT-X-DATERANGE` `SCTE35-OUT/IN/CMD` attribute (0x-hex) or an
/// `EXT-X-CUE-OUT` / `EXT-OATCLS-SCTE35` tag (base64).
///
/// `encode()` writes the section bit-exactly with a correct CRC_32; `decode(_:)` checks
/// `table_id`, the flags, every length and the CRC_32 before reading a field, never traps on any
/// input, and reports problems as `SCTE35Error` values. Decoding then re-encoding gives the same
/// bytes, with three normalizations: reserved bits are written as 1, a legacy
/// `splice_command_length` of 0xFFF ("unknown") is written as the real length, and a
/// non-immediate `splice_insert` whose `splice_time()` has `time_specified_flag` 0 is written as
/// `splice_immediate_flag` 1. Bytes after the section (past `3 + section_length`, e.g. TS
/// stuffing) are ignored. Encrypted sections are rejected (`.encrypted`).
///
/// All times are 90 kHz ticks (`MediaTime.mpegTimescale`); PTS values are 33-bit.
public struct SpliceInfoSection: Sendable, Hashable {
    /// `protocol_version`; only 0 is defined (decoding rejects anything else).
    public var protocolVersion: UInt8
    /// `pts_adjustment`: 90 kHz ticks (33 bits) added, modulo 2^33, to every PTS in the command.
    public var ptsAdjustment: Int64
    /// `tier` (12 bits); 0xFFF = all tiers.
    public var tier: UInt16
    /// The splice command.
    public var command: SpliceCommand
    /// The descriptor loop, in order.
    public var descriptors: [SpliceDescriptor]
    /// `sap_type` (2 bits, SCTE 35 2020+; reserved before): 0 = SAP type 1, 1 = type 2,
    /// 2 = type 3, 3 = not specified (the default, and what older encoders write).
    public var sapType: UInt8
    /// `cw_index`: the control word of an encrypted section. Meaningless here (encrypted sections
    /// are not decoded) but kept so re-encoding is lossless; defaults to 0xFF as in the
    /// standard's examples.
    public var cwIndex: UInt8
    /// `encryption_algorithm` (6 bits) as found in an unencrypted section (normally 0), kept so
    /// re-encoding is lossless.
    public var encryptionAlgorithm: UInt8
    /// `alignment_stuffing` bytes between the descriptor loop and CRC_32 (normally none).
    public var alignmentStuffing: [UInt8]

    /// A section carrying `command`: protocol version 0, SAP type "not specified", cw_index 0xFF.
    public init(command: SpliceCommand, descriptors: [SpliceDescriptor] = [], ptsAdjustment: Int64 = 0, tier: UInt16 = 0xFFF) {
        self.protocolVersion = 0
        self.ptsAdjustment = ptsAdjustment
        self.tier = tier
        self.command = command
        self.descriptors = descriptors
        self.sapType = 3
        self.cwIndex = 0xFF
        self.encryptionAlgorithm = 0
        self.alignmentStuffing = []
    }

    /// 2^33 - 1: the mask of a 33-bit PTS.
    public static let ptsMask: Int64 = (1 << 33) - 1

    /// The command's splice time with `pts_adjustment` applied (modulo 2^33), when it has one.
    public var adjustedPTS: Int64? {
        command.pts.map { ($0 &+ ptsAdjustment) & Self.ptsMask }
    }

    /// The segmentation descriptors, in order.
    public var segmentationDescriptors: [SegmentationDescriptor] { descriptors.compactMap(\.segmentation) }

    // MARK: Encoding

    /// The section's bytes, CRC_32 included.
    ///
    /// Fields are masked to their bit widths (PTS values are therefore taken modulo 2^33, as the
    /// clock wraps); use `encoded()` or `validate()` to be told about values that do not fit.
    public func encode() -> [UInt8] {
        let commandBytes = Self.encodeCommand(command)
        var loop: [UInt8] = []
        for descriptor in descriptors { loop += Self.encodeDescriptor(descriptor) }
        let sectionLength = 11 + commandBytes.count + 2 + loop.count + alignmentStuffing.count + 4

        var writer = SCTE35Writer()
        writer.put(0xFC, 8)  // table_id
        writer.flag(false)  // section_syntax_indicator
        writer.flag(false)  // private_indicator
        writer.put(UInt64(sapType), 2)
        writer.put(UInt64(sectionLength), 12)
        writer.put(UInt64(protocolVersion), 8)
        writer.flag(false)  // encrypted_packet
        writer.put(UInt64(encryptionAlgorithm), 6)
        writer.put(signed: ptsAdjustment, 33)
        writer.put(UInt64(cwIndex), 8)
        writer.put(UInt64(tier), 12)
        writer.put(UInt64(commandBytes.count), 12)
        writer.put(UInt64(command.type), 8)
        writer.append(commandBytes)
        writer.put(UInt64(loop.count), 16)
        writer.append(loop)
        writer.append(alignmentStuffing)
        let crc = CRC32MPEG2.checksum(writer.bytes)
        writer.put(UInt64(crc), 32)
        return writer.bytes
    }

    /// `"0x"` + the encoded section in uppercase hex (the `EXT-X-DATERANGE` `SCTE35-OUT/IN/CMD`
    /// form).
    public var hex: String { "0x" + SCTE35Hex.string(encode()) }

    /// The encoded section in standard base64 with padding (the `EXT-X-CUE-OUT` /
    /// `EXT-OATCLS-SCTE35` form).
    public var base64: String { SCTE35Text.base64(encode()) }

    // MARK: Decoding

    /// Decodes a section from `0x`-prefixed or bare hex (either case; surrounding whitespace is
    /// ignored). Bad text throws `.badText` naming the character offset.
    public static func decode(hex: String) throws(SCTE35Error) -> SpliceInfoSection {
        try decode(SCTE35Text.bytes(hex: hex))
    }

    /// Decodes a section from base64 (standard or URL-safe alphabet, padding optional,
    /// surrounding whitespace ignored). Bad text throws `.badText` naming the character offset.
    public static func decode(base64: String) throws(SCTE35Error) -> SpliceInfoSection {
        try decode(SCTE35Text.bytes(base64: base64))
    }

    /// Decodes a section from its bytes, starting at `table_id`; bytes after
    /// `3 + section_length` are ignored.
    ///
    /// Checked in this order: at least 3 bytes (`.truncated`), `table_id` 0xFC (`.badTableID`),
    /// `section_syntax_indicator` and `private_indicator` 0 (`.malformed`), `section_length`
    /// within the bytes (`.lengthOverrun`) and at least the fixed fields (`.truncated`), CRC_32
    /// (`.badCRC`), `protocol_version` 0 (`.unsupportedVersion`), `encrypted_packet` 0
    /// (`.encrypted`), then the command (`.unknownCommand` for undefined types) and descriptors.
    public static func decode(_ bytes: [UInt8]) throws(SCTE35Error) -> SpliceInfoSection {
        guard bytes.count >= 3 else {
            throw .truncated(
                "splice_info_section needs at least 3 bytes (table_id, section_length), got \(bytes.count)",
                byte: bytes.count)
        }
        guard bytes[0] == 0xFC else {
            throw SCTE35Error(
                code: .badTableID, byte: 0,
                message: "table_id \(SCTE35Hex.literal(bytes[0], width: 2)) is not 0xFC (splice_info_section) (byte 0)")
        }
        guard bytes[1] & 0x80 == 0 else {
            throw .malformed("section_syntax_indicator is 1, must be 0 (byte 1)", byte: 1)
        }
        guard bytes[1] & 0x40 == 0 else {
            throw .malformed("private_indicator is 1, must be 0 (byte 1)", byte: 1)
        }
        let sectionLength = Int(bytes[1] & 0x0F) << 8 | Int(bytes[2])
        let total = 3 + sectionLength
        guard total <= bytes.count else {
            throw .lengthOverrun(
                "section_length \(sectionLength) overruns the \(bytes.count - 3) bytes given after it (byte 1)",
                byte: 1)
        }
        guard sectionLength >= minimumSectionLength else {
            throw .truncated(
                "section_length \(sectionLength) is shorter than the \(minimumSectionLength) bytes of the fixed "
                    + "fields, descriptor_loop_length and CRC_32 (byte 1)", byte: 1)
        }
        guard sectionLength <= maximumSectionLength else {
            throw .malformed(
                "section_length \(sectionLength) exceeds the maximum \(maximumSectionLength) (byte 1)", byte: 1)
        }
        let crcOffset = total - 4
        let found = bytes[crcOffset..<total].reduce(UInt32(0)) { ($0 << 8) | UInt32($1) }
        let computed = CRC32MPEG2.checksum(bytes[0..<crcOffset])
        guard found == computed else {
            throw SCTE35Error(
                code: .badCRC, byte: crcOffset,
                message: "CRC_32 \(SCTE35Hex.literal(found, width: 8)) does not match \(SCTE35Hex.literal(computed, width: 8)) "
                    + "computed over bytes 0..<\(crcOffset) (byte \(crcOffset))")
        }

        var reader = SCTE35Reader(
            bytes, start: 3, limit: crcOffset, limitName: "the section (CRC_32)", structure: "splice_info_section")
        var section = SpliceInfoSection(command: .spliceNull)
        section.sapType = (bytes[1] >> 4) & 0x03
        section.protocolVersion = try reader.u8("protocol_version")
        guard section.protocolVersion == 0 else {
            throw SCTE35Error(
                code: .unsupportedVersion, byte: 3,
                message: "protocol_version \(section.protocolVersion) is not 0 (byte 3)")
        }
        let encrypted = try reader.flag("encrypted_packet")
        section.encryptionAlgorithm = UInt8(truncatingIfNeeded: try reader.bits(6, "encryption_algorithm"))
        section.ptsAdjustment = try reader.i64(33, "pts_adjustment")
        section.cwIndex = try reader.u8("cw_index")
        guard !encrypted else {
            throw SCTE35Error(
                code: .encrypted, byte: 4,
                message: "encrypted_packet is 1 (encryption_algorithm \(section.encryptionAlgorithm), cw_index "
                    + "\(SCTE35Hex.literal(section.cwIndex, width: 2))): the command cannot be read (byte 4)")
        }
        section.tier = UInt16(truncatingIfNeeded: try reader.bits(12, "tier"))
        let commandLength = Int(try reader.bits(12, "splice_command_length"))
        let commandType = try reader.u8("splice_command_type")
        let commandStart = reader.byte  // 14
        // descriptor_loop_length (2 bytes) must fit between the command and the CRC_32.
        let commandLimit = crcOffset - 2
        let commandEnd: Int
        if commandLength == unknownCommandLength {
            var commandReader = SCTE35Reader(
                bytes, start: commandStart, limit: commandLimit,
                limitName: "the section (splice_command_length 0xFFF, unknown)",
                structure: commandName(commandType))
            section.command = try decodeCommand(type: commandType, reader: &commandReader, knownLength: false)
            commandEnd = commandReader.byte
        } else {
            commandEnd = commandStart + commandLength
            guard commandEnd <= commandLimit else {
                throw .lengthOverrun(
                    "splice_command_length \(commandLength) at byte 11 overruns the section: the command would end at "
                        + "byte \(commandEnd) but descriptor_loop_length and CRC_32 leave room up to byte \(commandLimit)",
                    byte: 11)
            }
            var commandReader = SCTE35Reader(
                bytes, start: commandStart, limit: commandEnd,
                limitName: "splice_command_length \(commandLength)", structure: commandName(commandType))
            section.command = try decodeCommand(type: commandType, reader: &commandReader, knownLength: true)
            guard commandReader.byte == commandEnd else {
                throw .malformed(
                    "splice_command_length \(commandLength) at byte 11 but \(commandName(commandType)) ends after "
                        + "\(commandReader.byte - commandStart) bytes (byte \(commandReader.byte))",
                    byte: commandReader.byte)
            }
        }

        var loopReader = SCTE35Reader(
            bytes, start: commandEnd, limit: crcOffset, limitName: "the section (CRC_32)",
            structure: "splice_info_section")
        let loopLength = Int(try loopReader.u16("descriptor_loop_length"))
        let loopStart = commandEnd + 2
        let loopEnd = loopStart + loopLength
        guard loopEnd <= crcOffset else {
            throw .lengthOverrun(
                "descriptor_loop_length \(loopLength) at byte \(commandEnd) overruns the section: the loop would end at "
                    + "byte \(loopEnd) but CRC_32 starts at byte \(crcOffset)", byte: commandEnd)
        }
        section.descriptors = try decodeDescriptors(bytes, start: loopStart, end: loopEnd, loopLength: loopLength)
        section.alignmentStuffing = Array(bytes[loopEnd..<crcOffset])
        return section
    }

    /// `section_length` of the smallest section: 11 bytes of fixed fields after `section_length`,
    /// `descriptor_loop_length` and CRC_32.
    static let minimumSectionLength = 17
    /// The largest `section_length` the standard allows.
    static let maximumSectionLength = 4093
    /// The legacy `splice_command_length` meaning "unknown, parse the command".
    static let unknownCommandLength = 0xFFF
}
