import Logging
import MediaCore
public import Showrunner

/// The stitched playlist a device would get, decided as of `at`, without recording anything
/// (`showrunner stitch preview`).
public enum StitchPreview {
    public struct Result: Sendable, Encodable {
        public var rendition: String
        public var decisions: [String]
        public var breaks: [BreakDecision]
        public var playlist: String
    }

    public static func run(store: any CatalogStore & AdLedger, mediaRoot: String, title: String, channel: String, device: String,
                           model: String?, endpoint: EndpointKind?, at: Timestamp, rendition: String?,
                           interstitials: Bool) async throws(ShowrunnerError) -> Result {
        let catalog = PlaybackCatalog(store: store)
        try await catalog.refresh(force: true)
        let snap = catalog.snapshot.value
        guard let channelValue = snap.channels[channel] else { throw ShowrunnerError.notFound("channel", channel) }
        guard let titleValue = snap.titles[title] else { throw ShowrunnerError.notFound("title", title) }
        let availability = snap.availability(title: title, channel: channel, now: at)
        guard case .playable(let version) = availability else {
            throw ShowrunnerError(.unavailable, availability.reason(title: title, channel: channel))
        }
        let logger = Logger(label: "showrunner.preview")
        let sessions = AdSessions(catalog: catalog, ledger: store, clock: FixedClock(now: at), mediaRoot: mediaRoot, logger: logger,
                                  offers: ExternalOffers(logger: logger))
        try await sessions.loadCounters()
        let record = try await sessions.create(
            channel: channelValue, title: titleValue, version: version,
            viewer: .init(device: device, model: model, endpoint: endpoint, interstitials: interstitials), commit: false)
        guard let r = rendition ?? version.renditions.first?.id else { throw ShowrunnerError(.media, "the version has no rendition") }
        let playlist = try sessions.stitch(record, rendition: r)
        var lines: [String] = []
        for b in record.breaks {
            for s in b.slots {
                let what = s.creative.map { "\($0)\(s.campaign.map { " (\($0))" } ?? "")" } ?? "-"
                let slot = s.slot >= 0 ? "slot \(s.slot)" : "refused"
                lines.append("\(b.id) \(slot): \(s.reason.rawValue) \(what) \(MediaTime(milliseconds: s.durationMS).decimalString(fractionDigits: 3)) s — \(s.detail)")
            }
        }
        return Result(rendition: r, decisions: lines, breaks: record.breaks, playlist: playlist.text)
    }
}

/// A clock stopped at one instant.
struct FixedClock: WallClock {
    let at: Timestamp
    init(now: Timestamp) { at = now }
    func now() -> Timestamp { at }
}
