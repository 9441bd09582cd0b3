
/// Builds a viewer's media playlist with its ad breaks filled: pure, deterministic, no I/O.
///
/// `.stitched` mode (server-side ad insertion) inserts each break's ad segments at its content
/// boundary, with
/// * EXT-X-DISCONTINUITY on the first segment of every ad and on the first content segment after
///   a break (EXT-X-DISCONTINUITY-SEQUENCE is left as the content had it);
/// * EXT-X-MAP and EXT-X-KEY re-emitted wherever the segment's own source had another one in
///   effect than the stitched playlist would (an fMP4 ad's MAP on its first segment, the
///   content's MAP again after the break; `METHOD=NONE` before a clear ad in encrypted content).
///   AES-128 segments that rely on the media sequence number as IV get an explicit IV once
///   inserted ads shift their sequence numbers;
/// * BYTERANGE offsets written out where the previous segment is no longer the same resource;
/// * EXT-X-PROGRAM-DATE-TIME on the first segment and after every discontinuity, counted from
///   `StitchRequest.programDateTime` in integer milliseconds (source PROGRAM-DATE-TIME lines are
///   dropped);
/// * markers per `StitchRequest.markers` (see `MarkerStyle`); a post-roll's closing markers go
///   after its last segment, before EXT-X-ENDLIST;
/// * EXT-X-TARGETDURATION raised to the longest rounded EXTINF, EXT-X-VERSION raised to what the
///   ads and the tags used require.
///
/// `.interstitials` mode leaves the segments alone and adds one
/// `CLASS="com.apple.hls.interstitial"` EXT-X-DATERANGE per break that has an `assetURI`.
///
/// Everything else in the content (header lines, vendor tags, comments, DATERANGEs) is kept in
/// place; from ads, only segment lines are copied.
public enum Stitcher {
    /// The stitched media playlist. Throws when a break is not at a content boundary, out of
    /// range, at the same boundary as another, disagrees with its position, has an empty ad, or
    /// reuses an ID; when the content is empty or has no EXT-X-ENDLIST; or when TS and fMP4
    /// segments would be spliced together. Breaks without ads are validated, then left out.
    public static func stitch(_ request: StitchRequest) throws(StitchError) -> MediaPlaylist {
        let placed = try place(request)
        var builder = Builder(request: request)
        try builder.build(placed)
        return builder.finish()
    }

    /// Where each break and ad of `stitch(request)`'s playlist falls (same validation, same
    /// errors). Breaks left out of the playlist are left out here too.
    public static func timeline(_ request: StitchRequest) throws(StitchError) -> StitchTimeline {
        let placed = try place(request)
        var result: [StitchTimeline.Break] = []
        var inserted = MediaTime.zero
        for p in placed {
            let b = p.spec
            let start = b.at + inserted
            let duration: MediaTime
            switch request.mode {
            case .stitched:
                guard !b.ads.isEmpty else { continue }
                duration = p.filled
                inserted += p.filled
            case .interstitials:
                guard b.assetURI != nil else { continue }
                duration = b.plannedDuration
            }
            var ads: [StitchTimeline.Ad] = []
            var offset = MediaTime.zero
            for ad in b.ads {
                let d = ad.playlist.totalDuration
                ads.append(StitchTimeline.Ad(slotID: ad.slotID, creativeID: ad.creativeID, start: start + offset,
                                             duration: d, segmentCount: ad.playlist.segments.count))
                offset += d
            }
            result.append(StitchTimeline.Break(
                id: b.id, eventID: b.eventID, position: b.position, contentTime: b.at, start: start,
                duration: duration, plannedDuration: b.plannedDuration,
                programDateTime: request.programDateTime &+ start.milliseconds, ads: ads))
        }
        let content = request.content.totalDuration
        return StitchTimeline(mode: request.mode, breaks: result, contentDuration: content, duration: content + inserted)
    }

