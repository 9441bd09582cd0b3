/// One `splice_descriptor()` of a section's descriptor loop (SCTE 35 §10).
///
/// The `segmentation_descriptor()` (tag 0x02, identifier "CUEI") is decoded; every other
/// descriptor (avail 0x00, DTMF 0x01, time 0x03, audio 0x04, private ones) is kept verbatim so
/// re-encoding is lossless.
public enum SpliceDescriptor: Sendable, Hashable {
    /// `segmentation_descriptor()` (tag 0x02, identifier "CUEI").
    case segmentation(SegmentationDescriptor)
    /// Any other descriptor: its tag, its 32-bit identifier and the bytes after the identifier.
    /// (`.other` with tag 0x02 and identifier "CUEI" is not a valid value: it decodes as
    /// `.segmentation`.)
    case other(tag: UInt8, identifier: UInt32, bytes: [UInt8])

    /// The identifier of descriptors defined by SCTE 35: ASCII "CUEI".
    public static let cueIdentifier: UInt32 = 0x4355_4549

    /// `splice_descriptor_tag`.
    public var tag: UInt8 {
        switch self {
        case .segmentation: 0x02
        case .other(let tag, _, _): tag
        }
    }

    /// The segmentation descriptor, if this is one.
    public var segmentation: SegmentationDescriptor? {
        if case .segmentation(let descriptor) = self { return descriptor }
        return nil
    }
}

/// `segmentation_descriptor()` (SCTE 35 §10.3.3): what a span of content is (program, chapter,
/// break, ad, placement opportunity...) and its identifier (UPID).
///
/// When `cancel` is true only `eventID` and `eventIDComplianceFlag` are on the wire; the other
/// fields must then keep their defaults for the value to encode exactly.
public struct SegmentationDescriptor: Sendable, Hashable {
    /// `segmentation_event_id`.
    public var eventID: UInt32
    /// `segmentation_event_cancel_indicator`.
    public var cancel: Bool
    /// `segmentation_event_id_compliance_indicator` as found (reserved, hence 1, before 2020).
    public var eventIDComplianceFlag: Bool
    /// `program_segmentation_flag`: true for the whole program; false lists `components`.
    public var programSegmentation: Bool
    /// `segmentation_duration` in 90 kHz ticks (40 bits); nil = `segmentation_duration_flag` 0.
    public var duration: Int64?
    /// `segmentation_upid_type` + `segmentation_upid()`.
    public var upid: SegmentationUPID
    /// `segmentation_type_id`.
    public var type: SegmentationType
    /// `segment_num`.
    public var segmentNum: UInt8
    /// `segments_expected`.
    public var segmentsExpected: UInt8
    /// `sub_segment_num`: only for the types in `SegmentationType.subSegmentTypes`, and optional
    /// there (encoders before SCTE 35 2016 omit it); nil = absent.
    public var subSegmentNum: UInt8?
    /// `sub_segments_expected`: present exactly when `subSegmentNum` is.
    public var subSegmentsExpected: UInt8?
    /// The delivery restriction flags; nil = `delivery_not_restricted_flag` 1.
    public var deliveryRestrictions: DeliveryRestrictions?
    /// Component mode only (`programSegmentation` false): `component_tag` + `pts_offset`.
    public var components: [Component]

    /// One component of a component-mode segmentation descriptor.
    public struct Component: Sendable, Hashable {
        /// `component_tag`.
        public var tag: UInt8
        /// `pts_offset`, 90 kHz ticks (33 bits).
        public var ptsOffset: Int64

        /// A component with the given tag and PTS offset.
        public init(tag: UInt8, ptsOffset: Int64) {
            self.tag = tag
            self.ptsOffset = ptsOffset
        }
    }

