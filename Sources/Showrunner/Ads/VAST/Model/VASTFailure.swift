/// Why a VAST document or a wrapper chain gave no ad: a stable `code` that maps to a VAST error
/// code (for the `[ERRORCODE]` macro of `<Error>` URLs), the document URL concerned, and a message.
public struct VASTFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable code. Compare against the static members; `rawValue` is safe to log and
    /// `vastErrorCode` is the IAB VAST error number to report.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The stable code text, e.g. `"wrapperLimit"`.
        public var rawValue: String
        /// The VAST error number (VAST 4.2 §2.3.6.3), 900 ("undefined error") for unknown codes.
        public var vastErrorCode: Int {
            Self.numbers[rawValue] ?? 900
        }

        /// Wraps a code text.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The raw value and the VAST number, e.g. `wrapperLimit (302)`.
        public var description: String { "\(rawValue) (\(vastErrorCode))" }

        private static let numbers: [String: Int] = [
            "xmlParsing": 100, "schema": 101, "version": 102, "noLinear": 201, "wrapper": 300, "timeout": 301,
            "wrapperLimit": 302, "noAdsAfterWrapper": 303, "noSupportedMedia": 403, "nonHTTPURL": 300, "loop": 300,
        ]

        /// 100: the response is not well-formed XML (or not UTF-8, too large, too deep).
        public static let xmlParsing = Code(rawValue: "xmlParsing")
        /// 101: well-formed XML but not a usable VAST document (wrong root, Ad without InLine or
        /// Wrapper, Linear without a valid Duration, Wrapper without VASTAdTagURI, ...).
        public static let schema = Code(rawValue: "schema")
        /// 102: a VAST version other than 2.x, 3.x or 4.x.
        public static let version = Code(rawValue: "version")
        /// 201: an InLine ad with no Linear creative.
        public static let noLinear = Code(rawValue: "noLinear")
        /// 300: general wrapper error: the fetch failed (not a timeout), e.g. HTTP 500.
        public static let wrapper = Code(rawValue: "wrapper")
        /// 301: the fetch timed out.
        public static let timeout = Code(rawValue: "timeout")
        /// 302: more wrappers than the resolver's `maxDepth`.
        public static let wrapperLimit = Code(rawValue: "wrapperLimit")
        /// 303: a wrapper's response had no ads.
        public static let noAdsAfterWrapper = Code(rawValue: "noAdsAfterWrapper")
        /// 403: no MediaFile of a supported type (`video/mp4`, `application/x-mpegURL`).
        public static let noSupportedMedia = Code(rawValue: "noSupportedMedia")
        /// Ours (reported as 300): a URL that is not `http://` or `https://` (file:, ftp:, data:,
        /// javascript:, relative, ...). It is never fetched.
        public static let nonHTTPURL = Code(rawValue: "nonHTTPURL")
        /// Ours (reported as 300): a wrapper points at a URL already in its chain.
        public static let loop = Code(rawValue: "loop")
    }

    /// What went wrong.
    public var code: Code
    /// What happened, in words, e.g. `wrapper 6 of 6 exceeds the limit of 5`.
    public var message: String
    /// The URL of the document (or the URL refused) this is about; nil when parsing bytes directly.
    public var url: String?
    /// `<Error>` URLs of the documents in the chain up to the failure (outermost first), to be
    /// requested with `[ERRORCODE]` replaced by `code.vastErrorCode`.
    public var errorURLs: [String]

    /// A failure.
    public init(_ code: Code, _ message: String, url: String? = nil, errorURLs: [String] = []) {
        self.code = code
        self.message = message
        self.url = url
        self.errorURLs = errorURLs
    }

    /// `<code> (<number>): <message>[ (<url>)]`.
    public var description: String {
        "\(code): \(message)" + (url.map { " (\($0))" } ?? "")
    }
}

/// An error a fetch function (see `VASTResolver`) may throw so the resolver can tell a timeout
/// (VAST 301) from other failures (300). Any other error thrown by a fetch counts as 300.
public struct VASTFetchError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Hashable {
        /// No complete response within the time limit.
        case timeout
        /// A response with a non-2xx status.
        case httpStatus(Int)
        /// The body is larger than the limit (bytes).
        case tooLarge(limit: Int)
        /// The URL cannot be fetched (bad syntax, not http/https).
        case invalidURL
        /// Connection or protocol failure.
        case transport
    }

    /// What went wrong.
    public var kind: Kind
    /// Details, e.g. `HTTP 500 from http://...`.
    public var message: String

    /// A fetch error.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