    /// `epochMilliseconds` (since 1970-01-01T00:00:00Z) as an EXT-X-PROGRAM-DATE-TIME /
    /// START-DATE value: ISO 8601 UTC with milliseconds, `2026-11-29T10:00:00.000Z`. Proleptic
    /// Gregorian calendar, integer arithmetic only; years before 0 or after 9999 are written with
    /// a sign or more digits and are not valid HLS dates.
    public static func programDateTime(epochMilliseconds: Int64) -> String {
        let msPerDay: Int64 = 86_400_000
        var days = epochMilliseconds / msPerDay
        var msOfDay = epochMilliseconds % msPerDay
        if msOfDay < 0 {
            msOfDay += msPerDay
            days -= 1
        }
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ v: Int64, _ width: Int) -> String {
            let s = String(v.magnitude)
            return (v < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - s.count)) + s
        }
        let h = msOfDay / 3_600_000, m = msOfDay / 60_000 % 60, s = msOfDay / 1000 % 60, ms = msOfDay % 1000
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(h, 2)):\(pad(m, 2)):\(pad(s, 2)).\(pad(ms, 3))Z"
    }

    // MARK: Placement

    /// A validated break: the content segment index it precedes (`segments.count` = after the
    /// last) and its filled duration.
    struct PlacedBreak {
        var spec: StitchBreak
        var index: Int
        var filled: MediaTime
    }

    /// Validates the request and returns its breaks in play order.
    static func place(_ request: StitchRequest) throws(StitchError) -> [PlacedBreak] {
        let content = request.content
        guard !content.segments.isEmpty else {
            throw StitchError(code: .emptyContent, breakID: nil, message: "the content playlist has no segments")
        }
        guard content.endList else {
            throw StitchError(code: .contentNotEnded, breakID: nil,
                              message: "the content playlist has no EXT-X-ENDLIST; only VOD content can be stitched")
        }
        // boundaries[i] = content time before segment i; boundaries[count] = the end.
        var boundaries: [MediaTime] = [.zero]
        boundaries.reserveCapacity(content.segments.count + 1)
        for segment in content.segments { boundaries.append(boundaries[boundaries.count - 1] + segment.duration) }
        let end = boundaries[boundaries.count - 1]

        var ids: [String: String] = [:]
        var events: [UInt32: String] = [:]
        var slots: [String: String] = [:]
        var placed: [(order: Int, PlacedBreak)] = []
        for (order, b) in request.breaks.enumerated() {
            func fail(_ code: StitchError.Code, _ message: String) -> StitchError {
                StitchError(code: code, breakID: b.id, message: message)
            }
            if let other = ids.updateValue(b.id, forKey: b.id) {
                throw fail(.duplicateBreakID, "two breaks have the ID \"\(other)\"")
            }
            if let other = events.updateValue(b.id, forKey: b.eventID) {
                throw fail(.duplicateEventID, "event ID \(b.eventID) is also used by break \"\(other)\"")
            }
            if b.at.isNegative {
                throw fail(.outOfRange, "at \(seconds(b.at)) s is negative")
            }
            if end < b.at {
                throw fail(.outOfRange, "at \(seconds(b.at)) s is beyond the content's end at \(seconds(end)) s")
            }
            // First boundary ≥ at.
            var lo = 0, hi = boundaries.count - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if boundaries[mid] < b.at { lo = mid + 1 } else { hi = mid }
            }
            guard boundaries[lo] == b.at else {
                throw fail(.notABoundary,
                           "at \(seconds(b.at)) s is not a content segment boundary; the nearest are \(seconds(boundaries[lo - 1])) s (before segment \(lo - 1)) and \(seconds(boundaries[lo])) s (before segment \(lo))")
            }
            switch b.position {
            case .pre where lo != 0:
                throw fail(.positionMismatch, "a pre-roll must be at 0, not at \(seconds(b.at)) s")
            case .post where b.at != end:
                throw fail(.positionMismatch, "a post-roll must be at the content's end \(seconds(end)) s, not at \(seconds(b.at)) s")
            case .mid where b.at == .zero || b.at == end:
                throw fail(.positionMismatch,
                           "a mid-roll must be strictly inside the content (0 s < at < \(seconds(end)) s), not at \(seconds(b.at)) s")
            default:
                break
            }
            for ad in b.ads {
                if ad.playlist.segments.isEmpty {
                    throw fail(.emptyAd, "ad \"\(ad.slotID)\" (creative \"\(ad.creativeID)\") has no segments")
                }
                if let other = slots.updateValue(b.id, forKey: ad.slotID) {
                    throw fail(.duplicateSlotID, "slot ID \"\(ad.slotID)\" is also used in break \"\(other)\"")
                }
            }
            // A post-roll goes after the last segment even if trailing segments last 0 s.
            let index = b.position == .post ? content.segments.count : lo
            placed.append((order, PlacedBreak(spec: b, index: index, filled: b.filledDuration)))
        }
        placed.sort { ($0.1.index, $0.order) < ($1.1.index, $1.order) }
        for k in placed.indices.dropFirst() where placed[k].1.index == placed[k - 1].1.index {
            throw StitchError(code: .overlappingBreaks, breakID: placed[k].1.spec.id,
                              message: "break \"\(placed[k].1.spec.id)\" and break \"\(placed[k - 1].1.spec.id)\" are both at \(seconds(placed[k].1.spec.at)) s")
        }
        return placed.map(\.1)
    }

    /// Seconds with 3 decimals, for messages and attributes.
    static func seconds(_ t: MediaTime) -> String { t.decimalString(fractionDigits: 3) }
}

