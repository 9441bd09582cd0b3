import FoundationEssentials
import Logging
import MediaCore
import NIOCore
import Showrunner
import Synchronization

/// Playback sessions with ads: made on a master fetch (decisions taken once, recorded in the
/// ledger), held in memory for their life (and reloaded from the ledger after a restart), and
/// turned into stitched media playlists per rendition on demand.
final class AdSessions: Sendable {
    let catalog: PlaybackCatalog
    let ledger: any AdLedger
    let clock: any WallClock
    let mediaRoot: String
    let logger: Logger
    let offers: ExternalOffers
    let playlists: PlaylistFiles
    /// Signs the URLs handed to players of channels with signed URLs (nil: nothing is signed).
    let signer: URLSigner?
    /// Sessions an operator revoked (shared with the media guard).
    let revoked: RevokedSessions
    /// Version folders live on a channel with signed URLs (shared with the media guard).
    let protectedVersions: ProtectedVersions
    private let live = Mutex<[String: Entry]>([:])
    private let counters = Mutex(Counters())
    private static let maxSessionsInMemory = 200_000
    private static let maxStitchedPerSession = 8

    /// A session held in memory with the playlists already stitched for it.
    final class Entry: Sendable {
        let record: SessionRecord
        let stitched = Mutex<[String: ByteBuffer]>([:])
        init(_ record: SessionRecord) { self.record = record }
    }

    /// Placed-ad counts for the current UTC day (pacing and caps), kept in step with every
    /// decision this server makes.
    struct Counters {
        var dayStart: Int64 = -1
        var totals = DeliveryTotals()
        var households: [String: String] = [:]
    }

    init(catalog: PlaybackCatalog, ledger: any AdLedger, clock: any WallClock, mediaRoot: String, logger: Logger,
         offers: ExternalOffers, signer: URLSigner? = nil, revoked: RevokedSessions = RevokedSessions(),
         protectedVersions: ProtectedVersions = ProtectedVersions()) {
        self.signer = signer
        self.revoked = revoked
        self.protectedVersions = protectedVersions
        self.catalog = catalog
        self.ledger = ledger
        self.clock = clock
        self.mediaRoot = mediaRoot
        self.logger = logger
        self.offers = offers
        self.playlists = PlaylistFiles(root: mediaRoot)
    }

    static func dayStart(_ t: Timestamp) -> Int64 { t.milliseconds - ((t.milliseconds % 86_400_000) + 86_400_000) % 86_400_000 }

    /// Loads today's counts from the ledger (at start, and when the day turns).
    func loadCounters() async throws(ShowrunnerError) {
        let day = Self.dayStart(clock.now())
        let totals = try await ledger.deliveryTotals(dayStart: Timestamp(milliseconds: day))
        let households = try await ledger.households()
        counters.withLock { c in
            c.dayStart = day
            c.totals = totals
            c.households = households
        }
    }

    /// A device was linked to a household: later decisions count its caps with that household.
    func linked(device: String, household: String) {
        counters.withLock { $0.households[device] = household }
    }

    // MARK: Making sessions

    /// What a player asked for on the master URL.
    struct Viewer: Sendable {
        var device: String
        var model: String?
        var endpoint: EndpointKind?
        var interstitials: Bool
    }