    /// A segmentation descriptor; by default a program segmentation, unrestricted, without
    /// duration or UPID.
    public init(
        eventID: UInt32, type: SegmentationType, upid: SegmentationUPID = .none, duration: Int64? = nil,
        segmentNum: UInt8 = 0, segmentsExpected: UInt8 = 0, subSegmentNum: UInt8? = nil,
        subSegmentsExpected: UInt8? = nil, deliveryRestrictions: DeliveryRestrictions? = nil,
        cancel: Bool = false, programSegmentation: Bool = true, components: [Component] = [],
        eventIDComplianceFlag: Bool = true
    ) {
        self.eventID = eventID
        self.type = type
        self.upid = upid
        self.duration = duration
        self.segmentNum = segmentNum
        self.segmentsExpected = segmentsExpected
        self.subSegmentNum = subSegmentNum
        self.subSegmentsExpected = subSegmentsExpected
        self.deliveryRestrictions = deliveryRestrictions
        self.cancel = cancel
        self.programSegmentation = programSegmentation
        self.components = components
        self.eventIDComplianceFlag = eventIDComplianceFlag
    }

    /// A cancellation of segmentation event `eventID` (all other fields at their defaults).
    public static func cancellation(eventID: UInt32, eventIDComplianceFlag: Bool = true) -> SegmentationDescriptor {
        SegmentationDescriptor(
            eventID: eventID, type: .notIndicated, cancel: true, eventIDComplianceFlag: eventIDComplianceFlag)
    }
}

/// The delivery restriction flags of a segmentation descriptor (written when
/// `delivery_not_restricted_flag` is 0).
public struct DeliveryRestrictions: Sendable, Hashable {
    /// `web_delivery_allowed_flag`.
    public var webDeliveryAllowed: Bool
    /// `no_regional_blackout_flag`.
    public var noRegionalBlackout: Bool
    /// `archive_allowed_flag`.
    public var archiveAllowed: Bool
    /// `device_restrictions`.
    public var deviceRestrictions: DeviceRestrictions

    /// `device_restrictions` (SCTE 35 Table 21): which device group may not show the segment.
    public enum DeviceRestrictions: UInt8, Sendable, Hashable, CaseIterable {
        /// Restrict Group 0.
        case restrictGroup0 = 0
        /// Restrict Group 1.
        case restrictGroup1 = 1
        /// Restrict Group 2.
        case restrictGroup2 = 2
        /// No device restrictions.
        case none = 3
    }

    /// Delivery restrictions; the defaults restrict nothing beyond the flag itself.
    public init(
        webDeliveryAllowed: Bool = true, noRegionalBlackout: Bool = true, archiveAllowed: Bool = true,
        deviceRestrictions: DeviceRestrictions = .none
    ) {
        self.webDeliveryAllowed = webDeliveryAllowed
        self.noRegionalBlackout = noRegionalBlackout
        self.archiveAllowed = archiveAllowed
        self.deviceRestrictions = deviceRestrictions
    }
}

