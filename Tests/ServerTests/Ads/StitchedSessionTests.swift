import Foundation
import MediaCore
import Packager
import Server
import Showrunner
import ShowrunnerTestSupport
import Store
import Testing

/// Ads end to end through a real server: a policy, two campaigns with creatives conditioned to
/// `ep1` v1 (ad-10s packaged with a cut at 4 s), a slate; sessions made on master fetches,
/// stitched playlists checked by the conformance kit, beacons, the tracking feed, interstitials.
@Suite(.serialized) struct StitchedSessionTests {
    /// Conditioned ad packages, made once per run (kept between runs like the other fixtures).
    private static let lock = NSLock()

    static func conditioned(_ sample: String) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        let like = try Fixtures.package("ad-10s.mp4")
        let out = Fixtures.dir + "/cond-" + sample + "-v1"
        if !FileManager.default.fileExists(atPath: out + "/master.m3u8") {
            _ = try AdConditioner.condition(ad: TestEnv.media + "/" + sample, like: like, output: out)
        }
        return out
    }

    /// A started server seeded with ads on channel tv.
    static func server(policy: (inout AdPolicy) -> Void = { _ in }) async throws -> TestServer {
        let s = try await TestServer.started()
        let a = "test", now = s.clock.now()
        _ = try await s.service.addBrand(Brand(id: "volt", name: "Volt Motors", category: "automotive", tier: .standard), actor: a)
        let from = Timestamp(iso8601: "2026-11-01")!, until = Timestamp(iso8601: "2026-12-31")!
        _ = try await s.store.apply(.addCampaign(Campaign(id: "brew", name: "Brew", brand: "brew-co", from: from, until: until,
                                                          impressionGoal: 1_000_000, priority: 1, pacing: .asap)), actor: a, at: now)
        _ = try await s.store.apply(.addCampaign(Campaign(id: "volt", name: "Volt", brand: "volt", from: from, until: until,
                                                          impressionGoal: 1_000_000, priority: 2, pacing: .asap)), actor: a, at: now)
        let version = try #require(try await s.store.versions(title: "ep1").first)
        let template = AdTemplate.key(of: version)
        for (id, sample, campaign) in [("brew-15", "ad-15s.mp4", "brew"), ("slate", "slate-5s.mp4", nil)] {
            let folder = "ads/\(id)/t1"
            try FileManager.default.createDirectory(atPath: s.library.root + "/ads/\(id)", withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: try conditioned(sample), toPath: s.library.root + "/" + folder)
            let d = try s.library.describe(folder: s.library.root + "/" + folder, title: id, version: "ad", at: now)
            let c = Creative(id: id, campaign: campaign, name: id, durationMS: d.durationMS,
                             packages: [CreativePackage(template: template, path: folder, durationMS: d.durationMS, renditions: d.renditions)],
                             slate: campaign == nil)
            _ = try await s.store.apply(.putCreative(c), actor: a, at: now)
        }
        var p = AdPolicy(channel: "tv", positions: [.pre, .mid, .post], preRollMS: 20_000, midRollMS: 20_000, postRollMS: 10_000,
                         markers: .both, slate: "slate")
        policy(&p)
        _ = try await s.store.apply(.putPolicy(p), actor: a, at: now)
        try await s.caughtUp()  // the catalog refresh has picked it up
        return s
    }

    static func session(_ s: TestServer, query: String = "device=tv-1") async throws -> (sid: String, master: MultivariantPlaylist) {
        let r = try await HTTP.get(s.base + "/v1/play/tv/ep1/master.m3u8?" + query)
        #expect(r.status == 200, "\(r.text)")
        let sid = try #require(r.headers["x-showrunner-session"])
        return (sid, try MultivariantPlaylist.parse(r.text))
    }

    @Test func stitchedPlaylistHasAdsMarkersAndPlays() async throws {
        let s = try await Self.server()
        defer { Task { await s.stop() } }
        let (sid, master) = try await Self.session(s)
        let uri = try #require(master.variants.first?.uri)
        #expect(uri == "/v1/sessions/\(sid)/v360p.m3u8")
        let text = try await HTTP.get(s.base + uri).text
        let p = try MediaPlaylist.parse(text)
        // pre: brew 15 s + slate, mid at the 4 s cut: brew + slate, post: slate.
        let adSegments = p.segments.filter { $0.uri.contains("/slots/") }
        let contentSegments = p.segments.filter { $0.uri.hasPrefix("/media/ep1/v1/") }
        #expect(contentSegments.count == 3 || contentSegments.count == 2)
        #expect(!adSegments.isEmpty)
        // Every break's SCTE-35 decodes (CRC checked by our decoder) and OUT/IN agree.
        var outs = 0, ins = 0
        var ranges = p.segments.flatMap(\.dateRanges)
        for case .item(.dateRange(let a)) in p.trailer { ranges.append(a) }  // the post-roll's IN
        do {
            for dr in ranges {
                if let out = dr.string("SCTE35-OUT") {
                    _ = try SpliceInfoSection.decode(hex: out)
                    outs += 1
                }
                if let inn = dr.string("SCTE35-IN") {
                    _ = try SpliceInfoSection.decode(hex: inn)
                    ins += 1
                }
            }
        }
        #expect(outs == 3 && ins == 3, "\(text)")
        #expect(text.contains("#EXT-X-CUE-OUT:DURATION="))
        #expect(text.contains("#EXT-X-PROGRAM-DATE-TIME:2026-11-29T10:00:00.000Z"))
        // Decisions recorded once, the same ones replayed after a restart of the lookup.
        let record = try #require(try await s.store.session(id: sid))
        #expect(record.breaks.map(\.id) == ["pre", "mid-1", "post"])
        #expect(record.breaks[0].placed.first?.creative == "brew-15")
        // Real clients: lint (SCTE-35 CRC, CUE pairing and durations, DATERANGE + PDT), ffmpeg, GStreamer.
        try conformanceCheck(s.base + "/v1/sessions/\(sid)/master.m3u8", kinds: "lint,ffmpeg,gst")
    }

    /// Breaks the slate fills alone, each longer than the 5 s slate (as when every campaign is
    /// capped or paced out): the slate repeats, each copy a slot of its own (its own URI, after
    /// EXT-X-DISCONTINUITY), each break's DATERANGE DURATION is what was stitched, and the
    /// stitched session plays through lint, ffmpeg and GStreamer. The check is on the session's
    /// own master: a play URL makes a new session, with new decisions, on every fetch.
    @Test func slateOnlyBreaksRepeatTheSlateAndPlay() async throws {
        let s = try await Self.server { $0.excludedCategories = ["beverages"] }  // brew-co's: no ad is eligible
        defer { Task { await s.stop() } }
        let (sid, _) = try await Self.session(s)
        let record = try #require(try await s.store.session(id: sid))
        #expect(record.breaks.map(\.id) == ["pre", "mid-1", "post"])
        for b in record.breaks {
            #expect(b.placed.count >= 2 && b.placed.allSatisfy { $0.creative == "slate" && $0.reason == .slate }, "\(b.id): \(b.slots)")
            #expect(b.filledMS <= b.plan.plannedMS && b.plan.plannedMS - b.filledMS < 5_000, "\(b.id): \(b.filledMS) of \(b.plan.plannedMS) ms")
        }
        let text = try await HTTP.get(s.base + "/v1/sessions/\(sid)/v360p.m3u8").text
        let p = try MediaPlaylist.parse(text)
        let uris = p.segments.map(\.uri)
        #expect(zip(uris, uris.dropFirst()).allSatisfy { $0 != $1 }, "a segment URI twice in a row:\n\(text)")
        for b in record.breaks {
            let segments = p.segments.filter { $0.uri.contains("/slots/\(b.id).") }
            let slots = Set(segments.map { $0.uri.components(separatedBy: "/slots/")[1].prefix { $0 != "/" } })
            #expect(slots.count == b.placed.count, "\(b.id): slots \(slots.sorted())")
            // Every copy starts after a discontinuity.
            for slot in slots {
                #expect(segments.first { $0.uri.contains("/slots/\(slot)/") }?.discontinuity == true, "\(slot)")
            }
            var ranges = p.segments.flatMap(\.dateRanges)
            for case .item(.dateRange(let a)) in p.trailer { ranges.append(a) }
            let closing = ranges.first { $0.string("ID") == b.id && $0.contains("DURATION") }
            let stitched = segments.reduce(MediaTime.zero) { $0 + $1.duration }
            #expect(closing?.decimal("DURATION") == stitched, "\(b.id): DURATION \(closing?.string("DURATION") ?? "-") vs \(stitched.decimalSeconds) s")
        }
        try conformanceCheck(s.base + "/v1/sessions/\(sid)/master.m3u8", kinds: "lint,ffmpeg")
        // GStreamer 1.22's legacy hlsdemux (playbin) stalls at random on streams with many
        // discontinuities — ours and ffmpeg-muxed ones alike (playbin3 had none in 30 runs). On
        // this session (12 discontinuities, 5 s slates back to back) it stalled in 2 of 3 runs
        // (CI and by hand): known, intermittent. Fewer discontinuities (one slate per break, or
        // a longer slate) is what would make it rare.
        withKnownIssue("GStreamer hlsdemux stalls at random after many discontinuities", isIntermittent: true) {
            try conformanceCheck(s.base + "/v1/sessions/\(sid)/master.m3u8", kinds: "gst")
        }
    }

    @Test func adSegmentFetchesFireServerBeaconsOnce() async throws {
        let s = try await Self.server()
        defer { Task { await s.stop() } }
        let (sid, _) = try await Self.session(s)
        let p = try MediaPlaylist.parse(try await HTTP.get(s.base + "/v1/sessions/\(sid)/v360p.m3u8").text)
        let pre = p.segments.filter { $0.uri.contains("/slots/pre.0/") }
        #expect(pre.count >= 2)
        // A playlist fetch is not an impression.
        #expect(try await s.store.events(session: sid).isEmpty)
        for seg in pre {
            let r = try await HTTP.get(s.base + seg.uri)
            #expect(r.status == 200)
            #expect(r.body.first == 0x47)  // a TS packet
        }
        _ = try await HTTP.get(s.base + pre[0].uri)  // a retry counts once
        let events = try await s.store.events(session: sid)
        #expect(Set(events.map(\.type)) == ["ad.impression", "ad.start", "ad.firstQuartile", "ad.midpoint", "ad.thirdQuartile", "ad.complete"])
        #expect(events.count == 6)
        #expect(events.allSatisfy { $0.source == .server && $0.creativeID == "brew-15" && $0.campaignID == "brew" && $0.deviceID == "tv-1" })
        // Slate segments are filler, not impressions.
        for seg in p.segments where seg.uri.contains("/slots/") && !seg.uri.contains("/slots/pre.0/") {
            _ = try await HTTP.get(s.base + seg.uri)
        }
        #expect(try await s.store.events(session: sid).allSatisfy { $0.creativeID == "brew-15" })
    }

    @Test func trackingFeedAndClientBeacons() async throws {
        let s = try await Self.server()
        defer { Task { await s.stop() } }
        let (sid, _) = try await Self.session(s)
        let feed = try await HTTP.get(s.base + "/v1/sessions/\(sid)/tracking").json()
        let breaks = try #require(feed["breaks"] as? [[String: Any]])
        #expect(breaks.map { $0["id"] as? String } == ["pre", "mid-1", "post"])
        let slots = try #require(breaks[0]["slots"] as? [[String: Any]])
        #expect(slots.first?["creative"] as? String == "brew-15")
        #expect(slots.first?["start_ms"] as? Int == 0)
        // The mid-roll starts after the pre-roll and the 4 s of content.
        let preDuration = try #require(breaks[0]["duration_ms"] as? Int)
        #expect(breaks[1]["start_ms"] as? Int == preDuration + 4000)
        let beacons = try #require(slots.first?["beacons"] as? [String: String])
        let start = try #require(beacons["start"])
        #expect(try await HTTP.get(s.base + start).status == 204)
        #expect(try await HTTP.get(s.base + start).status == 204)  // a repeat counts once
        let client = try await s.store.events(session: sid).filter { $0.source == .client }
        #expect(client.map(\.type) == ["ad.start"])
        // Bad beacons and sessions.
        #expect(try await HTTP.get(s.base + "/v1/sessions/\(sid)/beacon?slot=\(sid).pre.0&event=explode").status == 400)
        #expect(try await HTTP.get(s.base + "/v1/sessions/\(sid)/beacon?slot=nope&event=start").status == 404)
        #expect(try await HTTP.get(s.base + "/v1/sessions/0123456789abcdef0123456789abcdef/v360p.m3u8").status == 404)
        #expect(try await HTTP.get(s.base + "/v1/sessions/..%2F..%2Fetc/v360p.m3u8").status == 404)
        #expect(try await HTTP.get(s.base + "/v1/sessions/\(sid)/nope.m3u8").status == 404)
        #expect(try await HTTP.get(s.base + "/v1/sessions/\(sid)/slots/pre.0/v360p/..%2F..%2Fmaster.m3u8").status == 404)
        // Sessions expire.
        s.clock.set(s.clock.now().adding(seconds: 5 * 3600))
        let expired = try await HTTP.get(s.base + "/v1/sessions/\(sid)/v360p.m3u8")
        #expect(expired.status == 404)
        #expect(expired.errorMessage?.contains("expired") == true)
    }

    @Test func interstitialsModeListsAssets() async throws {
        let s = try await Self.server()
        defer { Task { await s.stop() } }
        let (sid, _) = try await Self.session(s, query: "device=tv-2&interstitials=1")
        let text = try await HTTP.get(s.base + "/v1/sessions/\(sid)/v360p.m3u8").text
        let p = try MediaPlaylist.parse(text)
        #expect(p.segments.allSatisfy { $0.uri.hasPrefix("/media/ep1/v1/") }, "\(text)")
        #expect(!text.contains("EXT-X-DISCONTINUITY"))
        var ranges = p.segments.flatMap(\.dateRanges)
        for case .item(.dateRange(let a)) in p.trailer { ranges.append(a) }
        let interstitials = ranges.filter { $0.string("CLASS") == "com.apple.hls.interstitial" }
        #expect(interstitials.count == 3, "\(text)")
        let list = try #require(interstitials.first?.string("X-ASSET-LIST"))
        let assets = try #require(try await HTTP.get(s.base + list).json()["ASSETS"] as? [[String: Any]])
        let asset = try #require(assets.first?["URI"] as? String)
        let adMaster = try await HTTP.get(s.base + asset)
        #expect(adMaster.status == 200)
        #expect(adMaster.text.hasPrefix("#EXTM3U"))
    }

    @Test func channelWithoutPolicyPlaysWithoutAdsOrSessions() async throws {
        let s = try await TestServer.started()
        defer { Task { await s.stop() } }
        let r = try await HTTP.get(s.base + "/v1/play/tv/ep1/master.m3u8?device=tv-1")
        #expect(r.status == 200 && r.headers["x-showrunner-session"] == nil)
        let master = try MultivariantPlaylist.parse(r.text)
        let text = try await HTTP.get(s.base + master.variants[0].uri).text
        #expect(!text.contains("DATERANGE") && !text.contains("DISCONTINUITY"))
    }
}

