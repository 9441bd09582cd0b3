
/// Which ad-break markers a stitched playlist carries. Combine them: `.both` writes the
/// RFC 8216bis `EXT-X-DATERANGE` SCTE-35 mapping and the de-facto `EXT-X-CUE-OUT`/`-CUE-IN` tags.
public struct MarkerStyle: OptionSet, Sendable, Hashable {
    /// The bit set.
    public let rawValue: UInt8
    /// Wraps a bit set.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// `EXT-X-DATERANGE` with `SCTE35-OUT` on the break start and a closing tag with the same ID,
    /// `DURATION` and `SCTE35-IN` (RFC 8216bis §4.4.5.1.1).
    public static let dateRange = MarkerStyle(rawValue: 1)
    /// `EXT-X-CUE-OUT:DURATION=`, `EXT-X-CUE-OUT-CONT:ElapsedTime=,Duration=`, `EXT-X-CUE-IN`.
    public static let cue = MarkerStyle(rawValue: 2)
    /// Both kinds.
    public static let both: MarkerStyle = [.dateRange, .cue]
}

/// One ad creative placed in a break, ready to play: its media playlist for the rendition being
/// stitched.
public struct StitchedAd: Sendable, Hashable {
    /// Identifies this placement for tracking; unique within a session (e.g. `"b2-s1"`).
    public var slotID: String
    /// The ad server's creative ID.
    public var creativeID: String
    /// The ad's media playlist for the rendition that matches the content's. Segment, key and map
    /// URIs must already be final (the stitcher copies them verbatim). Header and trailer lines
    /// are not copied; EXT-X-PROGRAM-DATE-TIME lines are dropped (the stitcher writes its own).
    public var playlist: MediaPlaylist

    /// An ad placement.
    public init(slotID: String, creativeID: String, playlist: MediaPlaylist) {
        self.slotID = slotID
        self.creativeID = creativeID
        self.playlist = playlist
    }
}

/// One ad break of a title, with the ads chosen to fill it.
public struct StitchBreak: Sendable, Hashable {
    /// The EXT-X-DATERANGE ID (e.g. `"break-2"`); unique within the request.
    public var id: String
    /// The SCTE-35 `splice_event_id` / `segmentation_event_id`; unique within the request.
    public var eventID: UInt32
    /// Before, inside or after the title. Must agree with `at`.
    public var position: BreakPosition
    /// Content time where the break starts: `.zero` for `.pre`, the content's total EXTINF
    /// duration for `.post`, else exactly a content segment boundary strictly inside the title.
    public var at: MediaTime
    /// The duration the ad decision asked to fill (written as PLANNED-DURATION; never used to
    /// trim or pad).
    public var plannedDuration: MediaTime
    /// The ads in play order. Empty: in `.stitched` mode the break is left out entirely (no ad
    /// segments, no markers, no timeline entry), though it is still validated.
    public var ads: [StitchedAd]
    /// `.interstitials` mode: the X-ASSET-URI (when it names a `.m3u8`) or X-ASSET-LIST for this
    /// break; nil leaves the break out in that mode. Unused in `.stitched` mode.
    public var assetURI: String?
    /// The UPID carried in the SCTE-35 cues (`.none` = no segmentation UPID).
    public var upid: SegmentationUPID

    /// A break.
    public init(id: String, eventID: UInt32, position: BreakPosition, at: MediaTime, plannedDuration: MediaTime,
                ads: [StitchedAd], assetURI: String? = nil, upid: SegmentationUPID = .none) {
        self.id = id
        self.eventID = eventID
        self.position = position
        self.at = at
        self.plannedDuration = plannedDuration
        self.ads = ads
        self.assetURI = assetURI
        self.upid = upid
    }

    /// The filled duration: the sum of every ad segment's EXTINF (exact).
    public var filledDuration: MediaTime {
        var total = MediaTime.zero
        for ad in ads { total += ad.playlist.totalDuration }
        return total
    }
}

