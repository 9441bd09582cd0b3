import FoundationEssentials
import Hummingbird
import Crypto
import Showrunner

/// `GET /v1/boot/{channel}?device=D&model=M&w=W&h=H`: the boot-screen creative a TV shows now
/// (204 when the cap or the schedule leaves nothing; for a video, the best-fitting MP4 with its
/// length and the HLS URL of the same encode), and `GET /v1/boot/{channel}/beacon` for its
/// impression, close, click and complete.
struct BootRoutes {
    let catalog: PlaybackCatalog
    let ledger: any AdLedger
    let clock: any WallClock
    let signer: BootSigner?
    /// Devices' recent boot impressions (the frequency cap), in memory.
    let history: BootHistory

    func register(on router: Router<ServerContext>) {
        router.get("/v1/boot/keys") { _, _ in try self.keys() }
        router.get("/v1/boot/:channel/prefetch") { request, context in try await self.prefetch(request, context) }
        router.get("/v1/boot/:channel") { request, context in try await self.choose(request, context) }
        router.get("/v1/boot/:channel/beacon") { request, context in try await self.beacon(request, context) }
    }

    struct Answer: Encodable {
        /// The file to show (a video's MP4), and for a video its length and its HLS.
        struct Variant: Encodable {
            var url: String
            var sha256: String
            var size: Int64
            var width: Int
            var height: Int
            var mime: String
            /// A video's MP4 length in milliseconds (absent for an image).
            var durationMS: Int64?
            /// A video's HLS multivariant playlist of the same encode (absent for an image).
            var hlsURL: String?

            enum CodingKeys: String, CodingKey {
                case url, sha256, size, width, height, mime
                case durationMS = "duration_ms", hlsURL = "hls_url"
            }
        }
        var creative: String
        var brand: String
        var kind: String
        var variant: Variant
        var durationMS: Int64
        var closePromptMS: Int64
        var closeWithinMS: Int64
        var skippableAfterMS: Int64?
        var tracking: [String: String]
        var reason: String

        enum CodingKeys: String, CodingKey {
            case creative, brand, kind, variant, tracking, reason
            case durationMS = "duration_ms", closePromptMS = "close_prompt_ms", closeWithinMS = "close_within_ms"
            case skippableAfterMS = "skippable_after_ms"
        }

        /// The same JSON `JSONEncoder` with sorted keys and unescaped slashes writes.
        var jsonBytes: [UInt8] {
            var o: [UInt8] = []
            o.reserveCapacity(1024)
            func raw(_ text: String) { o.append(contentsOf: text.utf8) }
            func string(_ text: String) { JSONString.write(text, to: &o) }
            raw("{\"brand\":"); string(brand)
            raw(",\"close_prompt_ms\":\(closePromptMS),\"close_within_ms\":\(closeWithinMS),\"creative\":"); string(creative)
            raw(",\"duration_ms\":\(durationMS),\"kind\":"); string(kind)
            raw(",\"reason\":"); string(reason)
            if let s = skippableAfterMS { raw(",\"skippable_after_ms\":\(s)") }
            raw(",\"tracking\":{")
            for (i, (k, v)) in tracking.sorted(by: { $0.key < $1.key }).enumerated() {
                if i > 0 { raw(",") }
                string(k); raw(":"); string(v)
            }
            raw("},\"variant\":{")
            if let d = variant.durationMS { raw("\"duration_ms\":\(d),") }
            raw("\"height\":\(variant.height)")
            if let h = variant.hlsURL { raw(",\"hls_url\":"); string(h) }
            raw(",\"mime\":"); string(variant.mime)
            raw(",\"sha256\":"); string(variant.sha256)
            raw(",\"size\":\(variant.size),\"url\":"); string(variant.url)
            raw(",\"width\":\(variant.width)}}")
            return o
        }
    }

    /// `GET /v1/boot/keys`: the public keys prefetch lists are signed with.
    func keys() throws -> Response {
        guard let signer else { throw ShowrunnerError(.unavailable, "boot prefetch signing is not configured on this server") }
        struct Key: Encodable {
            var kid: String
            var alg = "Ed25519"
            var publicKey: String
            enum CodingKeys: String, CodingKey { case kid, alg, publicKey = "public_key" }
        }
        return try JSON.response(["keys": [Key(kid: signer.keyID, publicKey: Data(signer.key.publicKey.rawRepresentation).base64EncodedString())]])
    }