/// The external VAST ad server of a channel, and the built-in engine served as VAST.
@Suite(.serialized) struct VASTAdServerTests {
    /// The decisions of the first break (pre) of a new session on channel tv.
    static func preRoll(_ s: TestServer, vast: String?, timeoutMS: Int = 1500) async throws -> [SlotDecision] {
        _ = try await s.store.apply(.putPolicy(AdPolicy(channel: "tv", positions: [.pre, .mid, .post], preRollMS: 20_000, midRollMS: 20_000,
                                                        postRollMS: 10_000, slate: "slate", vastURL: vast, vastTimeoutMS: timeoutMS)),
                                    actor: "test", at: s.clock.now())
        try await s.caughtUp()
        let (sid, _) = try await StitchedSessionTests.session(s, query: "device=vast-\(UUID().uuidString.prefix(8))")
        let record = try #require(try await s.store.session(id: sid))
        // Whatever the ad server did, the playlist is whole.
        let text = try await HTTP.get(s.base + "/v1/sessions/\(sid)/v360p.m3u8").text
        #expect(text.hasSuffix("#EXT-X-ENDLIST\n"))
        return record.breaks[0].slots
    }

    @Test func externalAdServerFirstThenFallbacks() async throws {
        let s = try await StitchedSessionTests.server()
        defer { Task { await s.stop() } }
        let vast = try TestVASTServer()
        defer { vast.stop() }
        // The ad server names our creative (through a wrapper): it fills the pre-roll.
        var slots = try await Self.preRoll(s, vast: vast.base + "/wrap-ours/brew-15")
        #expect(slots.first { $0.slot == 0 }?.source == .vast)
        #expect(slots.first { $0.slot == 0 }?.creative == "brew-15")
        // Failures fall back to the built-in engine, each noted with its reason.
        for (path, words) in [("/slow", "timeout"), ("/malformed", "xml"), ("/loop", "loop"), ("/passwd", "not http"),
                              ("/status/500", "500"), ("/empty", "no ad"), ("/inline.xml", "creative-1")] {
            // A generous timeout for all but /slow (the test machine is busy), so each fails for its own reason.
            slots = try await Self.preRoll(s, vast: vast.base + path, timeoutMS: path == "/slow" ? 500 : 5000)
            let note = slots.first { $0.reason == .vastError }
            #expect(note != nil, "\(path): no vast_error note in \(slots)")
            #expect(note?.detail.lowercased().contains(words.lowercased()) == true, "\(path): \(note?.detail ?? "-")")
            #expect(slots.first { $0.slot == 0 }?.source == .engine, "\(path): the engine fills")
        }
        // An unreachable server is the same.
        slots = try await Self.preRoll(s, vast: "http://127.0.0.1:9/vast", timeoutMS: 400)
        #expect(slots.contains { $0.reason == .vastError })
    }

