/// A domain error: what went wrong, for which field or id, in words a user can act on. The
/// server maps codes to HTTP statuses (`notFound` → 404, `invalid` → 400, ...); the CLI prints
/// `message` on one line and exits non-zero.
public struct ShowrunnerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable code, also the `error.code` of the HTTP API's JSON errors.
    public struct Code: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// An id that does not exist (404).
        public static let notFound = Code(rawValue: "not_found")
        /// A field with a bad value (400).
        public static let invalid = Code(rawValue: "invalid")
        /// The change clashes with what exists (409), e.g. an id taken with other data.
        public static let conflict = Code(rawValue: "conflict")
        /// No or a bad credential (401).
        public static let unauthorized = Code(rawValue: "unauthorized")
        /// The credential's role may not do this (403).
        public static let forbidden = Code(rawValue: "forbidden")
        /// Not playable here and now: no rights window, not published (403).
        public static let unavailable = Code(rawValue: "unavailable")
        /// A request body over the limit (413).
        public static let tooLarge = Code(rawValue: "too_large")
        /// The database is locked, read-only, full or damaged (503; CLI exit 1).
        public static let storage = Code(rawValue: "storage")
        /// A file the catalog points to is missing or unreadable.
        public static let media = Code(rawValue: "media")
        /// Something that was valid once and is no longer: an expired session or signed URL (410).
        public static let expired = Code(rawValue: "expired")
    }

    public var code: Code
    public var message: String
    /// The request field at fault (`invalid`), or the kind of thing not found.
    public var field: String?

    public init(_ code: Code, _ message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    public var description: String { message }

    /// `<kind> '<id>' does not exist`, with `field` naming the kind.
    public static func notFound(_ kind: String, _ id: String) -> ShowrunnerError {
        ShowrunnerError(.notFound, "\(kind) '\(id)' does not exist", field: kind)
    }

    /// A bad value for `field`.
    public static func invalid(_ field: String, _ message: String) -> ShowrunnerError {
        ShowrunnerError(.invalid, "\(field): \(message)", field: field)
    }
}
