/// How an ad break is signalled: a `splice_insert` (the classic avail cue most HLS tooling
/// expects in `EXT-X-CUE-OUT`), or a `time_signal` carrying a segmentation descriptor of a given
/// start type (the SCTE 224/SCTE 35 2016+ style, e.g. Provider Placement Opportunity).
public enum BreakCueStyle: Sendable, Hashable {
    /// `splice_insert` out/in.
    case spliceInsert
    /// `time_signal` + `segmentation_descriptor` of this start type; the break end uses
    /// `type.endType` (e.g. 0x34 → 0x35).
    case timeSignal(SegmentationType)

    /// `time_signal` + Provider Placement Opportunity Start/End (0x34/0x35).
    public static let providerPlacementOpportunity = BreakCueStyle.timeSignal(.providerPlacementOpportunityStart)
    /// `time_signal` + Distributor Placement Opportunity Start/End (0x36/0x37).
    public static let distributorPlacementOpportunity = BreakCueStyle.timeSignal(.distributorPlacementOpportunityStart)
    /// `time_signal` + Break Start/End (0x22/0x23).
    public static let breakSegment = BreakCueStyle.timeSignal(.breakStart)
}

/// Convenience builders for the cues Showrunner writes. Times are 90 kHz ticks
/// (`MediaTime.ticks(at: MediaTime.mpegTimescale)`); a nil `pts` means "immediate".
extension SpliceInfoSection {
    /// A `splice_insert` cue out: `out_of_network_indicator` 1, a program splice at `pts`
    /// (nil = `splice_immediate_flag` 1) and, when `duration` is given, a `break_duration` with
    /// `auto_return`.
    public static func spliceInsertOut(
        eventID: UInt32, pts: Int64?, duration: Int64?, autoReturn: Bool = true, uniqueProgramID: UInt16 = 0,
        availNum: UInt8 = 0, availsExpected: UInt8 = 0, descriptors: [SpliceDescriptor] = []
    ) -> SpliceInfoSection {
        let insert = SpliceInsert(
            eventID: eventID, outOfNetwork: true, spliceTime: pts,
            breakDuration: duration.map { BreakDuration(autoReturn: autoReturn, duration: $0) },
            uniqueProgramID: uniqueProgramID, availNum: availNum, availsExpected: availsExpected)
        return SpliceInfoSection(command: .spliceInsert(insert), descriptors: descriptors)
    }

    /// A `splice_insert` cue in (return to network): `out_of_network_indicator` 0, a program splice
    /// at `pts` (nil = immediate), no break duration.
    public static func spliceInsertIn(
        eventID: UInt32, pts: Int64?, uniqueProgramID: UInt16 = 0, availNum: UInt8 = 0, availsExpected: UInt8 = 0,
        descriptors: [SpliceDescriptor] = []
    ) -> SpliceInfoSection {
        let insert = SpliceInsert(
            eventID: eventID, outOfNetwork: false, spliceTime: pts, uniqueProgramID: uniqueProgramID,
            availNum: availNum, availsExpected: availsExpected)
        return SpliceInfoSection(command: .spliceInsert(insert), descriptors: descriptors)
    }

    /// A `time_signal` at `pts` (nil = immediate) with one program `segmentation_descriptor` of
    /// `type`, `segmentation_duration` `duration` (nil = none), `eventID` and `upid`, unrestricted
    /// delivery unless `deliveryRestrictions` is given. For the placement-opportunity start types
    /// 0x34, 0x36, 0x38 and 0x3A, `sub_segment_num` and `sub_segments_expected` are written as 0
    /// ("not used"), as the syntax since SCTE 35 2016 has them.
    public static func timeSignal(
        type: SegmentationType, pts: Int64?, duration: Int64?, eventID: UInt32, upid: SegmentationUPID = .none,
        segmentNum: UInt8 = 0, segmentsExpected: UInt8 = 0, deliveryRestrictions: DeliveryRestrictions? = nil
    ) -> SpliceInfoSection {
        let placement: Set<SegmentationType> = [
            .providerPlacementOpportunityStart, .distributorPlacementOpportunityStart,
            .providerOverlayPlacementOpportunityStart, .distributorOverlayPlacementOpportunityStart,
        ]
        let subSegments: UInt8? = placement.contains(type) ? 0 : nil
        let descriptor = SegmentationDescriptor(
            eventID: eventID, type: type, upid: upid, duration: duration, segmentNum: segmentNum,
            segmentsExpected: segmentsExpected, subSegmentNum: subSegments, subSegmentsExpected: subSegments,
            deliveryRestrictions: deliveryRestrictions)
        return SpliceInfoSection(command: .timeSignal(pts: pts), descriptors: [.segmentation(descriptor)])
    }

    /// The cue that starts an ad break of `duration` ticks at `pts` (nil = immediate).
    ///
    /// `.spliceInsert`: `spliceInsertOut` with an auto-return `break_duration`; a UPID other than
    /// `.none` is carried in a Break Start (0x22) segmentation descriptor with the same event ID
    /// and duration, so it is never dropped. `.timeSignal(type)`: `timeSignal(type:...)` with the
    /// duration as `segmentation_duration`.
    public static func breakStart(
        eventID: UInt32, pts: Int64?, duration: Int64, upid: SegmentationUPID = .none,
        style: BreakCueStyle = .spliceInsert
    ) -> SpliceInfoSection {
        switch style {
        case .spliceInsert:
            let descriptors: [SpliceDescriptor] =
                upid == .none
                ? [] : [.segmentation(SegmentationDescriptor(eventID: eventID, type: .breakStart, upid: upid, duration: duration))]
            return spliceInsertOut(eventID: eventID, pts: pts, duration: duration, descriptors: descriptors)
        case .timeSignal(let type):
            return timeSignal(type: type, pts: pts, duration: duration, eventID: eventID, upid: upid)
        }
    }

    /// The cue that ends the ad break `eventID` at `pts` (nil = immediate).
    ///
    /// `.spliceInsert`: `spliceInsertIn` (a UPID other than `.none` goes in a Break End (0x23)
    /// segmentation descriptor). `.timeSignal(type)`: a `time_signal` with a segmentation
    /// descriptor of `type.endType` (or `type` itself when it has no paired end type).
    public static func breakEnd(
        eventID: UInt32, pts: Int64?, upid: SegmentationUPID = .none, style: BreakCueStyle = .spliceInsert
    ) -> SpliceInfoSection {
        switch style {
        case .spliceInsert:
            let descriptors: [SpliceDescriptor] =
                upid == .none ? [] : [.segmentation(SegmentationDescriptor(eventID: eventID, type: .breakEnd, upid: upid))]
            return spliceInsertIn(eventID: eventID, pts: pts, descriptors: descriptors)
        case .timeSignal(let type):
            return timeSignal(type: type.endType ?? type, pts: pts, duration: nil, eventID: eventID, upid: upid)
        }
    }
}