// MARK: - Sources

/// Per-segment facts of a source playlist that depend on earlier segments.
private struct SourceInfo {
    let playlist: MediaPlaylist
    /// The EXT-X-MAP in effect for segment j (its own or an earlier one).
    var maps: [AttributeList?] = []
    /// The EXT-X-KEY lines in effect for segment j (one per KEYFORMAT; empty = clear).
    var keys: [[AttributeList]] = []
    /// The absolute BYTERANGE offset of segment j, when it has a BYTERANGE.
    var offsets: [Int64?] = []

    init(_ playlist: MediaPlaylist) {
        self.playlist = playlist
        var map: AttributeList?
        var keys: [AttributeList] = []
        var previousEnd: Int64?
        for segment in playlist.segments {
            for item in segment.items {
                switch item {
                case .map(let a): map = a
                case .key(let a): keys = Self.apply(a, to: keys)
                default: break
                }
            }
            self.maps.append(map)
            self.keys.append(keys)
            if let r = segment.byteRange {
                let offset = r.offset ?? previousEnd ?? 0
                offsets.append(offset)
                previousEnd = offset &+ r.length
            } else {
                offsets.append(nil)
                previousEnd = nil
            }
        }
    }

    /// The keys in effect after `key`: METHOD=NONE clears all, another key replaces the one
    /// with the same KEYFORMAT (default "identity").
    static func apply(_ key: AttributeList, to keys: [AttributeList]) -> [AttributeList] {
        if key.string("METHOD") == "NONE" { return [] }
        let format = key.string("KEYFORMAT") ?? "identity"
        var out = keys
        if let i = out.firstIndex(where: { ($0.string("KEYFORMAT") ?? "identity") == format }) {
            out[i] = key
        } else {
            out.append(key)
        }
        return out
    }
}

// MARK: - Builder

/// Where an item of canonical rank `r` goes among `items` (the order `MediaSegment` keeps:
/// DISCONTINUITY, KEY, MAP, PROGRAM-DATE-TIME, DATERANGE, ...).
private func insertionIndex(_ items: [SegmentItem], rank r: Int) -> Int {
    canonicalIndex(items.map(MediaSegment.rank), for: r, rank: { $0 })
}

private struct Builder {
    let request: StitchRequest
    var segments: [MediaSegment] = []
    var trailerItems: [SegmentItem] = []
    /// Playlist time before the next segment.
    var time = MediaTime.zero
    var outMap: AttributeList?
    var outKeys: [AttributeList] = []
    var adVersions: [Int] = []

    init(request: StitchRequest) { self.request = request }

    func pdt(_ t: MediaTime) -> String {
        Stitcher.programDateTime(epochMilliseconds: request.programDateTime &+ t.milliseconds)
    }

    /// 90 kHz ticks of a playlist time, wrapped to 33 bits as a PTS.
    static func pts(_ t: MediaTime) -> Int64 { t.ticks(at: MediaTime.mpegTimescale) & SpliceInfoSection.ptsMask }

    static func decimal3(_ t: MediaTime) -> AttributeValue { .token(Stitcher.seconds(t)) }

    mutating func build(_ placed: [Stitcher.PlacedBreak]) throws(StitchError) {
        let content = SourceInfo(request.content)
        var next = 0
        var closing: [SegmentItem]?
        for i in 0...content.playlist.segments.count {
            var opening: [SegmentItem] = []
            while next < placed.count && placed[next].index == i {
                let p = placed[next]
                next += 1
                switch request.mode {
                case .stitched:
                    guard !p.spec.ads.isEmpty else { continue }
                    closing = try insertBreak(p)
                case .interstitials:
                    if let item = interstitial(p.spec) { opening.append(item) }
                }
            }
            guard i < content.playlist.segments.count else {
                trailerItems = (closing ?? []) + opening
                break
            }
            try emit(content, i, splice: closing != nil, markers: (closing ?? []) + opening, breakID: nil)
            closing = nil
        }
    }

