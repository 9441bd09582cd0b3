/// A parsed VAST response (VAST 2.0 to 4.x).
///
/// An empty document (`<VAST version="4.2"/>`, possibly with root `<Error>` URLs) is the
/// normal "no ad" answer: `ads` is empty.
public struct VASTDocument: Sendable, Hashable {
    /// The `version` attribute of `<VAST>`, e.g. `"4.2"`.
    public var version: String
    /// The `<Ad>` elements in document order.
    public var ads: [VASTAd]
    /// Root-level `<Error>` URLs (to request when there is no ad), trimmed.
    public var errorURLs: [String]
    /// Things that were tolerated but are not per spec (unknown delivery, bad sequence, ...),
    /// one sentence each, for logs.
    public var warnings: [String]

    /// A document.
    public init(version: String, ads: [VASTAd] = [], errorURLs: [String] = [], warnings: [String] = []) {
        self.version = version
        self.ads = ads
        self.errorURLs = errorURLs
        self.warnings = warnings
    }

    /// The ads to play in order: if any ad has a `sequence`, the pod (those ads sorted by
    /// sequence, ties in document order); otherwise every stand-alone ad, in document order.
    public var podAds: [VASTAd] { ads.contains { $0.sequence != nil } ? pod : standalone }

    /// Ads with a `sequence`, sorted by it (stable).
    public var pod: [VASTAd] {
        ads.enumerated().filter { $0.element.sequence != nil }
            .sorted { ($0.element.sequence!, $0.offset) < ($1.element.sequence!, $1.offset) }
            .map(\.element)
    }

    /// Ads without a `sequence` (the "buffet"), in document order.
    public var standalone: [VASTAd] { ads.filter { $0.sequence == nil } }
}

/// One `<Ad>`.
public struct VASTAd: Sendable, Hashable {
    /// What the ad holds: the ad itself or a pointer to another VAST document.
    public enum Kind: Sendable, Hashable {
        case inLine(VASTInLine)
        case wrapper(VASTWrapper)
    }

    /// The `id` attribute.
    public var id: String?
    /// The `sequence` attribute (position in a pod, from 1); nil for a stand-alone ad.
    public var sequence: Int?
    /// InLine or Wrapper.
    public var kind: Kind

    /// An ad.
    public init(id: String? = nil, sequence: Int? = nil, kind: Kind) {
        self.id = id
        self.sequence = sequence
        self.kind = kind
    }
}

/// `<AdSystem version="...">name</AdSystem>`.
public struct VASTAdSystem: Sendable, Hashable {
    /// The ad server's name.
    public var name: String
    /// Its `version` attribute.
    public var version: String?

    /// An ad system.
    public init(name: String, version: String? = nil) {
        self.name = name
        self.version = version
    }
}

/// `<Category authority="...">code</Category>` (VAST 4.1+: the authority is required).
public struct VASTCategory: Sendable, Hashable {
    /// URL of the taxonomy, e.g. `https://iabtechlab.com/wp-content/uploads/2017/11/IAB_Tech_Lab_Content_Taxonomy_V2_Final_2017-11.xlsx`.
    public var authority: String
    /// The category code in that taxonomy, e.g. `IAB1-1`.
    public var code: String

    /// A category.
    public init(authority: String, code: String) {
        self.authority = authority
        self.code = code
    }
}

/// `<UniversalAdId idRegistry="...">value</UniversalAdId>`: the creative's id in a registry.
public struct VASTUniversalAdID: Sendable, Hashable {
    /// The registry, e.g. `ad-id.org`, or `unknown`.
    public var registry: String
    /// The id in that registry.
    public var value: String

    /// A universal ad id.
    public init(registry: String, value: String) {
        self.registry = registry
        self.value = value
    }
}

