import Testing

@testable import MediaCore

/// Sections built through the public API, covering every command, both splice_insert
/// directions, durations, UPID kinds, component mode and the descriptor variants.
enum SCTE35Samples {
    struct Sample: Sendable, CustomTestStringConvertible {
        var name: String
        var section: SpliceInfoSection
        /// Whether threefive 3.1.5 models it (it skips component loops and lacks splice_schedule).
        var threefive = true
        var testDescription: String { name }
    }

    static let thirtySeconds: Int64 = 2_700_000
    static let uuidURI = "urn:uuid:aa85bbb6-5c43-4b6a-bebb-ee3b13eb7999"

    static let all: [Sample] = [
        Sample(name: "insert out, time + duration", section: .spliceInsertOut(eventID: 1, pts: 900_000, duration: thirtySeconds)),
        Sample(name: "insert out, immediate, no duration", section: .spliceInsertOut(eventID: 2, pts: nil, duration: nil)),
        Sample(name: "insert out, time, no duration", section: .spliceInsertOut(eventID: 3, pts: 123_456_789, duration: nil)),
        Sample(
            name: "insert out, immediate + duration, no auto-return",
            section: .spliceInsertOut(
                eventID: 0xFFFF_FFFF, pts: nil, duration: 1, autoReturn: false, uniqueProgramID: 0xBEEF, availNum: 1,
                availsExpected: 2)),
        Sample(name: "insert in, time", section: .spliceInsertIn(eventID: 1, pts: 900_000 + thirtySeconds)),
        Sample(name: "insert in, immediate", section: .spliceInsertIn(eventID: 4, pts: nil)),
        Sample(
            name: "breakStart splice_insert + Ad-ID", section: .breakStart(eventID: 5, pts: 8_589_934_591, duration: 5_400_000, upid: .adID("ABCD0123456H"))),
        Sample(name: "breakEnd splice_insert", section: .breakEnd(eventID: 5, pts: 5_400_000)),
        Sample(
            name: "time_signal PPO start, TI",
            section: .timeSignal(type: .providerPlacementOpportunityStart, pts: 1_924_989_008, duration: 27_630_000, eventID: 0x4800_008E, upid: .ti(0x2CA0_A18A))),
        Sample(
            name: "breakEnd time_signal PPO end",
            section: .breakEnd(eventID: 0x4800_008E, pts: 1_952_616_608, upid: .ti(0x2CA0_A18A), style: .providerPlacementOpportunity)),
        Sample(
            name: "breakStart time_signal Break Start, URI, immediate",
            section: .breakStart(eventID: 10, pts: nil, duration: thirtySeconds, upid: .uri(uuidURI), style: .breakSegment)),
        Sample(
            name: "time_signal DPO start, MPU, restricted",
            section: .timeSignal(
                type: .distributorPlacementOpportunityStart, pts: 0, duration: 15 * 90_000, eventID: 77,
                upid: .mpu(format: 0x4144_4652, bytes: [0x01, 0x00, 0x01, 0x07, 0xE5, 0x01, 0x0A, 0x00, 0x01, 0x00, 0x00, 0x1E]),
                segmentNum: 1, segmentsExpected: 1,
                deliveryRestrictions: DeliveryRestrictions(
                    webDeliveryAllowed: false, noRegionalBlackout: false, archiveAllowed: true, deviceRestrictions: .restrictGroup1))),
        Sample(
            name: "time_signal program start, 40-bit duration, max PTS",
            section: .timeSignal(type: .programStart, pts: SpliceInfoSection.ptsMask, duration: (1 << 40) - 1, eventID: 0x1234_5678)),
        Sample(
            name: "time_signal provider ad start with sub-segments, pts_adjustment, tier",
            section: {
                var section = SpliceInfoSection(
                    command: .timeSignal(pts: 1_000), ptsAdjustment: 12_345, tier: 0x123)
                section.descriptors = [
                    .segmentation(
                        SegmentationDescriptor(
                            eventID: 9, type: .providerAdvertisementStart, upid: .adID("SHOW00000001"), duration: 900_000,
                            segmentNum: 2, segmentsExpected: 4, subSegmentNum: 1, subSegmentsExpected: 3))
                ]
                return section
            }()),
        Sample(
            name: "splice_null with avail, cancel and segmentation descriptors",
            section: SpliceInfoSection(
                command: .spliceNull,
                descriptors: [
                    .other(tag: 0x00, identifier: SpliceDescriptor.cueIdentifier, bytes: [0, 0, 1, 0x35]),
                    .segmentation(.cancellation(eventID: 42)),
                    .segmentation(SegmentationDescriptor(eventID: 43, type: .breakEnd, upid: .none)),
                    .other(tag: 0x03, identifier: SpliceDescriptor.cueIdentifier, bytes: [0, 0, 0x65, 0x43, 0x21, 0x00, 0, 0, 0, 0, 0, 37]),
                ])),
        Sample(name: "splice_insert cancel", section: SpliceInfoSection(command: .spliceInsert(SpliceInsert(eventID: 99, cancel: true)))),
        Sample(
            name: "time_signal MID UPID",
            section: .timeSignal(
                type: .providerAdvertisementEnd, pts: 77, duration: nil, eventID: 1,
                upid: .mid([.adID("ABCD0123456H"), .uri("https://example.com/ad/1")]))),
        Sample(
            name: "time_signal UUID + EIDR UPIDs",
            section: SpliceInfoSection(
                command: .timeSignal(pts: 5),
                descriptors: [
                    .segmentation(
                        SegmentationDescriptor(eventID: 1, type: .chapterStart, upid: .other(type: 0x10, bytes: Array(0..<16)), segmentNum: 1, segmentsExpected: 3)),
                    .segmentation(
                        SegmentationDescriptor(eventID: 2, type: .contentIdentification, upid: .other(type: 0x0A, bytes: [0x14, 0x78, 0xF8, 0x5A, 0xE1, 0, 0, 0, 0, 0, 0, 0]))),
                ])),
        Sample(name: "bandwidth_reservation", section: SpliceInfoSection(command: .bandwidthReservation)),
        Sample(name: "private_command", section: SpliceInfoSection(command: .privateCommand(identifier: 0x5348_4F57, bytes: [1, 2, 3]))),
        Sample(
            name: "component-mode splice_insert and segmentation",
            section: SpliceInfoSection(
                command: .spliceInsert(
                    SpliceInsert(
                        eventID: 7, outOfNetwork: true, programSplice: false,
                        breakDuration: BreakDuration(duration: thirtySeconds),
                        components: [.init(tag: 1, spliceTime: 1_000), .init(tag: 2, spliceTime: nil), .init(tag: 3, spliceTime: 3_000)])),
                descriptors: [
                    .segmentation(
                        SegmentationDescriptor(
                            eventID: 8, type: .breakStart, programSegmentation: false,
                            components: [.init(tag: 1, ptsOffset: 0), .init(tag: 2, ptsOffset: SpliceInfoSection.ptsMask)]))
                ]),
            threefive: false),
        Sample(
            name: "component-mode immediate splice_insert",
            section: SpliceInfoSection(
                command: .spliceInsert(SpliceInsert(eventID: 7, programSplice: false, components: [.init(tag: 4), .init(tag: 5)]))),
            threefive: false),
        Sample(
            name: "splice_schedule",
            section: SpliceInfoSection(
                command: .spliceSchedule(bytes: [
                    0x02,
                    0x00, 0x00, 0x00, 0x01, 0x7F, 0xFF, 0x60, 0x00, 0x00, 0x00, 0xFE, 0x00, 0x29, 0x32, 0xE0, 0x00, 0x01, 0x00, 0x00,
                    0x00, 0x00, 0x00, 0x02, 0xFF,
                ])),
            threefive: false),
    ]
}

