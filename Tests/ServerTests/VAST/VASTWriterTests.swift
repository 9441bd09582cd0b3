import Foundation
import Testing
import Showrunner

@Suite("VAST writer")
struct VASTWriterTests {
    static func spec(_ n: Int, sequence: Int? = nil, nasty: Bool = false, mezzanine: Bool = false) -> VASTWriter.AdSpec {
        VASTWriter.AdSpec(
            id: "ad-\(n)", sequence: sequence, adSystemVersion: "0.1.0",
            title: nasty ? "Tom & Jerry <\"quoted\"> 'x'\u{01}]]>" : "ACME Widgets spring campaign 15s, cut \(n)",
            advertiser: nasty ? "A&B <Co>" : "ACME",
            category: VASTCategory(authority: "https://iabtechlab.com/standards/content-taxonomy/", code: "IAB1-1"),
            durationMS: 15_250, creativeID: "cr-\(n)",
            impressionURLs: ["https://b.example.com/imp?ad=\(n)&s=[ADSERVINGID]"],
            tracking: [
                VASTTracking(event: .start, url: "https://b.example.com/t?e=start&ad=\(n)"),
                VASTTracking(event: .firstQuartile, url: "https://b.example.com/t?e=q1"),
                VASTTracking(event: .midpoint, url: "https://b.example.com/t?e=mid"),
                VASTTracking(event: .thirdQuartile, url: "https://b.example.com/t?e=q3"),
                VASTTracking(event: .complete, url: nasty ? "https://b.example.com/t?x=]]>&y=]]]]>" : "https://b.example.com/t?e=complete"),
                VASTTracking(event: .progress(.milliseconds(5_000)), url: "https://b.example.com/t?e=p5"),
            ],
            mediaFiles: [
                VASTMediaFile(url: "https://cdn.example.com/ads/\(n)/720.mp4", delivery: .progressive, type: "video/mp4",
                              width: 1280, height: 720, bitrateKbps: 2500, codec: "avc1.64001f,mp4a.40.2"),
                VASTMediaFile(url: "https://cdn.example.com/ads/\(n)/index.m3u8", delivery: .streaming, type: "application/x-mpegURL",
                              width: 1920, height: 1080, bitrateKbps: 5000),
            ],
            mezzanine: mezzanine ? VASTMediaFile(url: "https://cdn.example.com/ads/\(n)/mezzanine.mp4", delivery: .progressive,
                                                 type: "video/mp4", width: 1920, height: 1080, codec: "avc1.640028") : nil,
            clickThrough: "https://advertiser.example.com/?a=1&b=<2>",
            errorURL: "https://b.example.com/err?code=[ERRORCODE]&ad=\(n)",
            adServingID: "serve-\(n)-0001")
    }