/// Everything the stitcher needs to build one viewer's media playlist for one rendition.
public struct StitchRequest: Sendable, Hashable {
    /// How ads reach the player.
    public enum Mode: String, Sendable, Hashable, Codable {
        /// Server-side: ad segments are inserted into the playlist between discontinuities.
        case stitched
        /// HLS Interstitials: the content playlist is unchanged except for one interstitial
        /// EXT-X-DATERANGE per break; the player fetches and plays the ads itself.
        case interstitials
    }

    /// The content rendition's media playlist: VOD with EXT-X-ENDLIST, at least one segment,
    /// URIs already final.
    public var content: MediaPlaylist
    /// The breaks, in any order (they are sorted by `at`).
    public var breaks: [StitchBreak]
    /// Markers written in `.stitched` mode (ignored in `.interstitials` mode).
    public var markers: MarkerStyle
    /// The SCTE-35 command style of the DATERANGE `SCTE35-OUT`/`SCTE35-IN` payloads.
    public var cueStyle: BreakCueStyle
    /// Milliseconds since 1970-01-01T00:00:00Z of the start of the first segment (the session
    /// start); EXT-X-PROGRAM-DATE-TIME values count from it.
    public var programDateTime: Int64
    /// `.stitched` or `.interstitials`.
    public var mode: Mode

    /// A request; markers default to `.both`, cues to `splice_insert`, mode to `.stitched`.
    public init(content: MediaPlaylist, breaks: [StitchBreak], markers: MarkerStyle = .both,
                cueStyle: BreakCueStyle = .spliceInsert, programDateTime: Int64, mode: Mode = .stitched) {
        self.content = content
        self.breaks = breaks
        self.markers = markers
        self.cueStyle = cueStyle
        self.programDateTime = programDateTime
        self.mode = mode
    }
}

/// Where the breaks and ads of a stitched playlist fall, for tracking (beacons at quartiles,
/// break start/end events). All times are exact sums of EXTINF durations.
public struct StitchTimeline: Sendable, Hashable {
    /// One ad as placed on the playlist timeline.
    public struct Ad: Sendable, Hashable {
        /// `StitchedAd.slotID`.
        public var slotID: String
        /// `StitchedAd.creativeID`.
        public var creativeID: String
        /// Where the ad starts. `.stitched`: on the stitched playlist's timeline (seconds from
        /// its first segment). `.interstitials`: the break's `start` plus the ads before it, i.e.
        /// the primary-timeline position at which the interstitial began plus the offset into it.
        public var start: MediaTime
        /// The ad's EXTINF sum.
        public var duration: MediaTime
        /// Number of media segments the ad contributes.
        public var segmentCount: Int
    }

    /// One break that is present in the playlist.
    public struct Break: Sendable, Hashable {
        /// `StitchBreak.id`.
        public var id: String
        /// `StitchBreak.eventID`.
        public var eventID: UInt32
        /// `StitchBreak.position`.
        public var position: BreakPosition
        /// `StitchBreak.at`: where the break sits in the content.
        public var contentTime: MediaTime
        /// Where the break starts on the playlist timeline (equal to `contentTime` in
        /// `.interstitials` mode, where ads take no playlist time).
        public var start: MediaTime
        /// `.stitched`: the filled duration (ads' EXTINF sum). `.interstitials`: the planned
        /// duration (what the DATERANGE's DURATION says).
        public var duration: MediaTime
        /// `StitchBreak.plannedDuration`.
        public var plannedDuration: MediaTime
        /// The break start as epoch milliseconds (the DATERANGE START-DATE).
        public var programDateTime: Int64
        /// The ads in play order (`.interstitials`: the ads given in the request, which the
        /// asset list is expected to return).
        public var ads: [Ad]
    }

    /// The request's mode.
    public var mode: StitchRequest.Mode
    /// The breaks present in the playlist, in play order.
    public var breaks: [Break]
    /// The content's EXTINF sum.
    public var contentDuration: MediaTime
    /// The playlist's EXTINF sum (content plus stitched ads).
    public var duration: MediaTime
}
