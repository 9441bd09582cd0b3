extension SpliceInfoSection {
    /// Checks that `encode()` represents this value exactly, i.e. that
    /// `decode(encode()) == self`: every field fits its bit width (PTS values and
    /// `pts_adjustment` in 0..<2^33, `break_duration` 33 bits, `segmentation_duration` 40 bits,
    /// `tier` 12 bits, descriptors and UPIDs ≤ 255 bytes, the section ≤ 4096 bytes), cancelled
    /// events carry only their ID, component lists match their mode, sub-segment fields come in
    /// pairs and only for the types that have them, and `.other` cases are not ones the decoder
    /// would read as a specific case. Throws `.outOfRange` naming the field.
    public func validate() throws(SCTE35Error) {
        _ = try encoded()
    }

    /// The encoded section after `validate()`'s checks: like `encode()`, but throws
    /// `.outOfRange` instead of writing a value that would not decode back to itself.
    public func encoded() throws(SCTE35Error) -> [UInt8] {
        try checkRanges()
        let bytes = encode()
        let decoded: SpliceInfoSection
        do {
            decoded = try Self.decode(bytes)
        } catch {
            throw .outOfRange("the encoded section does not decode: \(error.message)")
        }
        guard decoded == self else {
            throw .outOfRange("the value is not in canonical form: it decodes back as a different value")
        }
        return bytes
    }

    private static let pts33 = 0..<(Int64(1) << 33)
    private static let ticks40 = 0..<(Int64(1) << 40)

    private static func check(_ value: Int64, _ range: Range<Int64>, _ field: String) throws(SCTE35Error) {
        guard range.contains(value) else {
            throw .outOfRange("\(field) \(value) is outside 0..<\(range.upperBound)")
        }
    }

    private func checkRanges() throws(SCTE35Error) {
        guard protocolVersion == 0 else { throw .outOfRange("protocol_version \(protocolVersion) is not 0") }
        guard sapType <= 3 else { throw .outOfRange("sap_type \(sapType) does not fit 2 bits") }
        guard encryptionAlgorithm <= 63 else {
            throw .outOfRange("encryption_algorithm \(encryptionAlgorithm) does not fit 6 bits")
        }
        guard tier <= 0xFFF else { throw .outOfRange("tier \(tier) does not fit 12 bits") }
        try Self.check(ptsAdjustment, Self.pts33, "pts_adjustment")
        try checkCommand()
        for (index, descriptor) in descriptors.enumerated() { try Self.checkDescriptor(descriptor, index) }
        let commandLength = Self.encodeCommand(command).count
        guard commandLength < Self.unknownCommandLength else {
            throw .outOfRange("splice_command_length \(commandLength) does not fit below 0xFFF")
        }
        let loopLength = descriptors.reduce(0) { $0 + Self.encodeDescriptor($1).count }
        let sectionLength = 11 + commandLength + 2 + loopLength + alignmentStuffing.count + 4
        guard sectionLength <= Self.maximumSectionLength else {
            throw .outOfRange("section_length \(sectionLength) exceeds \(Self.maximumSectionLength)")
        }
    }

    private func checkCommand() throws(SCTE35Error) {
        switch command {
        case .spliceNull, .bandwidthReservation, .privateCommand:
            break
        case .timeSignal(let pts):
            if let pts { try Self.check(pts, Self.pts33, "time_signal pts_time") }
        case .spliceSchedule(let bytes):
            var reader = SCTE35Reader(bytes, start: 0, limit: bytes.count, limitName: "the bytes", structure: "splice_schedule()")
            do {
                try Self.skipSpliceSchedule(&reader)
            } catch {
                throw .outOfRange("splice_schedule bytes are not well formed: \(error.message)")
            }
            guard reader.byte == bytes.count else {
                throw .outOfRange("splice_schedule bytes have \(bytes.count - reader.byte) bytes after the last splice")
            }
        case .spliceInsert(let insert):
            try Self.checkSpliceInsert(insert)
        }
    }

    private static func checkSpliceInsert(_ insert: SpliceInsert) throws(SCTE35Error) {
        if insert.cancel {
            guard insert == SpliceInsert(eventID: insert.eventID, cancel: true) else {
                throw .outOfRange(
                    "splice_insert with splice_event_cancel_indicator 1 carries only splice_event_id; other fields must keep their defaults")
            }
            return
        }
        if let time = insert.spliceTime { try check(time, pts33, "splice_insert splice_time pts_time") }
        if let duration = insert.breakDuration?.duration { try check(duration, pts33, "break_duration duration") }
        if insert.programSplice {
            guard insert.components.isEmpty else {
                throw .outOfRange("splice_insert components need program_splice_flag 0 (programSplice false)")
            }
        } else {
            guard insert.spliceTime == nil else {
                throw .outOfRange("splice_insert spliceTime must be nil in component mode (use components' times)")
            }
            guard insert.components.count <= 255 else {
                throw .outOfRange("splice_insert component_count \(insert.components.count) exceeds 255")
            }
            for (index, component) in insert.components.enumerated() {
                if let time = component.spliceTime { try check(time, pts33, "splice_insert component[\(index)] pts_time") }
            }
        }
    }

    private static func checkDescriptor(_ descriptor: SpliceDescriptor, _ index: Int) throws(SCTE35Error) {
        let length = encodeDescriptor(descriptor).count - 2
        guard length <= 255 else {
            throw .outOfRange("splice_descriptor[\(index)] descriptor_length \(length) exceeds 255")
        }
        switch descriptor {
        case .other(let tag, let identifier, _):
            guard !(tag == 0x02 && identifier == SpliceDescriptor.cueIdentifier) else {
                throw .outOfRange(
                    "splice_descriptor[\(index)] tag 0x02 with identifier CUEI is a segmentation_descriptor; use .segmentation")
            }
        case .segmentation(let segmentation):
            try checkSegmentation(segmentation, "segmentation_descriptor[\(index)]")
        }
    }

    private static func checkSegmentation(_ descriptor: SegmentationDescriptor, _ name: String) throws(SCTE35Error) {
        if descriptor.cancel {
            guard descriptor == .cancellation(eventID: descriptor.eventID, eventIDComplianceFlag: descriptor.eventIDComplianceFlag) else {
                throw .outOfRange(
                    "\(name) with segmentation_event_cancel_indicator 1 carries only segmentation_event_id; other fields must keep their defaults")
            }
            return
        }
        if let duration = descriptor.duration { try check(duration, ticks40, "\(name) segmentation_duration") }
        if descriptor.programSegmentation {
            guard descriptor.components.isEmpty else {
                throw .outOfRange("\(name) components need program_segmentation_flag 0 (programSegmentation false)")
            }
        } else {
            guard descriptor.components.count <= 255 else {
                throw .outOfRange("\(name) component_count \(descriptor.components.count) exceeds 255")
            }
            for (index, component) in descriptor.components.enumerated() {
                try check(component.ptsOffset, pts33, "\(name) component[\(index)] pts_offset")
            }
        }
        try checkUPID(descriptor.upid, "\(name) segmentation_upid")
        guard (descriptor.subSegmentNum == nil) == (descriptor.subSegmentsExpected == nil) else {
            throw .outOfRange("\(name) sub_segment_num and sub_segments_expected must both be set or both be nil")
        }
        if descriptor.subSegmentNum != nil, !descriptor.type.allowsSubSegments {
            throw .outOfRange("\(name) sub_segment_num is not defined for segmentation_type_id \(descriptor.type)")
        }
    }

    private static func checkUPID(_ upid: SegmentationUPID, _ name: String) throws(SCTE35Error) {
        let bytes = upid.bytes
        guard bytes.count <= 255 else { throw .outOfRange("\(name) length \(bytes.count) exceeds 255") }
        if case .mid(let list) = upid {
            for (index, inner) in list.enumerated() { try checkUPID(inner, "\(name) MID[\(index)]") }
        }
        guard SegmentationUPID(type: upid.type, bytes: bytes) == upid else {
            throw .outOfRange(
                "\(name) type \(SCTE35Hex.literal(upid.type, width: 2)) with these bytes decodes as a different case "
                    + "(e.g. .other for a type with a specific case)")
        }
    }
}
