// VAST 2.0-4.x reader over `XMLReader`. Strict where playing the ad depends on it (root element,
// version, InLine/Wrapper, Linear Duration, VASTAdTagURI), tolerant elsewhere: missing optional
// or merely "required for conformance" elements (AdTitle, AdServingId, ...) become nil, and
// odd values are dropped with a note in `VASTDocument.warnings`.

/// Parses VAST documents.
public enum VASTParser {
    /// Parses a VAST response body.
    /// - Throws: `VASTFailure` with code `.xmlParsing` (the XML error's line, column and message
    ///   in the message), `.schema` or `.version`.
    public static func parse(_ bytes: [UInt8]) throws(VASTFailure) -> VASTDocument {
        let root: XMLElement
        do {
            root = try XMLReader.parse(bytes)
        } catch {
            throw VASTFailure(.xmlParsing, "malformed XML: \(error)")
        }
        return try parse(root)
    }

    /// Parses a VAST response given as text.
    public static func parse(_ text: String) throws(VASTFailure) -> VASTDocument {
        try parse(Array(text.utf8))
    }

    /// Reads a document from its already-parsed root element.
    public static func parse(_ root: XMLElement) throws(VASTFailure) -> VASTDocument {
        guard root.name == "VAST" else { throw VASTFailure(.schema, "root element is <\(root.name)>, not <VAST>") }
        guard let version = root[attribute: "version"]?.xmlTrimmed, !version.isEmpty else {
            throw VASTFailure(.schema, "<VAST> has no version attribute")
        }
        let major = version.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard ["2", "3", "4"].contains(major) else {
            throw VASTFailure(.version, "VAST version \(version) is not supported (2.x, 3.x, 4.x are)")
        }
        var reader = Reader()
        var doc = VASTDocument(version: version)
        doc.errorURLs = reader.urls(root.children("Error"))
        for (index, ad) in root.children("Ad").enumerated() {
            doc.ads.append(try reader.ad(ad, index: index))
        }
        doc.warnings = reader.warnings
        return doc
    }

    struct Reader {
        var warnings: [String] = []

        mutating func urls(_ elements: [XMLElement]) -> [String] {
            elements.map(\.trimmedText).filter { !$0.isEmpty }
        }

        func text(_ e: XMLElement?) -> String? {
            guard let t = e?.trimmedText, !t.isEmpty else { return nil }
            return t
        }

        mutating func int(_ value: String?, _ what: String) -> Int? {
            guard let value else { return nil }
            let t = value.xmlTrimmed
            guard let v = Int(t), v >= 0, v < 1 << 40 else {
                warnings.append("\(what) \"\(t)\" is not a whole number; ignored")
                return nil
            }
            return v
        }

        mutating func bool(_ value: String?, _ what: String, default d: Bool) -> Bool {
            guard let value else { return d }
            switch value.xmlTrimmed {
            case "true", "1": return true
            case "false", "0": return false
            default:
                warnings.append("\(what) \"\(value)\" is not true/false; using \(d)")
                return d
            }
        }

        mutating func ad(_ e: XMLElement, index: Int) throws(VASTFailure) -> VASTAd {
            let id = e[attribute: "id"]
            let label = "Ad[\(index)]" + (id.map { " id=\($0)" } ?? "")
            var sequence = int(e[attribute: "sequence"], "\(label) sequence")
            if sequence == 0 { sequence = nil }
            if let inline = e.child("InLine") {
                return VASTAd(id: id, sequence: sequence, kind: .inLine(try self.inline(inline, label)))
            }
            if let wrapper = e.child("Wrapper") {
                return VASTAd(id: id, sequence: sequence, kind: .wrapper(try self.wrapper(wrapper, label)))
            }
            throw VASTFailure(.schema, "\(label) has neither <InLine> nor <Wrapper>")
        }

        mutating func adSystem(_ e: XMLElement?) -> VASTAdSystem? {
            guard let e, let name = text(e) else { return nil }
            return VASTAdSystem(name: name, version: e[attribute: "version"])
        }

        mutating func inline(_ e: XMLElement, _ label: String) throws(VASTFailure) -> VASTInLine {
            var ad = VASTInLine()
            ad.adSystem = adSystem(e.child("AdSystem"))
            if ad.adSystem == nil { warnings.append("\(label) has no <AdSystem>") }
            ad.adTitle = text(e.child("AdTitle"))
            ad.adServingID = text(e.child("AdServingId"))
            ad.advertiser = text(e.child("Advertiser"))
            for c in e.children("Category") {
                guard let code = text(c) else { continue }
                ad.categories.append(VASTCategory(authority: c[attribute: "authority"]?.xmlTrimmed ?? "", code: code))
            }
            ad.impressions = urls(e.children("Impression"))
            ad.errorURLs = urls(e.children("Error"))
            for (i, c) in (e.child("Creatives")?.children("Creative") ?? []).enumerated() {
                if let creative = try creative(c, "\(label) Creative[\(i)]", inline: true) { ad.creatives.append(creative) }
            }
            return ad
        }

