import FoundationEssentials
import Logging
import MediaCore
import Showrunner

/// Asks a channel's external VAST ad server for each break (concurrently) and maps what it offers
/// to our conditioned creatives. Never throws: every failure — timeout, HTTP error, malformed
/// XML, a wrapper loop or chain deeper than 5, a non-HTTP URL, no ad — becomes an
/// `ExternalOffer.error` (logged), and the built-in engine fills the break instead.
///
/// An offered ad is ours when its UniversalAdId (registry `showrunner`) or creative id names one
/// of our creatives, or one of its MediaFile URLs is a creative's `source`: only conditioned
/// creatives can be stitched into every rung. Anything else is reported by name so an operator
/// can condition it (`showrunner creative add`).
struct ExternalOffers: Sendable {
    let logger: Logger
    /// Makes the fetch for a policy's timeout (tests inject their own).
    var fetcher: @Sendable (Duration) -> VASTResolver.Fetch = { timeout in VASTHTTPFetcher(timeout: timeout).fetch }

    init(logger: Logger) { self.logger = logger }

    /// The ad server URL for one break: the channel's URL plus the request's facts as query
    /// parameters (`channel`, `title`, `break`, `position`, `duration` in whole seconds,
    /// `device`, `model`, `endpoint`, `session`), percent-encoded.
    static func url(_ base: String, request: DecisionRequest, plan: BreakPlan, breakID: String) -> String {
        var items: [(String, String)] = [
            ("channel", request.channel.id), ("title", request.title.id), ("break", breakID), ("position", plan.position.rawValue),
            ("duration", String(min(plan.plannedMS, request.policy.maxAdMSPerBreak) / 1000)), ("device", request.device),
            ("endpoint", request.endpoint.rawValue), ("session", request.sessionID),
        ]
        if let model = request.model { items.append(("model", model)) }
        let query = items.map { "\($0.0)=\(percentEncode($0.1))" }.joined(separator: "&")
        return base + (base.contains("?") ? "&" : "?") + query
    }

    static func percentEncode(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            let c = Character(UnicodeScalar(b))
            if (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D || b == 0x2E || b == 0x5F || b == 0x7E {
                out.append(c)
            } else {
                out += "%" + String(b, radix: 16, uppercase: true).leftPadded(2)
            }
        }
        return out
    }

    func offers(url: String, request: DecisionRequest, inventory: AdInventory) async -> [Int: ExternalOffer] {
        let timeout = Duration.milliseconds(request.policy.vastTimeoutMS)
        let resolver = VASTResolver(maxDepth: 5, fetch: fetcher(timeout))
        return await withTaskGroup(of: (Int, ExternalOffer).self) { group in
            for (i, plan) in request.breaks.enumerated() where request.policy.positions.contains(plan.position) {
                let breakID = AdDecisionEngine.breakID(request.breaks, index: i)
                let target = Self.url(url, request: request, plan: plan, breakID: breakID)
                group.addTask {
                    let resolution = await resolver.resolve(url: target)
                    let offer = Self.offer(resolution, inventory: inventory)
                    if let error = offer.error {
                        logger.warning("VAST for session \(request.sessionID) \(breakID): \(error); built-in engine fills")
                    }
                    return (i, offer)
                }
            }
            var out: [Int: ExternalOffer] = [:]
            for await (i, offer) in group { out[i] = offer }
            return out
        }
    }

    /// Maps a resolution to our creative ids (unknown ones are passed through by their VAST id so
    /// the engine names them in its note).
    static func offer(_ r: VASTResolution, inventory: AdInventory) -> ExternalOffer {
        if let failure = r.failure {
            return ExternalOffer(error: "VAST \(failure.code): \(failure.message)")
        }
        guard !r.ads.isEmpty else { return ExternalOffer(error: "the ad server returned no ad") }
        var bySource: [String: String] = [:]
        for c in inventory.creatives.values { if let s = c.source { bySource[s] = c.id } }
        let ids: [String] = r.ads.map { ad in
            let named = ad.universalAdIDs.filter { $0.registry == "showrunner" }.map(\.value) + [ad.creativeID, ad.adID].compactMap { $0 }
            if let known = named.first(where: { inventory.creatives[$0] != nil }) { return known }
            if let viaMedia = ad.mediaFiles.lazy.compactMap({ bySource[$0.url] }).first { return viaMedia }
            return named.first ?? ad.mediaFiles.first?.url ?? "unnamed VAST ad"
        }
        return ExternalOffer(creatives: ids)
    }
}

extension String {
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
