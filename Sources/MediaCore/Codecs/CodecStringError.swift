/// Why a codec string (or parameter-set facts) could not be derived from the given bytes.
///
/// A value, never a crash: every parser in this folder reports bad input through this type.
/// `code` is stable and meant for programs (logs, metrics, tests); `message` is for people and
/// names the structure, field and byte or bit offset involved, e.g.
/// `"avcC: configurationVersion 0x02 at byte 0, expected 1"`.
public struct CodecStringError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The stable category of a `CodecStringError`. Raw values never change once published.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// No bytes were given.
        case empty
        /// The bytes end before a structure or field they declare (e.g. a length that runs past
        /// the end, or a bit reader that runs dry).
        case truncated
        /// The bytes are well formed but hold no parameter set to read (no SPS, or for HEVC
        /// neither SPS nor VPS).
        case noParameterSet
        /// Well-formed input that this module deliberately does not handle, or an argument
        /// outside the accepted set (e.g. an HEVC sample entry other than `hvc1`/`hev1`).
        case unsupported
        /// The bytes violate the syntax of the format (bad version, forbidden bit set,
        /// out-of-range value, missing start code, ...).
        case malformed
    }

    /// The stable category.
    public var code: Code
    /// A human-readable explanation naming the field and its byte or bit position.
    public var message: String

    /// An error with the given category and explanation.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// `"<code>: <message>"`.
    public var description: String { "\(code.rawValue): \(message)" }

    static func empty(_ message: String) -> CodecStringError { .init(code: .empty, message: message) }
    static func truncated(_ message: String) -> CodecStringError { .init(code: .truncated, message: message) }
    static func noParameterSet(_ message: String) -> CodecStringError {
        .init(code: .noParameterSet, message: message)
    }
    static func unsupported(_ message: String) -> CodecStringError {
        .init(code: .unsupported, message: message)
    }
    static func malformed(_ message: String) -> CodecStringError { .init(code: .malformed, message: message) }
}
