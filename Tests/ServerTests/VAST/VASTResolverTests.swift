import Foundation
import Testing
import Showrunner

@Suite("VAST resolver")
struct VASTResolverTests {
    static let top = "https://top.example.com/vast"

    /// pages "https://x.example.com/N" for a chain of `wrappers` wrappers ending in the InLine.
    static func chain(_ wrappers: Int) -> [String: String] {
        var pages: [String: String] = [:]
        for i in 0..<wrappers {
            let next = i + 1 < wrappers ? "https://x.example.com/\(i + 1)" : "https://x.example.com/inline"
            pages["https://x.example.com/\(i)"] = wrapperVAST("w\(i)", to: next)
        }
        pages["https://x.example.com/inline"] = inlineVAST
        return pages
    }

    @Test("direct InLine: ResolvedAd fields")
    func direct() async throws {
        let rec = FetchRecorder([Self.top: inlineVAST])
        let r = await VASTResolver(fetch: rec.fetch).resolve(url: Self.top)
        #expect(r.failure == nil && r.ads.count == 1)
        let ad = try #require(r.ads.first)
        #expect(ad.adID == "ad-1" && ad.creativeID == "cr-1" && ad.durationMS == 15_250)
        #expect(ad.adServingID == "serving-AB" && ad.advertiser == "ACME 'Widgets'" && ad.categories.count == 1)
        #expect(ad.clickThrough == "https://advertiser.example.com/?a=1&b=2")
        #expect(ad.chain == [VASTChainLink(url: Self.top, adID: "ad-1", adSystem: "Test & Co", isWrapper: false)])
        #expect(ad.tracking(for: .complete).count == 2)
        #expect(await rec.calls == [Self.top])
    }

