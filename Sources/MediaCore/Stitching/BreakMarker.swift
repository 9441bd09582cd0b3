
/// One ad break of a title as it is published unfilled: where it sits, how long the ad decision
/// may fill it, and the SCTE-35 identity partners key on.
public struct MarkedBreak: Sendable, Hashable {
    /// The EXT-X-DATERANGE ID (e.g. `"pre"`, `"mid-1"`, `"post"`); unique within the title.
    public var id: String
    /// The SCTE-35 `splice_event_id` / `segmentation_event_id`; unique within the title.
    public var eventID: UInt32
    /// Before, inside or after the title. Must agree with `at`.
    public var position: BreakPosition
    /// Content time of the break: `.zero` for `.pre`, the content's total EXTINF duration for
    /// `.post`, else exactly a content segment boundary strictly inside the title.
    public var at: MediaTime
    /// The duration the break may be filled with (PLANNED-DURATION, CUE-OUT DURATION and the
    /// SCTE-35 `break_duration`, which is rounded to the nearest 90 kHz tick).
    public var plannedDuration: MediaTime
    /// The UPID carried in the SCTE-35 cue (`.none` = no segmentation UPID).
    public var upid: SegmentationUPID

    /// A break; `upid` defaults to none.
    public init(id: String, eventID: UInt32, position: BreakPosition, at: MediaTime, plannedDuration: MediaTime,
                upid: SegmentationUPID = .none) {
        self.id = id
        self.eventID = eventID
        self.position = position
        self.at = at
        self.plannedDuration = plannedDuration
        self.upid = upid
    }
}

