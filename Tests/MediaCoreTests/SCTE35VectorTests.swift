import Testing

@testable import MediaCore

/// Known cues: the ANSI/SCTE 35 (2019+) §14 sample messages and cues from threefive's docs.
/// Each decodes to the documented fields and re-encodes to the same bytes.
enum SCTE35Vectors {
    struct Vector: Sendable, CustomTestStringConvertible {
        var name: String
        var base64: String
        var hex: String
        var testDescription: String { name }
    }

    /// §14.1 time_signal – Placement Opportunity Start (0x34, 307 s, TI UPID, no sub-segments).
    static let placementOpportunityStart = Vector(
        name: "14.1 time_signal PPO start",
        base64: "/DA0AAAAAAAA///wBQb+cr0AUAAeAhxDVUVJSAAAjn/PAAGlmbAICAAAAAAsoKGKNAIAmsnRfg==",
        hex: "0xFC3034000000000000FFFFF00506FE72BD0050001E021C435545494800008E7FCF0001A599B00808000000002CA0A18A3402009AC9D17E")
    /// §14.2 splice_insert out with break_duration and an avail_descriptor.
    static let spliceInsert = Vector(
        name: "14.2 splice_insert",
        base64: "/DAvAAAAAAAA///wFAVIAACPf+/+c2nALv4AUsz1AAAAAAAKAAhDVUVJAAABNWLbowo=",
        hex: "0xFC302F000000000000FFFFF014054800008F7FEFFE7369C02EFE0052CCF500000000000A0008435545490000013562DBA30A")
    /// §14.3 time_signal – Placement Opportunity End.
    static let placementOpportunityEnd = Vector(
        name: "14.3 time_signal PPO end",
        base64: "/DAvAAAAAAAA///wBQb+dGKQoAAZAhdDVUVJSAAAjn+fCAgAAAAALKChijUCAKnMZ1g=",
        hex: "0xFC302F000000000000FFFFF00506FE746290A000190217435545494800008E7F9F0808000000002CA0A18A350200A9CC6758")
    /// §14.4 time_signal – Program End + Program Start.
    static let programStartEnd = Vector(
        name: "14.4 time_signal program end/start",
        base64: "/DBIAAAAAAAA///wBQb+ek2ItgAyAhdDVUVJSAAAGH+fCAgAAAAALMvDRBEAAAIXQ1VFSUgAABl/nwgIAAAAACyk26AQAACZcuND",
        hex: "0xFC3048000000000000FFFFF00506FE7A4D88B60032021743554549480000187F9F0808000000002CCBC344110000021743554549480000197F9F0808000000002CA4DBA01000009972E343")
    /// §14.5 time_signal – Program Overlap Start.
    static let programOverlapStart = Vector(
        name: "14.5 time_signal overlap start",
        base64: "/DAvAAAAAAAA///wBQb+rr//ZAAZAhdDVUVJSAAACH+fCAgAAAAALKVs9RcAAJUdsKg=",
        hex: "0xFC302F000000000000FFFFF00506FEAEBFFF640019021743554549480000087F9F0808000000002CA56CF5170000951DB0A8")
    /// §14.6 time_signal – Program Blackout Override + Program End.
    static let blackoutOverride = Vector(
        name: "14.6 time_signal blackout override",
        base64: "/DBIAAAAAAAA///wBQb+ky44CwAyAhdDVUVJSAAACn+fCAgAAAAALKCh4xgAAAIXQ1VFSUgAAAl/nwgIAAAAACygoYoRAAC0IX6w",
        hex: "0xFC3048000000000000FFFFF00506FE932E380B00320217435545494800000A7F9F0808000000002CA0A1E3180000021743554549480000097F9F0808000000002CA0A18A110000B4217EB0")
    /// §14.7 time_signal – Program End.
    static let programEnd = Vector(
        name: "14.7 time_signal program end",
        base64: "/DAvAAAAAAAA///wBQb+rvF8TAAZAhdDVUVJSAAAB3+fCAgAAAAALKVslxEAAMSHai4=",
        hex: "0xFC302F000000000000FFFFF00506FEAEF17C4C0019021743554549480000077F9F0808000000002CA56C97110000C4876A2E")
    /// §14.8 time_signal – PPO End + Program End + Program Start.
    static let threeDescriptors = Vector(
        name: "14.8 time_signal three descriptors",
        base64: "/DBhAAAAAAAA///wBQb+qM1E7QBLAhdDVUVJSAAArX+fCAgAAAAALLLXnTUCAAIXQ1VFSUgAACZ/nwgIAAAAACyy150RAAACF0NVRUlIAAAnf58ICAAAAAAsstezEAAAihiGnw==",
        hex: "0xFC3061000000000000FFFFF00506FEA8CD44ED004B021743554549480000AD7F9F0808000000002CB2D79D350200021743554549480000267F9F0808000000002CB2D79D110000021743554549480000277F9F0808000000002CB2D7B31000008A18869F")
    /// threefive docs: time_signal without descriptors, cw_index 0x00.
    static let bareTimeSignal = Vector(
        name: "threefive time_signal",
        base64: "/DAWAAAAAAAAAP/wBQb+AKmKxwAACzuu2Q==",
        hex: "0xFC301600000000000000FFF00506FE00A98AC700000B3BAED9")
    /// threefive docs: time_signal with an Ad-ID UPID, Program Start, 30.03 s.
    static let adID = Vector(
        name: "threefive Ad-ID program start",
        base64: "/DA4AAAAAAAA///wBQb+AAAAAAAiAiBDVUVJAAAAA3//AAApPWwDDEFCQ0QwMTIzNDU2SBAAAGgCL9A=",
        hex: "0xFC3038000000000000FFFFF00506FE000000000022022043554549000000037FFF0000293D6C030C41424344303132333435364810000068022FD0")
    /// threefive docs: immediate splice_insert out, 60 s auto-return, unique_program_id 1.
    static let immediateInsert = Vector(
        name: "threefive immediate splice_insert",
        base64: "/DAgAAAAAAAAAP/wDwUAAAABf//+AFJlwAABAAAAAMOOklg=",
        hex: "0xFC302000000000000000FFF00F05000000017FFFFE005265C0000100000000C38E9258")

