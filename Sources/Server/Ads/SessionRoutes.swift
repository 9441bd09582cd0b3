import FoundationEssentials
import Hummingbird
import Logging
import MediaCore
import NIOCore
import Showrunner

/// Player-facing session routes: stitched media playlists, ad segments (which fire the server
/// beacons), interstitial asset lists, the client tracking feed and client beacons.
struct SessionRoutes {
    let sessions: AdSessions
    let files: MediaFileServer
    let logger: Logger

    func register(on router: Router<ServerContext>) {
        router.get("/v1/sessions/:sid/tracking") { request, context in try await self.tracking(request, context) }
        router.get("/v1/sessions/:sid/beacon") { request, context in try await self.beacon(request, context) }
        router.get("/v1/sessions/:sid/assets/:asset") { request, context in try await self.assetList(request, context) }
        router.get("/v1/sessions/:sid/:playlist") { request, context in try await self.mediaPlaylist(request, context) }
        router.get("/v1/sessions/:sid/slots/:slot/:part") { request, context in try await self.slotFile(request, context) }
        router.get("/v1/sessions/:sid/slots/:slot/:part/:file") { request, context in try await self.adSegment(request, context) }
        // HEAD: the same answers without their bodies (and an ad segment's HEAD fires no beacon).
        router.head("/v1/sessions/:sid/tracking") { request, context in Self.head(try await self.tracking(request, context)) }
        router.head("/v1/sessions/:sid/assets/:asset") { request, context in Self.head(try await self.assetList(request, context)) }
        router.head("/v1/sessions/:sid/:playlist") { request, context in Self.head(try await self.mediaPlaylist(request, context)) }
        router.head("/v1/sessions/:sid/slots/:slot/:part") { request, context in try await self.slotFile(request, context) }
        router.head("/v1/sessions/:sid/slots/:slot/:part/:file") { request, context in try await self.adSegment(request, context) }
    }

    /// A GET response as a HEAD answer: its headers and length, no body.
    static func head(_ r: Response) -> Response {
        var headers = r.headers
        if let n = r.body.contentLength { headers[.contentLength] = String(n) }
        return Response(status: r.status, headers: headers, body: .init())
    }

    /// The signed-URL fields of a request's query (`exp`, `sid`, `kid`, `sig`).
    static func tokenQuery(_ request: Request) -> [String: String] {
        let q = request.uri.queryParameters
        var out: [String: String] = [:]
        for name in ["exp", "sid", "kid", "sig"] { if let v = q[Substring(name)] { out[name] = String(v) } }
        return out
    }

    static let playlistHeaders: HTTPFields = [.contentType: "application/vnd.apple.mpegurl", .cacheControl: "private, max-age=5"]

    /// `GET /v1/sessions/{sid}/{rendition}.m3u8`, `master.m3u8` for the session's multivariant
    /// playlist, or `{rendition}.iframes.m3u8` for an I-frame playlist of an encrypted version.
    func mediaPlaylist(_ request: Request, _ context: ServerContext) async throws -> Response {
        let entry = try await sessions.entry(try context.parameters.require("sid"), query: Self.tokenQuery(request))
        let name = try context.parameters.require("playlist")
        guard name.hasSuffix(".m3u8") else { throw ShowrunnerError.notFound("playlist", name) }
        if name == "master.m3u8" {
            // The session's multivariant playlist again (same session, same decisions).
            return Response(status: .ok, headers: Self.playlistHeaders, body: .init(byteBuffer: try sessions.master(entry.record)))
        }
        if name.hasSuffix(".iframes.m3u8") {
            // The I-frame playlist of an encrypted version (its keys name the session).
            let rendition = String(name.dropLast(".iframes.m3u8".count))
            return Response(status: .ok, headers: Self.playlistHeaders,
                            body: .init(byteBuffer: try sessions.iFramePlaylist(entry, rendition: rendition)))
        }
        let rendition = String(name.dropLast(5))
        return Response(status: .ok, headers: Self.playlistHeaders,
                        body: .init(byteBuffer: try sessions.mediaPlaylist(entry, rendition: rendition)))
    }