    /// Makes a session: plans and decides every break, records it, keeps it. With `commit`
    /// false (a preview) nothing is recorded or counted.
    func create(channel: Showrunner.Channel, title: Title, version: TitleVersion, viewer: Viewer,
                commit: Bool = true) async throws(ShowrunnerError) -> SessionRecord {
        let snap = catalog.snapshot.value
        let now = clock.now()
        if counters.withLock({ $0.dayStart }) != Self.dayStart(now) { try await loadCounters() }
        let policy = snap.policies[channel.id] ?? AdPolicy(channel: channel.id, positions: [])
        let id = Self.newSessionID()
        let household = counters.withLock { $0.households[viewer.device] } ?? viewer.device
        let plan: [BreakPlan]
        do {
            // A channel without ads still makes sessions for encrypted versions: no breaks then.
            plan = policy.positions.isEmpty ? [] : try AdDecisionEngine.plan(version: version, breaks: snap.breaks[title.id], policy: policy)
        } catch {
            logger.warning("breaks of '\(title.id)' \(version.id) do not fit the version (\(error)); playing without ads")
            plan = []
        }
        let request = DecisionRequest(
            sessionID: id, channel: channel, policy: policy, title: title, version: version, device: viewer.device,
            household: household, model: viewer.model, endpoint: viewer.endpoint ?? channel.endpoint, now: now, breaks: plan)
        var external: [Int: ExternalOffer] = [:]
        if let url = policy.vastURL, !plan.isEmpty {
            external = await offers.offers(url: url, request: request, inventory: snap.inventory)
        }
        let decisions: [BreakDecision] = counters.withLock { c in
            let counts = DeliveryCounts(
                campaignToday: c.totals.campaignToday, campaignBeforeToday: c.totals.campaignBeforeToday,
                deviceToday: c.totals.deviceToday[viewer.device] ?? [:], householdToday: c.totals.householdToday[household] ?? [:])
            let made = AdDecisionEngine.decide(request, inventory: snap.inventory, counts: counts, external: external)
            guard commit else { return made }
            for b in made {
                for s in b.placed where s.reason == .filled {
                    guard let campaign = s.campaign else { continue }
                    c.totals.campaignToday[campaign, default: 0] += 1
                    c.totals.deviceToday[viewer.device, default: [:]][campaign, default: 0] += 1
                    c.totals.householdToday[household, default: [:]][campaign, default: 0] += 1
                }
            }
            return made
        }
        let session = PlaybackSession(
            id: id, channel: channel.id, title: title.id, version: version.id, device: viewer.device, household: household,
            model: viewer.model, endpoint: request.endpoint, createdAt: now,
            expiresAt: now.adding(seconds: Int64(policy.sessionTTLSeconds)), programDateTime: now.milliseconds,
            interstitials: viewer.interstitials, markers: policy.markers, cue: policy.cue)
        let record = SessionRecord(session: session, breaks: decisions)
        guard commit else { return record }
        try await ledger.record(record)
        keep(record)
        return record
    }

    /// A session for one VAST request (`GET /v1/vast`): one break of `durationMS` at `position`,
    /// decided by the built-in engine and recorded like any session (caps and pacing count it).
    /// With a title live on the channel, its template picks the packages; without, any package of
    /// a creative serves (the session has no version).
    func createVAST(channel: Showrunner.Channel, title: Title?, device: String, model: String?, endpoint: EndpointKind?,
                    position: BreakPosition, durationMS: Int64) async throws(ShowrunnerError) -> SessionRecord {
        let snap = catalog.snapshot.value
        let now = clock.now()
        if counters.withLock({ $0.dayStart }) != Self.dayStart(now) { try await loadCounters() }
        let policy = snap.policies[channel.id] ?? AdPolicy(channel: channel.id, positions: [])
        var inventory = snap.inventory
        let version: TitleVersion
        if let title, case .playable(let live) = snap.availability(title: title.id, channel: channel.id, now: now) {
            version = live
        } else {
            version = TitleVersion(id: Self.noVersion, title: title?.id ?? Self.noVersion, path: "", format: "any", durationMS: durationMS,
                                   renditions: [], cutsMS: [], createdAt: now, source: nil)
            let any = AdTemplate.key(of: version)
            for (id, c) in inventory.creatives {
                var c = c
                if let first = c.packages.first {
                    var p = first
                    p.template = any
                    c.packages = [p]
                }
                inventory.creatives[id] = c
            }
        }
        let id = Self.newSessionID()
        let household = counters.withLock { $0.households[device] } ?? device
        let plan = [BreakPlan(position: position, atMS: position == .post ? durationMS : 0, plannedMS: durationMS)]
        let request = DecisionRequest(
            sessionID: id, channel: channel, policy: policy, title: title ?? Title(id: Self.noVersion, name: "", kind: .film(brand: nil)),
            version: version, device: device, household: household, model: model, endpoint: endpoint ?? channel.endpoint,
            now: now, breaks: plan)
        let decisions: [BreakDecision] = counters.withLock { c in
            let counts = DeliveryCounts(
                campaignToday: c.totals.campaignToday, campaignBeforeToday: c.totals.campaignBeforeToday,
                deviceToday: c.totals.deviceToday[device] ?? [:], householdToday: c.totals.householdToday[household] ?? [:])
            let made = AdDecisionEngine.decide(request, inventory: inventory, counts: counts)
            for b in made {
                for s in b.placed where s.reason == .filled {
                    guard let campaign = s.campaign else { continue }
                    c.totals.campaignToday[campaign, default: 0] += 1
                    c.totals.deviceToday[device, default: [:]][campaign, default: 0] += 1
                    c.totals.householdToday[household, default: [:]][campaign, default: 0] += 1
                }
            }
            return made
        }
        let session = PlaybackSession(
            id: id, channel: channel.id, title: title?.id ?? Self.noVersion, version: version.id == Self.noVersion ? Self.noVersion : version.id,
            device: device, household: household, model: model, endpoint: request.endpoint, createdAt: now,
            expiresAt: now.adding(seconds: Int64(policy.sessionTTLSeconds)), programDateTime: now.milliseconds, interstitials: true,
            markers: policy.markers, cue: policy.cue)
        let record = SessionRecord(session: session, breaks: decisions)
        try await ledger.record(record)
        keep(record)
        return record
    }

