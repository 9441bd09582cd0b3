/// Why packaging failed. `message` names the input (or output) and the problem in one line, e.g.
/// `episode.mp4: truncated: the moov atom (the index) is missing`.
public struct PackageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable code for scripts and tests.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The request itself is wrong (bad segment duration, cue, format).
        public static let invalidRequest = Code(rawValue: "invalid-request")
        /// The input path does not exist or is not a regular file.
        public static let inputNotFound = Code(rawValue: "input-not-found")
        /// The input could not be read (permissions, I/O error).
        public static let inputUnreadable = Code(rawValue: "input-unreadable")
        /// The input has zero bytes.
        public static let inputEmpty = Code(rawValue: "input-empty")
        /// The input is not a media file FFmpeg recognizes.
        public static let notMedia = Code(rawValue: "not-media")
        /// A container we refuse as input (playlists, concat lists, images, ...).
        public static let unsupportedContainer = Code(rawValue: "unsupported-container")
        /// A codec HLS cannot carry without transcoding.
        public static let unsupportedCodec = Code(rawValue: "unsupported-codec")
        /// No video or audio stream to package.
        public static let noStreams = Code(rawValue: "no-streams")
        /// The file ends early (missing index, partial data).
        public static let truncatedInput = Code(rawValue: "truncated-input")
        /// The file's data is damaged.
        public static let corruptInput = Code(rawValue: "corrupt-input")
        /// Decode timestamps that go backwards, or packets without timestamps.
        public static let badTimestamps = Code(rawValue: "bad-timestamps")
        /// The output folder cannot be created or written.
        public static let outputNotWritable = Code(rawValue: "output-not-writable")
        /// Our own output failed its self-check (a bug: please report it).
        public static let invalidOutput = Code(rawValue: "invalid-output")
        /// Cancelled (Ctrl-C, SIGTERM).
        public static let cancelled = Code(rawValue: "cancelled")
        /// FFmpeg failed in a way not covered above.
        public static let ffmpeg = Code(rawValue: "ffmpeg")
    }

    public var code: Code
    /// The file or folder the problem is about.
    public var subject: String
    /// What is wrong, without the subject.
    public var message: String

    public init(_ code: Code, _ subject: String, _ message: String) {
        self.code = code
        self.subject = subject
        self.message = message
    }

    /// `subject: message`.
    public var description: String { subject.isEmpty ? message : "\(subject): \(message)" }
}
