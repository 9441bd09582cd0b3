import Testing
import Showrunner

@Suite("VAST parser")
struct VASTParserTests {
    @Test("a full InLine: every field, URLs trimmed, entities expanded")
    func inline() throws {
        let doc = try VASTParser.parse(inlineVAST)
        #expect(doc.version == "4.2")
        #expect(doc.ads.count == 1)
        let ad = doc.ads[0]
        #expect(ad.id == "ad-1" && ad.sequence == 1)
        guard case .inLine(let il) = ad.kind else { Issue.record("not InLine"); return }
        #expect(il.adSystem == VASTAdSystem(name: "Test & Co", version: "1.0"))
        #expect(il.adServingID == "serving-AB")
        #expect(il.adTitle == "Bars <10s>")
        #expect(il.advertiser == "ACME 'Widgets'")
        #expect(il.categories == [VASTCategory(authority: "https://iabtechlab.com/taxonomy", code: "IAB1-1")])
        #expect(il.impressions == ["https://ads.example.com/imp?id=1&x=2", "https://ads.example.com/imp2"])
        #expect(il.errorURLs == ["https://ads.example.com/err?code=[ERRORCODE]"])
        #expect(il.creatives.count == 2)
        #expect(il.creatives[1].content == .other("CompanionAds"))
        let (creative, linear) = try #require(il.firstLinear)
        #expect(creative.id == "cr-1" && creative.adID == "ad-1" && creative.sequence == 1)
        #expect(creative.universalAdIDs == [VASTUniversalAdID(registry: "ad-id.org", value: "TEST0001000H")])
        #expect(linear.durationMS == 15_250)
        #expect(linear.skipOffset == .milliseconds(5000))
        #expect(linear.mediaFiles.count == 5)
        #expect(linear.mediaFiles[1] == VASTMediaFile(url: "https://cdn.example.com/1080.mp4", delivery: .progressive, type: "video/mp4",
                                                      width: 1920, height: 1080, bitrateKbps: 5000, codec: "avc1.640028", id: "m2"))
        #expect(linear.mediaFiles[2].bitrateKbps == 2000)  // mean of min/max
        #expect(linear.mediaFiles[2].kind == .hls && linear.mediaFiles[3].kind == nil)
        let byEvent = linear.tracking.byEvent
        #expect(byEvent[.start] == ["https://t.example.com/start"])
        #expect(byEvent[.firstQuartile] == ["https://t.example.com/q1"])
        #expect(byEvent[.midpoint] == ["https://t.example.com/mid"])
        #expect(byEvent[.thirdQuartile] == ["https://t.example.com/q3"])
        #expect(byEvent[.complete] == ["https://t.example.com/complete", "https://t2.example.com/complete"])
        #expect(byEvent[.skip] == ["https://t.example.com/skip"])
        #expect(byEvent[.close] == ["https://t.example.com/close"])
        #expect(byEvent[.progress(.milliseconds(5000))] == ["https://t.example.com/p5"])
        #expect(byEvent[.progress(.percent(25))] == ["https://t.example.com/p25"])
        #expect(byEvent[.other("vendorThing")] == ["https://t.example.com/vendor"])
        #expect(linear.tracking.count == 11)  // the progress without offset is dropped...
        #expect(doc.warnings.contains { $0.contains("progress Tracking") })  // ...with a warning
        #expect(linear.clickThrough == "https://advertiser.example.com/?a=1&b=2")
        #expect(linear.clickTracking == ["https://t.example.com/click"])
    }

    @Test("a wrapper with its flags, tracking and URLs")
    func wrapper() throws {
        let doc = try VASTParser.parse(wrapperVAST("w1", to: "https://next.example.com/vast?a=1&amp;b=2",
                                                   attributes: "followAdditionalWrappers=\"false\" allowMultipleAds=\"1\" fallbackOnNoAd=\"true\""))
        guard case .wrapper(let w) = doc.ads.first?.kind else { Issue.record("not a wrapper"); return }
        #expect(w.vastAdTagURI == "https://next.example.com/vast?a=1&amp;b=2")  // CDATA: no entity expansion
        #expect(w.adSystem?.name == "W-w1")
        #expect(w.impressions == ["https://w.example.com/imp/w1"])
        #expect(w.errorURLs == ["https://w.example.com/err/w1"])
        #expect(w.tracking == [VASTTracking(event: .start, url: "https://w.example.com/start/w1")])
        #expect(w.clickTracking == ["https://w.example.com/click/w1"])
        #expect(!w.followAdditionalWrappers && w.allowMultipleAds && w.fallbackOnNoAd)

        let plain = try VASTParser.parse(wrapperVAST("w2", to: "https://x.example.com/"))
        guard case .wrapper(let d) = plain.ads.first?.kind else { Issue.record("not a wrapper"); return }
        #expect(d.followAdditionalWrappers && !d.allowMultipleAds && !d.fallbackOnNoAd)  // defaults
    }

    @Test("empty VAST and root-level Error")
    func empty() throws {
        let a = try VASTParser.parse("<VAST version=\"4.2\"/>")
        #expect(a.version == "4.2" && a.ads.isEmpty && a.errorURLs.isEmpty)
        let b = try VASTParser.parse("<VAST version='3.0'>\n<Error>\n<![CDATA[ https://e.example.com/?c=[ERRORCODE] ]]>\n</Error></VAST>")
        #expect(b.ads.isEmpty && b.errorURLs == ["https://e.example.com/?c=[ERRORCODE]"])
    }

    @Test("pod ordering: sequenced ads sorted, stand-alone ads are the buffet")
    func pods() throws {
        let doc = try VASTParser.parse(vast(inlineAd("c", sequence: 3), inlineAd("x"), inlineAd("a", sequence: 1), inlineAd("b", sequence: 2)))
        #expect(doc.podAds.map(\.id) == ["a", "b", "c"])
        #expect(doc.standalone.map(\.id) == ["x"])
    }

    @Test("durations: HH:MM:SS(.mmm) to integer milliseconds", arguments: [
        ("00:00:10", Int64(10_000)), ("00:00:10.000", 10_000), ("00:00:10.5", 10_500), ("00:00:10.05", 10_050),
        ("00:01:00.001", 60_001), ("01:02:03.456", 3_723_456), (" 00:00:30 ", 30_000), ("100:00:00", 360_000_000),
    ])
    func durations(_ text: String, _ ms: Int64) {
        #expect(VASTTime.milliseconds(text) == ms)
    }

    @Test("bad durations", arguments: ["ten seconds", "", "10", "00:10", "00:00:60", "00:60:00", "00:00:1", "00:00:10.1234", "00:00:10.", "-0:00:10", "00:00:1x", "0:0:10"])
    func badDurations(_ text: String) {
        #expect(VASTTime.milliseconds(text) == nil)
    }

    @Test("time formatting and offsets")
    func format() {
        #expect(VASTTime.format(milliseconds: 3_723_456) == "01:02:03.456")
        #expect(VASTTime.format(milliseconds: 5) == "00:00:00.005")
        #expect(VASTOffset("25%") == .percent(25))
        #expect(VASTOffset("101%") == nil)
        #expect(VASTOffset("12.5%") == nil)
        #expect(VASTOffset.percent(25).milliseconds(ofDuration: 10_000) == 2_500)
        #expect(VASTEvent(name: "progress", offset: "00:00:01.5")?.description == "progress@00:00:01.500")
    }

    @Test("schema, version and XML failures", arguments: [
        ("<VAST version=\"4.2\"><Ad", VASTFailure.Code.xmlParsing, "malformed XML: line 1"),
        ("<VMAP version=\"1.0\"/>", .schema, "not <VAST>"),
        ("<VAST/>", .schema, "no version"),
        ("<VAST version=\"1.0\"/>", .version, "1.0 is not supported"),
        ("<VAST version=\"5.0\"/>", .version, "5.0"),
        ("<VAST version=\"4.2\"><Ad id=\"x\"/></VAST>", .schema, "Ad[0] id=x has neither"),
        ("<VAST version=\"4.2\"><Ad><Wrapper><VASTAdTagURI> </VASTAdTagURI></Wrapper></Ad></VAST>", .schema, "no <VASTAdTagURI>"),
        ("<VAST version=\"4.2\"><Ad><InLine><Creatives><Creative><Linear><Duration>ten seconds</Duration></Linear></Creative></Creatives></InLine></Ad></VAST>", .schema, "\"ten seconds\" is not HH:MM:SS"),
        ("<VAST version=\"4.2\"><Ad><InLine><Creatives><Creative><Linear/></Creative></Creatives></InLine></Ad></VAST>", .schema, "no <Duration>"),
    ])
    func failures(_ text: String, _ code: VASTFailure.Code, _ contains: String) {
        #expect {
            _ = try VASTParser.parse(text)
        } throws: { error in
            guard let f = error as? VASTFailure else { return false }
            #expect(f.code == code && f.message.contains(contains), "\(f)")
            return true
        }
    }

    @Test("VAST error numbers")
    func numbers() {
        let codes: [(VASTFailure.Code, Int)] = [(.xmlParsing, 100), (.schema, 101), (.version, 102), (.wrapper, 300), (.timeout, 301),
                                               (.wrapperLimit, 302), (.noAdsAfterWrapper, 303), (.noSupportedMedia, 403), (.noLinear, 201),
                                               (.nonHTTPURL, 300), (.loop, 300), (VASTFailure.Code(rawValue: "new"), 900)]
        for (c, n) in codes { #expect(c.vastErrorCode == n, "\(c)") }
    }

    @Test("tolerated oddities become warnings, not failures")
    func warnings() throws {
        let doc = try VASTParser.parse(vast("""
        <Ad sequence="first"><InLine><Creatives><Creative><Linear skipoffset="soon"><Duration>00:00:05</Duration><MediaFiles>
          <MediaFile delivery="magic" type="video/mp4" width="1" height="1">https://a/</MediaFile>
          <MediaFile delivery="progressive" type="video/mp4" width="wide" height="1">https://b/</MediaFile>
          <MediaFile delivery="progressive" type="video/mp4" width="1" height="1"> </MediaFile>
        </MediaFiles></Linear></Creative></Creatives></InLine></Ad>
        """))
        guard case .inLine(let il) = doc.ads[0].kind, let (_, l) = il.firstLinear else { Issue.record("no linear"); return }
        #expect(doc.ads[0].sequence == nil)
        #expect(l.skipOffset == nil)
        #expect(l.mediaFiles.map(\.url) == ["https://b/"] && l.mediaFiles[0].width == 0)
        #expect(doc.warnings.count == 6, "\(doc.warnings)")
    }
}