/// `segmentation_type_id` (SCTE 35 Table 23). Any 8-bit value is kept, named or not.
public struct SegmentationType: RawRepresentable, Sendable, Hashable, ExpressibleByIntegerLiteral,
    CustomStringConvertible
{
    /// The wire value.
    public var rawValue: UInt8

    /// The type with this wire value.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The type with this wire value.
    public init(integerLiteral value: UInt8) { self.rawValue = value }

    /// 0x00 Not Indicated.
    public static let notIndicated: Self = 0x00
    /// 0x01 Content Identification.
    public static let contentIdentification: Self = 0x01
    /// 0x02 Call Ad Server.
    public static let callAdServer: Self = 0x02
    /// 0x10 Program Start.
    public static let programStart: Self = 0x10
    /// 0x11 Program End.
    public static let programEnd: Self = 0x11
    /// 0x12 Program Early Termination.
    public static let programEarlyTermination: Self = 0x12
    /// 0x13 Program Breakaway.
    public static let programBreakaway: Self = 0x13
    /// 0x14 Program Resumption.
    public static let programResumption: Self = 0x14
    /// 0x15 Program Runover Planned.
    public static let programRunoverPlanned: Self = 0x15
    /// 0x16 Program Runover Unplanned.
    public static let programRunoverUnplanned: Self = 0x16
    /// 0x17 Program Overlap Start.
    public static let programOverlapStart: Self = 0x17
    /// 0x18 Program Blackout Override.
    public static let programBlackoutOverride: Self = 0x18
    /// 0x19 Program Join (Program Start – In Progress).
    public static let programJoin: Self = 0x19
    /// 0x20 Chapter Start.
    public static let chapterStart: Self = 0x20
    /// 0x21 Chapter End.
    public static let chapterEnd: Self = 0x21
    /// 0x22 Break Start.
    public static let breakStart: Self = 0x22
    /// 0x23 Break End.
    public static let breakEnd: Self = 0x23
    /// 0x24 Opening Credit Start.
    public static let openingCreditStart: Self = 0x24
    /// 0x25 Opening Credit End.
    public static let openingCreditEnd: Self = 0x25
    /// 0x26 Closing Credit Start.
    public static let closingCreditStart: Self = 0x26
    /// 0x27 Closing Credit End.
    public static let closingCreditEnd: Self = 0x27
    /// 0x30 Provider Advertisement Start.
    public static let providerAdvertisementStart: Self = 0x30
    /// 0x31 Provider Advertisement End.
    public static let providerAdvertisementEnd: Self = 0x31
    /// 0x32 Distributor Advertisement Start.
    public static let distributorAdvertisementStart: Self = 0x32
    /// 0x33 Distributor Advertisement End.
    public static let distributorAdvertisementEnd: Self = 0x33
    /// 0x34 Provider Placement Opportunity Start.
    public static let providerPlacementOpportunityStart: Self = 0x34
    /// 0x35 Provider Placement Opportunity End.
    public static let providerPlacementOpportunityEnd: Self = 0x35
    /// 0x36 Distributor Placement Opportunity Start.
    public static let distributorPlacementOpportunityStart: Self = 0x36
    /// 0x37 Distributor Placement Opportunity End.
    public static let distributorPlacementOpportunityEnd: Self = 0x37
    /// 0x38 Provider Overlay Placement Opportunity Start.
    public static let providerOverlayPlacementOpportunityStart: Self = 0x38
    /// 0x39 Provider Overlay Placement Opportunity End.
    public static let providerOverlayPlacementOpportunityEnd: Self = 0x39
    /// 0x3A Distributor Overlay Placement Opportunity Start.
    public static let distributorOverlayPlacementOpportunityStart: Self = 0x3A
    /// 0x3B Distributor Overlay Placement Opportunity End.
    public static let distributorOverlayPlacementOpportunityEnd: Self = 0x3B
    /// 0x3C Provider Promo Start.
    public static let providerPromoStart: Self = 0x3C
    /// 0x3D Provider Promo End.
    public static let providerPromoEnd: Self = 0x3D
    /// 0x3E Distributor Promo Start.
    public static let distributorPromoStart: Self = 0x3E
    /// 0x3F Distributor Promo End.
    public static let distributorPromoEnd: Self = 0x3F
    /// 0x40 Unscheduled Event Start.
    public static let unscheduledEventStart: Self = 0x40
    /// 0x41 Unscheduled Event End.
    public static let unscheduledEventEnd: Self = 0x41
    /// 0x42 Alternate Content Opportunity Start.
    public static let alternateContentOpportunityStart: Self = 0x42
    /// 0x43 Alternate Content Opportunity End.
    public static let alternateContentOpportunityEnd: Self = 0x43
    /// 0x44 Provider Ad Block Start.
    public static let providerAdBlockStart: Self = 0x44
    /// 0x45 Provider Ad Block End.
    public static let providerAdBlockEnd: Self = 0x45
    /// 0x46 Distributor Ad Block Start.
    public static let distributorAdBlockStart: Self = 0x46
    /// 0x47 Distributor Ad Block End.
    public static let distributorAdBlockEnd: Self = 0x47
    /// 0x50 Network Start.
    public static let networkStart: Self = 0x50
    /// 0x51 Network End.
    public static let networkEnd: Self = 0x51

    /// The types after whose `segments_expected` the syntax allows `sub_segment_num` and
    /// `sub_segments_expected`: 0x30, 0x32, 0x34, 0x36, 0x38, 0x3A, 0x44, 0x46.
    public static let subSegmentTypes: Set<SegmentationType> = [
        .providerAdvertisementStart, .distributorAdvertisementStart,
        .providerPlacementOpportunityStart, .distributorPlacementOpportunityStart,
        .providerOverlayPlacementOpportunityStart, .distributorOverlayPlacementOpportunityStart,
        .providerAdBlockStart, .distributorAdBlockStart,
    ]

    /// Whether this type may carry `sub_segment_num` / `sub_segments_expected`.
    public var allowsSubSegments: Bool { Self.subSegmentTypes.contains(self) }

    /// The end type paired with a start type (0x34 → 0x35, 0x22 → 0x23, 0x10 → 0x11, ...), else
    /// nil.
    public var endType: SegmentationType? {
        switch rawValue {
        case 0x10, 0x20, 0x22, 0x24, 0x26, 0x30, 0x32, 0x34, 0x36, 0x38, 0x3A, 0x3C, 0x3E, 0x40, 0x42, 0x44, 0x46,
            0x50:
            SegmentationType(rawValue: rawValue &+ 1)
        default: nil
        }
    }

    /// The name from SCTE 35 Table 23, or `nil` for a reserved value.
    public var name: String? {
        switch rawValue {
        case 0x00: "Not Indicated"
        case 0x01: "Content Identification"
        case 0x02: "Call Ad Server"
        case 0x10: "Program Start"
        case 0x11: "Program End"
        case 0x12: "Program Early Termination"
        case 0x13: "Program Breakaway"
        case 0x14: "Program Resumption"
        case 0x15: "Program Runover Planned"
        case 0x16: "Program Runover Unplanned"
        case 0x17: "Program Overlap Start"
        case 0x18: "Program Blackout Override"
        case 0x19: "Program Join"
        case 0x20: "Chapter Start"
        case 0x21: "Chapter End"
        case 0x22: "Break Start"
        case 0x23: "Break End"
        case 0x24: "Opening Credit Start"
        case 0x25: "Opening Credit End"
        case 0x26: "Closing Credit Start"
        case 0x27: "Closing Credit End"
        case 0x30: "Provider Advertisement Start"
        case 0x31: "Provider Advertisement End"
        case 0x32: "Distributor Advertisement Start"
        case 0x33: "Distributor Advertisement End"
        case 0x34: "Provider Placement Opportunity Start"
        case 0x35: "Provider Placement Opportunity End"
        case 0x36: "Distributor Placement Opportunity Start"
        case 0x37: "Distributor Placement Opportunity End"
        case 0x38: "Provider Overlay Placement Opportunity Start"
        case 0x39: "Provider Overlay Placement Opportunity End"
        case 0x3A: "Distributor Overlay Placement Opportunity Start"
        case 0x3B: "Distributor Overlay Placement Opportunity End"
        case 0x3C: "Provider Promo Start"
        case 0x3D: "Provider Promo End"
        case 0x3E: "Distributor Promo Start"
        case 0x3F: "Distributor Promo End"
        case 0x40: "Unscheduled Event Start"
        case 0x41: "Unscheduled Event End"
        case 0x42: "Alternate Content Opportunity Start"
        case 0x43: "Alternate Content Opportunity End"
        case 0x44: "Provider Ad Block Start"
        case 0x45: "Provider Ad Block End"
        case 0x46: "Distributor Ad Block Start"
        case 0x47: "Distributor Ad Block End"
        case 0x50: "Network Start"
        case 0x51: "Network End"
        default: nil
        }
    }

    /// `"0x34 Provider Placement Opportunity Start"`, or `"0x99 reserved"`.
    public var description: String {
        SCTE35Hex.literal(rawValue, width: 2) + " " + (name ?? "reserved")
    }
}