    /// `GET /v1/sessions/{sid}/slots/{break.slot}/{rendition}/{file}`: an ad segment (or its
    /// init segment or media playlist, for interstitial players). Records the server beacons
    /// this fetch stands for, then serves the file.
    func adSegment(_ request: Request, _ context: ServerContext) async throws -> Response {
        let entry = try await sessions.entry(try context.parameters.require("sid"), query: Self.tokenQuery(request))
        let (path, beacons) = try sessions.adSegment(
            entry, slotKey: try context.parameters.require("slot"), rendition: try context.parameters.require("part"),
            file: try context.parameters.require("file"))
        let slot = try context.parameters.require("slot"), part = try context.parameters.require("part")
        let file = try context.parameters.require("file")
        if let tokens = sessions.tokens(entry.record), file.hasSuffix(".m3u8"), let slash = path.lastIndex(of: "/") {
            // An interstitial's ad media playlist on a signing channel: absolute, signed URIs.
            var p = try sessions.playlists.media(String(path[..<slash]), file: file,
                                                 uriPrefix: "/v1/sessions/\(entry.record.session.id)/slots/\(slot)/\(part)/")
            tokens.sign(&p)
            return Response(status: .ok, headers: Self.playlistHeaders, body: .init(byteBuffer: ByteBuffer(string: p.text)))
        }
        if !beacons.isEmpty, request.method == .get {
            do {
                _ = try await sessions.ledger.record(events: beacons)
            } catch {
                // A beacon that cannot be stored must not stop the ad from playing.
                logger.error("server beacons of session \(entry.record.session.id) not recorded: \(error)")
            }
        }
        return try await files.response(for: path, request: request, immutable: true)
    }

    /// `GET /v1/sessions/{sid}/slots/{break.slot}/master.m3u8`: the ad's own multivariant
    /// playlist (the X-ASSET-URI of an interstitial).
    func slotFile(_ request: Request, _ context: ServerContext) async throws -> Response {
        let entry = try await sessions.entry(try context.parameters.require("sid"), query: Self.tokenQuery(request))
        let slot = try context.parameters.require("slot")
        guard try context.parameters.require("part") == "master.m3u8" else { throw ShowrunnerError.notFound("file", "") }
        let package = try sessions.slotPackage(entry, slotKey: slot)
        if let tokens = sessions.tokens(entry.record) {
            // On a signing channel: the ad's master with absolute, signed URIs (a relative URI
            // would be resolved without the token).
            let master = MasterPlaylists.pin(try sessions.playlists.master(package.path),
                                             prefix: "/v1/sessions/\(entry.record.session.id)/slots/\(slot)/")
            var p = master
            p.items = p.items.map { item in
                switch item {
                case .streamInf(let a, let uri): return .streamInf(a, uri: tokens.sign(uri))
                case .media(let a): return .media(tokens.sign(attribute: a))
                case .iFrameStreamInf(let a): return .iFrameStreamInf(tokens.sign(attribute: a))
                default: return item
                }
            }
            return Response(status: .ok, headers: Self.playlistHeaders, body: .init(byteBuffer: ByteBuffer(string: p.text)))
        }
        return try await files.response(for: package.path + "/master.m3u8", request: request, immutable: true)
    }

    /// `GET /v1/sessions/{sid}/assets/{break}.json`: the HLS Interstitials asset list of a break.
    func assetList(_ request: Request, _ context: ServerContext) async throws -> Response {
        let entry = try await sessions.entry(try context.parameters.require("sid"), query: Self.tokenQuery(request))
        let asset = try context.parameters.require("asset")
        guard asset.hasSuffix(".json"), let b = entry.record.breaks.first(where: { $0.id == asset.dropLast(5) }) else {
            throw ShowrunnerError.notFound("asset list", asset)
        }
        struct Asset: Encodable {
            var URI: String
            var DURATION: Double
        }
        struct Body: Encodable { var ASSETS: [Asset] }
        let sid = entry.record.session.id
        // DURATION is what the Interstitials spec asks for (decimal seconds); computed from integer ms.
        let tokens = sessions.tokens(entry.record)
        let assets = b.placed.map { p in
            let uri = "/v1/sessions/\(sid)/slots/\(b.id).\(p.slot)/master.m3u8"
            return Asset(URI: tokens?.sign(uri) ?? uri, DURATION: Double(p.durationMS) / 1000)
        }
        return try JSON.response(Body(ASSETS: assets))
    }

    // MARK: Tracking