@Suite struct SCTE35RoundTripTests {
    @Test("decode(encode(x)) == x and validate passes", arguments: SCTE35Samples.all)
    func roundTrip(_ sample: SCTE35Samples.Sample) throws {
        let bytes = sample.section.encode()
        #expect(CRC32MPEG2.checksum(bytes) == 0)
        #expect(Int(bytes[1] & 0x0F) << 8 | Int(bytes[2]) == bytes.count - 3)
        #expect(try SpliceInfoSection.decode(bytes) == sample.section)
        #expect(try sample.section.encoded() == bytes)
        #expect(try SpliceInfoSection.decode(hex: sample.section.hex) == sample.section)
        #expect(try SpliceInfoSection.decode(base64: sample.section.base64) == sample.section)
        #expect(sample.section.hex.hasPrefix("0xFC"))
        #expect(sample.section.hex.dropFirst(2).allSatisfy { $0.isNumber || ("A"..."F").contains($0) })
    }

    @Test func builderShapes() throws {
        let out = SpliceInfoSection.spliceInsertOut(eventID: 1, pts: 900_000, duration: 2_700_000)
        #expect(out.command.type == 0x05)
        #expect(out.adjustedPTS == 900_000)
        guard case .spliceInsert(let insert) = out.command else { throw SCTE35TestFailure("not splice_insert") }
        #expect(insert.outOfNetwork && insert.programSplice && !insert.spliceImmediate)
        #expect(insert.breakDuration == BreakDuration(autoReturn: true, duration: 2_700_000))

        let ppo = SpliceInfoSection.breakStart(eventID: 3, pts: 10, duration: 20, style: .providerPlacementOpportunity)
        let descriptor = try #require(ppo.segmentationDescriptors.first)
        #expect(ppo.command == .timeSignal(pts: 10))
        #expect(descriptor.type == .providerPlacementOpportunityStart && descriptor.duration == 20)
        #expect(descriptor.subSegmentNum == 0 && descriptor.subSegmentsExpected == 0)
        let end = SpliceInfoSection.breakEnd(eventID: 3, pts: 30, style: .providerPlacementOpportunity)
        #expect(end.segmentationDescriptors.first?.type == .providerPlacementOpportunityEnd)
        #expect(end.segmentationDescriptors.first?.subSegmentNum == nil)
        #expect(SpliceInfoSection.breakEnd(eventID: 3, pts: 30, style: .breakSegment).segmentationDescriptors.first?.type == .breakEnd)

        // A UPID is never dropped by the splice_insert style.
        let withUPID = SpliceInfoSection.breakStart(eventID: 4, pts: nil, duration: 90_000, upid: .uri("urn:x"))
        #expect(withUPID.segmentationDescriptors.first?.upid == .uri("urn:x"))
        #expect(withUPID.segmentationDescriptors.first?.type == .breakStart)
        #expect(SpliceInfoSection.breakStart(eventID: 4, pts: nil, duration: 90_000).descriptors.isEmpty)
    }

