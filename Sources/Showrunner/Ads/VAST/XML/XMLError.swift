/// Why `XMLReader` rejected a document: a stable `code`, the 1-based `line` and `column` of the
/// offending byte (columns count Unicode scalars) and a `message` naming what is wrong.
///
/// The reader never traps: every problem in untrusted input is reported as an `XMLError`.
public struct XMLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable error code. Compare against the static members; the raw value is the member's
    /// name and safe to log.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The stable code text, e.g. `"mismatchedClose"`.
        public var rawValue: String
        /// Wraps a code text. Unknown texts are allowed (they match no static member).
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The raw value.
        public var description: String { rawValue }

        /// The input is longer than `XMLReader.maxBytes`.
        public static let tooLarge = Code(rawValue: "tooLarge")
        /// Elements nest deeper than `XMLReader.maxDepth`.
        public static let tooDeep = Code(rawValue: "tooDeep")
        /// The bytes are not valid UTF-8 (only UTF-8 documents are read).
        public static let invalidUTF8 = Code(rawValue: "invalidUTF8")
        /// A character XML 1.0 forbids (a C0 control other than tab, LF, CR).
        public static let invalidCharacter = Code(rawValue: "invalidCharacter")
        /// The input ends inside a tag, comment, CDATA section, processing instruction or reference.
        public static let unexpectedEnd = Code(rawValue: "unexpectedEnd")
        /// The input ends while elements are still open.
        public static let unclosedElement = Code(rawValue: "unclosedElement")
        /// An end tag that does not match the open element.
        public static let mismatchedClose = Code(rawValue: "mismatchedClose")
        /// An `&` that does not start a predefined entity or a valid character reference.
        public static let badReference = Code(rawValue: "badReference")
        /// An attribute name without `="value"`.
        public static let attributeWithoutValue = Code(rawValue: "attributeWithoutValue")
        /// The same attribute twice on one element.
        public static let duplicateAttribute = Code(rawValue: "duplicateAttribute")
        /// No root element (empty document, or only comments / declarations).
        public static let noRootElement = Code(rawValue: "noRootElement")
        /// Text or a second element after the root element.
        public static let contentAfterRoot = Code(rawValue: "contentAfterRoot")
        /// A DOCTYPE or other markup declaration; not supported (no DTDs, no custom entities).
        public static let unsupported = Code(rawValue: "unsupported")
        /// Any other syntax error (bad name, unquoted attribute value, `<` in an attribute, ...).
        public static let malformed = Code(rawValue: "malformed")
    }

    /// What kind of problem this is.
    public var code: Code
    /// 1-based line of the offending byte.
    public var line: Int
    /// 1-based column (in Unicode scalars) of the offending byte.
    public var column: Int
    /// Names the element/attribute and what is wrong, e.g. `</Ad> does not close <InLine>`.
    public var message: String

    /// An error of `code` at `line`:`column`.
    public init(code: Code, line: Int, column: Int, message: String) {
        self.code = code
        self.line = line
        self.column = column
        self.message = message
    }

    /// `"line 3, column 7: <message>"`.
    public var description: String { "line \(line), column \(column): \(message)" }
}