    struct TrackingFeed: Encodable {
        struct Slot: Encodable {
            var slotID: String
            var creative: String
            var campaign: String?
            var startMS: Int64
            var durationMS: Int64
            var beacons: [String: String]

            enum CodingKeys: String, CodingKey {
                case creative, campaign, beacons
                case slotID = "slot_id", startMS = "start_ms", durationMS = "duration_ms"
            }
        }
        struct Break: Encodable {
            var id: String
            var position: BreakPosition
            var startMS: Int64
            var durationMS: Int64
            var plannedMS: Int64
            var slots: [Slot]

            enum CodingKeys: String, CodingKey {
                case id, position, slots
                case startMS = "start_ms", durationMS = "duration_ms", plannedMS = "planned_ms"
            }
        }
        var session: String
        var programDateTime: Timestamp
        var breaks: [Break]

        enum CodingKeys: String, CodingKey {
            case session, breaks
            case programDateTime = "program_date_time"
        }
    }

    static let beaconEvents = ["impression", "start", "firstQuartile", "midpoint", "thirdQuartile", "complete", "skip", "close", "click", "error"]

    /// `GET /v1/sessions/{sid}/tracking`: the client-side tracking feed — every placed slot with
    /// its start on the playlist timeline, duration and beacon URLs.
    func tracking(_ request: Request, _ context: ServerContext) async throws -> Response {
        let entry = try await sessions.entry(try context.parameters.require("sid"), query: Self.tokenQuery(request))
        let record = entry.record
        let sid = record.session.id
        let version = try sessions.versionOf(record)
        guard let first = version.renditions.first else { throw ShowrunnerError(.media, "the version has no rendition") }
        let timeline = try sessions.timeline(record, rendition: first.id)
        let tokens = sessions.tokens(record)
        var breaks: [TrackingFeed.Break] = []
        for (b, t) in zip(record.breaks, timeline) {
            var slots: [TrackingFeed.Slot] = []
            for (slot, start) in zip(b.placed, t.slotStartsMS) {
                let slotID = slot.slotID(session: sid)
                var beacons: [String: String] = [:]
                for e in Self.beaconEvents {
                    let uri = "/v1/sessions/\(sid)/beacon?slot=\(slotID)&event=\(e)"
                    beacons[e] = tokens?.sign(uri) ?? uri
                }
                slots.append(.init(slotID: slotID, creative: slot.creative ?? "", campaign: slot.campaign, startMS: start,
                                   durationMS: slot.durationMS, beacons: beacons))
            }
            breaks.append(.init(id: b.id, position: b.plan.position, startMS: t.startMS, durationMS: t.durationMS,
                                plannedMS: b.plan.plannedMS, slots: slots))
        }
        return try JSON.response(TrackingFeed(session: sid, programDateTime: Timestamp(milliseconds: record.session.programDateTime), breaks: breaks))
    }

    /// `GET /v1/sessions/{sid}/beacon?slot=S&event=E`: a client beacon (204).
    func beacon(_ request: Request, _ context: ServerContext) async throws -> Response {
        let entry = try await sessions.entry(try context.parameters.require("sid"), query: Self.tokenQuery(request))
        let record = entry.record
        let query = request.uri.queryParameters
        guard let slotText = query["slot"].map(String.init) else { throw ShowrunnerError.invalid("slot", "is required") }
        guard let event = query["event"].map(String.init), Self.beaconEvents.contains(event) else {
            throw ShowrunnerError.invalid("event", "must be one of \(Self.beaconEvents.joined(separator: ", "))")
        }
        let slot = record.breaks.lazy.flatMap(\.placed).first { $0.slotID(session: record.session.id) == slotText }
        guard let slot else { throw ShowrunnerError.notFound("slot", String(slotText.prefix(80))) }
        let now = sessions.clock.now()
        let e = LedgerEvent(
            eventID: "cli:\(slotText):\(event)", type: "ad." + event, source: .client, deviceID: record.session.device,
            endpoint: record.session.endpoint, model: record.session.model, channel: record.session.channel,
            titleID: record.session.title, sessionID: record.session.id, slotID: slotText, creativeID: slot.creative,
            campaignID: slot.campaign, ts: now, receivedAt: now)
        _ = try await sessions.ledger.record(events: [e])
        return Response(status: .noContent, headers: [.cacheControl: "no-store"])
    }
}