    @Test func ptsAdjustmentWrapsAt33Bits() {
        var section = SpliceInfoSection(command: .timeSignal(pts: SpliceInfoSection.ptsMask - 9), ptsAdjustment: 20)
        #expect(section.adjustedPTS == 10)
        section.command = .spliceNull
        #expect(section.adjustedPTS == nil)
    }

    @Test func segmentationTypeNames() {
        #expect(SegmentationType.providerPlacementOpportunityStart.rawValue == 0x34)
        #expect(SegmentationType.breakStart.description == "0x22 Break Start")
        #expect(SegmentationType(rawValue: 0x99).description == "0x99 reserved")
        #expect(SegmentationType(rawValue: 0x99).name == nil)
        #expect(SegmentationType.programStart.endType == .programEnd)
        #expect(SegmentationType.distributorPlacementOpportunityStart.endType == .distributorPlacementOpportunityEnd)
        #expect(SegmentationType.programEnd.endType == nil)
        #expect(SegmentationType.subSegmentTypes.count == 8)
    }

    @Test func upidCanonicalDecoding() {
        #expect(SegmentationUPID(type: 0x08, bytes: [0, 0, 0, 0, 0x2C, 0xA0, 0xA1, 0x8A]) == .ti(0x2CA0_A18A))
        #expect(SegmentationUPID(type: 0x08, bytes: [1, 2, 3]) == .other(type: 0x08, bytes: [1, 2, 3]))
        #expect(SegmentationUPID(type: 0x03, bytes: [0xFF, 0xFE]) == .other(type: 0x03, bytes: [0xFF, 0xFE]))
        #expect(SegmentationUPID(type: 0x0C, bytes: [0x41, 0x44]) == .other(type: 0x0C, bytes: [0x41, 0x44]))
        #expect(SegmentationUPID(type: 0x0D, bytes: [0x03, 0x05, 0x41]) == .other(type: 0x0D, bytes: [0x03, 0x05, 0x41]))
        #expect(SegmentationUPID(type: 0x00, bytes: [1]) == .other(type: 0x00, bytes: [1]))
        #expect(SegmentationUPID(type: 0x00, bytes: []) == SegmentationUPID.none)
        let mid = SegmentationUPID.mid([.ti(1), .none])
        #expect(SegmentationUPID(type: mid.type, bytes: mid.bytes) == mid)
    }

