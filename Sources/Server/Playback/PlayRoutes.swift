import HTTPTypes
import Hummingbird
import MediaCore
import Showrunner

/// Player-facing routes: what a channel may show, and the multivariant playlist of a title.
struct PlayRoutes {
    let catalog: PlaybackCatalog
    let masters: MasterPlaylists
    /// Sessions with ads (nil: the store keeps no ledger; masters are served without sessions).
    let sessions: AdSessions?
    let clock: any WallClock

    func register(on router: Router<ServerContext>) {
        router.get("/v1/channels/:channel/titles") { _, context in try self.titles(context) }
        router.get("/v1/play/:channel/:title/master.m3u8") { request, context in try await self.master(request, context) }
        router.head("/v1/channels/:channel/titles") { _, context in SessionRoutes.head(try self.titles(context)) }
        router.head("/v1/play/:channel/:title/master.m3u8") { request, context in try await self.master(request, context) }
    }

    struct ChannelTitle: Encodable {
        var id: String
        var kind: String
        var name: String
        var series: String?
        var seriesName: String?
        var season: Int?
        var episode: Int?
        var brand: String?
        var version: String
        var playURL: String

        enum CodingKeys: String, CodingKey {
            case id, kind, name, series, season, episode, brand, version
            case seriesName = "series_name", playURL = "play_url"
        }
    }

    struct TitlesBody: Encodable {
        var channel: String
        var at: Timestamp
        var titles: [ChannelTitle]
    }

    /// `GET /v1/channels/{channel}/titles`: what the channel may show now.
    func titles(_ context: ServerContext) throws -> Response {
        let channel = try context.parameters.require("channel")
        let snap = catalog.snapshot.value
        guard snap.channels[channel] != nil else { throw ShowrunnerError.notFound("channel", channel) }
        let now = clock.now()
        var out: [ChannelTitle] = []
        for title in snap.titles.values.sorted(by: { $0.id < $1.id }) {
            guard case .playable(let v) = snap.availability(title: title.id, channel: channel, now: now) else { continue }
            out.append(ChannelTitle(
                id: title.id, kind: title.kindName, name: title.name, series: title.series,
                seriesName: title.series.flatMap { snap.series[$0]?.name }, season: title.seasonNumber,
                episode: title.episodeNumber, brand: title.brand ?? title.series.flatMap { snap.series[$0]?.brand },
                version: v.id, playURL: "/v1/play/\(channel)/\(title.id)/master.m3u8"))
        }
        return try JSON.response(TitlesBody(channel: channel, at: now, titles: out))
    }

    /// `GET /v1/play/{channel}/{title}/master.m3u8?device=D[&model=M][&endpoint=E][&region=R][&interstitials=1]`:
    /// makes a playback session (ads decided for every break) and returns its multivariant playlist.
    func master(_ request: Request, _ context: ServerContext) async throws -> Response {
        let channel = try context.parameters.require("channel")
        let title = try context.parameters.require("title")
        let query = request.uri.queryParameters
        var device: String? = nil
        if let d = query["device"] {
            device = String(d)
            try Self.checkToken(String(d), field: "device")
        }
        var model: String? = nil
        if let m = query["model"] {
            model = String(m)
            try Self.checkToken(String(m), field: "model")
        }
        var endpoint: EndpointKind? = nil
        if let e = query["endpoint"] {
            guard let kind = EndpointKind(rawValue: String(e)) else {
                throw ShowrunnerError.invalid("endpoint", "must be one of \(EndpointKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            endpoint = kind
        }
        var interstitials = false
        if let i = query["interstitials"] {
            guard i == "1" || i == "0" || i == "true" || i == "false" else { throw ShowrunnerError.invalid("interstitials", "must be 1 or 0") }
            interstitials = i == "1" || i == "true"
        }
        var region: String? = nil
        if let r = query["region"] {
            let text = String(r)
            guard text.utf8.count == 2, text.utf8.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else {
                throw ShowrunnerError.invalid("region", "must be a two-letter uppercase region code")
            }
            region = text
        }
        let snap = catalog.snapshot.value
        guard let channelValue = snap.channels[channel] else { throw ShowrunnerError.notFound("channel", channel) }
        guard let titleValue = snap.titles[title] else { throw ShowrunnerError.notFound("title", title) }
        let decision = snap.availability(title: title, channel: channel, now: clock.now(), region: region)
        guard case .playable(let version) = decision else {
            throw ShowrunnerError(.unavailable, decision.reason(title: title, channel: channel))
        }
        if request.method == .head {
            // Checked like a GET, but a HEAD makes no session (and decides no ads).
            var headers = SessionRoutes.playlistHeaders
            headers[.cacheControl] = "private, no-store"
            return Response(status: .ok, headers: headers, body: .init())
        }
        // Sessions exist for ads, for encrypted versions (their keys go only to a session) and
        // for versions whose files need signed URLs: a channel without an ad policy (or with every
        // position off) gets any other version's pinned master, shared and cached, with no
        // per-viewer record.
        let ads = !(snap.policies[channel]?.positions.isEmpty ?? true)
        if version.encryption != nil && sessions == nil {
            throw ShowrunnerError(.unavailable, "'\(title)' is encrypted and this server keeps no sessions to hand its keys to")
        }
        // Files of a version also live on a channel with signed URLs need tokens: a session hands them out.
        if let sessions, ads || version.encryption != nil || sessions.mediaProtected(version) {
            let viewer = AdSessions.Viewer(device: device ?? "anonymous", model: model, endpoint: endpoint, interstitials: interstitials)
            let record = try await sessions.create(channel: channelValue, title: titleValue, version: version, viewer: viewer)
            var headers = SessionRoutes.playlistHeaders
            headers[.cacheControl] = "private, no-store"
            headers[HTTPField.Name("X-Showrunner-Session")!] = record.session.id
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: try sessions.master(record)))
        }
        return Response(
            status: .ok,
            headers: [.contentType: "application/vnd.apple.mpegurl", .cacheControl: "private, max-age=5"],
            body: .init(byteBuffer: try masters.master(for: version)))
    }

    /// Opaque client tokens (device ids, session ids): 1-128 of `A-Z a-z 0-9 . _ : -`. Anything
    /// else is refused, so no query value can carry CR, LF or `#` into a playlist.
    static func checkToken(_ value: String, field: String) throws(ShowrunnerError) {
        let ok = !value.isEmpty && value.utf8.count <= 128 && value.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2E || b == 0x5F || b == 0x3A || b == 0x2D
        }
        guard ok else { throw ShowrunnerError.invalid(field, "must be 1-128 characters of A-Z a-z 0-9 . _ : -") }
    }
}