    /// Emits the break's ad segments; returns the markers for the segment after it.
    mutating func insertBreak(_ p: Stitcher.PlacedBreak) throws(StitchError) -> [SegmentItem] {
        let b = p.spec
        let start = time
        let startDate = pdt(start)
        var markers = request.markers
        // A post-roll returns to nothing: cue readers expect EXT-X-CUE-IN on a following
        // segment, so a post-roll is marked by its DATERANGE (OUT and IN) alone.
        if b.position == .post { markers.remove(.cue) }
        var elapsed = MediaTime.zero
        for (k, ad) in b.ads.enumerated() {
            let info = SourceInfo(ad.playlist)
            if let v = ad.playlist.version { adVersions.append(v) }
            for j in ad.playlist.segments.indices {
                var items: [SegmentItem] = []
                if k == 0 && j == 0 {
                    if markers.contains(.dateRange) {
                        let out = SpliceInfoSection.breakStart(
                            eventID: b.eventID, pts: Self.pts(start), duration: p.filled.ticks(at: MediaTime.mpegTimescale),
                            upid: b.upid, style: request.cueStyle)
                        items.append(.dateRange(AttributeList([
                            Attribute(name: "ID", value: .quoted(b.id)),
                            Attribute(name: "START-DATE", value: .quoted(startDate)),
                            Attribute(name: "PLANNED-DURATION", value: Self.decimal3(b.plannedDuration)),
                            Attribute(name: "SCTE35-OUT", value: .token(out.hex)),
                        ])))
                    }
                    if markers.contains(.cue) {
                        items.append(.other(Tag(name: "EXT-X-CUE-OUT", value: "DURATION=\(Stitcher.seconds(p.filled))")))
                    }
                } else if markers.contains(.cue) {
                    items.append(.other(Tag(name: "EXT-X-CUE-OUT-CONT",
                                            value: "ElapsedTime=\(Stitcher.seconds(elapsed)),Duration=\(Stitcher.seconds(p.filled))")))
                }
                try emit(info, j, splice: j == 0, markers: items, breakID: b.id)
                elapsed += ad.playlist.segments[j].duration
            }
        }
        var closing: [SegmentItem] = []
        if markers.contains(.dateRange) {
            let end = SpliceInfoSection.breakEnd(eventID: b.eventID, pts: Self.pts(start + p.filled), upid: b.upid,
                                                 style: request.cueStyle)
            closing.append(.dateRange(AttributeList([
                Attribute(name: "ID", value: .quoted(b.id)),
                Attribute(name: "START-DATE", value: .quoted(startDate)),
                Attribute(name: "DURATION", value: Self.decimal3(p.filled)),
                Attribute(name: "SCTE35-IN", value: .token(end.hex)),
            ])))
        }
        if markers.contains(.cue) { closing.append(.other(Tag(name: "EXT-X-CUE-IN"))) }
        return closing
    }

    /// The HLS Interstitials DATERANGE of a break, nil without an asset URI.
    func interstitial(_ b: StitchBreak) -> SegmentItem? {
        guard let uri = b.assetURI else { return nil }
        let path = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
            .split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
        var a = AttributeList([
            Attribute(name: "ID", value: .quoted(b.id)),
            Attribute(name: "CLASS", value: .quoted("com.apple.hls.interstitial")),
            Attribute(name: "START-DATE", value: .quoted(pdt(b.at))),
            Attribute(name: "DURATION", value: Self.decimal3(b.plannedDuration)),
            Attribute(name: path.hasSuffix(".m3u8") ? "X-ASSET-URI" : "X-ASSET-LIST", value: .quoted(uri)),
            Attribute(name: "X-RESUME-OFFSET", value: .token("0")),
            Attribute(name: "X-RESTRICT", value: .quoted("SKIP,JUMP")),
        ])
        switch b.position {
        case .pre: a["CUE"] = .quoted("PRE")
        case .post: a["CUE"] = .quoted("POST")
        case .mid: break
        }
        return .dateRange(a)
    }

