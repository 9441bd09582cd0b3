
/// One creative a device should cache, with everything it needs to show it offline.
public struct BootPrefetchItem: Sendable, Hashable, Codable {
    /// `BootCreative.id`.
    public var creative: String
    public var brand: String
    public var kind: BootCreativeKind
    /// Show it only in [validFrom, validUntil): its flight clipped to the list's window.
    public var validFrom: Timestamp
    public var validUntil: Timestamp
    /// The variant for this device's screen (path relative to the media root; the server's
    /// variant URL is built from it, `/media/<path>`). A video's variant is its MP4, with its
    /// length and, in `hlsMaster`, the HLS of the same encode (`/media/<hls_master>`).
    public var variant: BootVariant
    /// How the variant fits the screen (`BootFit.reason`), repeated in offline reasons.
    public var fit: String
    public var durationMS: Int64
    /// Effective close-prompt time (never later than the channel's).
    public var closePromptMS: Int64
    public var skippableAfterMS: Int64?
    public var priority: Int
    public var sharePercent: Int?
    public var isDefault: Bool

    public init(creative: String, brand: String, kind: BootCreativeKind, validFrom: Timestamp, validUntil: Timestamp,
                variant: BootVariant, fit: String, durationMS: Int64, closePromptMS: Int64, skippableAfterMS: Int64?,
                priority: Int, sharePercent: Int?, isDefault: Bool) {
        self.creative = creative
        self.brand = brand
        self.kind = kind
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.variant = variant
        self.fit = fit
        self.durationMS = durationMS
        self.closePromptMS = closePromptMS
        self.skippableAfterMS = skippableAfterMS
        self.priority = priority
        self.sharePercent = sharePercent
        self.isDefault = isDefault
    }

    enum CodingKeys: String, CodingKey {
        case creative, brand, kind, variant, fit, priority
        case validFrom = "valid_from", validUntil = "valid_until", durationMS = "duration_ms"
        case closePromptMS = "close_prompt_ms", skippableAfterMS = "skippable_after_ms"
        case sharePercent = "share_percent", isDefault = "is_default"
    }
}

/// The list of boot creatives one device caches for the next days, and the rules to decide
/// offline (`BootDecision.decideOffline`). The server signs `canonicalBytes()` with Ed25519;
/// the signature covers exactly those bytes, so a device verifies the bytes it received and
/// only then decodes them (never re-encodes before verifying).
public struct BootPrefetchList: Sendable, Hashable, Codable {
    /// Format of the list; 1.
    public var version: Int
    public var device: String
    public var channel: String
    public var generatedAt: Timestamp
    /// `generatedAt + days × 24 h`; after it the list decides nothing.
    public var validUntil: Timestamp
    /// Non-default creatives by priority then id, then defaults by priority then id.
    public var items: [BootPrefetchItem]
    public var rules: BootRules

    public init(version: Int = 1, device: String, channel: String, generatedAt: Timestamp, validUntil: Timestamp,
                items: [BootPrefetchItem], rules: BootRules) {
        self.version = version
        self.device = device
        self.channel = channel
        self.generatedAt = generatedAt
        self.validUntil = validUntil
        self.items = items
        self.rules = rules
    }

    enum CodingKeys: String, CodingKey {
        case version, device, channel, items, rules
        case generatedAt = "generated_at", validUntil = "valid_until"
    }

    /// The bytes the server signs: this list as compact JSON — object keys sorted by their
    /// UTF-8 bytes, no whitespace, nil optionals left out, `/` not escaped, `"` `\` and control
    /// characters escaped (`\n`, `\r`, `\t`, `\b`, `\f`, else `\u00xx`), other characters as
    /// UTF-8, integers in decimal, timestamps as in `Timestamp.iso8601`. The same as Foundation's
    /// `JSONEncoder` with `[.sortedKeys, .withoutEscapingSlashes]` for these types, and decodable
    /// with the list's `Codable` conformance. Deterministic: equal lists give equal bytes.
    public func canonicalBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512 + items.count * 512)
        json.write(to: &out)
        return out
    }

    var json: BootJSON {
        .object([
            "version": .int(Int64(version)), "device": .string(device), "channel": .string(channel),
            "generated_at": .string(generatedAt.iso8601), "valid_until": .string(validUntil.iso8601),
            "items": .array(items.map(\.json)), "rules": rules.json,
        ])
    }
}

