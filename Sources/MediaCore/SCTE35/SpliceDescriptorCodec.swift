// Bit-level reading and writing of the descriptor loop (SCTE 35 §10) and the
// segmentation_descriptor() (§10.3.3).

extension SpliceInfoSection {
    // MARK: Encoding

    /// One descriptor: tag, `descriptor_length`, identifier and body.
    static func encodeDescriptor(_ descriptor: SpliceDescriptor) -> [UInt8] {
        var body = SCTE35Writer()
        let identifier: UInt32
        switch descriptor {
        case .segmentation(let segmentation):
            identifier = SpliceDescriptor.cueIdentifier
            encodeSegmentation(segmentation, into: &body)
        case .other(_, let id, let bytes):
            identifier = id
            body.append(bytes)
        }
        var writer = SCTE35Writer()
        writer.put(UInt64(descriptor.tag), 8)
        writer.put(UInt64(4 + body.count), 8)
        writer.put(UInt64(identifier), 32)
        writer.append(body.bytes)
        return writer.bytes
    }

    static func encodeSegmentation(_ descriptor: SegmentationDescriptor, into writer: inout SCTE35Writer) {
        writer.put(UInt64(descriptor.eventID), 32)
        writer.flag(descriptor.cancel)
        writer.flag(descriptor.eventIDComplianceFlag)
        writer.reserved(6)
        guard !descriptor.cancel else { return }
        writer.flag(descriptor.programSegmentation)
        writer.flag(descriptor.duration != nil)
        writer.flag(descriptor.deliveryRestrictions == nil)
        if let restrictions = descriptor.deliveryRestrictions {
            writer.flag(restrictions.webDeliveryAllowed)
            writer.flag(restrictions.noRegionalBlackout)
            writer.flag(restrictions.archiveAllowed)
            writer.put(UInt64(restrictions.deviceRestrictions.rawValue), 2)
        } else {
            writer.reserved(5)
        }
        if !descriptor.programSegmentation {
            writer.put(UInt64(descriptor.components.count), 8)
            for component in descriptor.components {
                writer.put(UInt64(component.tag), 8)
                writer.reserved(7)
                writer.put(signed: component.ptsOffset, 33)
            }
        }
        if let duration = descriptor.duration { writer.put(signed: duration, 40) }
        let upidBytes = descriptor.upid.bytes
        writer.put(UInt64(descriptor.upid.type), 8)
        writer.put(UInt64(upidBytes.count), 8)
        writer.append(upidBytes)
        writer.put(UInt64(descriptor.type.rawValue), 8)
        writer.put(UInt64(descriptor.segmentNum), 8)
        writer.put(UInt64(descriptor.segmentsExpected), 8)
        if descriptor.subSegmentNum != nil || descriptor.subSegmentsExpected != nil {
            writer.put(UInt64(descriptor.subSegmentNum ?? 0), 8)
            writer.put(UInt64(descriptor.subSegmentsExpected ?? 0), 8)
        }
    }

    // MARK: Decoding

    /// The descriptors in bytes `start..<end` (the descriptor loop).
    static func decodeDescriptors(
        _ bytes: [UInt8], start: Int, end: Int, loopLength: Int
    ) throws(SCTE35Error) -> [SpliceDescriptor] {
        var descriptors: [SpliceDescriptor] = []
        var offset = start
        while offset < end {
            let index = descriptors.count
            var header = SCTE35Reader(
                bytes, start: offset, limit: end, limitName: "descriptor_loop_length \(loopLength)",
                structure: "splice_descriptor[\(index)]")
            let tag = try header.u8("splice_descriptor_tag")
            let length = Int(try header.u8("descriptor_length"))
            let bodyStart = offset + 2
            let descriptorEnd = bodyStart + length
            guard descriptorEnd <= end else {
                throw .lengthOverrun(
                    "splice_descriptor[\(index)] (tag \(SCTE35Hex.literal(tag, width: 2))): descriptor_length \(length) "
                        + "at byte \(offset + 1) overruns descriptor_loop_length \(loopLength), which ends at byte \(end)",
                    byte: offset + 1)
            }
            var reader = SCTE35Reader(
                bytes, start: bodyStart, limit: descriptorEnd,
                limitName: "descriptor_length \(length)",
                structure: "splice_descriptor[\(index)] (tag \(SCTE35Hex.literal(tag, width: 2)))")
            let identifier = try reader.u32("identifier")
            if tag == 0x02, identifier == SpliceDescriptor.cueIdentifier {
                reader.structure = "segmentation_descriptor[\(index)]"
                let segmentation = try decodeSegmentation(&reader)
                guard reader.byte == descriptorEnd else {
                    let left = descriptorEnd - reader.byte
                    throw .malformed(
                        "segmentation_descriptor[\(index)]: \(left) byte\(left == 1 ? "" : "s") left over after "
                            + "\(segmentation.cancel ? "segmentation_event_cancel_indicator" : "segments_expected") "
                            + "within descriptor_length \(length) (byte \(reader.byte))", byte: reader.byte)
                }
                descriptors.append(.segmentation(segmentation))
            } else {
                let body = try reader.bytes(reader.bytesRemaining, "descriptor bytes")
                descriptors.append(.other(tag: tag, identifier: identifier, bytes: body))
            }
            offset = descriptorEnd
        }
        return descriptors
    }

