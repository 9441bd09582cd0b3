
/// What a tracking event reports: a content event, an ad event, or a boot-screen event.
///
/// **In the ledger** (`LedgerEvent.type`) an event type is written `<category>.<name>`, so the
/// same name in two categories never collides: `content.play_start`, `content.complete`,
/// `ad.impression`, `ad.firstQuartile`, `ad.complete`, `boot.impression`, `boot.complete`.
///
/// **On the wire** (`POST /v1/events`, field `type`, optionally with `kind`):
/// - content: `play_start`, `heartbeat`, `pause`, `resume`, `seek`, `complete`, `exit`;
/// - ad: `impression`, `start`, `firstQuartile`, `midpoint`, `thirdQuartile`, `complete`, `skip`,
///   `close`, `click`, `error`;
/// - boot screen: `boot_impression`, `boot_close`, `boot_click`, `boot_complete`, or the bare name
///   (`impression`, `close`, `click`, `complete`) with `"kind": "boot"`.
///
/// `kind` (`content`, `ad` or `boot`) is optional and says the category outright. Without it, a
/// name that exists in one category only is that category, and `complete` is an ad event when
/// the event has a `slot_id` or `creative_id` (non-null, non-empty) and a content event when not.
/// See `init?(wire:kind:hasAdIDs:)`.
public enum EventType: Sendable, Hashable, CustomStringConvertible {
    case content(Content)
    case ad(Ad)
    case boot(Boot)

    /// Playback of a title.
    public enum Content: String, Sendable, Hashable, CaseIterable {
        case playStart = "play_start", heartbeat, pause, resume, seek, complete, exit
    }

    /// An ad's life, with VAST's tracking event names.
    public enum Ad: String, Sendable, Hashable, CaseIterable {
        case impression, start, firstQuartile, midpoint, thirdQuartile, complete, skip, close, click, error
    }

    /// The boot (power-on) screen ad of a TV.
    public enum Boot: String, Sendable, Hashable, CaseIterable {
        case impression, close, click, complete
    }

    /// The three families of events; the raw value is the ledger prefix and the wire `kind`.
    public enum Category: String, Sendable, Hashable, CaseIterable {
        case content, ad, boot
    }

    public var category: Category {
        switch self {
        case .content: .content
        case .ad: .ad
        case .boot: .boot
        }
    }

    /// The name within its category: `play_start`, `firstQuartile`, `impression`, ...
    public var name: String {
        switch self {
        case .content(let c): c.rawValue
        case .ad(let a): a.rawValue
        case .boot(let b): b.rawValue
        }
    }

    /// The `LedgerEvent.type` string: `<category>.<name>`, e.g. `ad.complete`.
    public var ledgerType: String { category.rawValue + "." + name }

    public var description: String { ledgerType }

    /// The event type of a category and a name (`nil` when the category has no such name).
    public init?(category: Category, name: String) {
        switch category {
        case .content: guard let c = Content(rawValue: name) else { return nil }; self = .content(c)
        case .ad: guard let a = Ad(rawValue: name) else { return nil }; self = .ad(a)
        case .boot: guard let b = Boot(rawValue: name) else { return nil }; self = .boot(b)
        }
    }

    /// Parses a `LedgerEvent.type`: `<category>.<name>`. A bare ad name (`impression`, `start`,
    /// `firstQuartile`, ..., as server beacons were first written) reads as an ad event.
    public init?(ledgerType: String) {
        if let dot = ledgerType.firstIndex(of: ".") {
            guard let category = Category(rawValue: String(ledgerType[..<dot])) else { return nil }
            self.init(category: category, name: String(ledgerType[ledgerType.index(after: dot)...]))
        } else {
            guard let a = Ad(rawValue: ledgerType) else { return nil }
            self = .ad(a)
        }
    }

    /// The event type a client sent: `type` from the wire, the optional `kind`, and whether the
    /// event carries a `slot_id` or `creative_id` (which makes a bare `complete` an ad event).
    /// Nil when the name is unknown or not one of `kind`'s names (`EventIntake` explains which).
    public init?(wire type: String, kind: Category?, hasAdIDs: Bool) {
        if type.hasPrefix("boot_") {
            guard kind == nil || kind == .boot, let b = Boot(rawValue: String(type.dropFirst(5))) else { return nil }
            self = .boot(b)
            return
        }
        if let kind {
            self.init(category: kind, name: type)
            return
        }
        let content = Content(rawValue: type), ad = Ad(rawValue: type)
        switch (content, ad) {
        case (let c?, nil): self = .content(c)
        case (nil, let a?): self = .ad(a)
        case (let c?, let a?): self = hasAdIDs ? .ad(a) : .content(c)
        case (nil, nil): return nil
        }
    }

    /// Every wire `type` without `kind`, by category, for messages.
    static let wireNames: String = {
        let content = Content.allCases.map(\.rawValue).joined(separator: ", ")
        let ad = Ad.allCases.map(\.rawValue).joined(separator: ", ")
        let boot = Boot.allCases.map { "boot_" + $0.rawValue }.joined(separator: ", ")
        return "content: \(content); ad: \(ad); boot: \(boot)"
    }()
}