/// `<InLine>`: an ad with its creatives.
public struct VASTInLine: Sendable, Hashable {
    /// `<AdSystem>` (required by VAST; nil when absent, with a document warning).
    public var adSystem: VASTAdSystem?
    /// `<AdTitle>` (required by VAST; nil when absent).
    public var adTitle: String?
    /// `<AdServingId>` (VAST 4.1+).
    public var adServingID: String?
    /// `<Advertiser>`.
    public var advertiser: String?
    /// `<Category>` elements.
    public var categories: [VASTCategory]
    /// `<Impression>` URLs, trimmed, empty ones dropped.
    public var impressions: [String]
    /// `<Error>` URLs.
    public var errorURLs: [String]
    /// `<Creatives>`, in order.
    public var creatives: [VASTCreative]

    /// An InLine ad.
    public init(adSystem: VASTAdSystem? = nil, adTitle: String? = nil, adServingID: String? = nil, advertiser: String? = nil,
                categories: [VASTCategory] = [], impressions: [String] = [], errorURLs: [String] = [], creatives: [VASTCreative] = []) {
        self.adSystem = adSystem
        self.adTitle = adTitle
        self.adServingID = adServingID
        self.advertiser = advertiser
        self.categories = categories
        self.impressions = impressions
        self.errorURLs = errorURLs
        self.creatives = creatives
    }

    /// The first creative with a linear part, and that part.
    public var firstLinear: (creative: VASTCreative, linear: VASTLinear)? {
        for c in creatives { if case .linear(let l) = c.content { return (c, l) } }
        return nil
    }
}

/// `<Creative>`.
public struct VASTCreative: Sendable, Hashable {
    /// What the creative is.
    public enum Content: Sendable, Hashable {
        /// A video ad (`<Linear>`).
        case linear(VASTLinear)
        /// Something this model does not read (`CompanionAds`, `NonLinearAds`): the element name.
        case other(String)
    }

    /// The `id` attribute.
    public var id: String?
    /// The `adId` attribute (deprecated in VAST 4 in favour of UniversalAdId).
    public var adID: String?
    /// The `sequence` attribute.
    public var sequence: Int?
    /// `<UniversalAdId>` elements (VAST 4.x).
    public var universalAdIDs: [VASTUniversalAdID]
    /// The content.
    public var content: Content

    /// A creative.
    public init(id: String? = nil, adID: String? = nil, sequence: Int? = nil, universalAdIDs: [VASTUniversalAdID] = [], content: Content) {
        self.id = id
        self.adID = adID
        self.sequence = sequence
        self.universalAdIDs = universalAdIDs
        self.content = content
    }
}

/// `<Linear>` of an InLine creative.
public struct VASTLinear: Sendable, Hashable {
    /// `<Duration>` in milliseconds.
    public var durationMS: Int64
    /// The `skipoffset` attribute: when the viewer may skip; nil = not skippable.
    public var skipOffset: VASTOffset?
    /// `<MediaFile>` elements that have a URL and a known delivery, in order.
    public var mediaFiles: [VASTMediaFile]
    /// `<Tracking>` URLs in document order.
    public var tracking: [VASTTracking]
    /// `<VideoClicks><ClickThrough>`.
    public var clickThrough: String?
    /// `<VideoClicks><ClickTracking>` URLs.
    public var clickTracking: [String]

    /// A linear part.
    public init(durationMS: Int64, skipOffset: VASTOffset? = nil, mediaFiles: [VASTMediaFile] = [], tracking: [VASTTracking] = [],
                clickThrough: String? = nil, clickTracking: [String] = []) {
        self.durationMS = durationMS
        self.skipOffset = skipOffset
        self.mediaFiles = mediaFiles
        self.tracking = tracking
        self.clickThrough = clickThrough
        self.clickTracking = clickTracking
    }
}

/// `<MediaFile>`: one encoding of a linear creative.
public struct VASTMediaFile: Sendable, Hashable {
    /// The `delivery` attribute.
    public enum Delivery: String, Sendable, Hashable {
        /// A file fetched over HTTP (e.g. an MP4).
        case progressive
        /// A streaming protocol (e.g. HLS).
        case streaming
    }

