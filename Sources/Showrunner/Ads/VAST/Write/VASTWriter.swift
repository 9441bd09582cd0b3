/// Writes Showrunner's ad decisions as VAST 4.2 documents (checked with vastlint 0.16.2).
///
/// Output is deterministic (same input, same bytes), indented with two spaces, UTF-8. Every
/// attribute value and text is escaped; URLs go in CDATA sections with any `]]>` split across two
/// sections; characters XML cannot carry (C0 controls other than tab/LF/CR, U+FFFE/U+FFFF) become U+FFFD.
public enum VASTWriter {
    /// The VAST version written.
    public static let version = "4.2"
    /// The `idRegistry` of our `<UniversalAdId>`s.
    public static let idRegistry = "showrunner"

    /// One linear ad to write as an InLine.
    public struct AdSpec: Sendable, Hashable {
        /// `<Ad id>`.
        public var id: String
        /// `<Ad sequence>`: position in the pod from 1; nil for a stand-alone ad.
        public var sequence: Int?
        /// `<AdSystem>` name.
        public var adSystem: String
        /// `<AdSystem version>`, e.g. our build version; nil writes none.
        public var adSystemVersion: String?
        /// `<AdTitle>`.
        public var title: String
        /// `<Advertiser>`; nil writes none.
        public var advertiser: String?
        /// `<Category authority>`; nil writes none.
        public var category: VASTCategory?
        /// `<Duration>` in milliseconds.
        public var durationMS: Int64
        /// `<Creative id>`, also the `<UniversalAdId>` value (registry `showrunner`).
        public var creativeID: String
        /// `<Impression>` URLs (VAST requires at least one for a valid InLine).
        public var impressionURLs: [String]
        /// `<Tracking>` URLs in the order written.
        public var tracking: [VASTTracking]
        /// `<MediaFile>`s in the order written. `bitrateKbps`, `codec` and `id` are optional.
        public var mediaFiles: [VASTMediaFile]
        /// `<Mezzanine>` (VAST 4.1+): the high-quality source file SSAI servers transcode from;
        /// nil writes none (vastlint then notes `VAST-4.1-mezzanine-recommended`, an info).
        public var mezzanine: VASTMediaFile?
        /// `<ClickThrough>`; nil writes no `<VideoClicks>`.
        public var clickThrough: String?
        /// `<Error>` URL (may contain `[ERRORCODE]`); nil writes none.
        public var errorURL: String?
        /// `<AdServingId>`: unique per ad decision (VAST 4.1+ requires it).
        public var adServingID: String

        /// An ad spec; `adSystem` defaults to `Showrunner`.
        public init(id: String, sequence: Int? = nil, adSystem: String = "Showrunner", adSystemVersion: String? = nil,
                    title: String, advertiser: String? = nil, category: VASTCategory? = nil, durationMS: Int64,
                    creativeID: String, impressionURLs: [String], tracking: [VASTTracking] = [], mediaFiles: [VASTMediaFile],
                    mezzanine: VASTMediaFile? = nil, clickThrough: String? = nil, errorURL: String? = nil, adServingID: String) {
            self.id = id
            self.sequence = sequence
            self.adSystem = adSystem
            self.adSystemVersion = adSystemVersion
            self.title = title
            self.advertiser = advertiser
            self.category = category
            self.durationMS = durationMS
            self.creativeID = creativeID
            self.impressionURLs = impressionURLs
            self.tracking = tracking
            self.mediaFiles = mediaFiles
            self.mezzanine = mezzanine
            self.clickThrough = clickThrough
            self.errorURL = errorURL
            self.adServingID = adServingID
        }
    }

    static let header = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    static let open = "<VAST version=\"\(version)\" xmlns=\"http://www.iab.com/VAST\">"

    /// A VAST 4.2 document with one InLine `<Ad>` per spec, in the given order. An empty list
    /// gives the same as `empty(errorURL: nil)`.
    public static func inLine(ads: [AdSpec]) -> String {
        guard !ads.isEmpty else { return empty(errorURL: nil) }
        var w = Lines()
        w.raw(header + open)
        for ad in ads { write(ad, into: &w) }
        w.raw("</VAST>")
        return w.text
    }

    /// A VAST 4.2 document with no ad (the "no fill" answer), with a root `<Error>` URL when given.
    public static func empty(errorURL: String?) -> String {
        guard let errorURL else {
            return header + "<VAST version=\"\(version)\" xmlns=\"http://www.iab.com/VAST\"/>\n"
        }
        var w = Lines()
        w.raw(header + open)
        w.element(1, "Error", cdata: errorURL)
        w.raw("</VAST>")
        return w.text
    }

