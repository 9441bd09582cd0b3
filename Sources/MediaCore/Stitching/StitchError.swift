/// Why a stitch request cannot be honoured: a code for programs, the break it concerns (if
/// any) and a message naming the values involved.
public struct StitchError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable code (the raw value, e.g. `"not-a-boundary"`).
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The stable code text.
        public var rawValue: String
        /// Wraps a code text.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The raw value.
        public var description: String { rawValue }

        /// The content playlist has no segments.
        public static let emptyContent = Code(rawValue: "empty-content")
        /// The content playlist has no EXT-X-ENDLIST (only VOD content is stitched).
        public static let contentNotEnded = Code(rawValue: "content-not-ended")
        /// A break's `at` is not a content segment boundary.
        public static let notABoundary = Code(rawValue: "not-a-boundary")
        /// A break's `at` is negative or beyond the content's end.
        public static let outOfRange = Code(rawValue: "out-of-range")
        /// A break's `position` disagrees with `at` (pre not at 0, post not at the end, mid at
        /// either end).
        public static let positionMismatch = Code(rawValue: "position-mismatch")
        /// Two breaks at the same content boundary.
        public static let overlappingBreaks = Code(rawValue: "overlapping-breaks")
        /// Two breaks with the same ID.
        public static let duplicateBreakID = Code(rawValue: "duplicate-break-id")
        /// Two breaks with the same SCTE-35 event ID.
        public static let duplicateEventID = Code(rawValue: "duplicate-event-id")
        /// Two ads with the same slot ID.
        public static let duplicateSlotID = Code(rawValue: "duplicate-slot-id")
        /// An ad playlist without segments.
        public static let emptyAd = Code(rawValue: "empty-ad")
        /// A segment without EXT-X-MAP would inherit another source's EXT-X-MAP (TS spliced
        /// next to fMP4): HLS cannot switch a MAP off.
        public static let mixedContainers = Code(rawValue: "mixed-containers")
    }

    /// What is wrong.
    public var code: Code
    /// The break concerned (`StitchBreak.id`), if any.
    public var breakID: String?
    /// What is wrong, with the values involved.
    public var message: String

    /// An error.
    public init(code: Code, breakID: String?, message: String) {
        self.code = code
        self.breakID = breakID
        self.message = message
    }

    /// `"break \"break-2\": message [code]"`, or `"message [code]"` without a break.
    public var description: String {
        (breakID.map { "break \"\($0)\": " } ?? "") + "\(message) [\(code.rawValue)]"
    }
}