    @Test("round trip: what we write parses back to the same values, including nasty text")
    func roundTrip() throws {
        let specs = [Self.spec(1, sequence: 1, nasty: true), Self.spec(2, sequence: 2, mezzanine: true)]
        let xml = VASTWriter.inLine(ads: specs)
        #expect(xml.contains("]]]]><![CDATA[>"))
        let doc = try VASTParser.parse(xml)
        #expect(doc.version == "4.2" && doc.ads.count == 2)
        for (ad, spec) in zip(doc.ads, specs) {
            guard case .inLine(let il) = ad.kind, let (creative, linear) = il.firstLinear else { Issue.record("no linear"); continue }
            #expect(ad.id == spec.id && ad.sequence == spec.sequence)
            #expect(il.adSystem == VASTAdSystem(name: "Showrunner", version: "0.1.0"))
            #expect(il.adTitle == VASTWriter.escapeText(spec.title).replacingOccurrences(of: "&amp;", with: "&")
                .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">"))
            #expect(il.advertiser == spec.advertiser && il.categories == [spec.category!] && il.adServingID == spec.adServingID)
            #expect(il.impressions == spec.impressionURLs && il.errorURLs == [spec.errorURL!])
            #expect(creative.id == spec.creativeID && creative.universalAdIDs == [VASTUniversalAdID(registry: "showrunner", value: spec.creativeID)])
            #expect(linear.durationMS == spec.durationMS && linear.tracking == spec.tracking && linear.clickThrough == spec.clickThrough)
            #expect(linear.mediaFiles == spec.mediaFiles)  // the Mezzanine is not a MediaFile
        }
        guard case .inLine(let first) = doc.ads[0].kind else { return }
        #expect(first.adTitle == "Tom & Jerry <\"quoted\"> 'x'\u{FFFD}]]>")  // the control character became U+FFFD
    }

    @Test("escaping helpers")
    func escaping() {
        #expect(VASTWriter.escapeAttribute("a&<>\"'\n\t") == "a&amp;&lt;&gt;&quot;&apos;&#10;&#9;")
        #expect(VASTWriter.escapeText("a&<>\"") == "a&amp;&lt;&gt;\"")
        #expect(VASTWriter.cdata("x]]>y") == "<![CDATA[x]]]]><![CDATA[>y]]>")
        #expect(VASTWriter.cdata("\u{0}") == "<![CDATA[\u{FFFD}]]>")
    }

    @Test("deterministic output, and the empty documents")
    func deterministic() throws {
        #expect(VASTWriter.inLine(ads: [Self.spec(1)]) == VASTWriter.inLine(ads: [Self.spec(1)]))
        #expect(VASTWriter.inLine(ads: []) == VASTWriter.empty(errorURL: nil))
        let e = try VASTParser.parse(VASTWriter.empty(errorURL: "https://b.example.com/err?code=[ERRORCODE]"))
        #expect(e.ads.isEmpty && e.errorURLs == ["https://b.example.com/err?code=[ERRORCODE]"])
        #expect(try VASTParser.parse(VASTWriter.empty(errorURL: nil)).ads.isEmpty)
    }

    @Test("vastlint 0.16.2 (conformance kit) reports no errors and no warnings for what we write")
    func vastlint() throws {
        let kit = vastlintKit()
        guard let checkSh = kit.checkSh else {
            if ProcessInfo.processInfo.environment["SHOWRUNNER_REQUIRE_CONFORMANCE"] == "1" {
                Issue.record("vastlint is required (SHOWRUNNER_REQUIRE_CONFORMANCE=1): \(kit.reason)")
            }
            print("SKIP vastlint test: \(kit.reason)")
            return
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vast-writer-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let docs = [
            ("pod.xml", VASTWriter.inLine(ads: [Self.spec(1, sequence: 1), Self.spec(2, sequence: 2)])),
            ("single.xml", VASTWriter.inLine(ads: [Self.spec(3)])),
            ("mezzanine.xml", VASTWriter.inLine(ads: [Self.spec(5, mezzanine: true)])),
            ("nasty.xml", VASTWriter.inLine(ads: [Self.spec(4, nasty: true)])),
            ("empty.xml", VASTWriter.empty(errorURL: nil)),
            ("empty-error.xml", VASTWriter.empty(errorURL: "https://b.example.com/err?code=[ERRORCODE]")),
        ]
        var paths: [String] = []
        for (name, text) in docs {
            let path = dir.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            paths.append(path)
        }
        let r = try vastRunProcess([checkSh, "vast"] + paths + ["-v"])
        print(r.output)
        #expect(r.status == 0, "\(r.output)")
        for p in paths {
            #expect(r.output.contains("\(p): version=4.2 valid=True errors=0 warnings=0"), "\(p)")
        }
        // The only note left: no <Mezzanine> where we wrote none (an info, not a warning).
        let notes = r.output.split(separator: "\n").filter { $0.contains("[info]") || $0.contains("[warning]") }
        #expect(notes.allSatisfy { $0.contains("[info] VAST-4.1-mezzanine-recommended") }, "\(notes)")
        #expect(!r.output.contains("\(dir.path)/mezzanine.xml: version=4.2 valid=True errors=0 warnings=0 infos=1"))
    }
}
