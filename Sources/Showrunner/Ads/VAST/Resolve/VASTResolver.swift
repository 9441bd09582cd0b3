/// Follows VAST wrapper chains to InLine ads. Pure: the network is the injected `fetch`.
///
/// Rules:
/// - Only `http://` and `https://` URLs with a host are fetched; anything else (file:, ftp:,
///   data:, javascript:, relative) is failure `.nonHTTPURL` and is never passed to `fetch`.
/// - At most `maxDepth` wrappers in one chain: meeting wrapper number `maxDepth + 1` is failure
///   `.wrapperLimit` (302) and its VASTAdTagURI is not fetched.
/// - A VASTAdTagURI already fetched earlier in the same chain is failure `.loop`.
/// - A fetch throwing `VASTFetchError` of kind `.timeout` is `.timeout` (301); any other error is
///   `.wrapper` (300). Bad XML is `.xmlParsing` (100); see `VASTParser` for 101/102.
/// - A wrapper's response without ads is `.noAdsAfterWrapper` (303). An empty top-level response
///   is no failure: no ads, no fill.
/// - Which ads: a response with `sequence`d ads is a pod (all of them, in sequence order);
///   otherwise the first stand-alone ad that resolves (the next one is tried when an InLine is
///   unusable, or a wrapper failed and had `fallbackOnNoAd="true"`). Under a wrapper with
///   `allowMultipleAds="false"` (the default) only the first stand-alone ad (else the first ad)
///   of its response is used; under `followAdditionalWrappers="false"` a wrapper in its response
///   is failure 303.
/// - An InLine with no Linear creative is `.noLinear` (201), one with no MP4/HLS media file is
///   `.noSupportedMedia` (403).
/// - At most `maxFetches` fetches per `resolve` call (pods of wrappers can fan out); beyond that, `.wrapper`.
public struct VASTResolver: Sendable {
    /// Fetches a URL and returns the response body. Throw `VASTFetchError(.timeout, ...)` for
    /// a timeout so the resolver reports 301.
    public typealias Fetch = @Sendable (String) async throws -> [UInt8]

    /// Most wrappers followed in one chain (default 5).
    public var maxDepth: Int
    /// Most fetches in one `resolve` call (default 32).
    public var maxFetches: Int = 32
    let fetch: Fetch

    /// A resolver following up to `maxDepth` wrappers, fetching with `fetch`.
    public init(maxDepth: Int = 5, fetch: @escaping Fetch) {
        self.maxDepth = maxDepth
        self.fetch = fetch
    }

    /// Fetches `url` and follows its wrappers. Never throws: problems are in `failures`.
    public func resolve(url: String) async -> VASTResolution {
        var run = Run()
        let ads = await expand(url: url.xmlTrimmed, chain: Chain(), parent: nil, run: &run)
        return VASTResolution(ads: ads, failures: run.failures, log: run.log)
    }

    /// Whether `url` is an absolute http or https URL with a host (case-insensitive scheme).
    public static func isFetchable(_ url: String) -> Bool {
        let lower = url.lowercased()
        let rest: Substring
        if lower.hasPrefix("http://") {
            rest = lower.dropFirst(7)
        } else if lower.hasPrefix("https://") {
            rest = lower.dropFirst(8)
        } else {
            return false
        }
        guard let first = rest.first, first != "/", first != "?", first != "#" else { return false }
        return !url.contains { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }
    }

    struct Run {
        var failures: [VASTFailure] = []
        var log: [String] = []
        var fetches = 0

        mutating func fail(_ f: VASTFailure) {
            failures.append(f)
            log.append("FAIL \(f)")
        }
    }

    /// The wrappers above a document.
    struct Chain {
        var urls: [String] = []
        var links: [VASTChainLink] = []
        var wrappers: [VASTWrapper] = []
        var sequences: [Int?] = []
        var errorURLs: [String] { wrappers.flatMap(\.errorURLs) }
    }