    @Test func builtInEngineAsVAST42PassesVastlint() async throws {
        let s = try await StitchedSessionTests.server()
        defer { Task { await s.stop() } }
        let r = try await HTTP.get(s.base + "/v1/vast?channel=tv&device=tv-9&break=mid&duration=30", headers: ["X-Forwarded-Proto": "https"])
        #expect(r.status == 200)
        #expect(r.headers["content-type"]?.hasPrefix("application/xml") == true)
        let doc = try VASTParser.parse(r.text)
        #expect(doc.version == "4.2")
        let first = try #require(doc.ads.first)
        guard case .inLine(let inline) = first.kind else { Issue.record("not InLine"); return }
        #expect(inline.creatives.first?.universalAdIDs.first?.value == "brew-15")
        #expect(inline.impressions.first?.hasPrefix("https://") == true)
        // The decision is recorded as a session; its impression beacon lands in the ledger.
        let beacon = try #require(inline.impressions.first).replacingOccurrences(of: "https://127.0.0.1:\(s.port)", with: s.base)
        #expect(try await HTTP.get(beacon).status == 204)
        // The MediaFile is the ad's HLS, served.
        let media = try #require(inline.firstLinear?.linear.mediaFiles.first?.url).replacingOccurrences(of: "https://127.0.0.1:\(s.port)", with: s.base)
        #expect(try await HTTP.get(media).status == 200)
        // vastlint (conformance kit): valid, no warnings.
        let dir = try TempDir("vast")
        defer { dir.cleanup() }
        try r.body.write(to: URL(fileURLWithPath: dir.file("ours.xml")))
        let out = try conformanceCheck(dir.file("ours.xml"), kinds: "vast")
        #expect(out.contains("SKIP") || out.contains("0 errors, 0 warnings"), "\(out)")
        // No fill is a valid empty VAST; bad requests name the field.
        let none = try await HTTP.get(s.base + "/v1/vast?channel=tv&device=tv-9&break=pre&duration=2")
        #expect(try VASTParser.parse(none.text).ads.isEmpty)
        #expect(try await HTTP.get(s.base + "/v1/vast?channel=tv&device=tv-9&break=side&duration=30").errorField == "break")
        #expect(try await HTTP.get(s.base + "/v1/vast?channel=nope&device=tv-9&duration=30").status == 404)
        #expect(try await HTTP.get(s.base + "/v1/vast?channel=tv&device=a%0Ab&duration=30").errorField == "device")
    }
}