/// `segmentation_upid_type` + `segmentation_upid()` (SCTE 35 Table 22).
///
/// Decoding picks the most specific case whose form the bytes fit (e.g. `.ti` only for exactly 8
/// bytes, `.adID`/`.uri` only for valid UTF-8) and falls back to `.other`, so every UPID
/// re-encodes to the same bytes. An `.other` whose type and bytes fit a specific case is not a
/// valid value (it decodes as that case).
public enum SegmentationUPID: Sendable, Hashable {
    /// 0x00, no UPID (`segmentation_upid_length` 0).
    case none
    /// 0x03 Ad-ID (12 ASCII characters by the Ad-ID rules; any UTF-8 text is accepted).
    case adID(String)
    /// 0x08 TI (Turner Identifier / AiringID): a 64-bit number (exactly 8 bytes).
    case ti(UInt64)
    /// 0x0C MPU(): a 32-bit `format_identifier` (e.g. "ADFR") and private bytes (≥ 4 bytes).
    case mpu(format: UInt32, bytes: [UInt8])
    /// 0x0D MID(): several UPIDs.
    case mid([SegmentationUPID])
    /// 0x0F URI (RFC 3986 text, e.g. "urn:uuid:...").
    case uri(String)
    /// Any other type, or bytes that do not fit the specific case: the raw type and bytes.
    case other(type: UInt8, bytes: [UInt8])

