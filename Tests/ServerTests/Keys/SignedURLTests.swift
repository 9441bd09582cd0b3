import Foundation
import MediaCore
import Server
import Showrunner
import ShowrunnerTestSupport
import Store
import Testing

/// Signed playback URLs on a channel that turns them on: every URL a player is handed carries
/// `exp`, `sid`, `kid`, `sig`; every tampered, expired, replayed, wrong-path, wrong-session,
/// unknown-kid and revoked token is refused with the right status; secrets rotate with one old
/// secret still valid; an encrypted, signed session plays in real clients.
@Suite(.serialized) struct SignedURLTests {
    /// The encrypted film1 on tv, with signed URLs turned on for tv.
    static func server() async throws -> (TestServer, TitleVersion, [ContentKey]) {
        let (s, v, keys) = try await KeyServiceTests.server()
        try await sign(s, channel: "tv")
        return (s, v, keys)
    }

    static func sign(_ s: TestServer, channel: String) async throws {
        var c = try await s.service.channel(channel)
        c.settings[Channel.signedURLsSetting] = "on"
        _ = try await s.service.putChannel(c, actor: "test")
        try await s.caughtUp()
    }

    static func play(_ s: TestServer, title: String = "film1", device: String = "tv-1") async throws -> (sid: String, master: MultivariantPlaylist) {
        let r = try await HTTP.get(s.base + "/v1/play/tv/\(title)/master.m3u8?device=\(device)")
        #expect(r.status == 200, "\(r.text)")
        return (try #require(r.headers["x-showrunner-session"]), try MultivariantPlaylist.parse(r.text))
    }

    /// `uri` with query field `name` set to `value`.
    static func with(_ uri: String, _ name: String, _ value: String) -> String {
        let (path, query) = split(uri)
        let fields = query.map { f in f.hasPrefix(name + "=") ? name + "=" + value : f }
        return path + "?" + fields.joined(separator: "&")
    }

    static func split(_ uri: String) -> (path: String, fields: [String]) {
        guard let q = uri.firstIndex(of: "?") else { return (uri, []) }
        return (String(uri[..<q]), uri[uri.index(after: q)...].split(separator: "&").map(String.init))
    }

    /// The token fields only (`exp=..&sid=..&kid=..&sig=..`).
    static func token(_ uri: String) -> String {
        split(uri).fields.filter { ["exp", "sid", "kid", "sig"].contains(String($0.prefix { $0 != "=" })) }.joined(separator: "&")
    }

    @Test func everyBadTokenIsRefusedWithItsStatus() async throws {
        let (s, v, keys) = try await Self.server()
        defer { Task { await s.stop() } }
        func status(_ path: String) async throws -> Int { try await HTTP.get(s.base + path).status }

        let (sid, master) = try await Self.play(s)
        let variant = try #require(master.variants.first?.uri)
        #expect(variant.hasPrefix("/v1/sessions/\(sid)/v360p.m3u8?exp=") && variant.contains("&sid=\(sid)&kid=") && variant.contains("&sig="))
        let media = try MediaPlaylist.parse(try await HTTP.get(s.base + variant).text)
        let segment = try #require(media.segments.first?.uri)
        #expect(segment.hasPrefix("/media/film1/\(v.id)/v360p/seg_00000.ts?exp="))
        let keyURI = try #require(media.segments.first?.keys.first?.string("URI"))
        #expect(keyURI.hasPrefix("/v1/keys/\(keys[0].id)?session=\(sid)&exp="))
        #expect(media.segments.allSatisfy { $0.uri.contains("&sig=") })
        // Valid: all served.
        #expect(try await status(variant) == 200)
        #expect(try await status(segment) == 200)
        #expect(try await status(keyURI) == 200)
        let iframes = try #require(master.iFrameVariants.first?.attributes.string("URI"))
        #expect(iframes.hasPrefix("/v1/sessions/\(sid)/v360p.iframes.m3u8?exp="))
        let iframe = try MediaPlaylist.parse(try await HTTP.get(s.base + iframes).text)
        #expect(try await status(try #require(iframe.segments.first?.uri)) == 200)

        // No token: 403 on every kind of URL.
        #expect(try await status(Self.split(variant).path) == 403)
        #expect(try await status(Self.split(segment).path) == 403)
        #expect(try await status("/v1/keys/\(keys[0].id)?session=\(sid)") == 403)
        // Tampered signature, tampered expiry (a longer life), a made-up kid: 403.
        let sig = Self.split(variant).fields.first { $0.hasPrefix("sig=") }!.dropFirst(4)
        let flipped = (sig.first == "A" ? "B" : "A") + sig.dropFirst()
        #expect(try await status(Self.with(variant, "sig", flipped)) == 403)
        #expect(try await status(Self.with(segment, "sig", "not*base64")) == 403)
        let exp = Int64(Self.split(variant).fields.first { $0.hasPrefix("exp=") }!.dropFirst(4))!
        #expect(try await status(Self.with(variant, "exp", String(exp + 3600))) == 403)
        #expect(try await status(Self.with(keyURI, "exp", String(exp + 1))) == 403)
        #expect(try await status(Self.with(segment, "kid", "deadbeef")) == 403)
        // Wrong path: a session token on a segment, a segment token on a key, a key token on a playlist.
        #expect(try await status(Self.split(segment).path + "?" + Self.token(variant)) == 403)
        #expect(try await status("/v1/keys/\(keys[0].id)?session=\(sid)&" + Self.token(segment)) == 403)
        #expect(try await status(Self.split(variant).path + "?" + Self.token(keyURI)) == 403)
        // A token of one version's folder on another version's files.
        #expect(try await status("/media/ep1/v1/v360p/seg_00000.ts?" + Self.token(segment)) == 403)
        // Wrong session: another session's (valid) token on this session's URLs, or its sid swapped in.
        let (sid2, master2) = try await Self.play(s, device: "tv-2")
        let variant2 = try #require(master2.variants.first?.uri)
        #expect(try await status(Self.split(variant).path + "?" + Self.token(variant2)) == 403)
        #expect(try await status(Self.with(variant, "sid", sid2)) == 403)
        #expect(try await status("/v1/keys/\(keys[0].id)?session=\(sid)&" + Self.token(Self.with(keyURI, "sid", sid2))) == 403)
        // Refused key fetches are recorded as bad tokens.
        let refused = try await s.store.keyFetches(session: sid).filter { !$0.ok }
        #expect(refused.count == 4 && refused.allSatisfy { $0.reason == .badToken })

        // Revoked (operator only): 403 for its playlists, segments and keys; the other session plays on.
        #expect(try await HTTP.send("POST", s.base + "/v1/admin/sessions/\(sid2)/revoke", token: s.tokens[.editor], json: [:]).status == 403)
        let revoke = try await HTTP.send("POST", s.base + "/v1/admin/sessions/\(sid2)/revoke", token: s.tokens[.operator], json: [:])
        let revokeBody = try revoke.json()
        #expect(revoke.status == 200 && revokeBody["revoked"] as? Bool == true)
        #expect(try await HTTP.send("POST", s.base + "/v1/admin/sessions/\(String(repeating: "f", count: 32))/revoke", token: s.tokens[.operator], json: [:]).status == 404)
        #expect(try await status(variant2) == 403)
        #expect(try await status(variant) == 200)
        #expect(try await s.store.revokedSessions() == [sid2])
        // In the change log, once (a second revoke changes nothing), and the chain still verifies.
        #expect(try await HTTP.send("POST", s.base + "/v1/admin/sessions/\(sid2)/revoke", token: s.tokens[.operator], json: [:]).status == 200)
        let logged = try await s.store.changes(after: 0, limit: 1000).filter { $0.action == "session.revoke" }
        #expect(logged.count == 1 && logged.first?.entityID == sid2 && logged.first?.after?.contains("\"session\":\"\(sid2)\"") == true)
        #expect(try await s.store.verifyChangeLog().isEmpty)

        // Versions live only on channels without signing stay open; on a signing channel they need a token.
        #expect(try await status("/media/ep1/v2/master.m3u8") == 200)
        #expect(try await status("/media/ep1/v1/master.m3u8") == 403)

        // Expired, and replayed after expiry: 410 for playlist, segment and key alike.
        s.clock.set(Timestamp(milliseconds: (exp + 1) * 1000))
        #expect(try await status(variant) == 410)
        #expect(try await status(segment) == 410)
        #expect(try await status(keyURI) == 410)
        #expect(try await status(iframes) == 410)
        #expect(try await HTTP.get(s.base + variant).errorCode == "expired")
    }

    @Test func revokedSessionSegmentsAndKeysAreRefused() async throws {
        let (s, _, keys) = try await Self.server()
        defer { Task { await s.stop() } }
        let (sid, master) = try await Self.play(s)
        let variant = try #require(master.variants.first?.uri)
        let media = try MediaPlaylist.parse(try await HTTP.get(s.base + variant).text)
        let segment = try #require(media.segments.first?.uri)
        let keyURI = try #require(media.segments.first?.keys.first?.string("URI"))
        #expect(try await HTTP.get(s.base + keyURI).status == 200)
        #expect(try await HTTP.send("POST", s.base + "/v1/admin/sessions/\(sid)/revoke", token: s.tokens[.operator], json: [:]).status == 200)
        #expect(try await HTTP.get(s.base + variant).status == 403)
        #expect(try await HTTP.get(s.base + segment).status == 403)
        #expect(try await HTTP.get(s.base + keyURI).status == 403)
        #expect(try await s.store.keyFetches(session: sid).last?.reason == .revoked)
        #expect(keys.count == 3)
    }

    @Test func rotationKeepsThePreviousSecretForOneSwap() async throws {
        let (s, _, _) = try await Self.server()
        defer { Task { await s.stop() } }
        let path = s.dir.file("catalog.sqlite.url-secrets")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let (_, old) = try await Self.play(s)
        let oldURL = try #require(old.variants.first?.uri)
        let oldKid = Self.split(oldURL).fields.first { $0.hasPrefix("kid=") }
        #expect(try await HTTP.get(s.base + oldURL).status == 200)
        // One rotation: the old URL still plays; new sessions sign with the new secret.
        let fresh = try URLSecrets.rotate(path: path, now: s.clock.now())
        #expect(try URLSecrets.load(path: path).count == 2)
        #expect(try await HTTP.get(s.base + oldURL).status == 200)
        let (_, new) = try await Self.play(s, device: "tv-2")
        let newURL = try #require(new.variants.first?.uri)
        #expect(newURL.contains("kid=\(fresh.kid)") && !newURL.contains(oldKid!))
        // Two rotations: the first secret is gone, its URLs refused; the second's still play.
        try URLSecrets.rotate(path: path, now: s.clock.now())
        #expect(try URLSecrets.load(path: path).count == 2)
        #expect(try await HTTP.get(s.base + oldURL).status == 403)
        #expect(try await HTTP.get(s.base + newURL).status == 200)
    }

    /// A version live on a signing channel (tv) and on one without signing or ads (mobile):
    /// mobile's players get a session too, whose playlists sign the (protected) files, so it
    /// plays there; its session URLs themselves need no token.
    @Test func versionAlsoLiveOnAnUnsignedChannelPlaysThere() async throws {
        let s = try await TestServer.started()
        defer { Task { await s.stop() } }
        try await Self.sign(s, channel: "tv")
        _ = try await s.service.publish(.init(title: "ep1", channel: "mobile", version: "v1", from: Timestamp(iso8601: "2026-01-01")), actor: "test")
        try await s.caughtUp()
        #expect(try await HTTP.get(s.base + "/media/ep1/v1/v360p/index.m3u8").status == 403)
        let r = try await HTTP.get(s.base + "/v1/play/mobile/ep1/master.m3u8?device=phone-1")
        #expect(r.status == 200)
        let sid = try #require(r.headers["x-showrunner-session"])
        let master = try MultivariantPlaylist.parse(r.text)
        #expect(master.variants.first?.uri == "/v1/sessions/\(sid)/v360p.m3u8")
        let media = try await HTTP.get(s.base + "/v1/sessions/\(sid)/v360p.m3u8").text
        #expect(media.contains("/media/ep1/v1/v360p/seg_00000.ts?exp="), "\(media)")
        try await conformancePlays(s.base + "/v1/play/mobile/ep1/master.m3u8?device=conformance", kinds: "lint,ffmpeg,gst")
        // Unpublished from tv: the files are open again and mobile gets the shared pinned master.
        _ = try await s.service.unpublish(.init(title: "ep1", channel: "tv"), actor: "test")
        try await s.caughtUp()
        #expect(try await HTTP.get(s.base + "/media/ep1/v1/v360p/index.m3u8").status == 200)
        #expect(try await HTTP.get(s.base + "/v1/play/mobile/ep1/master.m3u8?device=phone-1").headers["x-showrunner-session"] == nil)
    }

    /// The real-client proof: through the unsigned entry point (each player makes its own
    /// session), an encrypted and signed film plays to the end in ffmpeg, GStreamer and hls.js;
    /// and a signed session with stitched ads plays in ffmpeg and GStreamer.
    @Test func encryptedSignedSessionPlaysInRealClients() async throws {
        let (s, _, _) = try await Self.server()
        defer { Task { await s.stop() } }
        try await conformancePlays(s.base + "/v1/play/tv/film1/master.m3u8?device=conformance", kinds: "all")
        let ads = try await StitchedSessionTests.server()
        defer { Task { await ads.stop() } }
        try await Self.sign(ads, channel: "tv")
        let (sid, master) = try await Self.play(ads, title: "ep1")
        let text = try await HTTP.get(ads.base + master.variants[0].uri).text
        #expect(text.contains("/v1/sessions/\(sid)/slots/") && !text.contains(".ts\n"), "every URI signed:\n\(text)")
        try await conformancePlays(ads.base + "/v1/play/tv/ep1/master.m3u8?device=conformance", kinds: "lint,ffmpeg,gst")
        // The tracking feed's beacons are signed too.
        let feed = try await HTTP.get(ads.base + "/v1/sessions/\(sid)/tracking?" + Self.token(master.variants[0].uri))
        #expect(feed.status == 200)
        let beacon = try #require(((((try feed.json())["breaks"] as? [[String: Any]])?.first?["slots"] as? [[String: Any]])?.first?["beacons"] as? [String: String])?["impression"])
        #expect(try await HTTP.get(ads.base + beacon).status == 204)
        #expect(try await HTTP.get(ads.base + Self.split(beacon).path + "?slot=x&event=impression").status == 403)
    }

    /// HLS Interstitials on a signing channel: the asset list, the ads' playlists and segments it
    /// leads to carry the session's token; each refused without it.
    @Test func interstitialAssetsAreSigned() async throws {
        let s = try await StitchedSessionTests.server()
        defer { Task { await s.stop() } }
        try await Self.sign(s, channel: "tv")
        let r = try await HTTP.get(s.base + "/v1/play/tv/ep1/master.m3u8?device=tv-7&interstitials=1")
        #expect(r.status == 200, "\(r.text)")
        let master = try MultivariantPlaylist.parse(r.text)
        let variant = try #require(master.variants.first?.uri)
        let text = try await HTTP.get(s.base + variant).text
        let p = try MediaPlaylist.parse(text)
        var ranges = p.segments.flatMap(\.dateRanges)
        for case .item(.dateRange(let a)) in p.trailer { ranges.append(a) }
        let list = try #require(ranges.first { $0.string("CLASS") == "com.apple.hls.interstitial" }?.string("X-ASSET-LIST"), "\(text)")
        #expect(list.contains("sig="), "the asset list is signed: \(list)")
        #expect(try await HTTP.get(s.base + Self.split(list).path).status == 403)
        let listed = try await HTTP.get(s.base + list)
        #expect(listed.status == 200, "\(listed.text)")
        let assets = try #require(try listed.json()["ASSETS"] as? [[String: Any]])
        let asset = try #require(assets.first?["URI"] as? String)
        #expect(asset.contains("sig="), "the asset is signed: \(asset)")
        #expect(try await HTTP.get(s.base + Self.split(asset).path).status == 403)
        let adMaster = try await HTTP.get(s.base + asset)
        #expect(adMaster.status == 200 && adMaster.text.hasPrefix("#EXTM3U"), "\(adMaster.text)")
        // Down to a segment of the ad.
        let adVariant = try #require(try MultivariantPlaylist.parse(adMaster.text).variants.first?.uri)
        let adMedia = try await HTTP.get(s.base + adVariant)
        #expect(adMedia.status == 200, "\(adVariant): \(adMedia.text)")
        let adSegment = try #require(try MediaPlaylist.parse(adMedia.text).segments.first?.uri)
        #expect(try await HTTP.get(s.base + adSegment).status == 200, "\(adSegment)")
        #expect(try await HTTP.get(s.base + Self.split(adSegment).path).status == 403, "\(adSegment) unsigned")
    }
}