    private func keep(_ record: SessionRecord) {
        let now = clock.now()
        live.withLock { m in
            if m.count >= Self.maxSessionsInMemory {
                m = m.filter { $0.value.record.session.expiresAt > now }
                if m.count >= Self.maxSessionsInMemory { m.removeAll() }
            }
            m[record.session.id] = Entry(record)
        }
    }

    /// 128 random bits as 32 hex digits.
    static func newSessionID() -> String {
        var g = SystemRandomNumberGenerator()
        let a = g.next() as UInt64, b = g.next() as UInt64
        let hex = String(a, radix: 16), hex2 = String(b, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex + String(repeating: "0", count: 16 - hex2.count) + hex2
    }

    // MARK: Finding sessions

    /// The live session `id`: 404 when malformed, unknown or expired.
    func entry(_ id: String) async throws(ShowrunnerError) -> Entry {
        guard PlaybackSession.isWellFormed(id) else { throw ShowrunnerError.notFound("session", String(id.prefix(40))) }
        let now = clock.now()
        if let e = live.withLock({ $0[id] }) {
            guard e.record.session.expiresAt > now else { throw ShowrunnerError(.notFound, "session '\(id)' has expired", field: "session") }
            return e
        }
        guard let record = try await ledger.session(id: id) else { throw ShowrunnerError.notFound("session", id) }
        guard record.session.expiresAt > now else { throw ShowrunnerError(.notFound, "session '\(id)' has expired", field: "session") }
        keep(record)
        return live.withLock { $0[id] } ?? Entry(record)
    }

    /// The live session `id` for a request that carries `query`: on a channel with signed URLs
    /// the token must be valid for `/v1/sessions/<id>/` and this session (403, or 410 when
    /// expired); a revoked session is 403 everywhere. Then as `entry(_:)`.
    func entry(_ id: String, query: [String: String]) async throws(ShowrunnerError) -> Entry {
        guard PlaybackSession.isWellFormed(id) else { throw ShowrunnerError.notFound("session", String(id.prefix(40))) }
        if let signer, let record = try await lookup(id), signs(record) {
            if case .failure(let refusal) = signer.verify(prefix: "/v1/sessions/\(id)/", query: query, session: id, now: clock.now()) {
                throw refusal.error
            }
        }
        if isRevoked(id) { throw ShowrunnerError(.forbidden, "session '\(id)' was revoked", field: "session") }
        return try await entry(id)
    }

    // MARK: Revoking

    func markRevoked(_ id: String) { revoked.insert(id) }

    func isRevoked(_ id: String) -> Bool { revoked.contains(id) }

    // MARK: Signing

    /// Whether the session's channel signs its URLs (and this server can).
    func signs(_ record: SessionRecord) -> Bool {
        signer != nil && (catalog.snapshot.value.channels[record.session.channel]?.signsURLs ?? false)
    }

    /// Whether the files of `version` need a token: it is live on some channel with signed URLs.
    func mediaProtected(_ version: TitleVersion) -> Bool {
        signer != nil && protectedVersions.contains(version.path, in: catalog.snapshot)
    }

    /// The tokens of a session (one per path prefix, each valid until the session expires): on
    /// a signing channel for every URL it hands out; on another channel only for the version's
    /// files when they are protected because the version is also live on a signing channel.
    /// Nil when nothing needs signing.
    func tokens(_ record: SessionRecord) -> SessionTokens? {
        guard let signer else { return nil }
        let channelSigns = signs(record)
        let version = catalog.snapshot.value.versions[record.session.title]?[record.session.version]
        let mediaSigned = channelSigns || (version.map(mediaProtected) ?? false)
        guard channelSigns || mediaSigned else { return nil }
        let sid = record.session.id
        let exp = (record.session.expiresAt.milliseconds + 999) / 1000
        let mediaPrefix = version.map { "/media/" + $0.path + "/" }
        return SessionTokens(
            sid: sid, mediaPrefix: mediaPrefix,
            session: channelSigns ? signer.query(prefix: "/v1/sessions/\(sid)/", exp: exp, sid: sid) : nil,
            media: mediaSigned ? mediaPrefix.map { signer.query(prefix: $0, exp: exp, sid: sid) } : nil,
            keys: channelSigns ? signer.query(prefix: ContentKey.uriPrefix, exp: exp, sid: sid) : nil)
    }

    /// The session `id` whether or not it has expired (nil when malformed or unknown), for
    /// callers that answer an expired session differently (the key route: 410).
    func lookup(_ id: String) async throws(ShowrunnerError) -> SessionRecord? {
        guard PlaybackSession.isWellFormed(id) else { return nil }
        if let e = live.withLock({ $0[id] }) { return e.record }
        return try await ledger.session(id: id)
    }

    // MARK: Playlists

    /// Whether the session's I-frame playlists go through the session (`<rendition>.iframes.m3u8`)
    /// instead of straight to the version's files: when they carry keys, whose URIs must name
    /// the session.
    func iFramesThroughSession(_ version: TitleVersion, _ record: SessionRecord) -> Bool {
        version.encryption != nil || signs(record) || mediaProtected(version)
    }

    /// Rewrites every `/v1/keys/<id>` key URI to `/v1/keys/<id>?session=<sid>`: the key route
    /// hands a key only to a live session whose version owns it.
    static func sessionKeys(_ p: inout MediaPlaylist, sid: String) {
        func fix(_ item: SegmentItem) -> SegmentItem {
            guard case .key(var a) = item, let uri = a.string("URI"), ContentKey.id(fromURI: uri) != nil, !uri.contains("?") else { return item }
            a["URI"] = .quoted(uri + "?session=" + sid)
            return .key(a)
        }
        for i in p.segments.indices { p.segments[i].items = p.segments[i].items.map(fix) }
        p.trailer = p.trailer.map { t in
            if case .item(let item) = t { return .item(fix(item)) }
            return t
        }
    }

    /// The I-frame playlist of `rendition` for the session: the version's own, its segment URIs
    /// pinned to the version folder and its key URIs naming the session.
    func iFramePlaylist(_ entry: Entry, rendition: String) throws(ShowrunnerError) -> ByteBuffer {
        let cacheKey = rendition + ".iframes"
        if let hit = entry.stitched.withLock({ $0[cacheKey] }) { return hit }
        let version = try versionOf(entry.record)
        let master = try playlists.master(version.path)
        var file: String? = nil
        for case .iFrameStreamInf(let a) in master.items {
            if let uri = a.string("URI"), !uri.hasPrefix("/"), !uri.contains("://"), uri.split(separator: "/").first.map(String.init) == rendition {
                file = uri
            }
        }
        guard let file, let slash = file.lastIndex(of: "/") else { throw ShowrunnerError.notFound("I-frame playlist", rendition) }
        var p = try playlists.media(version.path + "/" + file[..<slash], file: String(file[file.index(after: slash)...]),
                                    uriPrefix: "/media/" + version.path + "/" + file[..<slash] + "/")
        Self.sessionKeys(&p, sid: entry.record.session.id)
        tokens(entry.record)?.sign(&p)
        let bytes = ByteBuffer(string: p.text)
        entry.stitched.withLock { m in
            if m.count >= Self.maxStitchedPerSession { m.removeAll() }
            m[cacheKey] = bytes
        }
        return bytes
    }

    /// The session's multivariant playlist: the version's master with every media playlist URI
    /// pointing at the session (I-frame playlists stay on the version's own, ad-free files).
    func master(_ record: SessionRecord) throws(ShowrunnerError) -> ByteBuffer {
        let version = try versionOf(record)
        let master = try playlists.master(version.path)
        let sid = record.session.id
        let prefix = "/media/" + version.path + "/"
        let iFrames = iFramesThroughSession(version, record)
        let tokens = tokens(record)
        var p = master
        func session(_ uri: String) -> String {
            guard !uri.hasPrefix("/"), !uri.contains("://"), let rendition = uri.split(separator: "/").first else { return uri }
            return "/v1/sessions/\(sid)/\(rendition).m3u8"
        }
        p.items = p.items.map { item in
            switch item {
            case .streamInf(let a, let uri): return .streamInf(a, uri: session(uri))
            case .media(var a):
                if let uri = a.string("URI") { a["URI"] = .quoted(session(uri)) }
                return .media(a)
            case .iFrameStreamInf(var a):
                if let uri = a.string("URI"), !uri.hasPrefix("/") {
                    if iFrames, !uri.contains("://"), let rendition = uri.split(separator: "/").first {
                        a["URI"] = .quoted("/v1/sessions/\(sid)/\(rendition).iframes.m3u8")
                    } else {
                        a["URI"] = .quoted(prefix + uri)
                    }
                }
                return .iFrameStreamInf(a)
            default: return item
            }
        }
        if let tokens {
            p.items = p.items.map { item in
                switch item {
                case .streamInf(let a, let uri): return .streamInf(a, uri: tokens.sign(uri))
                case .media(let a): return .media(tokens.sign(attribute: a))
                case .iFrameStreamInf(let a): return .iFrameStreamInf(tokens.sign(attribute: a))
                default: return item
                }
            }
        }
        return ByteBuffer(string: p.text)
    }

    func versionOf(_ record: SessionRecord) throws(ShowrunnerError) -> TitleVersion {
        guard let v = catalog.snapshot.value.versions[record.session.title]?[record.session.version] else {
            throw ShowrunnerError(.media, "version \(record.session.version) of '\(record.session.title)' is no longer in the catalog")
        }
        return v
    }

    /// The stitched media playlist of `rendition` for the session (made once per session and rendition).
    func mediaPlaylist(_ entry: Entry, rendition: String) throws(ShowrunnerError) -> ByteBuffer {
        if let hit = entry.stitched.withLock({ $0[rendition] }) { return hit }
        var p = try stitch(entry.record, rendition: rendition)
        Self.sessionKeys(&p, sid: entry.record.session.id)
        tokens(entry.record)?.sign(&p)
        let bytes = ByteBuffer(string: p.text)
        entry.stitched.withLock { m in
            if m.count >= Self.maxStitchedPerSession { m.removeAll() }
            m[rendition] = bytes
        }
        return bytes
    }

    /// Builds the stitched (or interstitial) media playlist of `rendition`.
    func stitch(_ record: SessionRecord, rendition: String) throws(ShowrunnerError) -> MediaPlaylist {
        let request = try stitchRequest(record, rendition: rendition)
        do {
            return try Stitcher.stitch(request)
        } catch {
            throw ShowrunnerError(.media, "cannot stitch \(rendition) of session \(record.session.id): \(error)")
        }
    }

    func stitchRequest(_ record: SessionRecord, rendition: String) throws(ShowrunnerError) -> StitchRequest {
        let version = try versionOf(record)
        guard let r = version.renditions.first(where: { $0.id == rendition }) else {
            throw ShowrunnerError.notFound("rendition", rendition)
        }
        let sid = record.session.id
        let content = try playlists.media(version.path + "/" + rendition, uriPrefix: "/media/" + version.path + "/" + rendition + "/")
        let snap = catalog.snapshot.value
        let policy = snap.policies[record.session.channel] ?? AdPolicy(channel: record.session.channel, positions: [])
        let template = AdTemplate.key(of: version)
        var breaks: [StitchBreak] = []
        for b in record.breaks {
            var ads: [StitchedAd] = []
            for slot in b.placed {
                guard let creativeID = slot.creative, let creative = snap.creatives[creativeID],
                      let package = creative.package(for: template) else {
                    logger.warning("session \(sid): creative \(slot.creative ?? "-") of \(b.id) has no package for \(template); left out")
                    continue
                }
                guard let adRendition = Self.adRendition(for: r, in: package) else {
                    logger.warning("session \(sid): creative \(creativeID) has no rendition for \(rendition); left out")
                    continue
                }
                let slotID = slot.slotID(session: sid)
                var playlist = try playlists.media(package.path + "/" + adRendition,
                                                   uriPrefix: "/v1/sessions/\(sid)/slots/\(b.id).\(slot.slot)/\(adRendition)/")
                if slot.trimmed { playlist = Self.trim(playlist, toMS: slot.durationMS) }
                ads.append(StitchedAd(slotID: slotID, creativeID: creativeID, playlist: playlist))
            }
            let at: MediaTime
            switch b.plan.position {
            case .pre: at = .zero
            case .post: at = content.totalDuration
            case .mid: at = MediaTime(milliseconds: b.plan.atMS)
            }
            breaks.append(StitchBreak(
                id: b.id, eventID: AdDecisionEngine.eventID(session: sid, breakID: b.id), position: b.plan.position, at: at,
                plannedDuration: MediaTime(milliseconds: b.plan.plannedMS), ads: ads,
                assetURI: ads.isEmpty ? nil : "/v1/sessions/\(sid)/assets/\(b.id).json"))
        }
        let setting = record.session.markers ?? policy.markers
        var markers: MarkerStyle = []
        if setting != .cue { markers.insert(.dateRange) }
        if setting != .daterange { markers.insert(.cue) }
        return StitchRequest(
            content: content, breaks: breaks, markers: markers,
            cueStyle: (record.session.cue ?? policy.cue) == .spliceInsert ? .spliceInsert : .providerPlacementOpportunity,
            programDateTime: record.session.programDateTime, mode: record.session.interstitials ? .interstitials : .stitched)
    }

    /// The ad package's rendition that goes with a content rendition: the same id for video;
    /// for an audio-only rendition, the ad's audio-only rendition (ads carry one language).
    static func adRendition(for content: VersionRendition, in package: CreativePackage) -> String? {
        if content.kind == "video" { return package.renditions.first { $0.id == content.id }?.id }
        return package.renditions.first { $0.kind == "audio" }?.id
    }

    /// Keeps the whole segments that end within `ms` (at least the first).
    static func trim(_ p: MediaPlaylist, toMS ms: Int64) -> MediaPlaylist {
        var out = p
        var kept: [MediaSegment] = []
        var sum = MediaTime.zero
        for s in p.segments {
            if !kept.isEmpty, MediaTime(milliseconds: ms) < sum + s.duration { break }
            kept.append(s)
            sum += s.duration
        }
        out.segments = kept
        return out
    }

    /// Where each break and its slots sit on the session's playlist timeline (milliseconds from
    /// the first segment), as the stitched playlist of `rendition` has them.
    struct BreakTimeline: Sendable {
        var startMS: Int64
        var durationMS: Int64
        var slotStartsMS: [Int64]
    }

    func timeline(_ record: SessionRecord, rendition: String) throws(ShowrunnerError) -> [BreakTimeline] {
        let request = try stitchRequest(record, rendition: rendition)
        var shift = MediaTime.zero
        var out: [BreakTimeline] = []
        for b in request.breaks {
            let start = b.at + shift
            var starts: [Int64] = []
            var t = start
            for ad in b.ads {
                starts.append(t.milliseconds)
                t += ad.playlist.totalDuration
            }
            let duration = t - start
            if request.mode == .stitched { shift += duration }
            out.append(BreakTimeline(startMS: start.milliseconds, durationMS: duration.milliseconds, slotStartsMS: starts))
        }
        return out
    }

    /// The version a VAST request's session stands for: none (`-`), so any package of a creative serves.
    static let noVersion = "-"

    /// The package of `creative` a session plays: the one conditioned to its version's template
    /// (for a VAST session, which has no title version, the first).
    func package(of creative: Creative, for record: SessionRecord) throws(ShowrunnerError) -> CreativePackage? {
        if record.session.version == Self.noVersion { return creative.packages.first }
        return creative.package(for: AdTemplate.key(of: try versionOf(record)))
    }

    /// The package of a placed slot (`<break>.<slot>`).
    func slotPackage(_ entry: Entry, slotKey: String) throws(ShowrunnerError) -> CreativePackage {
        guard let dot = slotKey.lastIndex(of: "."), let slotIndex = Int(slotKey[slotKey.index(after: dot)...]),
              let b = entry.record.breaks.first(where: { $0.id == slotKey[..<dot] }),
              let slot = b.placed.first(where: { $0.slot == slotIndex }),
              let creativeID = slot.creative, let creative = catalog.snapshot.value.creatives[creativeID],
              let package = try self.package(of: creative, for: entry.record) else {
            throw ShowrunnerError.notFound("slot", slotKey)
        }
        return package
    }

    // MARK: Ad segments and beacons

    /// The file behind an ad segment URL, and the server beacons its fetch fires.
    func adSegment(_ entry: Entry, slotKey: String, rendition: String, file: String) throws(ShowrunnerError) -> (path: String, beacons: [LedgerEvent]) {
        let record = entry.record
        let sid = record.session.id
        guard let dot = slotKey.lastIndex(of: "."), let slotIndex = Int(slotKey[slotKey.index(after: dot)...]),
              let b = record.breaks.first(where: { $0.id == slotKey[..<dot] }),
              let slot = b.placed.first(where: { $0.slot == slotIndex }),
              let creativeID = slot.creative, let creative = catalog.snapshot.value.creatives[creativeID] else {
            throw ShowrunnerError.notFound("slot", slotKey)
        }
        guard let package = try self.package(of: creative, for: record),
              package.renditions.contains(where: { $0.id == rendition }) else { throw ShowrunnerError.notFound("rendition", rendition) }
        guard !file.isEmpty, !file.contains("/"), file != ".", file != "..", !file.hasPrefix(".") else {
            throw ShowrunnerError.notFound("file", file)
        }
        let relative = package.path + "/" + rendition + "/" + file
        var playlist = try playlists.media(package.path + "/" + rendition, uriPrefix: "")
        if slot.trimmed { playlist = Self.trim(playlist, toMS: slot.durationMS) }
        var beacons: [LedgerEvent] = []
        // A slate is filler, not an ad: its fetches are not impressions.
        if slot.reason == .filled, let index = playlist.segments.firstIndex(where: { $0.uri == file }) {
            let now = clock.now()
            for type in Self.beaconTypes(playlist, segment: index) {
                beacons.append(LedgerEvent(
                    eventID: "srv:\(slot.slotID(session: sid)):\(type)", type: "ad." + type, source: .server, deviceID: record.session.device,
                    endpoint: record.session.endpoint, model: record.session.model, channel: record.session.channel,
                    titleID: record.session.title, sessionID: sid, slotID: slot.slotID(session: sid), creativeID: creativeID,
                    campaignID: slot.campaign, ts: now, receivedAt: now))
            }
        }
        return (relative, beacons)
    }

    /// Server beacons a segment's fetch stands for: impression and start on the first segment, a
    /// quartile on the segment playing at that quarter of the ad, complete on the last.
    static func beaconTypes(_ p: MediaPlaylist, segment index: Int) -> [String] {
        let total = p.segments.reduce(MediaTime.zero) { $0 + $1.duration }
        var start = MediaTime.zero
        for s in p.segments.prefix(index) { start += s.duration }
        let end = start + p.segments[index].duration
        var types: [String] = []
        if index == 0 { types += ["impression", "start"] }
        for (name, q) in [("firstQuartile", 1), ("midpoint", 2), ("thirdQuartile", 3)] {
            // The quarter mark q·total/4 falls in [start, end).
            let mark4 = total * Int64(q)
            if !(mark4 < start * 4), mark4 < end * 4 { types.append(name) }
        }
        if index == p.segments.count - 1 { types.append("complete") }
        return types
    }
}

/// Parsed playlists of package folders, cached (package folders never change once registered).
final class PlaylistFiles: Sendable {
    let root: String
    private let masters = Mutex<[String: MultivariantPlaylist]>([:])
    private let medias = Mutex<[String: MediaPlaylist]>([:])