    static func write(_ ad: AdSpec, into w: inout Lines) {
        var adAttributes = [("id", ad.id)]
        if let s = ad.sequence { adAttributes.append(("sequence", String(s))) }
        w.open(1, "Ad", adAttributes)
        w.open(2, "InLine")
        w.element(3, "AdSystem", ad.adSystemVersion.map { [("version", $0)] } ?? [], text: ad.adSystem)
        if let e = ad.errorURL { w.element(3, "Error", cdata: e) }
        for (i, url) in ad.impressionURLs.enumerated() {
            w.element(3, "Impression", [("id", "\(ad.id)-imp-\(i + 1)")], cdata: url)
        }
        w.element(3, "AdServingId", text: ad.adServingID)
        w.element(3, "AdTitle", text: ad.title)
        if let c = ad.category { w.element(3, "Category", [("authority", c.authority)], text: c.code) }
        if let a = ad.advertiser { w.element(3, "Advertiser", text: a) }
        w.open(3, "Creatives")
        w.open(4, "Creative", [("id", ad.creativeID), ("sequence", "1"), ("adId", ad.id)])
        w.element(5, "UniversalAdId", [("idRegistry", idRegistry)], text: ad.creativeID)
        w.open(5, "Linear")
        w.element(6, "Duration", text: VASTTime.format(milliseconds: ad.durationMS))
        if !ad.tracking.isEmpty {
            w.open(6, "TrackingEvents")
            for t in ad.tracking {
                var attributes = [("event", t.event.name)]
                if let o = t.event.offset { attributes.append(("offset", o.description)) }
                w.element(7, "Tracking", attributes, cdata: t.url)
            }
            w.close(6, "TrackingEvents")
        }
        if let click = ad.clickThrough {
            w.open(6, "VideoClicks")
            w.element(7, "ClickThrough", [("id", "\(ad.id)-click")], cdata: click)
            w.close(6, "VideoClicks")
        }
        w.open(6, "MediaFiles")
        for m in ad.mediaFiles {
            var attributes: [(String, String)] = []
            if let id = m.id { attributes.append(("id", id)) }
            attributes += [("delivery", m.delivery.rawValue), ("type", m.type), ("width", String(m.width)), ("height", String(m.height))]
            if let b = m.bitrateKbps { attributes.append(("bitrate", String(b))) }
            if let c = m.codec { attributes.append(("codec", c)) }
            w.element(7, "MediaFile", attributes, cdata: m.url)
        }
        if let m = ad.mezzanine {
            var attributes: [(String, String)] = []
            if let id = m.id { attributes.append(("id", id)) }
            attributes += [("delivery", m.delivery.rawValue), ("type", m.type), ("width", String(m.width)), ("height", String(m.height))]
            if let c = m.codec { attributes.append(("codec", c)) }
            w.element(7, "Mezzanine", attributes, cdata: m.url)
        }
        w.close(6, "MediaFiles")
        w.close(5, "Linear")
        w.close(4, "Creative")
        w.close(3, "Creatives")
        w.close(2, "InLine")
        w.close(1, "Ad")
    }

    /// Builds indented lines.
    struct Lines {
        var text = ""

        mutating func raw(_ s: String) { text += s + "\n" }

        func indent(_ level: Int) -> String { String(repeating: "  ", count: level) }

        func tag(_ name: String, _ attributes: [(String, String)]) -> String {
            "<" + name + attributes.map { " \($0.0)=\"\(VASTWriter.escapeAttribute($0.1))\"" }.joined()
        }

        mutating func open(_ level: Int, _ name: String, _ attributes: [(String, String)] = []) {
            raw(indent(level) + tag(name, attributes) + ">")
        }

        mutating func close(_ level: Int, _ name: String) { raw(indent(level) + "</\(name)>") }

        mutating func element(_ level: Int, _ name: String, _ attributes: [(String, String)] = [], text: String) {
            raw(indent(level) + tag(name, attributes) + ">" + VASTWriter.escapeText(text) + "</\(name)>")
        }

        mutating func element(_ level: Int, _ name: String, _ attributes: [(String, String)] = [], cdata: String) {
            raw(indent(level) + tag(name, attributes) + ">" + VASTWriter.cdata(cdata) + "</\(name)>")
        }
    }

    /// `s` with characters XML 1.0 cannot carry replaced by U+FFFD.
    static func xmlSafe(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { !isXMLChar($0) }) else { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars { out.append(isXMLChar(u) ? u : "\u{FFFD}") }
        return String(out)
    }

    static func isXMLChar(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        return v == 0x9 || v == 0xA || v == 0xD || (0x20...0xD7FF).contains(v) || (0xE000...0xFFFD).contains(v) || v >= 0x10000
    }

    /// Text content: `&`, `<`, `>` escaped.
    public static func escapeText(_ s: String) -> String {
        var out = ""
        for ch in xmlSafe(s).unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// A double-quoted attribute value: `& < > " '` escaped, tab/LF/CR as character references
    /// (so readers do not turn them into spaces).
    public static func escapeAttribute(_ s: String) -> String {
        var out = ""
        for ch in xmlSafe(s).unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t": out += "&#9;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// `s` as one or more CDATA sections: every `]]>` is split as `]]` + `>` across two sections.
    public static func cdata(_ s: String) -> String {
        let safe = xmlSafe(s)
        return "<![CDATA[" + safe.replacing("]]>", with: "]]]]><![CDATA[>") + "]]>"
    }
}