    /// Fetches and parses `url`, then resolves the ads it selects. Failures go to `run`.
    func expand(url: String, chain: Chain, parent: VASTWrapper?, run: inout Run) async -> [ResolvedAd] {
        let depth = chain.wrappers.count
        guard Self.isFetchable(url) else {
            run.fail(VASTFailure(.nonHTTPURL, "refusing to fetch a URL that is not http:// or https://", url: url, errorURLs: chain.errorURLs))
            return []
        }
        guard !chain.urls.contains(url) else {
            run.fail(VASTFailure(.loop, "wrapper chain loops back to a URL it already fetched", url: url, errorURLs: chain.errorURLs))
            return []
        }
        guard run.fetches < maxFetches else {
            run.fail(VASTFailure(.wrapper, "more than \(maxFetches) fetches for one request", url: url, errorURLs: chain.errorURLs))
            return []
        }
        run.fetches += 1
        run.log.append("fetch \(url) (wrapper depth \(depth))")
        let bytes: [UInt8]
        do {
            bytes = try await fetch(url)
        } catch let e as VASTFetchError where e.kind == .timeout {
            run.fail(VASTFailure(.timeout, "fetch timed out: \(e)", url: url, errorURLs: chain.errorURLs))
            return []
        } catch {
            run.fail(VASTFailure(.wrapper, "fetch failed: \(error)", url: url, errorURLs: chain.errorURLs))
            return []
        }
        let doc: VASTDocument
        do {
            doc = try VASTParser.parse(bytes)
        } catch {
            var f = error
            f.url = url
            f.errorURLs = chain.errorURLs
            run.fail(f)
            return []
        }
        run.log.append("\(url): VAST \(doc.version), \(doc.ads.count) ad(s), \(bytes.count) bytes")
        run.log += doc.warnings.map { "\(url): warning: \($0)" }

        var candidates = doc.podAds
        if let parent, !parent.allowMultipleAds {
            candidates = [doc.standalone.first ?? doc.ads.first].compactMap { $0 }
            if doc.ads.count > 1 { run.log.append("\(url): allowMultipleAds=false, using only ad \(candidates[0].id ?? "-")") }
        }
        guard !candidates.isEmpty else {
            if parent != nil {
                run.fail(VASTFailure(.noAdsAfterWrapper, "the wrapped response has no ads", url: url,
                                     errorURLs: chain.errorURLs + doc.errorURLs))
            } else {
                run.log.append("\(url): no ads (no fill)")
            }
            return []
        }
        if candidates.contains(where: { $0.sequence != nil }) {
            var out: [ResolvedAd] = []
            for ad in candidates {
                out += await resolveAd(ad, docURL: url, chain: chain, parent: parent, run: &run)
            }
            return out
        }
        for ad in candidates {
            let got = await resolveAd(ad, docURL: url, chain: chain, parent: parent, run: &run)
            if !got.isEmpty { return got }
            if case .wrapper(let w) = ad.kind, !w.fallbackOnNoAd { break }
        }
        return []
    }

    func resolveAd(_ ad: VASTAd, docURL: String, chain: Chain, parent: VASTWrapper?, run: inout Run) async -> [ResolvedAd] {
        switch ad.kind {
        case .inLine(let inline):
            let link = VASTChainLink(url: docURL, adID: ad.id, adSystem: inline.adSystem?.name, isWrapper: false)
            let errorURLs = chain.errorURLs + inline.errorURLs
            guard let (creative, linear) = inline.firstLinear else {
                run.fail(VASTFailure(.noLinear, "ad \(ad.id ?? "-") has no Linear creative", url: docURL, errorURLs: errorURLs))
                return []
            }
            guard linear.mediaFiles.contains(where: \.isSupported) else {
                let types = linear.mediaFiles.map(\.type).joined(separator: ", ")
                run.fail(VASTFailure(.noSupportedMedia, "ad \(ad.id ?? "-") has no video/mp4 or application/x-mpegURL media file (has: \(types.isEmpty ? "none" : types))",
                                     url: docURL, errorURLs: errorURLs))
                return []
            }
            let resolved = ResolvedAd(
                adID: ad.id, sequence: (chain.sequences.first ?? nil) ?? ad.sequence,
                adSystem: inline.adSystem, adTitle: inline.adTitle, adServingID: inline.adServingID, advertiser: inline.advertiser,
                categories: inline.categories, creativeID: creative.id, universalAdIDs: creative.universalAdIDs,
                durationMS: linear.durationMS, skipOffset: linear.skipOffset, mediaFiles: linear.mediaFiles,
                impressions: chain.wrappers.flatMap(\.impressions) + inline.impressions,
                tracking: chain.wrappers.flatMap(\.tracking) + linear.tracking,
                errorURLs: errorURLs, clickThrough: linear.clickThrough,
                clickTracking: chain.wrappers.flatMap(\.clickTracking) + linear.clickTracking,
                chain: chain.links + [link])
            run.log.append("\(docURL): ad \(ad.id ?? "-") InLine, \(linear.durationMS) ms, \(linear.mediaFiles.count) media file(s)")
            return [resolved]

        case .wrapper(let wrapper):
            if let parent, !parent.followAdditionalWrappers {
                run.fail(VASTFailure(.noAdsAfterWrapper, "ad \(ad.id ?? "-") is a wrapper but followAdditionalWrappers=false",
                                     url: docURL, errorURLs: chain.errorURLs + wrapper.errorURLs))
                return []
            }
            var next = chain
            next.urls.append(docURL)
            next.links.append(VASTChainLink(url: docURL, adID: ad.id, adSystem: wrapper.adSystem?.name, isWrapper: true))
            next.wrappers.append(wrapper)
            next.sequences.append(ad.sequence)
            guard next.wrappers.count <= maxDepth else {
                run.fail(VASTFailure(.wrapperLimit, "wrapper \(next.wrappers.count) in a chain exceeds the limit of \(maxDepth)",
                                     url: docURL, errorURLs: next.errorURLs))
                return []
            }
            run.log.append("\(docURL): ad \(ad.id ?? "-") Wrapper -> \(wrapper.vastAdTagURI)")
            return await expand(url: wrapper.vastAdTagURI, chain: next, parent: wrapper, run: &run)
        }
    }
}