    init(root: String) { self.root = root }

    func master(_ folder: String) throws(ShowrunnerError) -> MultivariantPlaylist {
        if let hit = masters.withLock({ $0[folder] }) { return hit }
        let text = try read(folder + "/master.m3u8")
        do {
            let p = try MultivariantPlaylist.parse(text)
            masters.withLock { m in
                if m.count > 4096 { m.removeAll() }
                m[folder] = p
            }
            return p
        } catch {
            throw ShowrunnerError(.media, "\(folder)/master.m3u8 does not parse: \(error)")
        }
    }

    /// The media playlist `<folder>/<file>` (default `index.m3u8`) with relative segment and map
    /// URIs prefixed by `uriPrefix`.
    func media(_ folder: String, file: String = "index.m3u8", uriPrefix: String) throws(ShowrunnerError) -> MediaPlaylist {
        var p: MediaPlaylist
        let path = folder + "/" + file
        if let hit = medias.withLock({ $0[path] }) {
            p = hit
        } else {
            let text = try read(path)
            do {
                p = try MediaPlaylist.parse(text)
            } catch {
                throw ShowrunnerError(.media, "\(path) does not parse: \(error)")
            }
            let parsed = p
            medias.withLock { m in
                if m.count > 16_384 { m.removeAll() }
                m[path] = parsed
            }
        }
        guard !uriPrefix.isEmpty else { return p }
        func fix(_ uri: String) -> String { uri.hasPrefix("/") || uri.contains("://") ? uri : uriPrefix + uri }
        p.segments = p.segments.map { s in
            var s = s
            s.uri = fix(s.uri)
            s.items = s.items.map { item in
                if case .map(var a) = item, let uri = a.string("URI") {
                    a["URI"] = .quoted(fix(uri))
                    return .map(a)
                }
                return item
            }
            return s
        }
        return p
    }