    /// `GET /v1/boot/{channel}/prefetch?device=&model=&w=&h=&days=N`: what the TV should cache for
    /// the next N days (default 3) with the rules to decide offline, signed with Ed25519: `payload`
    /// is the base64 of the list's canonical bytes, `signature` is over exactly those bytes.
    func prefetch(_ request: Request, _ context: ServerContext) async throws -> Response {
        guard let signer else { throw ShowrunnerError(.unavailable, "boot prefetch signing is not configured on this server") }
        let channelID = try context.parameters.require("channel")
        let (device, model, screen) = try Self.viewer(request)
        var days = 3
        if let d = request.uri.queryParameters["days"] {
            guard let n = Int(d), (1...31).contains(n) else { throw ShowrunnerError.invalid("days", "must be 1...31") }
            days = n
        }
        let snap = catalog.snapshot.value
        guard snap.channels[channelID] != nil else { throw ShowrunnerError.notFound("channel", channelID) }
        let rules = snap.bootRules[channelID] ?? BootRules(channel: channelID)
        let list = try BootPrefetch.list(rules: rules, creatives: snap.bootCreatives[channelID] ?? [], brands: Array(snap.brands.values),
                                         device: device, model: model, screen: screen, now: clock.now(), days: days)
        let bytes = list.canonicalBytes()
        struct Signed: Encodable {
            var kid: String
            var alg = "Ed25519"
            var payload: String
            var signature: String
        }
        let signature = try signer.sign(bytes)
        return try JSON.response(Signed(kid: signer.keyID, payload: Data(bytes).base64EncodedString(),
                                        signature: Data(signature).base64EncodedString()))
    }

    static func viewer(_ request: Request) throws(ShowrunnerError) -> (String, String?, ScreenProfile) {
        let q = request.uri.queryParameters
        guard let device = q["device"].map(String.init) else { throw ShowrunnerError.invalid("device", "is required") }
        try PlayRoutes.checkToken(device, field: "device")
        var model: String? = nil
        if let m = q["model"].map(String.init) {
            try PlayRoutes.checkToken(m, field: "model")
            model = m
        }
        guard let w = q["w"].flatMap({ Int($0) }), let h = q["h"].flatMap({ Int($0) }), let screen = ScreenProfile("\(w)x\(h)") else {
            throw ShowrunnerError.invalid("w", "w and h must be the screen's size in pixels (16...16384)")
        }
        return (device, model, screen)
    }

    func choose(_ request: Request, _ context: ServerContext) async throws -> Response {
        let channelID = try context.parameters.require("channel")
        let (device, model, screen) = try Self.viewer(request)
        let snap = catalog.snapshot.value
        guard snap.channels[channelID] != nil else { throw ShowrunnerError.notFound("channel", channelID) }
        let rules = snap.bootRules[channelID] ?? BootRules(channel: channelID)
        let now = clock.now()
        let history = try await self.history.impressions(device: device, channel: channelID, now: now)
        guard let choice = BootDecision.decide(rules: rules, creatives: snap.bootCreatives[channelID] ?? [], brands: Array(snap.brands.values),
                                               device: device, model: model, screen: screen, now: now, history: history) else {
            return Response(status: .noContent, headers: [.cacheControl: "no-store"])
        }
        var tracking: [String: String] = [:]
        for e in ["impression", "close", "click", "complete"] {
            tracking[e] = "/v1/boot/\(channelID)/beacon?creative=\(choice.creative)&device=\(device)&event=\(e)"
        }
        let v = choice.variant
        return Self.json(Answer(
            creative: choice.creative, brand: choice.brand, kind: choice.kind.rawValue,
            variant: .init(url: "/media/" + v.path, sha256: v.sha256, size: v.size, width: v.width, height: v.height, mime: v.mime,
                           durationMS: v.durationMS, hlsURL: v.hlsMaster.map { "/media/" + $0 }),
            durationMS: choice.durationMS, closePromptMS: choice.closePromptMS, closeWithinMS: choice.closeWithinMS,
            skippableAfterMS: choice.skippableAfterMS, tracking: tracking, reason: choice.reason))
    }

    /// The decision's JSON, written by hand (the hot path: Foundation's encoder was most of the
    /// route's time), with the keys sorted as `JSON.response` would. Every field of `Answer`
    /// must appear here; `BootRoutesTests` compares it with the encoder's output.
    static func json(_ a: Answer) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(bytes: a.jsonBytes)))
    }

    /// A boot event from a TV that reports by URL (204). TVs that log offline send their events
    /// later through `POST /v1/events` with their own ids and times instead.
    func beacon(_ request: Request, _ context: ServerContext) async throws -> Response {
        let channelID = try context.parameters.require("channel")
        let q = request.uri.queryParameters
        guard let device = q["device"].map(String.init) else { throw ShowrunnerError.invalid("device", "is required") }
        try PlayRoutes.checkToken(device, field: "device")
        guard let creative = q["creative"].map(String.init), (catalog.snapshot.value.bootCreatives[channelID] ?? []).contains(where: { $0.id == creative }) else {
            throw ShowrunnerError.notFound("boot creative", String((q["creative"] ?? "").prefix(64)))
        }
        guard let event = q["event"].map(String.init), ["impression", "close", "click", "complete"].contains(event) else {
            throw ShowrunnerError.invalid("event", "must be impression, close, click or complete")
        }
        let now = clock.now()
        let channel = catalog.snapshot.value.channels[channelID]
        _ = try await ledger.record(events: [LedgerEvent(
            eventID: "boot:\(channelID):\(device):\(creative):\(event):\(now.milliseconds)", type: "boot." + event, source: .client,
            deviceID: device, endpoint: channel?.endpoint, channel: channelID, creativeID: creative, ts: now, receivedAt: now)])
        if event == "impression" { history.invalidate() }
        return Response(status: .noContent, headers: [.cacheControl: "no-store"])
    }
}
