/// Decides where media segments start on the stream that drives segmentation (the video stream,
/// or the first audio stream of an audio-only input). It only ever cuts at a keyframe:
///
/// - the first keyframe starts segment 0;
/// - a keyframe starts a new segment once `target` has elapsed since the segment's start
///   (within `tolerance`, so timestamps rounded by a container's timebase still cut on time);
///   a GOP longer than the target therefore makes a longer segment, never a cut inside a GOP;
/// - a keyframe at or after a cue time (within `tolerance`) always starts a new segment, and the
///   target is counted again from there. Several cues before one keyframe share that cut.
///
/// Cue times count from the program's origin, so a cue at 10 s means ten seconds into the program
/// whatever timestamp the container starts at; `CueResult.actual` counts from there too. The
/// origin is the first keyframe, or a later presentation start the caller gives (an MP4 edit list
/// that starts inside the first GOP: the frames before it are decoded but not shown). The first
/// segment's target counts from the origin as well. Feed it every keyframe of the driving stream
/// in decode order.
public struct SegmentCutter: Sendable {
    /// Why a segment starts where it does.
    public enum Reason: String, Sendable, Hashable, Codable {
        /// The first segment.
        case start
        /// The target duration elapsed.
        case target
        /// A cue asked for a boundary here.
        case cue
    }

    /// A segment boundary: the presentation time of the keyframe that starts the segment.
    public struct Cut: Sendable, Hashable {
        public var time: MediaTime
        public var reason: Reason
    }

    /// What became of one cue: the time asked, and the keyframe that was cut at (nil when no
    /// keyframe came at or after it, e.g. a cue past the end of the input).
    public struct CueResult: Sendable, Hashable {
        /// The time the user asked for.
        public var asked: MediaTime
        /// The start of the segment that begins at the first keyframe at or after `asked`,
        /// counted from the start of segment 0.
        public var actual: MediaTime?
        /// Index of the segment that starts at `actual`.
        public var segmentIndex: Int?

        /// `actual - asked`: how late the cut is (negative only within the tolerance).
        public var drift: MediaTime? { actual.map { $0 - asked } }
    }

    /// The target segment duration.
    public let target: MediaTime
    /// How much earlier than the target or a cue a keyframe may be and still count.
    public let tolerance: MediaTime
    /// Cut points so far, in order; `cuts[i]` starts segment `i`.
    public private(set) var cuts: [Cut] = []
    /// The time cue times count from: the presentation start given at init, else the first
    /// keyframe; nil until the first keyframe arrives.
    public var origin: MediaTime? {
        guard let first = cuts.first?.time else { return nil }
        guard let start = presentationStart else { return first }
        return MediaTime.max(first, start)
    }
    private let presentationStart: MediaTime?
    /// One entry per cue, sorted by the time asked.
    public private(set) var cueResults: [CueResult]
    private var nextCue = 0

    /// - Parameters:
    ///   - target: segments are cut at the first keyframe at least this long after the segment start.
    ///   - cues: times that must start a segment (any order; duplicates kept once).
    ///   - tolerance: slack for timebase rounding, e.g. half a frame; zero or positive.
    ///   - presentationStart: where the program starts showing, when that can be after the first
    ///     keyframe (edit lists); nil means the first keyframe.
    public init(target: MediaTime, cues: [MediaTime] = [], tolerance: MediaTime = .zero,
                presentationStart: MediaTime? = nil) {
        self.target = target
        self.tolerance = tolerance
        self.presentationStart = presentationStart
        var sorted = cues.sorted()
        var unique: [MediaTime] = []
        unique.reserveCapacity(sorted.count)
        for cue in sorted where unique.last != cue { unique.append(cue) }
        sorted = unique
        self.cueResults = sorted.map { CueResult(asked: $0, actual: nil, segmentIndex: nil) }
    }

    /// Offers a keyframe presented at `time` (decode order). Returns the cut when a new segment
    /// starts at this keyframe, nil when the keyframe stays inside the current segment.
    public mutating func keyframe(at time: MediaTime) -> Cut? {
        let reason: Reason
        let origin = self.origin ?? MediaTime.max(time, presentationStart ?? time)
        let elapsed = time - origin
        if cuts.isEmpty {
            reason = .start
        } else if nextCue < cueResults.count, elapsed >= cueResults[nextCue].asked - tolerance {
            reason = .cue
        } else if let last = cuts.last, time - MediaTime.max(last.time, origin) >= target - tolerance {
            reason = .target
        } else {
            return nil
        }
        let cut = Cut(time: time, reason: reason)
        cuts.append(cut)
        // Every cue at or before this keyframe is served by this cut.
        while nextCue < cueResults.count, elapsed >= cueResults[nextCue].asked - tolerance {
            cueResults[nextCue].actual = elapsed
            cueResults[nextCue].segmentIndex = cuts.count - 1
            nextCue += 1
        }
        return cut
    }
}
