/// An InLine ad ready to play, with everything its wrappers added merged in.
///
/// Merged lists (impressions, tracking, error URLs, click tracking) hold the wrappers' URLs
/// first, outermost wrapper first, then the InLine's own. Fire them all.
public struct ResolvedAd: Sendable, Hashable {
    /// The InLine `<Ad id>`.
    public var adID: String?
    /// The `sequence` of the outermost ad of this chain (its position in the requested pod),
    /// else the InLine's own.
    public var sequence: Int?
    /// The InLine's `<AdSystem>`.
    public var adSystem: VASTAdSystem?
    /// `<AdTitle>`.
    public var adTitle: String?
    /// `<AdServingId>`.
    public var adServingID: String?
    /// `<Advertiser>`.
    public var advertiser: String?
    /// `<Category>` elements.
    public var categories: [VASTCategory]
    /// The `id` of the (first) linear creative.
    public var creativeID: String?
    /// Its `<UniversalAdId>` elements.
    public var universalAdIDs: [VASTUniversalAdID]
    /// Its duration in milliseconds.
    public var durationMS: Int64
    /// Its `skipoffset`.
    public var skipOffset: VASTOffset?
    /// Every media file of the creative (supported or not), in document order.
    public var mediaFiles: [VASTMediaFile]
    /// Impression URLs, wrappers first.
    public var impressions: [String]
    /// Tracking URLs, wrappers first.
    public var tracking: [VASTTracking]
    /// Error URLs (for `[ERRORCODE]`), wrappers first.
    public var errorURLs: [String]
    /// `<ClickThrough>` of the InLine.
    public var clickThrough: String?
    /// ClickTracking URLs, wrappers first.
    public var clickTracking: [String]
    /// The documents walked: each wrapper (outermost first), then the InLine.
    public var chain: [VASTChainLink]

    /// A resolved ad (the resolver builds these; public for tests and other ad sources).
    public init(adID: String? = nil,
                sequence: Int? = nil,
                adSystem: VASTAdSystem? = nil,
                adTitle: String? = nil,
                adServingID: String? = nil,
                advertiser: String? = nil,
                categories: [VASTCategory] = [],
                creativeID: String? = nil,
                universalAdIDs: [VASTUniversalAdID] = [],
                durationMS: Int64,
                skipOffset: VASTOffset? = nil,
                mediaFiles: [VASTMediaFile],
                impressions: [String] = [],
                tracking: [VASTTracking] = [],
                errorURLs: [String] = [],
                clickThrough: String? = nil,
                clickTracking: [String] = [],
                chain: [VASTChainLink] = []) {
        self.adID = adID
        self.sequence = sequence
        self.adSystem = adSystem
        self.adTitle = adTitle
        self.adServingID = adServingID
        self.advertiser = advertiser
        self.categories = categories
        self.creativeID = creativeID
        self.universalAdIDs = universalAdIDs
        self.durationMS = durationMS
        self.skipOffset = skipOffset
        self.mediaFiles = mediaFiles
        self.impressions = impressions
        self.tracking = tracking
        self.errorURLs = errorURLs
        self.clickThrough = clickThrough
        self.clickTracking = clickTracking
        self.chain = chain
    }

    /// The tracking URLs grouped by event.
    public var trackingByEvent: [VASTEvent: [String]] { tracking.byEvent }

    /// The tracking URLs for `event`.
    public func tracking(for event: VASTEvent) -> [String] { tracking.urls(for: event) }

    /// The media file to use for a `width`×`height` rendition, among `video/mp4` and
    /// `application/x-mpegURL` files only (nil if there is none).
    ///
    /// How it picks, so that the chosen file is never upscaled when it can be avoided:
    /// 1. files at least `width`×`height` (both sides), the smallest of them by area;
    /// 2. otherwise files with known size, the largest by area;
    /// 3. otherwise files without a size (width or height 0).
    /// Ties: higher bitrate (unknown counts lowest), then the `preferring` kind (MP4 by default:
    /// one file is easiest to condition for stitching), then document order.
    public func bestMediaFile(width: Int, height: Int, preferring: VASTMediaFile.Kind = .mp4) -> VASTMediaFile? {
        let candidates = mediaFiles.enumerated().compactMap { (i, m) -> (Int, VASTMediaFile, VASTMediaFile.Kind)? in
            m.kind.map { (i, m, $0) }
        }
        func group(_ m: VASTMediaFile) -> Int {
            guard m.width > 0, m.height > 0 else { return 2 }
            return m.width >= width && m.height >= height ? 0 : 1
        }
        return candidates.min { a, b in
            let ga = group(a.1), gb = group(b.1)
            if ga != gb { return ga < gb }
            let areaA = a.1.width * a.1.height, areaB = b.1.width * b.1.height
            if ga == 0, areaA != areaB { return areaA < areaB }
            if ga == 1, areaA != areaB { return areaA > areaB }
            let ra = a.1.bitrateKbps ?? -1, rb = b.1.bitrateKbps ?? -1
            if ra != rb { return ra > rb }
            let pa = a.2 == preferring, pb = b.2 == preferring
            if pa != pb { return pa }
            return a.0 < b.0
        }?.1
    }
}

/// One document of a wrapper chain.
public struct VASTChainLink: Sendable, Hashable {
    /// The URL the document was fetched from.
    public var url: String
    /// The `<Ad id>` used in it.
    public var adID: String?
    /// Its `<AdSystem>` name.
    public var adSystem: String?
    /// Whether that ad is a Wrapper (false: the InLine at the end).
    public var isWrapper: Bool

    /// A link.
    public init(url: String, adID: String?, adSystem: String?, isWrapper: Bool) {
        self.url = url
        self.adID = adID
        self.adSystem = adSystem
        self.isWrapper = isWrapper
    }
}

/// What `VASTResolver.resolve(url:)` found: the ads to play (possibly none), what failed, and a
/// log of each step.
public struct VASTResolution: Sendable, Hashable {
    /// Playable ads in order (a pod in sequence order, or one stand-alone ad).
    public var ads: [ResolvedAd]
    /// Every failure met, in order. An ad that failed is not in `ads`; other ads may still be.
    public var failures: [VASTFailure]
    /// Lines like `fetch http://... (wrapper depth 1)`, for logs.
    public var log: [String]

    /// The first failure, if any. Nil with empty `ads` means "no fill" (an empty VAST).
    public var failure: VASTFailure? { failures.first }

    /// A resolution.
    public init(ads: [ResolvedAd] = [], failures: [VASTFailure] = [], log: [String] = []) {
        self.ads = ads
        self.failures = failures
        self.log = log
    }
}