    static func decodeSegmentation(_ reader: inout SCTE35Reader) throws(SCTE35Error) -> SegmentationDescriptor {
        var descriptor = SegmentationDescriptor(eventID: try reader.u32("segmentation_event_id"), type: .notIndicated)
        descriptor.cancel = try reader.flag("segmentation_event_cancel_indicator")
        descriptor.eventIDComplianceFlag = try reader.flag("segmentation_event_id_compliance_indicator")
        try reader.skip(6, "reserved")
        guard !descriptor.cancel else { return descriptor }
        descriptor.programSegmentation = try reader.flag("program_segmentation_flag")
        let hasDuration = try reader.flag("segmentation_duration_flag")
        let notRestricted = try reader.flag("delivery_not_restricted_flag")
        if notRestricted {
            try reader.skip(5, "reserved")
        } else {
            let web = try reader.flag("web_delivery_allowed_flag")
            let blackout = try reader.flag("no_regional_blackout_flag")
            let archive = try reader.flag("archive_allowed_flag")
            let device = UInt8(truncatingIfNeeded: try reader.bits(2, "device_restrictions"))
            descriptor.deliveryRestrictions = DeliveryRestrictions(
                webDeliveryAllowed: web, noRegionalBlackout: blackout, archiveAllowed: archive,
                deviceRestrictions: DeliveryRestrictions.DeviceRestrictions(rawValue: device) ?? .none)
        }
        if !descriptor.programSegmentation {
            let count = Int(try reader.u8("component_count"))
            for index in 0..<count {
                let tag = try reader.u8("component_tag[\(index)]")
                try reader.skip(7, "component[\(index)] reserved")
                descriptor.components.append(.init(tag: tag, ptsOffset: try reader.i64(33, "component[\(index)] pts_offset")))
            }
        }
        if hasDuration { descriptor.duration = try reader.i64(40, "segmentation_duration") }
        let upidType = try reader.u8("segmentation_upid_type")
        let upidLengthByte = reader.byte
        let upidLength = Int(try reader.u8("segmentation_upid_length"))
        guard upidLength <= reader.bytesRemaining else {
            throw .lengthOverrun(
                "\(reader.structure): segmentation_upid_length \(upidLength) at byte \(upidLengthByte) overruns "
                    + "\(reader.limitName), which ends at byte \(reader.limit)", byte: upidLengthByte)
        }
        descriptor.upid = SegmentationUPID(type: upidType, bytes: try reader.bytes(upidLength, "segmentation_upid()"))
        descriptor.type = SegmentationType(rawValue: try reader.u8("segmentation_type_id"))
        descriptor.segmentNum = try reader.u8("segment_num")
        descriptor.segmentsExpected = try reader.u8("segments_expected")
        // Optional before SCTE 35 2016: read when the type allows them and they are there.
        if descriptor.type.allowsSubSegments, reader.bytesRemaining >= 2 {
            descriptor.subSegmentNum = try reader.u8("sub_segment_num")
            descriptor.subSegmentsExpected = try reader.u8("sub_segments_expected")
        }
        return descriptor
    }
}