    /// The media URL, trimmed.
    public var url: String
    /// How it is delivered.
    public var delivery: Delivery
    /// The MIME type as written, e.g. `video/mp4`, `application/x-mpegURL`.
    public var type: String
    /// Pixel width; 0 when absent or invalid.
    public var width: Int
    /// Pixel height; 0 when absent or invalid.
    public var height: Int
    /// Average bitrate in kbit/s, when given (`bitrate`, else the mean of `minBitrate`/`maxBitrate`).
    public var bitrateKbps: Int?
    /// The `codec` attribute (RFC 6381 codecs string).
    public var codec: String?
    /// The `id` attribute.
    public var id: String?

    /// A media file.
    public init(url: String, delivery: Delivery, type: String, width: Int, height: Int, bitrateKbps: Int? = nil,
                codec: String? = nil, id: String? = nil) {
        self.url = url
        self.delivery = delivery
        self.type = type
        self.width = width
        self.height = height
        self.bitrateKbps = bitrateKbps
        self.codec = codec
        self.id = id
    }

    /// The MIME type lower-cased, without parameters (`video/mp4; codecs=...` → `video/mp4`).
    public var mimeType: String {
        String(type.split(separator: ";", maxSplits: 1).first ?? "").xmlTrimmed.lowercased()
    }

    /// Whether this is an MP4 file or an HLS playlist (the kinds Showrunner can stitch).
    public var isSupported: Bool { kind != nil }

    /// `.mp4`, `.hls`, or nil for any other type.
    public var kind: Kind? {
        switch mimeType {
        case "video/mp4": .mp4
        case "application/x-mpegurl", "application/vnd.apple.mpegurl": .hls
        default: nil
        }
    }

    /// The media kinds Showrunner uses.
    public enum Kind: Sendable, Hashable {
        case mp4, hls
    }
}

/// `<Wrapper>`: points at another VAST document and adds its own tracking.
public struct VASTWrapper: Sendable, Hashable {
    /// `<AdSystem>`.
    public var adSystem: VASTAdSystem?
    /// `<VASTAdTagURI>`, trimmed (required).
    public var vastAdTagURI: String
    /// `<Impression>` URLs to add to the final ad.
    public var impressions: [String]
    /// `<Error>` URLs to add to the final ad.
    public var errorURLs: [String]
    /// Tracking URLs of the wrapper's linear creatives, to add to the final ad.
    public var tracking: [VASTTracking]
    /// ClickTracking URLs of the wrapper's linear creatives.
    public var clickTracking: [String]
    /// `followAdditionalWrappers` (default true): whether the wrapped response may itself be a wrapper.
    public var followAdditionalWrappers: Bool
    /// `allowMultipleAds` (default false): whether the wrapped response may be a pod; when false
    /// only its first stand-alone ad is used.
    public var allowMultipleAds: Bool
    /// `fallbackOnNoAd` (default false): when the wrapped response has no ad, whether another
    /// stand-alone ad of this wrapper's document may be tried.
    public var fallbackOnNoAd: Bool

    /// A wrapper.
    public init(adSystem: VASTAdSystem? = nil, vastAdTagURI: String, impressions: [String] = [], errorURLs: [String] = [],
                tracking: [VASTTracking] = [], clickTracking: [String] = [], followAdditionalWrappers: Bool = true,
                allowMultipleAds: Bool = false, fallbackOnNoAd: Bool = false) {
        self.adSystem = adSystem
        self.vastAdTagURI = vastAdTagURI
        self.impressions = impressions
        self.errorURLs = errorURLs
        self.tracking = tracking
        self.clickTracking = clickTracking
        self.followAdditionalWrappers = followAdditionalWrappers
        self.allowMultipleAds = allowMultipleAds
        self.fallbackOnNoAd = fallbackOnNoAd
    }
}
