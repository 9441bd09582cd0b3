/// A VAST tracking event (`<Tracking event="...">`). Linear events have their own cases; a
/// `progress` event carries its offset; any other name is kept as `.other`.
public enum VASTEvent: Sendable, Hashable, CustomStringConvertible {
    case creativeView, loaded, start, firstQuartile, midpoint, thirdQuartile, complete
    case mute, unmute, pause, resume, rewind, skip, playerExpand, playerCollapse
    case fullscreen, exitFullscreen, expand, collapse, acceptInvitation, close, closeLinear
    case otherAdInteraction, notUsed
    /// Fired when playback reaches `offset`.
    case progress(VASTOffset)
    /// An event name this model does not know, kept verbatim.
    case other(String)

    private static let named: [String: VASTEvent] = [
        "creativeView": .creativeView, "loaded": .loaded, "start": .start, "firstQuartile": .firstQuartile,
        "midpoint": .midpoint, "thirdQuartile": .thirdQuartile, "complete": .complete, "mute": .mute,
        "unmute": .unmute, "pause": .pause, "resume": .resume, "rewind": .rewind, "skip": .skip,
        "playerExpand": .playerExpand, "playerCollapse": .playerCollapse, "fullscreen": .fullscreen,
        "exitFullscreen": .exitFullscreen, "expand": .expand, "collapse": .collapse,
        "acceptInvitation": .acceptInvitation, "close": .close, "closeLinear": .closeLinear,
        "otherAdInteraction": .otherAdInteraction, "notUsed": .notUsed,
    ]

    /// The event for an `event` attribute and its `offset` attribute. Returns nil for a
    /// `progress` event without a valid offset (VAST requires one).
    public init?(name: String, offset: String?) {
        if name == "progress" {
            guard let offset, let o = VASTOffset(offset) else { return nil }
            self = .progress(o)
        } else {
            self = Self.named[name] ?? .other(name)
        }
    }

    /// The `event` attribute value, e.g. `firstQuartile`.
    public var name: String {
        switch self {
        case .progress: return "progress"
        case .other(let n): return n
        default:
            return Self.named.first { $0.value == self }!.key
        }
    }

    /// The `offset` attribute of a `progress` event.
    public var offset: VASTOffset? {
        if case .progress(let o) = self { return o }
        return nil
    }

    /// `name`, with `@offset` for progress events.
    public var description: String { offset.map { "progress@\($0)" } ?? name }
}

/// One `<Tracking>` URL for an event.
public struct VASTTracking: Sendable, Hashable {
    /// When to fire.
    public var event: VASTEvent
    /// The URL to request (trimmed; may contain VAST macros such as `[ERRORCODE]`).
    public var url: String

    /// A tracking URL.
    public init(event: VASTEvent, url: String) {
        self.event = event
        self.url = url
    }
}

extension Array where Element == VASTTracking {
    /// The URLs grouped by event, each list in document order.
    public var byEvent: [VASTEvent: [String]] {
        var out: [VASTEvent: [String]] = [:]
        for t in self { out[t.event, default: []].append(t.url) }
        return out
    }

    /// The URLs for `event`, in document order.
    public func urls(for event: VASTEvent) -> [String] {
        filter { $0.event == event }.map(\.url)
    }
}
