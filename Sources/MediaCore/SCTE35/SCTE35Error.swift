/// Why SCTE-35 bytes or text could not be decoded, or why a value cannot be encoded exactly.
///
/// A value, never a crash: every decoder in this folder reports bad input through this type.
/// `code` is stable and meant for programs (logs, metrics, tests); `message` is for people and
/// names the structure, field and byte involved, e.g.
/// `"CRC_32 0x12345678 does not match 0x9ABCDEF0 computed over bytes 0..<41 (byte 41)"`.
/// `byte` is the offset of the offending field from the start of the section (or, for
/// `.badText`, the UTF-8 offset in the text), when there is one.
public struct SCTE35Error: Error, Sendable, Hashable, CustomStringConvertible {
    /// The stable category of an `SCTE35Error`. Raw values never change once published.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The bytes end before a structure is complete: fewer than 3 bytes, a section too short
        /// for its fixed fields, or a command/descriptor whose fields run past its declared length.
        case truncated
        /// `table_id` is not 0xFC.
        case badTableID
        /// The CRC_32 over the section does not check.
        case badCRC
        /// A declared length (`section_length`, `splice_command_length`,
        /// `descriptor_loop_length`, `descriptor_length`, `segmentation_upid_length`) runs past
        /// the bytes or the structure that holds it.
        case lengthOverrun
        /// `encrypted_packet` is 1: the command and descriptors cannot be read without the key.
        case encrypted
        /// `splice_command_type` is not one this standard defines.
        case unknownCommand
        /// The bytes violate the syntax (a flag that must be 0, a length that disagrees with the
        /// structure it delimits, bytes left over inside a structure, ...).
        case malformed
        /// Hex or base64 text that is not valid hex or base64.
        case badText
        /// `protocol_version` is not 0: a future, possibly differently structured, table.
        case unsupportedVersion
        /// (Encoding only) a field's value does not fit its bit width, or the value would not
        /// decode back to itself; see `SpliceInfoSection.validate()`.
        case outOfRange
    }

    /// The stable category.
    public var code: Code
    /// The offset of the offending field: bytes from the start of the section, or UTF-8 bytes
    /// from the start of the text for `.badText`; nil when no single position applies.
    public var byte: Int?
    /// A human-readable explanation naming the field and its byte offset.
    public var message: String

    /// An error with the given category, position and explanation.
    public init(code: Code, byte: Int? = nil, message: String) {
        self.code = code
        self.byte = byte
        self.message = message
    }

    /// `"<code>: <message>"`.
    public var description: String { "\(code.rawValue): \(message)" }
}

extension SCTE35Error {
    static func truncated(_ message: String, byte: Int?) -> SCTE35Error {
        .init(code: .truncated, byte: byte, message: message)
    }
    static func lengthOverrun(_ message: String, byte: Int?) -> SCTE35Error {
        .init(code: .lengthOverrun, byte: byte, message: message)
    }
    static func malformed(_ message: String, byte: Int?) -> SCTE35Error {
        .init(code: .malformed, byte: byte, message: message)
    }
    static func badText(_ message: String, at offset: Int?) -> SCTE35Error {
        .init(code: .badText, byte: offset, message: message)
    }
    static func outOfRange(_ message: String) -> SCTE35Error {
        .init(code: .outOfRange, byte: nil, message: message)
    }
}

/// Hex formatting for messages and text output.
enum SCTE35Hex {
    private static let digits: [Character] = Array("0123456789ABCDEF")

    /// `0x` + uppercase hex digits, zero-padded to `width` digits.
    static func literal<T: BinaryInteger>(_ value: T, width: Int) -> String {
        "0x" + padded(value, width: width)
    }

    /// Uppercase hex digits, zero-padded to `width` digits.
    static func padded<T: BinaryInteger>(_ value: T, width: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return text.count < width ? String(repeating: "0", count: width - text.count) + text : text
    }

    /// Every byte as two uppercase hex digits.
    static func string(_ bytes: [UInt8]) -> String {
        var out = ""
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return out
    }
}