    private func read(_ relative: String) throws(ShowrunnerError) -> String {
        guard let data = FileManager.default.contents(atPath: root + "/" + relative) else {
            throw ShowrunnerError(.media, "\(relative) is missing under the media root")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// A session's URL tokens (one query string per path prefix) and the rewriting that appends
/// them: every absolute URI under `/v1/sessions/<sid>/`, the version's `/media/<title>/<version>/`
/// or `/v1/keys/` gets its prefix's token (after `&` when it already has a query). HLS resolves
/// relative URIs without the query, so session playlists carry absolute URIs only.
struct SessionTokens: Sendable {
    let sid: String
    let mediaPrefix: String?
    /// The query of each prefix (nil: URLs under it are not signed).
    let session: String?
    let media: String?
    let keys: String?

    func sign(_ uri: String) -> String {
        let q: String
        if let session, uri.hasPrefix("/v1/sessions/\(sid)/") {
            q = session
        } else if let mediaPrefix, let media, uri.hasPrefix(mediaPrefix) {
            q = media
        } else if let keys, uri.hasPrefix(ContentKey.uriPrefix) {
            q = keys
        } else {
            return uri
        }
        return uri + (uri.contains("?") ? "&" : "?") + q
    }

    func sign(attribute a: AttributeList) -> AttributeList {
        var a = a
        for name in ["URI", "X-ASSET-URI", "X-ASSET-LIST"] {
            if let uri = a.string(name) { a[name] = .quoted(sign(uri)) }
        }
        return a
    }

    func sign(_ p: inout MediaPlaylist) {
        func fix(_ item: SegmentItem) -> SegmentItem {
            switch item {
            case .key(let a): return .key(sign(attribute: a))
            case .map(let a): return .map(sign(attribute: a))
            case .dateRange(let a): return .dateRange(sign(attribute: a))
            default: return item
            }
        }
        for i in p.segments.indices {
            p.segments[i].uri = sign(p.segments[i].uri)
            p.segments[i].items = p.segments[i].items.map(fix)
        }
        p.trailer = p.trailer.map { t in
            if case .item(let item) = t { return .item(fix(item)) }
            return t
        }
    }
}

/// The ids of revoked sessions, in memory (loaded from the store at start, added to on revoke).
final class RevokedSessions: Sendable {
    private let ids = Mutex<Set<String>>([])

    init() {}

    func load(from keys: any KeyStore) async throws(ShowrunnerError) {
        let all = try await keys.revokedSessions()
        ids.withLock { $0 = all }
    }

    func insert(_ id: String) { _ = ids.withLock { $0.insert(id) } }

    func contains(_ id: String) -> Bool { ids.withLock { $0.contains(id) } }
}