    @Test func validateRejectsValuesThatDoNotFit() {
        func code(_ section: SpliceInfoSection) -> SCTE35Error.Code? {
            do {
                try section.validate()
                return nil
            } catch { return error.code }
        }
        let base = SpliceInfoSection.timeSignal(type: .breakStart, pts: 1, duration: 1, eventID: 1)
        #expect(code(base) == nil)
        #expect(code(SpliceInfoSection(command: .timeSignal(pts: -1))) == .outOfRange)
        #expect(code(SpliceInfoSection(command: .timeSignal(pts: 1 << 33))) == .outOfRange)
        #expect(code(SpliceInfoSection(command: .spliceNull, ptsAdjustment: -5)) == .outOfRange)
        #expect(code(SpliceInfoSection(command: .spliceNull, tier: 0x1000)) == .outOfRange)
        #expect(code(.spliceInsertOut(eventID: 1, pts: nil, duration: 1 << 33)) == .outOfRange)
        #expect(code(.timeSignal(type: .breakStart, pts: nil, duration: 1 << 40, eventID: 1)) == .outOfRange)
        #expect(code(.timeSignal(type: .breakStart, pts: nil, duration: nil, eventID: 1, upid: .uri(String(repeating: "x", count: 256)))) == .outOfRange)
        #expect(code(.timeSignal(type: .breakStart, pts: nil, duration: nil, eventID: 1, upid: .other(type: 0x08, bytes: [0, 0, 0, 0, 0, 0, 0, 1]))) == .outOfRange)
        #expect(
            code(SpliceInfoSection(command: .spliceNull, descriptors: [.other(tag: 0x02, identifier: SpliceDescriptor.cueIdentifier, bytes: [])]))
                == .outOfRange)
        #expect(code(SpliceInfoSection(command: .spliceNull, descriptors: [.other(tag: 0x02, identifier: 0x4142_4344, bytes: [])])) == nil)
        #expect(
            code(SpliceInfoSection(command: .spliceNull, descriptors: [.other(tag: 0xF0, identifier: 1, bytes: Array(repeating: 0, count: 252))]))
                == .outOfRange)
        var cancelled = SpliceInsert(eventID: 1, cancel: true)
        cancelled.outOfNetwork = true
        #expect(code(SpliceInfoSection(command: .spliceInsert(cancelled))) == .outOfRange)
        var cancelledSegment = SegmentationDescriptor.cancellation(eventID: 1)
        cancelledSegment.duration = 5
        #expect(code(SpliceInfoSection(command: .spliceNull, descriptors: [.segmentation(cancelledSegment)])) == .outOfRange)
        #expect(
            code(.init(command: .spliceNull, descriptors: [.segmentation(.init(eventID: 1, type: .programStart, subSegmentNum: 1, subSegmentsExpected: 1))]))
                == .outOfRange)
        #expect(
            code(.init(command: .spliceNull, descriptors: [.segmentation(.init(eventID: 1, type: .providerPlacementOpportunityStart, subSegmentNum: 1))]))
                == .outOfRange)
        #expect(
            code(.init(command: .spliceInsert(SpliceInsert(eventID: 1, programSplice: false, spliceTime: 5)))) == .outOfRange)
        #expect(
            code(.init(command: .spliceInsert(SpliceInsert(eventID: 1, programSplice: true, components: [.init(tag: 1)])))) == .outOfRange)
        #expect(code(.init(command: .spliceSchedule(bytes: [0x01, 0x00]))) == .outOfRange)
        var version = base
        version.protocolVersion = 1
        #expect(code(version) == .outOfRange)
        var big = SpliceInfoSection(command: .spliceNull)
        big.alignmentStuffing = Array(repeating: 0xFF, count: 4_080)
        #expect(code(big) == .outOfRange)
    }

    @Test func mediaTimeConversions() {
        let duration = BreakDuration(duration: MediaTime(seconds: 30))
        #expect(duration.duration == 2_700_000)
        #expect(BreakDuration(duration: MediaTime(value: 1, timescale: 3)).duration == 30_000)
        #expect(duration.mediaTime == MediaTime(seconds: 30))
    }
}

struct SCTE35TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
