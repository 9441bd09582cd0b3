/// AES-128 segment encryption planning (RFC 8216bis §4.4.4.4 EXT-X-KEY, METHOD=AES-128): which
/// segments share a key and IV, and the EXT-X-KEY lines that say so. Pure: the random bytes come
/// from the generator passed in; the bytes are encrypted elsewhere (the packager).

/// One content key and the run of segments it encrypts.
///
/// `key` is the secret: it never goes into a package folder or a playlist; the playlist names it
/// by `id` (`URI="/v1/keys/<id>"`) and carries the IV. `description` leaves the key bytes out.
public struct ContentKey: Sendable, Hashable, CustomStringConvertible {
    /// 32 lowercase hexadecimal characters (16 random bytes); the key's name in URIs.
    public var id: String
    /// The 16-byte AES-128 key.
    public var key: [UInt8]
    /// The 16-byte CBC initialization vector every segment of the period starts from (written in
    /// the playlist as `IV=0x…`, not secret).
    public var iv: [UInt8]
    /// Index of the first segment (on the package's segment grid, 0-based) under this key.
    public var firstSegment: Int
    /// How many consecutive segments use it.
    public var segmentCount: Int

    public init(id: String, key: [UInt8], iv: [UInt8], firstSegment: Int, segmentCount: Int) {
        self.id = id
        self.key = key
        self.iv = iv
        self.firstSegment = firstSegment
        self.segmentCount = segmentCount
    }

    /// The segment indices under this key.
    public var segments: Range<Int> { firstSegment..<(firstSegment + segmentCount) }

    /// `ContentKey(<id>, segments 0..<2)`: never the key bytes.
    public var description: String { "ContentKey(\(id), segments \(segments))" }

    /// The URI path a playlist names this key by: `/v1/keys/<id>`.
    public var uri: String { ContentKey.uriPrefix + id }

    /// Prefix of every key URI written into playlists.
    public static let uriPrefix = "/v1/keys/"

    /// The key id in a key URI written by `uri` (the path may carry a query string), or nil.
    public static func id(fromURI uri: String) -> String? {
        guard uri.hasPrefix(uriPrefix) else { return nil }
        let rest = uri.dropFirst(uriPrefix.count).prefix { $0 != "?" && $0 != "#" }
        guard isKeyID(rest) else { return nil }
        return String(rest)
    }

    /// Whether `text` is 32 lowercase hexadecimal characters.
    public static func isKeyID(_ text: some StringProtocol) -> Bool {
        text.utf8.count == 32 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// The EXT-X-KEY attribute list of this key: `METHOD=AES-128,URI="<uri>",IV=0x<iv>`
    /// (KEYFORMAT omitted: identity). `uri` defaults to `/v1/keys/<id>`.
    public func keyAttributes(uri: String? = nil) -> AttributeList {
        var a = AttributeList()
        a["METHOD"] = .token("AES-128")
        a["URI"] = .quoted(uri ?? self.uri)
        a["IV"] = .token("0x" + Hex.encode(iv))
        return a
    }

    /// Splits segments `0..<segmentCount` into key periods of `rotation` segments each (the last
    /// may be shorter; nil or less than 1: one period for all) and draws a random key, IV and id
    /// for each from `generator`. Empty when `segmentCount` is 0.
    public static func plan(
        segmentCount: Int, rotation: Int?, using generator: inout some RandomNumberGenerator
    ) -> [ContentKey] {
        guard segmentCount > 0 else { return [] }
        let step = rotation.map { $0 >= 1 ? $0 : segmentCount } ?? segmentCount
        var keys: [ContentKey] = []
        var first = 0
        while first < segmentCount {
            let n = min(step, segmentCount - first)
            let id = Hex.encode(randomBytes(16, using: &generator))
            keys.append(ContentKey(id: id, key: randomBytes(16, using: &generator), iv: randomBytes(16, using: &generator),
                                   firstSegment: first, segmentCount: n))
            first += n
        }
        return keys
    }

    /// `count` bytes from `generator`.
    public static func randomBytes(_ count: Int, using generator: inout some RandomNumberGenerator) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        while out.count < count {
            var word = generator.next()
            for _ in 0..<8 where out.count < count {
                out.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        return out
    }
}

extension MediaPlaylist {
    /// Replaces the playlist's EXT-X-KEY lines: one before the first segment and one before every
    /// segment whose key differs from the segment before it. `key(i)` gives segment `i`'s
    /// attribute list (nil: in the clear, written `METHOD=NONE` when it follows a key).
    ///
    /// A segment that carries an EXT-X-MAP gets its EXT-X-KEY *after* the MAP: a key applies to
    /// the media initialization sections of the EXT-X-MAP tags that follow it (RFC 8216bis
    /// §4.4.4.4), so this keeps the init section in the clear, and a MAP under AES-128 would also
    /// need its own IV (§4.4.4.5). ffmpeg 5.1 decrypts an init section that follows the key.
    public mutating func setKeys(_ key: (Int) -> AttributeList?) {
        var current: AttributeList? = nil
        for i in segments.indices {
            segments[i].items.removeAll { if case .key = $0 { true } else { false } }
            let k = key(i)
            guard k != current else { continue }
            var line = k
            if line == nil {
                var none = AttributeList()
                none["METHOD"] = .token("NONE")
                line = none
            }
            var seg = segments[i]
            if let m = seg.items.lastIndex(where: { if case .map = $0 { true } else { false } }) {
                seg.items.insert(.key(line!), at: m + 1)
            } else {
                seg.key = line
            }
            segments[i] = seg
            current = k
        }
    }
}