/// Builds the published "marked" form of a content media playlist: the channel's ad breaks
/// signalled at their content boundaries but not filled, for SSAI/CSAI partners and the operator
/// audit (`MarkerAudit`). Pure, deterministic, no I/O.
///
/// The content's lines are kept (URIs, EXTINF, MAP, KEY, BYTERANGE, vendor tags, comments,
/// header and trailer) except its EXT-X-PROGRAM-DATE-TIME lines, which are replaced by:
/// * EXT-X-PROGRAM-DATE-TIME on the first segment, counted from `programDateTime` in integer
///   milliseconds (`Stitcher.programDateTime(epochMilliseconds:)`'s format);
/// * for each pre- or mid-roll, on the segment that starts at `at`:
///   - `.dateRange`: EXT-X-PROGRAM-DATE-TIME (so START-DATE is anchored on that very segment)
///     and `EXT-X-DATERANGE:ID="<id>",START-DATE="<date of at>",PLANNED-DURATION=<s.mmm>,
///     SCTE35-OUT=0x…`, the cue being `SpliceInfoSection.breakStart` with `pts` = `at` and
///     `break_duration` = the planned duration, both in 90 kHz ticks;
///   - `.cue`: `EXT-X-CUE-OUT:DURATION=<s.mmm>` immediately followed by `EXT-X-CUE-IN`, right
///     before EXTINF (an insertion opportunity of zero content time);
/// * for a post-roll, only its DATERANGE (with START-DATE = the content's end), after the last
///   segment and before EXT-X-ENDLIST: there is no segment to hang cue tags on.
///
/// The header (TARGETDURATION, VERSION) is unchanged: no tag written here needs more.
public enum BreakMarker {
    /// The marked playlist. Throws what `Stitcher.stitch` throws for the same breaks without ads:
    /// `.emptyContent`, `.contentNotEnded`, `.duplicateBreakID`, `.duplicateEventID`,
    /// `.outOfRange`, `.notABoundary`, `.positionMismatch`, `.overlappingBreaks`.
    ///
    /// - Parameters:
    ///   - content: the rendition's VOD media playlist (EXT-X-ENDLIST, at least one segment),
    ///     URIs already final.
    ///   - breaks: in any order; empty gives the content with its PROGRAM-DATE-TIME only.
    ///   - markers: which tags to write; a post-roll is marked only with `.dateRange`.
    ///   - cueStyle: the SCTE-35 command of SCTE35-OUT (`splice_insert` or `time_signal`).
    ///   - programDateTime: milliseconds since 1970-01-01T00:00:00Z of the first segment's start.
    public static func mark(_ content: MediaPlaylist, breaks: [MarkedBreak], markers: MarkerStyle,
                            cueStyle: BreakCueStyle, programDateTime: Int64) throws(StitchError) -> MediaPlaylist {
        // The Stitcher's own validation: a break without ads is validated, then left out.
        let unfilled = breaks.map {
            StitchBreak(id: $0.id, eventID: $0.eventID, position: $0.position, at: $0.at,
                        plannedDuration: $0.plannedDuration, ads: [], upid: $0.upid)
        }
        _ = try Stitcher.timeline(StitchRequest(content: content, breaks: unfilled, markers: markers, cueStyle: cueStyle,
                                                programDateTime: programDateTime))

        func date(_ t: MediaTime) -> String {
            Stitcher.programDateTime(epochMilliseconds: programDateTime &+ t.milliseconds)
        }
        var playlist = content
        playlist.headerLine = nil
        playlist.trailerLine = nil
        for i in playlist.segments.indices {
            playlist.segments[i].line = nil
            playlist.segments[i].programDateTime = nil
        }
        playlist.segments[0].programDateTime = date(.zero)

        var starts: [MediaTime] = []
        var time = MediaTime.zero
        for segment in content.segments {
            starts.append(time)
            time += segment.duration
        }
        for b in breaks.sorted(by: { $0.at < $1.at }) {
            let dateRange = SegmentItem.dateRange(AttributeList([
                Attribute(name: "ID", value: .quoted(b.id)),
                Attribute(name: "START-DATE", value: .quoted(date(b.at))),
                Attribute(name: "PLANNED-DURATION", value: .token(b.plannedDuration.decimalString(fractionDigits: 3))),
                Attribute(name: "SCTE35-OUT", value: .token(SpliceInfoSection.breakStart(
                    eventID: b.eventID, pts: b.at.ticks(at: MediaTime.mpegTimescale) & SpliceInfoSection.ptsMask,
                    duration: b.plannedDuration.ticks(at: MediaTime.mpegTimescale), upid: b.upid, style: cueStyle).hex)),
            ]))
            if b.position == .post {
                if markers.contains(.dateRange) {
                    let end = playlist.trailer.firstIndex(of: .endList) ?? playlist.trailer.count
                    playlist.trailer.insert(.item(dateRange), at: end)
                }
                continue
            }
            // Validated: `at` is a boundary before some segment; the first such one, as the Stitcher.
            guard let i = starts.firstIndex(of: b.at) else { continue }
            if markers.contains(.dateRange) {
                playlist.segments[i].programDateTime = date(b.at)
                playlist.segments[i].items.insert(dateRange, at: dateRangeIndex(playlist.segments[i].items))
            }
            if markers.contains(.cue) {
                let items = playlist.segments[i].items
                let inf = items.firstIndex { if case .inf = $0 { true } else { false } } ?? items.count
                playlist.segments[i].items.insert(contentsOf: [
                    .other(Tag(name: "EXT-X-CUE-OUT", value: "DURATION=\(b.plannedDuration.decimalString(fractionDigits: 3))")),
                    .other(Tag(name: "EXT-X-CUE-IN")),
                ], at: inf)
            }
        }
        return playlist
    }

    /// Where an EXT-X-DATERANGE goes among a segment's lines, in the order `MediaSegment` keeps:
    /// after DISCONTINUITY, KEY, MAP, PROGRAM-DATE-TIME and earlier DATERANGE lines, before GAP,
    /// BITRATE, EXTINF and BYTERANGE; comments and unknown tags keep their place.
    private static func dateRangeIndex(_ items: [SegmentItem]) -> Int {
        var lastBefore: Int?
        var firstAfter: Int?
        for (k, item) in items.enumerated() {
            switch item {
            case .discontinuity, .key, .map, .programDateTime, .dateRange: lastBefore = k
            case .gap, .bitrate, .inf, .byteRange: firstAfter = firstAfter ?? k
            case .other, .comment, .blank: break
            }
        }
        return lastBefore.map { $0 + 1 } ?? firstAfter ?? items.count
    }
}
