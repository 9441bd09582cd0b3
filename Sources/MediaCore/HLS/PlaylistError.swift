/// Why an HLS playlist (or a piece of one) was rejected: a stable machine-readable `code`, the
/// 1-based source `line` (0 when the problem is not tied to one line) and a human-readable
/// `message` naming the tag or attribute and what is wrong.
///
/// Parsing never traps: every rejection of untrusted text is reported as a `PlaylistError`.
public struct PlaylistError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable error code. Compare against the static members (`.missingHeader`, …); the raw value
    /// (the member's name, e.g. `"missingHeader"`) is stable and safe to log or persist.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The stable code text, e.g. `"lineTooLong"`.
        public var rawValue: String
        /// Wraps a code text. Unknown texts are allowed (they simply match no static member).
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The raw value.
        public var description: String { rawValue }

        /// The first line is not exactly `#EXTM3U` (or the text is empty).
        public static let missingHeader = Code(rawValue: "missingHeader")
        /// The text starts with a UTF-8 byte order mark; RFC 8216 §4.1 forbids it. Not stripped.
        public static let byteOrderMark = Code(rawValue: "byteOrderMark")
        /// A line is longer than `PlaylistLimits.maxLineLength` bytes.
        public static let lineTooLong = Code(rawValue: "lineTooLong")
        /// The text is longer than `PlaylistLimits.maxBytes` or has more than `maxLines` lines.
        public static let tooLarge = Code(rawValue: "tooLarge")
        /// Invalid UTF-8. Cannot occur for a Swift `String` input; reserved for byte-level callers.
        public static let invalidUTF8 = Code(rawValue: "invalidUTF8")
        /// A C0 control character (U+0000–U+001F other than tab, or a CR not followed by LF).
        public static let controlCharacter = Code(rawValue: "controlCharacter")
        /// A known tag lacks its value, has a value it must not have, or lacks its separator
        /// (e.g. `#EXTINF:10` without the comma).
        public static let malformedTag = Code(rawValue: "malformedTag")
        /// An attribute list does not follow RFC 8216 §4.2 (unterminated quote, missing `=`, bad
        /// name, empty value, whitespace, trailing comma…).
        public static let malformedAttributes = Code(rawValue: "malformedAttributes")
        /// A value has the wrong type or range (not a number, negative duration, unknown enum…).
        public static let invalidValue = Code(rawValue: "invalidValue")
        /// A value that RFC 8216 allows but that this model cannot write back byte-for-byte
        /// (leading zeros like `03`, a trailing `.`, more than 9 fraction digits). Rejected rather
        /// than silently rewritten, so that accepted playlists always round-trip exactly.
        public static let nonCanonical = Code(rawValue: "nonCanonical")
        /// A required attribute is absent (e.g. BANDWIDTH in EXT-X-STREAM-INF).
        public static let missingAttribute = Code(rawValue: "missingAttribute")
        /// The same attribute name appears twice in one attribute list.
        public static let duplicateAttribute = Code(rawValue: "duplicateAttribute")
        /// An EXTINF or EXT-X-STREAM-INF is not followed by its URI line.
        public static let missingURI = Code(rawValue: "missingURI")
        /// A URI line in a media playlist with no EXTINF before it.
        public static let uriWithoutInf = Code(rawValue: "uriWithoutInf")
        /// A URI line in a multivariant playlist that does not follow an EXT-X-STREAM-INF.
        public static let unexpectedURI = Code(rawValue: "unexpectedURI")
        /// The playlist has both media playlist tags and multivariant playlist tags.
        public static let mixedPlaylistKinds = Code(rawValue: "mixedPlaylistKinds")
        /// A media playlist was expected but the text is a multivariant playlist, or vice versa.
        public static let wrongPlaylistKind = Code(rawValue: "wrongPlaylistKind")
        /// A tag where it may not appear (e.g. a second `#EXTM3U`).
        public static let unexpectedTag = Code(rawValue: "unexpectedTag")
        /// An EXTINF or URI after EXT-X-ENDLIST.
        public static let segmentAfterEndList = Code(rawValue: "segmentAfterEndList")
    }

    /// What kind of problem this is.
    public var code: Code
    /// 1-based source line; 0 when not tied to a line (e.g. `AttributeList.parse`, byte limits).
    public var line: Int
    /// Names the tag/attribute and what is wrong, e.g. `EXTINF duration "abc" is not a decimal number`.
    public var message: String

    /// An error of `code` at `line` (0 = no line).
    public init(line: Int, code: Code, message: String) {
        self.line = line
        self.code = code
        self.message = message
    }

    /// `"line 12: <message>"`, or just the message when `line` is 0.
    public var description: String { line > 0 ? "line \(line): \(message)" : message }
}
