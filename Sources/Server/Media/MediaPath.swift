/// The kinds of files the media server hands out, by extension.
enum MediaFileKind: Sendable, Equatable {
    case playlist, segment, sidecar

    /// (extension → content type, kind). Anything else is 404.
    static let table: [String: (contentType: String, kind: MediaFileKind)] = [
        "m3u8": ("application/vnd.apple.mpegurl", .playlist),
        "ts": ("video/mp2t", .segment),
        "m4s": ("video/iso.segment", .segment),
        "mp4": ("video/mp4", .segment),
        "m4a": ("audio/mp4", .segment),
        "aac": ("audio/aac", .segment),
        "vtt": ("text/vtt", .segment),
        "webvtt": ("text/vtt", .segment),
        "jpg": ("image/jpeg", .sidecar),
        "jpeg": ("image/jpeg", .sidecar),
        "png": ("image/png", .sidecar),
        "json": ("application/json", .sidecar),
    ]
}

/// A relative media path that passed every syntactic check: decoded, no traversal, no hidden
/// component, an allowed extension. Only `MediaPathValidator` makes one.
struct MediaValidatedPath: Sendable, Equatable {
    /// Decoded path components, each a plain file or directory name (non-empty, no `/`, no NUL,
    /// not starting with `.`).
    let components: [String]
    let contentType: String
    let kind: MediaFileKind

    /// The components joined with `/` (a cache key; never used to open a file).
    var joined: String { components.joined(separator: "/") }
}

/// Why a path was refused. `malformed` → 400, `notFound` → 404.
enum MediaPathRejection: Error, Equatable, Sendable {
    case malformed(String)
    case notFound(String)
}

/// Turns the raw (still percent-encoded) relative path from the URL into components that are safe
/// to hand to `openat`, or refuses it.
///
/// Policy (strict on purpose; the packager only writes plain names):
/// - split on literal `/` **first**, then percent-decode each segment exactly once; `%` must be
///   followed by two hex digits (`%u002e` → 400); a decoded `%` (double encoding such as
///   `%252e`) → 400; a decoded `/` or `\` (`%2f`, `%5c`) → 400;
/// - decoded bytes must be valid UTF-8 (overlong `%c0%ae` → 400) and each character must be an
///   ASCII letter, digit, one of `-_.~+=,@` or space, or a non-ASCII character ≥ U+00A0 other
///   than U+FFFD; so NUL, control characters, `\`, `:` (drive letters), `;`, `*`, `?`, `"`,
///   `<`, `>`, `|`, `#`, `%` → 400;
/// - empty segments (leading `/`, `//`), `.` and `..` → 400; more than 32 segments, a segment
///   over 255 bytes or a raw path over 2048 bytes → 400;
/// - a segment starting with `.` (hidden files, `.name.partial-…` work folders) → 404;
/// - the last segment's extension (case-insensitive) must be in `MediaFileKind.table` → else 404.
enum MediaPathValidator {
    static let maxRawLength = 2048
    static let maxSegments = 32
    static let maxSegmentBytes = 255

    static func validate(_ raw: String) -> Result<MediaValidatedPath, MediaPathRejection> {
        let rawBytes = Array(raw.utf8)
        guard !rawBytes.isEmpty else { return .failure(.notFound("No file was named.")) }
        guard rawBytes.count <= maxRawLength else { return .failure(.malformed("The path is too long.")) }

        var components: [String] = []
        var hidden = false
        var segmentStart = 0
        var index = 0
        while index <= rawBytes.count {
            if index == rawBytes.count || rawBytes[index] == UInt8(ascii: "/") {
                let segment = rawBytes[segmentStart..<index]
                switch decodeSegment(segment) {
                case .failure(let rejection): return .failure(rejection)
                case .success(let name):
                    if name.utf8.first == UInt8(ascii: ".") { hidden = true }
                    components.append(name)
                }
                guard components.count <= maxSegments else {
                    return .failure(.malformed("The path has too many segments."))
                }
                segmentStart = index + 1
            }
            index += 1
        }
        if hidden { return .failure(.notFound("Hidden files are not served.")) }

        let last = components[components.count - 1]
        guard let dot = last.utf8.lastIndex(of: UInt8(ascii: ".")) else {
            return .failure(.notFound("This kind of file is not served."))
        }
        let ext = String(decoding: last.utf8[last.utf8.index(after: dot)...], as: UTF8.self).lowercased()
        guard let entry = MediaFileKind.table[ext] else {
            return .failure(.notFound("This kind of file is not served."))
        }
        return .success(MediaValidatedPath(components: components, contentType: entry.contentType, kind: entry.kind))
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Decodes one segment (no literal `/` inside) and checks it.
    private static func decodeSegment(_ raw: ArraySlice<UInt8>) -> Result<String, MediaPathRejection> {
        guard !raw.isEmpty else { return .failure(.malformed("The path has an empty segment.")) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.count)
        var i = raw.startIndex
        while i < raw.endIndex {
            let byte = raw[i]
            if byte == UInt8(ascii: "%") {
                guard i + 2 < raw.endIndex,
                    let high = hexValue(raw[i + 1]), let low = hexValue(raw[i + 2])
                else { return .failure(.malformed("The path has an invalid percent-encoding.")) }
                bytes.append(high << 4 | low)
                i += 3
            } else {
                bytes.append(byte)
                i += 1
            }
        }
        guard bytes.count <= maxSegmentBytes else { return .failure(.malformed("A path segment is too long.")) }
        guard let name = String(validating: bytes, as: UTF8.self) else {
            return .failure(.malformed("The path is not valid UTF-8."))
        }
        for scalar in name.unicodeScalars where !isAllowed(scalar) {
            return .failure(.malformed("The path contains a character that is not allowed."))
        }
        if name == "." || name == ".." { return .failure(.malformed("The path has a '.' or '..' segment.")) }
        return .success(name)
    }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true  // 0-9 A-Z a-z
        case 0x2D, 0x5F, 0x2E, 0x7E, 0x2B, 0x3D, 0x2C, 0x40, 0x20: return true  // - _ . ~ + = , @ space
        case 0xFFFD: return false  // a replacement character means the client sent broken bytes
        case 0xA0...: return true
        default: return false
        }
    }
}