        mutating func creative(_ e: XMLElement, _ label: String, inline: Bool) throws(VASTFailure) -> VASTCreative? {
            var c = VASTCreative(id: e[attribute: "id"], adID: e[attribute: "adId"] ?? e[attribute: "AdID"],
                                 sequence: int(e[attribute: "sequence"], "\(label) sequence"), content: .other(""))
            for u in e.children("UniversalAdId") {
                c.universalAdIDs.append(VASTUniversalAdID(registry: u[attribute: "idRegistry"]?.xmlTrimmed ?? "unknown", value: u.trimmedText))
            }
            if let linear = e.child("Linear") {
                c.content = .linear(try self.linear(linear, label, inline: inline))
            } else if let other = e.children.first(where: { $0.name != "UniversalAdId" && $0.name != "CreativeExtensions" }) {
                c.content = .other(other.name)
            } else {
                warnings.append("\(label) has no Linear, NonLinearAds or CompanionAds; ignored")
                return nil
            }
            return c
        }

        /// A Linear element; in a wrapper only tracking and click tracking matter (duration 0).
        mutating func linear(_ e: XMLElement, _ label: String, inline: Bool) throws(VASTFailure) -> VASTLinear {
            var l = VASTLinear(durationMS: 0)
            if inline {
                guard let d = e.child("Duration") else { throw VASTFailure(.schema, "\(label) Linear has no <Duration>") }
                guard let ms = VASTTime.milliseconds(d.trimmedText) else {
                    throw VASTFailure(.schema, "\(label) Duration \"\(d.trimmedText)\" is not HH:MM:SS or HH:MM:SS.mmm")
                }
                l.durationMS = ms
            }
            if let skip = e[attribute: "skipoffset"] {
                l.skipOffset = VASTOffset(skip)
                if l.skipOffset == nil { warnings.append("\(label) skipoffset \"\(skip)\" is not a time or percentage; ignored") }
            }
            for m in e.child("MediaFiles")?.children("MediaFile") ?? [] {
                if let file = mediaFile(m, label) { l.mediaFiles.append(file) }
            }
            l.tracking = tracking(e.child("TrackingEvents"), label)
            if let clicks = e.child("VideoClicks") {
                l.clickThrough = text(clicks.child("ClickThrough"))
                l.clickTracking = urls(clicks.children("ClickTracking"))
            }
            return l
        }

        mutating func tracking(_ e: XMLElement?, _ label: String) -> [VASTTracking] {
            var out: [VASTTracking] = []
            for t in e?.children("Tracking") ?? [] {
                let url = t.trimmedText
                guard !url.isEmpty else { continue }
                guard let name = t[attribute: "event"]?.xmlTrimmed, !name.isEmpty else {
                    warnings.append("\(label) Tracking without an event attribute; ignored")
                    continue
                }
                guard let event = VASTEvent(name: name, offset: t[attribute: "offset"]) else {
                    warnings.append("\(label) progress Tracking with offset \"\(t[attribute: "offset"] ?? "")\" is not a time or percentage; ignored")
                    continue
                }
                out.append(VASTTracking(event: event, url: url))
            }
            return out
        }

        mutating func mediaFile(_ e: XMLElement, _ label: String) -> VASTMediaFile? {
            let url = e.trimmedText
            guard !url.isEmpty else {
                warnings.append("\(label) MediaFile without a URL; ignored")
                return nil
            }
            let deliveryText = e[attribute: "delivery"]?.xmlTrimmed ?? ""
            guard let delivery = VASTMediaFile.Delivery(rawValue: deliveryText) else {
                warnings.append("\(label) MediaFile delivery \"\(deliveryText)\" is not progressive or streaming; ignored")
                return nil
            }
            var bitrate = int(e[attribute: "bitrate"], "\(label) MediaFile bitrate")
            if bitrate == nil, let lo = int(e[attribute: "minBitrate"], "\(label) minBitrate"),
               let hi = int(e[attribute: "maxBitrate"], "\(label) maxBitrate") {
                bitrate = (lo + hi) / 2
            }
            return VASTMediaFile(url: url, delivery: delivery, type: e[attribute: "type"]?.xmlTrimmed ?? "",
                                 width: int(e[attribute: "width"], "\(label) MediaFile width") ?? 0,
                                 height: int(e[attribute: "height"], "\(label) MediaFile height") ?? 0,
                                 bitrateKbps: bitrate, codec: e[attribute: "codec"], id: e[attribute: "id"])
        }

        mutating func wrapper(_ e: XMLElement, _ label: String) throws(VASTFailure) -> VASTWrapper {
            guard let uri = text(e.child("VASTAdTagURI")) else {
                throw VASTFailure(.schema, "\(label) Wrapper has no <VASTAdTagURI>")
            }
            var w = VASTWrapper(vastAdTagURI: uri)
            w.adSystem = adSystem(e.child("AdSystem"))
            w.impressions = urls(e.children("Impression"))
            w.errorURLs = urls(e.children("Error"))
            for (i, c) in (e.child("Creatives")?.children("Creative") ?? []).enumerated() {
                guard let linear = c.child("Linear") else { continue }
                let l = try self.linear(linear, "\(label) Creative[\(i)]", inline: false)
                w.tracking += l.tracking
                w.clickTracking += l.clickTracking
            }
            w.followAdditionalWrappers = bool(e[attribute: "followAdditionalWrappers"], "\(label) followAdditionalWrappers", default: true)
            w.allowMultipleAds = bool(e[attribute: "allowMultipleAds"], "\(label) allowMultipleAds", default: false)
            w.fallbackOnNoAd = bool(e[attribute: "fallbackOnNoAd"], "\(label) fallbackOnNoAd", default: false)
            return w
        }
    }
}