    /// Appends segment `j` of `source`. `splice`: the previous output segment is not the
    /// source's previous segment (EXT-X-DISCONTINUITY, explicit BYTERANGE offset). `markers`:
    /// DATERANGEs (placed canonically) and cue tags (placed right before EXTINF).
    mutating func emit(_ source: SourceInfo, _ j: Int, splice: Bool, markers: [SegmentItem], breakID: String?)
        throws(StitchError)
    {
        var segment = source.playlist.segments[j]
        segment.line = nil
        segment.items.removeAll { if case .programDateTime = $0 { true } else { false } }
        if splice { segment.discontinuity = true }

        // EXT-X-MAP: what the source had in effect must be in effect here too.
        let wantMap = source.maps[j]
        if wantMap != outMap {
            guard let wantMap else {
                let what = breakID == nil ? "content segment \(j)" : "ad segment \(j)"
                throw StitchError(code: .mixedContainers, breakID: breakID,
                                  message: "\(what) (\(segment.uri)) has no EXT-X-MAP but would inherit EXT-X-MAP URI=\"\(outMap?.string("URI") ?? "")\"; TS and fMP4 cannot be stitched together")
            }
            if segment.map == nil { segment.map = wantMap }
            outMap = wantMap
        }

        // EXT-X-KEY: same, with an explicit IV where the media sequence number moved.
        let outMSN = request.content.mediaSequence &+ Int64(segments.count)
        let sourceMSN = source.playlist.mediaSequence &+ Int64(j)
        func fixIV(_ key: AttributeList) -> AttributeList {
            guard outMSN != sourceMSN, key.string("METHOD") == "AES-128", !key.contains("IV"),
                  (key.string("KEYFORMAT") ?? "identity") == "identity" else { return key }
            var k = key
            let hex = String(UInt64(bitPattern: sourceMSN), radix: 16, uppercase: true)
            k["IV"] = .token("0x" + String(repeating: "0", count: 32 - hex.count) + hex)
            return k
        }
        let wantKeys = source.keys[j].map(fixIV)
        var afterOwn = outKeys
        for i in segment.items.indices {
            if case .key(let a) = segment.items[i] {
                let fixed = fixIV(a)
                segment.items[i] = .key(fixed)
                afterOwn = SourceInfo.apply(fixed, to: afterOwn)
            }
        }
        if afterOwn != wantKeys {
            var lines: [AttributeList] = []
            let dropsFormat = outKeys.contains { k in
                !wantKeys.contains { ($0.string("KEYFORMAT") ?? "identity") == (k.string("KEYFORMAT") ?? "identity") }
            }
            if wantKeys.isEmpty || dropsFormat { lines.append(AttributeList([Attribute(name: "METHOD", value: .token("NONE"))])) }
            lines += wantKeys
            let at = segment.items.firstIndex { if case .key = $0 { true } else { false } }
                ?? insertionIndex(segment.items, rank: 1)
            segment.items.insert(contentsOf: lines.map { SegmentItem.key($0) }, at: at)
        }
        outKeys = wantKeys

        // BYTERANGE without offset continues the previous segment's resource: no longer true here.
        if splice || segments.isEmpty, let r = segment.byteRange, r.offset == nil, let offset = source.offsets[j] {
            segment.byteRange = ByteRange(length: r.length, offset: offset)
        }

        if segments.isEmpty || segment.discontinuity { segment.programDateTime = pdt(time) }

        for item in markers {
            if case .dateRange = item {
                segment.items.insert(item, at: insertionIndex(segment.items, rank: 4))
            } else {
                let inf = segment.items.firstIndex { if case .inf = $0 { true } else { false } } ?? segment.items.count
                segment.items.insert(item, at: inf)
            }
        }
        segments.append(segment)
        time += segment.duration
    }

    /// The playlist: the content's header with TARGETDURATION and VERSION raised, the segments,
    /// then the content's trailer with any post-roll / trailing markers before EXT-X-ENDLIST.
    func finish() -> MediaPlaylist {
        let content = request.content
        var playlist = MediaPlaylist(header: content.header, segments: segments, trailer: content.trailer)
        playlist.headerLine = nil
        playlist.trailerLine = nil
        let end = playlist.trailer.firstIndex(of: .endList) ?? playlist.trailer.count
        playlist.trailer.insert(contentsOf: trailerItems.map { TrailerItem.item($0) }, at: end)

        var target = content.targetDuration ?? 0
        for segment in segments { target = max(target, Int(clamping: segment.duration.converted(to: 1).value)) }
        playlist.targetDuration = target

        var version = ([content.version ?? 1] + adVersions).max() ?? 1
        version = max(version, Self.requiredVersion(playlist))
        if content.version != nil || version > 1 { playlist.version = version }
        return playlist
    }

    /// The lowest EXT-X-VERSION the playlist's tags allow (the rules `PlaylistValidator` checks).
    static func requiredVersion(_ playlist: MediaPlaylist) -> Int {
        var v = playlist.iFramesOnly ? 4 : 1
        func visit(_ item: SegmentItem) {
            switch item {
            case .inf(let d, _) where d.timescale != 1: v = max(v, 3)
            case .byteRange: v = max(v, 4)
            case .key(let a):
                if a.contains("IV") { v = max(v, 2) }
                if a.contains("KEYFORMAT") || a.contains("KEYFORMATVERSIONS") { v = max(v, 5) }
            case .map: v = max(v, playlist.iFramesOnly ? 5 : 6)
            default: break
            }
        }
        for segment in playlist.segments { segment.items.forEach(visit) }
        for case .item(let item) in playlist.trailer { visit(item) }
        return v
    }
}