    static let all: [Vector] = [
        placementOpportunityStart, spliceInsert, placementOpportunityEnd, programStartEnd, programOverlapStart,
        blackoutOverride, programEnd, threeDescriptors, bareTimeSignal, adID, immediateInsert,
    ]

    /// A legacy splice_null heartbeat with splice_command_length 0xFFF ("unknown").
    static let legacyNullHex = "FC301100000000000000FFFFFF0000004F253396"
}

@Suite struct SCTE35VectorTests {
    @Test("vector decodes from hex and base64 alike and re-encodes byte for byte", arguments: SCTE35Vectors.all)
    func roundTrip(_ vector: SCTE35Vectors.Vector) throws {
        let fromHex = try SpliceInfoSection.decode(hex: vector.hex)
        let fromBase64 = try SpliceInfoSection.decode(base64: vector.base64)
        #expect(fromHex == fromBase64)
        #expect(fromHex.hex == vector.hex)
        #expect(fromHex.base64 == vector.base64)
        #expect(throws: Never.self) { try fromHex.validate() }
        let bytes = fromHex.encode()
        #expect(CRC32MPEG2.checksum(bytes) == 0)
    }

    @Test func placementOpportunityStartFields() throws {
        let section = try SpliceInfoSection.decode(base64: SCTE35Vectors.placementOpportunityStart.base64)
        #expect(section.protocolVersion == 0)
        #expect(section.ptsAdjustment == 0)
        #expect(section.tier == 0xFFF)
        #expect(section.cwIndex == 0xFF)
        #expect(section.sapType == 3)
        #expect(section.command == .timeSignal(pts: 0x0_72BD_0050))
        let expected = SegmentationDescriptor(
            eventID: 0x4800_008E, type: .providerPlacementOpportunityStart, upid: .ti(0x2CA0_A18A),
            duration: 27_630_000, segmentNum: 2, segmentsExpected: 0,
            deliveryRestrictions: DeliveryRestrictions(
                webDeliveryAllowed: false, noRegionalBlackout: true, archiveAllowed: true, deviceRestrictions: .none))
        #expect(section.descriptors == [.segmentation(expected)])
        #expect(section.segmentationDescriptors.first?.subSegmentNum == nil)  // pre-2016 form: absent
        // Building the same value from scratch gives the spec's bytes.
        let built = SpliceInfoSection(command: .timeSignal(pts: 0x0_72BD_0050), descriptors: [.segmentation(expected)])
        #expect(built.hex == SCTE35Vectors.placementOpportunityStart.hex)
    }

    @Test func spliceInsertFields() throws {
        let section = try SpliceInfoSection.decode(hex: SCTE35Vectors.spliceInsert.hex)
        guard case .spliceInsert(let insert) = section.command else {
            Issue.record("expected splice_insert, got \(section.command)")
            return
        }
        #expect(insert.eventID == 0x4800_008F)
        #expect(!insert.cancel)
        #expect(insert.outOfNetwork)
        #expect(insert.programSplice)
        #expect(insert.spliceTime == 0x0_7369_C02E)
        #expect(insert.breakDuration == BreakDuration(autoReturn: true, duration: 0x0052_CCF5))
        #expect(insert.breakDuration?.mediaTime == MediaTime(ticks90k: 5_426_421))
        #expect(insert.uniqueProgramID == 0 && insert.availNum == 0 && insert.availsExpected == 0)
        #expect(insert.eventIDComplianceFlag)
        #expect(section.descriptors == [.other(tag: 0x00, identifier: SpliceDescriptor.cueIdentifier, bytes: [0, 0, 0x01, 0x35])])
        #expect(section.adjustedPTS == 0x0_7369_C02E)
    }

