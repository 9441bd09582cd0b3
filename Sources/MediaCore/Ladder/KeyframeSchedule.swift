/// Where a transcode forces IDR frames: the first frame, then every `gop` on a grid that
/// restarts at each cue, and the first frame at or after every cue. Every rung asks the same
/// schedule about the same source frames, so their IDRs (and segment cuts) land at the same
/// instants, and a break cuts exactly at its cue (within the frame grid).
///
/// Times count from the first frame (the program's origin), like cues everywhere else.
public struct KeyframeSchedule: Sendable {
    public let gop: MediaTime
    /// Slack for timestamps a little early (half a frame).
    public let tolerance: MediaTime
    private let cues: [MediaTime]
    private var nextCue = 0
    private var origin: MediaTime?
    private var nextGrid = MediaTime.zero

    /// - Parameters:
    ///   - cues: times from the start that must get an IDR (any order).
    public init(gop: MediaTime, cues: [MediaTime], tolerance: MediaTime) {
        self.gop = gop
        self.tolerance = tolerance
        self.cues = cues.sorted()
    }

    /// Whether the frame presented at `pts` (source timeline; frames in presentation order) must
    /// be an IDR.
    public mutating func isKeyframe(at pts: MediaTime) -> Bool {
        guard let origin else {
            self.origin = pts
            advance(from: .zero)
            return true
        }
        let t = pts - origin
        var key = false
        if nextCue < cues.count, t >= cues[nextCue] - tolerance {
            key = true
            while nextCue < cues.count, t >= cues[nextCue] - tolerance { nextCue += 1 }
        } else if t >= nextGrid - tolerance {
            key = true
        }
        if key { advance(from: t) }
        return key
    }

    private mutating func advance(from t: MediaTime) {
        nextGrid = t + gop
    }
}