/// Builds a device's prefetch list (`GET /v1/boot/{channel}/prefetch`).
public enum BootPrefetch {
    /// The creatives `device` (`model`, `screen`) should cache at `now` for the next `days`
    /// days (1...31, else `invalid` field `days`): every creative `BootDecision` could pick
    /// for it in [now, now + days × 24 h) — on the channel, with variants, brand known and tier
    /// allowed for the model, flight overlapping the window — each with its flight clipped to
    /// the window and its variant for the screen. Defaults included. `decideOffline` on the
    /// list then equals `decide` for any time in the window.
    public static func list(rules: BootRules, creatives: [BootCreative], brands: [Brand], device: String, model: String?,
                            screen: ScreenProfile, now: Timestamp, days: Int = 3) throws -> BootPrefetchList {
        guard (1...31).contains(days) else { throw ShowrunnerError.invalid("days", "\(days) is not 1...31") }
        let until = now.adding(milliseconds: Int64(days) * BootRules.dayMS)
        let items = BootDecision.eligibleCreatives(rules: rules, creatives: creatives, brands: brands, model: model)
            .filter { $0.overlaps(from: now, until: until) }
            .sorted { a, b in
                if a.isDefault != b.isDefault { return !a.isDefault }
                if a.priority != b.priority { return a.priority < b.priority }
                return bootIDPrecedes(a.id, b.id)
            }
            .compactMap { c -> BootPrefetchItem? in
                guard let fit = BootDecision.fit(variants: c.variants, screen: screen) else { return nil }
                return BootPrefetchItem(creative: c.id, brand: c.brand, kind: c.kind, validFrom: max(c.from, now),
                                        validUntil: min(c.until, until), variant: fit.variant, fit: fit.reason,
                                        durationMS: c.durationMS, closePromptMS: rules.closePrompt(for: c),
                                        skippableAfterMS: c.skippableAfterMS, priority: c.priority,
                                        sharePercent: c.sharePercent, isDefault: c.isDefault)
            }
        return BootPrefetchList(device: device, channel: rules.channel, generatedAt: now, validUntil: until, items: items, rules: rules)
    }
}

// MARK: Canonical JSON

extension BootPrefetchItem {
    var json: BootJSON {
        var o: [String: BootJSON] = [
            "creative": .string(creative), "brand": .string(brand), "kind": .string(kind.rawValue),
            "valid_from": .string(validFrom.iso8601), "valid_until": .string(validUntil.iso8601),
            "variant": variant.json, "fit": .string(fit), "duration_ms": .int(durationMS),
            "close_prompt_ms": .int(closePromptMS), "priority": .int(Int64(priority)), "is_default": .bool(isDefault),
        ]
        if let skippableAfterMS { o["skippable_after_ms"] = .int(skippableAfterMS) }
        if let sharePercent { o["share_percent"] = .int(Int64(sharePercent)) }
        return .object(o)
    }
}

extension BootVariant {
    /// Image variants give the same members as before videos existed; a video's `duration_ms`
    /// and `hls_master` are added (nil optionals are left out).
    var json: BootJSON {
        var o: [String: BootJSON] = [
            "width": .int(Int64(width)), "height": .int(Int64(height)), "path": .string(path),
            "sha256": .string(sha256), "size": .int(size), "mime": .string(mime),
        ]
        if let durationMS { o["duration_ms"] = .int(durationMS) }
        if let hlsMaster { o["hls_master"] = .string(hlsMaster) }
        return .object(o)
    }
}

extension BootRules {
    var json: BootJSON {
        .object([
            "channel": .string(channel), "max_duration_ms": .int(maxDurationMS), "max_file_bytes": .int(maxFileBytes),
            "close_prompt_ms": .int(closePromptMS), "close_within_ms": .int(closeWithinMS),
            "cap_per_day": .int(Int64(capPerDay)), "min_interval_ms": .int(minIntervalMS),
            "model_tiers": .object(modelTiers.mapValues { .array($0.map { .string($0.rawValue) }) }),
            "utc_offset_minutes": .int(Int64(utcOffsetMinutes)),
        ])
    }
}

/// A JSON value written canonically (see `BootPrefetchList.canonicalBytes`).
enum BootJSON {
    case object([String: BootJSON])
    case array([BootJSON])
    case string(String)
    case int(Int64)
    case bool(Bool)

    func write(to out: inout [UInt8]) {
        switch self {
        case .object(let members):
            out.append(0x7B)
            for (n, key) in members.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
                if n > 0 { out.append(0x2C) }
                Self.writeString(key, to: &out)
                out.append(0x3A)
                members[key]!.write(to: &out)
            }
            out.append(0x7D)
        case .array(let values):
            out.append(0x5B)
            for (n, v) in values.enumerated() {
                if n > 0 { out.append(0x2C) }
                v.write(to: &out)
            }
            out.append(0x5D)
        case .string(let s):
            Self.writeString(s, to: &out)
        case .int(let i):
            out.append(contentsOf: String(i).utf8)
        case .bool(let b):
            out.append(contentsOf: (b ? "true" : "false").utf8)
        }
    }

    private static func writeString(_ s: String, to out: inout [UInt8]) { JSONString.write(s, to: &out) }
}

/// A JSON string literal as Foundation's encoder writes it (quote, backslash and control
/// characters escaped; `/` and non-ASCII as they are): the canonical prefetch bytes and the
/// hand-written answers of hot routes share it.
public enum JSONString {
    private static let hex = Array("0123456789abcdef".utf8)

    public static func write(_ s: String, to out: inout [UInt8]) {
        out.append(0x22)
        for b in s.utf8 {
            switch b {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: out.append(contentsOf: [0x5C, 0x72])
            case 0x09: out.append(contentsOf: [0x5C, 0x74])
            case 0x08: out.append(contentsOf: [0x5C, 0x62])
            case 0x0C: out.append(contentsOf: [0x5C, 0x66])
            case 0x00..<0x20: out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]])
            default: out.append(b)
            }
        }
        out.append(0x22)
    }
}