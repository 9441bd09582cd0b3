/// Invalid-traffic flags: marks on events that cannot be what they claim. Flagged events are
/// kept (never deleted); reports leave them out by default and say how many.
public enum TrafficFlag: String, Sendable, Hashable, Codable, CaseIterable {
    /// An ad `complete` with no `start` (or `impression`) of the same slot before it.
    case completeWithoutStart = "complete_without_start"
    /// A quartile before the one it follows (midpoint before firstQuartile, ...).
    case quartileOutOfOrder = "quartile_out_of_order"
    /// `complete` sooner after `start` than 0.9 × the ad's duration.
    case completeTooSoon = "complete_too_soon"
    /// The session named does not exist.
    case unknownSession = "unknown_session"
    /// The event happened after its session expired.
    case expiredSession = "expired_session"
    /// The device sent more events in one second than a person can cause.
    case deviceTooFast = "device_too_fast"
}

/// What the flag rules need to know about an event's context, read from the ledger.
public struct TrafficContext: Sendable {
    /// Earlier events of the same slot and source (any order).
    public var slotHistory: [LedgerEvent]
    /// The placed ad's duration in the session's decision, if known.
    public var adDurationMS: Int64?
    /// The session named by the event: nil when it names none; `.some(nil)` when it names one
    /// that does not exist.
    public var session: PlaybackSession??
    /// Events of the same device in the second before this one (this one not included).
    public var deviceEventsLastSecond: Int

    public init(slotHistory: [LedgerEvent] = [], adDurationMS: Int64? = nil, session: PlaybackSession?? = nil,
                deviceEventsLastSecond: Int = 0) {
        self.slotHistory = slotHistory
        self.adDurationMS = adDurationMS
        self.session = session
        self.deviceEventsLastSecond = deviceEventsLastSecond
    }
}

public enum TrafficRules {
    /// More than this many events from one device within one second is not a person.
    public static let maxEventsPerSecond = 20

    /// The ad event types in play order; a quartile needs the one before it.
    static let order = ["ad.start", "ad.firstQuartile", "ad.midpoint", "ad.thirdQuartile", "ad.complete"]

    /// The flags `event` earns in `context`.
    public static func flags(_ event: LedgerEvent, _ context: TrafficContext) -> [TrafficFlag] {
        var flags: [TrafficFlag] = []
        if let session = context.session {
            if let s = session {
                if event.ts > s.expiresAt { flags.append(.expiredSession) }
            } else {
                flags.append(.unknownSession)
            }
        }
        if context.deviceEventsLastSecond >= maxEventsPerSecond { flags.append(.deviceTooFast) }
        guard event.slotID != nil, let rank = order.firstIndex(of: event.type) else { return flags }
        let earlier = Set(context.slotHistory.filter { $0.ts <= event.ts }.map(\.type))
        let started = earlier.contains("ad.start") || earlier.contains("ad.impression")
        if event.type == "ad.complete", !started { flags.append(.completeWithoutStart) }
        if rank >= 1, !earlier.contains(order[rank - 1]) {
            // A quartile (or complete) whose predecessor has not been seen.
            if !(event.type == "ad.complete" && !started) { flags.append(.quartileOutOfOrder) }
        }
        if event.type == "ad.complete", let duration = context.adDurationMS,
           let start = context.slotHistory.filter({ $0.type == "ad.start" && $0.ts <= event.ts }).map(\.ts).min(),
           (event.ts.milliseconds - start.milliseconds) * 10 < duration * 9 {
            flags.append(.completeTooSoon)
        }
        return flags
    }
}
