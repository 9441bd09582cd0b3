import FoundationEssentials
import HTTPTypes
import Hummingbird
import MediaCore
import NIOCore
import Showrunner

/// `GET /v1/vast?channel=C&device=D&break=pre|mid|post&duration=S[&model=M][&endpoint=E][&title=T]`:
/// the built-in engine as a VAST 4.2 ad server. Each request is a recorded decision (a session of
/// one break); every placed ad is an InLine `<Ad>` whose MediaFile is the ad's HLS
/// (`application/x-mpegURL`, streaming) and whose Impression and Tracking URLs are the session's
/// client beacons. No fill is a valid empty VAST.
struct VASTRoutes {
    let sessions: AdSessions
    let catalog: PlaybackCatalog

    func register(on router: Router<ServerContext>) {
        router.get("/v1/vast") { request, context in try await self.vast(request, context) }
    }

    func vast(_ request: Request, _ context: ServerContext) async throws -> Response {
        let q = request.uri.queryParameters
        guard let channelID = q["channel"].map(String.init) else { throw ShowrunnerError.invalid("channel", "is required") }
        guard let device = q["device"].map(String.init) else { throw ShowrunnerError.invalid("device", "is required") }
        try PlayRoutes.checkToken(device, field: "device")
        var model: String? = nil
        if let m = q["model"].map(String.init) {
            try PlayRoutes.checkToken(m, field: "model")
            model = m
        }
        var endpoint: EndpointKind? = nil
        if let e = q["endpoint"].map(String.init) {
            guard let k = EndpointKind(rawValue: e) else { throw ShowrunnerError.invalid("endpoint", "must be tv, mobile, web or speaker") }
            endpoint = k
        }
        let positionText = q["break"].map(String.init) ?? "mid"
        guard let position = BreakPosition(rawValue: positionText) else { throw ShowrunnerError.invalid("break", "must be pre, mid or post") }
        guard let durationText = q["duration"].map(String.init), let duration = MediaTime(decimal: durationText),
              duration >= MediaTime(seconds: 1), duration <= MediaTime(seconds: 1800) else {
            throw ShowrunnerError.invalid("duration", "must be the break length in seconds, 1...1800")
        }
        let snap = catalog.snapshot.value
        guard let channel = snap.channels[channelID] else { throw ShowrunnerError.notFound("channel", channelID) }
        var title: Title? = nil
        if let t = q["title"].map(String.init) {
            guard let found = snap.titles[t] else { throw ShowrunnerError.notFound("title", t) }
            title = found
        }
        let record = try await sessions.createVAST(channel: channel, title: title, device: device, model: model, endpoint: endpoint,
                                                   position: position, durationMS: duration.milliseconds)
        let base = Self.origin(request)
        let sid = record.session.id
        var ads: [VASTWriter.AdSpec] = []
        for b in record.breaks {
            for slot in b.placed where slot.reason == .filled {
                guard let creativeID = slot.creative, let creative = snap.creatives[creativeID],
                      let package = try sessions.package(of: creative, for: record) else { continue }
                let slotID = slot.slotID(session: sid)
                func beacon(_ e: String) -> String { "\(base)/v1/sessions/\(sid)/beacon?slot=\(slotID)&event=\(e)" }
                let tracking = ["start", "firstQuartile", "midpoint", "thirdQuartile", "complete", "close"].compactMap { name in
                    VASTEvent(name: name, offset: nil).map { VASTTracking(event: $0, url: beacon(name)) }
                }
                let media = package.renditions.filter { $0.kind == "video" }.map { r -> VASTMediaFile in
                    let size = r.resolution.flatMap(ScreenProfile.init)
                    return VASTMediaFile(url: "\(base)/v1/sessions/\(sid)/slots/\(b.id).\(slot.slot)/master.m3u8", delivery: .streaming,
                                         type: "application/x-mpegURL", width: size?.width ?? 0, height: size?.height ?? 0,
                                         bitrateKbps: Int(r.bandwidth / 1000), codec: r.codecs.first, id: r.id)
                }
                let brand = slot.brand.flatMap { snap.brands[$0] }
                ads.append(VASTWriter.AdSpec(
                    id: slotID, sequence: record.breaks.count == 1 && b.placed.count > 1 ? slot.slot + 1 : nil,
                    title: creative.name, advertiser: brand?.name,
                    category: brand.map { VASTCategory(authority: "https://showrunner.dev/categories", code: $0.category) },
                    durationMS: slot.durationMS, creativeID: creativeID, impressionURLs: [beacon("impression")], tracking: tracking,
                    mediaFiles: media, errorURL: beacon("error"), adServingID: slotID))
            }
        }
        let xml = ads.isEmpty ? VASTWriter.empty(errorURL: nil) : VASTWriter.inLine(ads: ads)
        return Response(status: .ok, headers: [.contentType: "application/xml; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: xml)))
    }

    /// `scheme://host` the client used (X-Forwarded-Proto honoured), for absolute VAST URLs.
    static func origin(_ request: Request) -> String {
        let proto = request.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https" ? "https" : "http"
        let host = request.head.authority ?? "localhost"
        let safe = host.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2E || b == 0x2D || b == 0x3A || b == 0x5B || b == 0x5D
        }
        return proto + "://" + (safe && !host.isEmpty ? host : "localhost")
    }
}