    @Test("a chain of 3 wrappers: impressions, tracking, errors, clicks merged (outermost first), chain listed")
    func chainOf3() async throws {
        let rec = FetchRecorder(Self.chain(3))
        let r = await VASTResolver(fetch: rec.fetch).resolve(url: "https://x.example.com/0")
        #expect(r.failure == nil)
        let ad = try #require(r.ads.first)
        #expect(ad.impressions == ["https://w.example.com/imp/w0", "https://w.example.com/imp/w1", "https://w.example.com/imp/w2",
                                   "https://ads.example.com/imp?id=1&x=2", "https://ads.example.com/imp2"])
        #expect(ad.trackingByEvent[.start] == ["https://w.example.com/start/w0", "https://w.example.com/start/w1",
                                               "https://w.example.com/start/w2", "https://t.example.com/start"])
        #expect(ad.errorURLs == ["https://w.example.com/err/w0", "https://w.example.com/err/w1", "https://w.example.com/err/w2",
                                 "https://ads.example.com/err?code=[ERRORCODE]"])
        #expect(ad.clickTracking.count == 4)
        #expect(ad.chain.map(\.url) == ["https://x.example.com/0", "https://x.example.com/1", "https://x.example.com/2", "https://x.example.com/inline"])
        #expect(ad.chain.map(\.isWrapper) == [true, true, true, false])
        #expect(ad.chain.map(\.adSystem) == ["W-w0", "W-w1", "W-w2", "Test & Co"])
        #expect(await rec.calls.count == 4)
        #expect(r.log.first == "fetch https://x.example.com/0 (wrapper depth 0)")
    }

    @Test("maxDepth: 5 wrappers resolve, 6 fail with 302 without fetching the 7th document")
    func depth() async throws {
        let ok = await VASTResolver(fetch: FetchRecorder(Self.chain(5)).fetch).resolve(url: "https://x.example.com/0")
        #expect(ok.failure == nil && ok.ads.count == 1)

        let rec = FetchRecorder(Self.chain(6))
        let r = await VASTResolver(fetch: rec.fetch).resolve(url: "https://x.example.com/0")
        #expect(r.ads.isEmpty)
        let f = try #require(r.failure)
        #expect(f.code == .wrapperLimit && f.code.vastErrorCode == 302)
        #expect(f.url == "https://x.example.com/5")
        #expect(f.errorURLs.count == 6)  // every wrapper's Error URL, to fire with [ERRORCODE]=302
        #expect(await rec.calls.count == 6)
        #expect(!(await rec.calls.contains("https://x.example.com/inline")))

        let shallow = await VASTResolver(maxDepth: 2, fetch: FetchRecorder(Self.chain(3)).fetch).resolve(url: "https://x.example.com/0")
        #expect(shallow.failure?.code == .wrapperLimit)
    }

    @Test("loops: self and longer cycles")
    func loops() async {
        let selfLoop = FetchRecorder([Self.top: wrapperVAST("a", to: Self.top)])
        let r = await VASTResolver(fetch: selfLoop.fetch).resolve(url: Self.top)
        #expect(r.failure?.code == .loop && r.ads.isEmpty)
        #expect(await selfLoop.calls == [Self.top])

        let cycle = FetchRecorder(["https://a.example/": wrapperVAST("a", to: "https://b.example/"),
                                   "https://b.example/": wrapperVAST("b", to: "https://a.example/")])
        let r2 = await VASTResolver(fetch: cycle.fetch).resolve(url: "https://a.example/")
        #expect(r2.failure?.code == .loop && r2.failure?.url == "https://a.example/")
        #expect(await cycle.calls.count == 2)
    }

    static let nonHTTP = ["file:///etc/passwd", "FILE:///etc/passwd", "ftp://ftp.example.com/vast.xml", "data:text/xml,<VAST/>",
                          "javascript:alert(1)", "/relative/vast.xml", "vast.xml", "//host/vast", "http:/one-slash", "https://",
                          "gopher://x", "http://host/has space", ""]

    @Test("non-HTTP URLs are refused and never fetched: at the top", arguments: nonHTTP)
    func nonHTTPTop(_ url: String) async {
        let rec = FetchRecorder([:])
        let r = await VASTResolver(fetch: rec.fetch).resolve(url: url)
        #expect(r.failure?.code == .nonHTTPURL && r.ads.isEmpty)
        #expect(await rec.calls.isEmpty)
    }

    @Test("non-HTTP URLs are refused and never fetched: as a wrapper target", arguments: nonHTTP.filter { !$0.isEmpty })
    func nonHTTPWrapper(_ url: String) async {
        let rec = FetchRecorder([Self.top: wrapperVAST("w", to: url)])
        let r = await VASTResolver(fetch: rec.fetch).resolve(url: Self.top)
        #expect(r.failure?.code == .nonHTTPURL && r.ads.isEmpty)
        #expect(r.failure?.errorURLs == ["https://w.example.com/err/w"])
        #expect(await rec.calls == [Self.top])
    }

    @Test("fetch errors: timeout is 301, anything else 300; bad XML 100; bad version 102")
    func fetchErrors() async {
        let timeout = VASTResolver { _ in throw VASTFetchError(.timeout, "slow") }
        #expect(await timeout.resolve(url: Self.top).failure?.code == .timeout)
        struct Other: Error {}
        let other = VASTResolver { _ in throw Other() }
        #expect(await other.resolve(url: Self.top).failure?.code == .wrapper)
        let status = VASTResolver { _ in throw VASTFetchError(.httpStatus(503), "HTTP 503") }
        let r = await status.resolve(url: Self.top)
        #expect(r.failure?.code == .wrapper && r.failure?.message.contains("HTTP 503") == true)

        let bad = FetchRecorder([Self.top: wrapperVAST("w", to: "https://b.example/"), "https://b.example/": "<VAST version=\"4.2\"><Ad>"])
        let rb = await VASTResolver(fetch: bad.fetch).resolve(url: Self.top)
        #expect(rb.failure?.code == .xmlParsing && rb.failure?.url == "https://b.example/")
        #expect(rb.failure?.errorURLs == ["https://w.example.com/err/w"])

        let v = FetchRecorder([Self.top: "<VAST version=\"1.0\"/>"])
        #expect(await VASTResolver(fetch: v.fetch).resolve(url: Self.top).failure?.code == .version)
    }

    @Test("no ads: empty top-level is no fill (no failure); empty after a wrapper is 303 with both error URLs")
    func noAds() async {
        let empty = FetchRecorder([Self.top: "<VAST version=\"4.2\"><Error>https://e/top</Error></VAST>"])
        let r = await VASTResolver(fetch: empty.fetch).resolve(url: Self.top)
        #expect(r.ads.isEmpty && r.failure == nil)
        let wrapped = FetchRecorder([Self.top: wrapperVAST("w", to: "https://b.example/"),
                                     "https://b.example/": "<VAST version=\"4.2\"><Error>https://e/b</Error></VAST>"])
        let r2 = await VASTResolver(fetch: wrapped.fetch).resolve(url: Self.top)
        #expect(r2.failure?.code == .noAdsAfterWrapper)
        #expect(r2.failure?.errorURLs == ["https://w.example.com/err/w", "https://e/b"])
    }

    @Test("pods resolve in sequence order, each through its own wrapper; a failing pod ad is skipped")
    func pod() async {
        let rec = FetchRecorder([
            Self.top: vast(inlineAd("third", sequence: 3), wrapperVAST("w", to: "https://b.example/", sequence: 1)
                .replacingBody(), inlineAd("second", sequence: 2, type: "video/webm")),
            "https://b.example/": vast(inlineAd("first")),
        ])
        let r = await VASTResolver(fetch: rec.fetch).resolve(url: Self.top)
        #expect(r.ads.map(\.adID) == ["first", "third"])
        #expect(r.ads.map(\.sequence) == [1, 3])
        #expect(r.failures.map(\.code) == [.noSupportedMedia])
    }

    @Test("stand-alone ads: the first usable one; allowMultipleAds=false takes only the first stand-alone ad")
    func standalone() async {
        let rec = FetchRecorder([Self.top: vast(inlineAd("nolinear", linear: false), inlineAd("good"), inlineAd("later"))])
        let r = await VASTResolver(fetch: rec.fetch).resolve(url: Self.top)
        #expect(r.ads.map(\.adID) == ["good"] && r.failures.map(\.code) == [.noLinear])

        let pod = vast(inlineAd("p1", sequence: 1), inlineAd("solo"), inlineAd("p2", sequence: 2))
        let single = FetchRecorder([Self.top: wrapperVAST("w", to: "https://b.example/"), "https://b.example/": pod])
        #expect(await VASTResolver(fetch: single.fetch).resolve(url: Self.top).ads.map(\.adID) == ["solo"])
        let multi = FetchRecorder([Self.top: wrapperVAST("w", to: "https://b.example/", attributes: "allowMultipleAds=\"true\""),
                                   "https://b.example/": pod])
        #expect(await VASTResolver(fetch: multi.fetch).resolve(url: Self.top).ads.map(\.adID) == ["p1", "p2"])
    }

    @Test("followAdditionalWrappers=false refuses a second wrapper; fallbackOnNoAd tries the next stand-alone ad")
    func wrapperFlags() async {
        let rec = FetchRecorder([Self.top: wrapperVAST("w", to: "https://b.example/", attributes: "followAdditionalWrappers=\"false\""),
                                 "https://b.example/": wrapperVAST("w2", to: "https://c.example/"), "https://c.example/": vast(inlineAd("x"))])
        let r = await VASTResolver(fetch: rec.fetch).resolve(url: Self.top)
        #expect(r.failure?.code == .noAdsAfterWrapper && r.ads.isEmpty)
        #expect(await rec.calls.count == 2)

        func buffet(_ fallback: Bool) -> [String: String] {
            [Self.top: vast(wrapperVAST("w", to: "https://dead.example/", attributes: "fallbackOnNoAd=\"\(fallback)\"").replacingBody(), inlineAd("backup"))]
        }
        #expect(await VASTResolver(fetch: FetchRecorder(buffet(true)).fetch).resolve(url: Self.top).ads.map(\.adID) == ["backup"])
        #expect(await VASTResolver(fetch: FetchRecorder(buffet(false)).fetch).resolve(url: Self.top).ads.isEmpty)
    }

    @Test("fan-out is capped by maxFetches")
    func fanOut() async {
        var pages: [String: String] = [:]
        let many = (1...40).map { (i: Int) in wrapperVAST("w\(i)", to: "https://b.example/\(i)", sequence: i).replacingBody() }.joined()
        pages[Self.top] = "<VAST version=\"4.2\">\(many)</VAST>"
        for i in 1...40 { pages["https://b.example/\(i)"] = vast(inlineAd("ad\(i)")) }
        let rec = FetchRecorder(pages)
        let r = await VASTResolver(fetch: rec.fetch).resolve(url: Self.top)
        #expect(r.ads.count == 31, "\(r.failures.prefix(2))")
        #expect(await rec.calls.count == 32)
        #expect(r.failures.count == 9 && r.failure?.code == .wrapper)
    }

    static func ad(_ files: [VASTMediaFile]) -> ResolvedAd {
        ResolvedAd(durationMS: 0, mediaFiles: files)
    }

    @Test("bestMediaFile: smallest covering, else largest below; mp4/HLS only; ties by bitrate, then MP4")
    func bestMedia() throws {
        let doc = try VASTParser.parse(inlineVAST)
        guard case .inLine(let il) = doc.ads[0].kind, let (_, l) = il.firstLinear else { Issue.record(); return }
        let ad = Self.ad(l.mediaFiles)
        #expect(ad.bestMediaFile(width: 1280, height: 720)?.id == "m5")  // 720 mp4 (2500) beats 720 HLS (2000); webm ignored
        #expect(ad.bestMediaFile(width: 1000, height: 500)?.id == "m5")
        #expect(ad.bestMediaFile(width: 640, height: 360)?.id == "m1")
        #expect(ad.bestMediaFile(width: 320, height: 180)?.id == "m1")
        #expect(ad.bestMediaFile(width: 1920, height: 1080)?.id == "m2")
        #expect(ad.bestMediaFile(width: 3840, height: 2160)?.id == "m2")  // nothing covers: the largest
        let tie = Self.ad([VASTMediaFile(url: "h", delivery: .streaming, type: "application/x-mpegURL", width: 1280, height: 720),
                           VASTMediaFile(url: "m", delivery: .progressive, type: "video/mp4", width: 1280, height: 720),
                           VASTMediaFile(url: "u", delivery: .progressive, type: "video/mp4", width: 0, height: 0, bitrateKbps: 9999)])
        #expect(tie.bestMediaFile(width: 1280, height: 720)?.url == "m")
        #expect(tie.bestMediaFile(width: 1280, height: 720, preferring: .hls)?.url == "h")
        #expect(Self.ad([VASTMediaFile(url: "w", delivery: .progressive, type: "video/webm", width: 1, height: 1)]).bestMediaFile(width: 1, height: 1) == nil)
    }
}

extension String {
    /// The `<Ad>...</Ad>` part of a one-ad VAST document.
    func replacingBody() -> String {
        let start = range(of: "<Ad ")!.lowerBound
        let end = range(of: "</Ad>")!.upperBound
        return String(self[start..<end])
    }
}
