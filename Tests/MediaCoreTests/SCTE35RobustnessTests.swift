import Testing

@testable import MediaCore

/// Untrusted cues never crash: truncations, bit flips, corrupted-but-CRC-valid sections and
/// targeted malformations each throw an `SCTE35Error` with the documented code and a message, or
/// decode to a value that re-encodes stably.
@Suite struct SCTE35RobustnessTests {
    static let inputs: [[UInt8]] =
        SCTE35Vectors.all.compactMap { try? SCTE35Text.bytes(hex: $0.hex) }
        + SCTE35Samples.all.map { $0.section.encode() }

    /// Decodes; if that succeeds, re-encoding and decoding again must give the same value.
    @discardableResult
    static func exercise(_ bytes: [UInt8]) -> SCTE35Error? {
        do {
            let section = try SpliceInfoSection.decode(bytes)
            let again = try SpliceInfoSection.decode(section.encode())
            #expect(again == section)
            return nil
        } catch {
            #expect(!error.message.isEmpty)
            return error
        }
    }

    @Test func everyPrefixThrows() {
        #expect(Self.inputs.count == SCTE35Vectors.all.count + SCTE35Samples.all.count)
        for bytes in Self.inputs {
            for length in 0..<bytes.count {
                let error = Self.exercise(Array(bytes.prefix(length)))
                #expect(error != nil, "prefix \(length) of \(bytes.count) decoded")
                if length < 3 { #expect(error?.code == .truncated) } else { #expect(error?.code == .lengthOverrun) }
            }
        }
    }

    @Test func singleByteFlipsFailTheCRC() {
        var rng = SplitMix64(seed: 0x5C7E_35)
        var count = 0
        for bytes in Self.inputs {
            for _ in 0..<100 {
                var corrupted = bytes
                let index = rng.below(bytes.count)
                corrupted[index] ^= UInt8(1 + rng.below(255))
                let error = Self.exercise(corrupted)
                #expect(error != nil, "flip at byte \(index) decoded")
                if index >= 3 {
                    #expect(error?.code == .badCRC, "flip at byte \(index): \(String(describing: error))")
                    #expect(error?.byte == bytes.count - 4)
                }
                count += 1
            }
        }
        #expect(count >= 3_000)
    }

    /// Corruptions with the CRC_32 (and sometimes section_length) repaired, so the parser proper
    /// sees them.
    @Test func corruptionsWithValidCRCNeverCrash() {
        var rng = SplitMix64(seed: 0xC0FF_EE35)
        var decoded = 0
        for bytes in Self.inputs {
            for _ in 0..<120 {
                var corrupted = bytes
                for _ in 0..<(1 + rng.below(4)) {
                    let index = 3 + rng.below(max(1, corrupted.count - 7))
                    corrupted[index] = UInt8(truncatingIfNeeded: rng.next())
                }
                switch rng.below(3) {
                case 0: corrupted.removeSubrange((corrupted.count - 4 - min(2, corrupted.count - 20))..<(corrupted.count - 4))
                case 1: corrupted.insert(UInt8(truncatingIfNeeded: rng.next()), at: 14 + rng.below(corrupted.count - 17))
                default: break
                }
                SCTE35TestBytes.fixLength(&corrupted)
                SCTE35TestBytes.fixCRC(&corrupted)
                if Self.exercise(corrupted) == nil { decoded += 1 }
            }
        }
        #expect(decoded > 0)
    }

    @Test func randomGarbageBehindAValidHeader() {
        var rng = SplitMix64(seed: 35)
        for _ in 0..<500 {
            let length = 17 + rng.below(80)
            var bytes: [UInt8] = [0xFC, 0x30, 0x00] + (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            bytes[3] = 0
            bytes[4] &= 0x7F
            SCTE35TestBytes.fixLength(&bytes)
            SCTE35TestBytes.fixCRC(&bytes)
            Self.exercise(bytes)
        }
    }

    // MARK: Targeted errors

    /// A section with the given command/loop and possibly lying lengths, CRC fixed.
    static func raw(
        type: UInt8, command: [UInt8], commandLength: Int? = nil, loop: [UInt8] = [], loopLength: Int? = nil,
        byte4: UInt8 = 0, protocolVersion: UInt8 = 0
    ) -> [UInt8] {
        let cl = commandLength ?? command.count
        let ll = loopLength ?? loop.count
        var bytes: [UInt8] = [0xFC, 0x30, 0x00, protocolVersion, byte4, 0, 0, 0, 0, 0xFF]
        bytes += [0xFF, 0xF0 | UInt8(cl >> 8), UInt8(cl & 0xFF), type] + command
        bytes += [UInt8(ll >> 8), UInt8(ll & 0xFF)] + loop + [0, 0, 0, 0]
        SCTE35TestBytes.fixLength(&bytes)
        SCTE35TestBytes.fixCRC(&bytes)
        return bytes
    }

    static func error(_ bytes: [UInt8]) -> SCTE35Error? {
        do {
            _ = try SpliceInfoSection.decode(bytes)
            return nil
        } catch { return error }
    }

    static let timeSignal: [UInt8] = [0xFE, 0x00, 0x00, 0x00, 0x10]
    static let segmentation: [UInt8] = SpliceInfoSection.encodeDescriptor(
        .segmentation(SegmentationDescriptor(eventID: 1, type: .breakStart, upid: .adID("AB"))))

    @Test func headerErrors() throws {
        #expect(Self.error([])?.code == .truncated)
        #expect(Self.error([0xFC, 0x30])?.message == "splice_info_section needs at least 3 bytes (table_id, section_length), got 2")
        let good = Self.raw(type: 0x06, command: Self.timeSignal)
        #expect(Self.error(good) == nil)

        var table = good
        table[0] = 0xFD
        #expect(Self.error(table) == SCTE35Error(code: .badTableID, byte: 0, message: "table_id 0xFD is not 0xFC (splice_info_section) (byte 0)"))

        var syntax = good
        syntax[1] |= 0x80
        #expect(Self.error(syntax)?.code == .malformed)
        var privateBit = good
        privateBit[1] |= 0x40
        #expect(Self.error(privateBit)?.message.contains("private_indicator") == true)

        let overrun = Self.error(Array(good.dropLast()))
        #expect(overrun?.code == .lengthOverrun)
        #expect(overrun?.message == "section_length \(good.count - 3) overruns the \(good.count - 4) bytes given after it (byte 1)")

        var short = good
        short[2] = 16
        #expect(Self.error(short)?.code == .truncated)

        var crc = good
        crc[crc.count - 1] ^= 0x01
        let crcError = try #require(Self.error(crc))
        #expect(crcError.code == .badCRC)
        #expect(crcError.byte == good.count - 4)
        #expect(crcError.message.hasPrefix("CRC_32 0x"))
        #expect(crcError.message.contains("does not match"))
        #expect(crcError.description.hasPrefix("badCRC: "))

        #expect(Self.error(Self.raw(type: 0x06, command: Self.timeSignal, protocolVersion: 1))?.code == .unsupportedVersion)
        let encrypted = Self.error(Self.raw(type: 0x06, command: Self.timeSignal, byte4: 0x80 | 0x02))
        #expect(encrypted?.code == .encrypted)
        #expect(encrypted?.message.contains("encryption_algorithm 1") == true)
        #expect(Self.error(Self.raw(type: 0x06, command: Self.timeSignal, byte4: 0x7E)) == nil)  // algorithm kept, not encrypted
    }

    @Test func commandErrors() {
        let unknown = Self.error(Self.raw(type: 0x08, command: []))
        #expect(unknown?.code == .unknownCommand)
        #expect(unknown?.byte == 13)
        #expect(Self.error(Self.raw(type: 0x06, command: Self.timeSignal, commandLength: 40))?.code == .lengthOverrun)
        let mismatch = Self.error(Self.raw(type: 0x06, command: Self.timeSignal + [0], commandLength: 6))
        #expect(mismatch?.code == .malformed)
        #expect(mismatch?.message.contains("splice_command_length 6") == true)
        let cut = Self.error(Self.raw(type: 0x06, command: Array(Self.timeSignal.prefix(3)), commandLength: 3))
        #expect(cut?.code == .truncated)
        #expect(cut?.message.contains("time_signal()") == true)
        #expect(Self.error(Self.raw(type: 0xFF, command: [0, 0, 0, 1], commandLength: 0xFFF))?.code == .malformed)
        #expect(Self.error(Self.raw(type: 0xFF, command: [0, 0, 1]))?.code == .truncated)
        // 0xFFF with a command that runs into the CRC.
        #expect(Self.error(Self.raw(type: 0x05, command: [0, 0, 0, 1, 0x7F, 0xEF], commandLength: 0xFFF))?.code == .truncated)
        // splice_schedule that does not match its length.
        #expect(Self.error(Self.raw(type: 0x04, command: [0x01, 0, 0, 0, 1, 0xFF, 0]))?.code == .malformed)
        #expect(Self.error(Self.raw(type: 0x04, command: [0x01, 0, 0, 0, 1, 0xFF], commandLength: 0xFFF)) == nil)
    }

    @Test func descriptorErrors() {
        let good = Self.raw(type: 0x06, command: Self.timeSignal, loop: Self.segmentation)
        #expect(Self.error(good) == nil)
        #expect(
            Self.error(Self.raw(type: 0x06, command: Self.timeSignal, loop: Self.segmentation, loopLength: Self.segmentation.count + 1))?.code
                == .lengthOverrun)
        #expect(Self.error(Self.raw(type: 0x06, command: Self.timeSignal, loop: Self.segmentation + [0x00]))?.code == .truncated)

        var longer = Self.segmentation
        longer[1] += 1
        #expect(Self.error(Self.raw(type: 0x06, command: Self.timeSignal, loop: longer))?.code == .lengthOverrun)

        let noIdentifier = Self.error(Self.raw(type: 0x06, command: Self.timeSignal, loop: [0x00, 0x02, 0x43, 0x55]))
        #expect(noIdentifier?.code == .truncated)
        #expect(noIdentifier?.message.contains("identifier") == true)

        var leftover = Self.segmentation + [0xAA]
        leftover[1] += 1
        let leftoverError = Self.error(Self.raw(type: 0x06, command: Self.timeSignal, loop: leftover))
        #expect(leftoverError?.code == .malformed)
        #expect(leftoverError?.message.contains("left over") == true)

        // segmentation_upid_length 2 -> 200 inside the descriptor.
        var upid = Self.segmentation
        let upidLengthIndex = upid.count - 6
        #expect(upid[upidLengthIndex] == 2)
        upid[upidLengthIndex] = 200
        let upidError = Self.error(Self.raw(type: 0x06, command: Self.timeSignal, loop: upid))
        #expect(upidError?.code == .lengthOverrun)
        #expect(upidError?.message.contains("segmentation_upid_length 200") == true)

        // Cut just before segments_expected (descriptor_length shortened).
        var cut = Array(Self.segmentation.dropLast())
        cut[1] -= 1
        let cutError = Self.error(Self.raw(type: 0x06, command: Self.timeSignal, loop: cut))
        #expect(cutError?.code == .truncated)
        #expect(cutError?.message.contains("segments_expected") == true)

        // Unknown tag and non-CUEI tag 2 are kept verbatim.
        let verbatim = Self.raw(type: 0x00, command: [], loop: [0x02, 0x05, 0x41, 0x42, 0x43, 0x44, 0x99, 0xF0, 0x04, 0, 0, 0, 0])
        let section = try? SpliceInfoSection.decode(verbatim)
        #expect(section?.descriptors == [.other(tag: 0x02, identifier: 0x4142_4344, bytes: [0x99]), .other(tag: 0xF0, identifier: 0, bytes: [])])
        #expect(section?.encode() == verbatim)

        // Alignment stuffing after the loop is kept.
        var stuffed = Self.raw(type: 0x00, command: [])
        stuffed.insert(contentsOf: [0xFF, 0xFF], at: stuffed.count - 4)
        SCTE35TestBytes.fixLength(&stuffed)
        SCTE35TestBytes.fixCRC(&stuffed)
        #expect((try? SpliceInfoSection.decode(stuffed))?.alignmentStuffing == [0xFF, 0xFF])
        #expect((try? SpliceInfoSection.decode(stuffed))?.encode() == stuffed)
    }

    @Test func textErrors() {
        func code(_ body: () throws(SCTE35Error) -> SpliceInfoSection) -> SCTE35Error? {
            do {
                _ = try body()
                return nil
            } catch { return error }
        }
        let hex = SCTE35Vectors.spliceInsert.hex
        #expect(code { () throws(SCTE35Error) in try .decode(hex: "  " + hex.lowercased() + "\n") } == nil)
        #expect(code { () throws(SCTE35Error) in try .decode(hex: String(hex.dropFirst(2))) } == nil)
        let bad = code { () throws(SCTE35Error) in try .decode(hex: "0xFC3G") }
        #expect(bad == SCTE35Error(code: .badText, byte: 5, message: "'G' at offset 5 is not a hex digit"))
        #expect(code { () throws(SCTE35Error) in try .decode(hex: "0xFC3") }?.code == .badText)
        #expect(code { () throws(SCTE35Error) in try .decode(hex: "0x") }?.code == .badText)
        #expect(code { () throws(SCTE35Error) in try .decode(hex: "") }?.code == .badText)

        let base64 = SCTE35Vectors.spliceInsert.base64
        #expect(code { () throws(SCTE35Error) in try .decode(base64: String(base64.dropLast())) } == nil)  // padding optional
        #expect(code { () throws(SCTE35Error) in try .decode(base64: base64.replacingSlashes()) } == nil)  // URL-safe
        #expect(code { () throws(SCTE35Error) in try .decode(base64: "/DA*") }?.byte == 3)
        #expect(code { () throws(SCTE35Error) in try .decode(base64: "/DA=A") }?.code == .badText)
        #expect(code { () throws(SCTE35Error) in try .decode(base64: "/DAvA") }?.code == .badText)
        #expect(code { () throws(SCTE35Error) in try .decode(base64: "") }?.code == .badText)
        #expect(code { () throws(SCTE35Error) in try .decode(base64: "/DA=") }?.code == .truncated)
        // Every 0..7-byte payload round-trips through base64.
        for length in 0..<8 {
            let bytes = (0..<length).map { UInt8($0 * 37 & 0xFF) }
            #expect((try? SCTE35Text.bytes(base64: SCTE35Text.base64(bytes))) == (length == 0 ? nil : bytes))
        }
    }
}

extension String {
    /// The URL-safe base64 alphabet.
    fileprivate func replacingSlashes() -> String {
        String(map { $0 == "/" ? "_" : $0 == "+" ? "-" : $0 })
    }
}