    @Test func placementOpportunityEndFields() throws {
        let section = try SpliceInfoSection.decode(hex: SCTE35Vectors.placementOpportunityEnd.hex)
        #expect(section.command == .timeSignal(pts: 1_952_616_608))
        let descriptor = try #require(section.segmentationDescriptors.first)
        #expect(descriptor.type == .providerPlacementOpportunityEnd)
        #expect(descriptor.duration == nil)
        #expect(descriptor.upid == .ti(0x2CA0_A18A))
        #expect(descriptor.segmentNum == 2)
        #expect(descriptor.deliveryRestrictions == DeliveryRestrictions())
    }

    @Test func multipleDescriptorsKeepOrder() throws {
        let section = try SpliceInfoSection.decode(base64: SCTE35Vectors.threeDescriptors.base64)
        #expect(section.segmentationDescriptors.map(\.type) == [.providerPlacementOpportunityEnd, .programEnd, .programStart])
        #expect(section.segmentationDescriptors.map(\.eventID) == [0x4800_00AD, 0x4800_0026, 0x4800_0027])
    }

    @Test func adIDAndImmediateInsert() throws {
        let adID = try SpliceInfoSection.decode(base64: SCTE35Vectors.adID.base64)
        let descriptor = try #require(adID.segmentationDescriptors.first)
        #expect(descriptor.upid == .adID("ABCD0123456H"))
        #expect(descriptor.type == .programStart)
        #expect(descriptor.duration == 2_702_700)
        #expect(descriptor.deliveryRestrictions == nil)

        let insert = try SpliceInfoSection.decode(base64: SCTE35Vectors.immediateInsert.base64)
        #expect(insert.cwIndex == 0x00)
        #expect(
            insert.command
                == .spliceInsert(
                    SpliceInsert(
                        eventID: 1, outOfNetwork: true, breakDuration: BreakDuration(autoReturn: true, duration: 5_400_000),
                        uniqueProgramID: 1)))
        // Built with the builder (cw_index set to match the source encoder).
        var built = SpliceInfoSection.spliceInsertOut(eventID: 1, pts: nil, duration: 5_400_000, uniqueProgramID: 1)
        built.cwIndex = 0
        #expect(built.base64 == SCTE35Vectors.immediateInsert.base64)
    }

    @Test func legacyUnknownCommandLengthIsParsed() throws {
        let section = try SpliceInfoSection.decode(hex: SCTE35Vectors.legacyNullHex)
        #expect(section.command == .spliceNull)
        #expect(section.descriptors.isEmpty)
        // Re-encoded with the real splice_command_length (0) and a new CRC_32.
        let bytes = section.encode()
        #expect(Array(bytes[10...13]) == [0xFF, 0xF0, 0x00, 0x00])
        #expect(try SpliceInfoSection.decode(bytes) == section)

        // A splice_insert and a time_signal with 0xFFF too.
        for vector in [SCTE35Vectors.spliceInsert, SCTE35Vectors.placementOpportunityStart] {
            var legacy = try SpliceInfoSection.decode(hex: vector.hex).encode()
            legacy[11] |= 0x0F
            legacy[12] = 0xFF
            SCTE35TestBytes.fixCRC(&legacy)
            #expect(try SpliceInfoSection.decode(legacy) == SpliceInfoSection.decode(hex: vector.hex), "\(vector.name)")
        }
    }

    @Test func trailingBytesAfterTheSectionAreIgnored() throws {
        let bytes = try SpliceInfoSection.decode(hex: SCTE35Vectors.spliceInsert.hex).encode()
        let padded = bytes + [UInt8](repeating: 0xFF, count: 20)
        #expect(try SpliceInfoSection.decode(padded) == SpliceInfoSection.decode(bytes))
    }

    @Test func crcMatchesTheStandardCheckValue() {
        #expect(CRC32MPEG2.checksum(Array("123456789".utf8)) == 0x0376_E6E7)
        #expect(CRC32MPEG2.checksum([UInt8]()) == 0xFFFF_FFFF)
    }
}

/// Byte helpers for building deliberately odd sections.
enum SCTE35TestBytes {
    /// Rewrites the last 4 bytes with the CRC_32 of the rest.
    static func fixCRC(_ bytes: inout [UInt8]) {
        guard bytes.count >= 4 else { return }
        let crc = CRC32MPEG2.checksum(bytes.dropLast(4))
        for index in 0..<4 { bytes[bytes.count - 4 + index] = UInt8(truncatingIfNeeded: crc >> UInt32(24 - 8 * index)) }
    }

    /// Sets section_length to `bytes.count - 3`.
    static func fixLength(_ bytes: inout [UInt8]) {
        let length = bytes.count - 3
        bytes[1] = (bytes[1] & 0xF0) | UInt8(truncatingIfNeeded: length >> 8)
        bytes[2] = UInt8(truncatingIfNeeded: length)
    }
}