    /// The UPID decoded from its type and bytes (never fails: see the type's documentation).
    public init(type: UInt8, bytes: [UInt8]) {
        switch type {
        case 0x00 where bytes.isEmpty:
            self = .none
        case 0x03:
            if let text = String(validating: bytes, as: UTF8.self) { self = .adID(text) } else {
                self = .other(type: type, bytes: bytes)
            }
        case 0x08 where bytes.count == 8:
            self = .ti(bytes.reduce(UInt64(0)) { ($0 << 8) | UInt64($1) })
        case 0x0C where bytes.count >= 4:
            let format = bytes.prefix(4).reduce(UInt32(0)) { ($0 << 8) | UInt32($1) }
            self = .mpu(format: format, bytes: Array(bytes.dropFirst(4)))
        case 0x0D:
            if let list = Self.parseMID(bytes) { self = .mid(list) } else { self = .other(type: type, bytes: bytes) }
        case 0x0F:
            if let text = String(validating: bytes, as: UTF8.self) { self = .uri(text) } else {
                self = .other(type: type, bytes: bytes)
            }
        default:
            self = .other(type: type, bytes: bytes)
        }
    }

    /// `segmentation_upid_type`.
    public var type: UInt8 {
        switch self {
        case .none: 0x00
        case .adID: 0x03
        case .ti: 0x08
        case .mpu: 0x0C
        case .mid: 0x0D
        case .uri: 0x0F
        case .other(let type, _): type
        }
    }

    /// The `segmentation_upid()` bytes (without type and length).
    public var bytes: [UInt8] {
        switch self {
        case .none: []
        case .adID(let text), .uri(let text): Array(text.utf8)
        case .ti(let value): (0..<8).map { UInt8(truncatingIfNeeded: value >> UInt64(56 - 8 * $0)) }
        case .mpu(let format, let data): (0..<4).map { UInt8(truncatingIfNeeded: format >> UInt32(24 - 8 * $0)) } + data
        case .mid(let list):
            list.flatMap { upid -> [UInt8] in
                let bytes = upid.bytes
                return [upid.type, UInt8(truncatingIfNeeded: bytes.count)] + bytes
            }
        case .other(_, let data): data
        }
    }

    /// A MID() body as type/length/bytes triplets, or nil if it does not split exactly.
    private static func parseMID(_ bytes: [UInt8]) -> [SegmentationUPID]? {
        var list: [SegmentationUPID] = []
        var index = 0
        while index < bytes.count {
            guard index &+ 1 < bytes.count else { return nil }
            let type = bytes[index]
            let length = Int(bytes[index &+ 1])
            let start = index &+ 2
            guard start &+ length <= bytes.count else { return nil }
            list.append(SegmentationUPID(type: type, bytes: Array(bytes[start..<(start &+ length)])))
            index = start &+ length
        }
        return list
    }
}
