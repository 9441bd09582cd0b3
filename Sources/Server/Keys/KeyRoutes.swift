import FoundationEssentials
import Hummingbird
import Logging
import MediaCore
import NIOCore
import Showrunner

/// `GET /v1/keys/{keyid}?session=SID`: a content key (16 bytes) for a live session whose version
/// owns the key and whose channel's rights window covers the title now. Every fetch, handed out
/// or refused, is recorded (`key_fetch`) with its reason; a session asking for another title's
/// key is flagged in the log. Refusals: 404 unknown key or session, 410 expired session (or
/// token), 403 another title's key, rights closed, a revoked session, or (on a channel with
/// signed URLs) a missing or bad token.
struct KeyRoutes {
    let keys: any KeyStore
    let vault: KeyVault
    let sessions: AdSessions
    let catalog: PlaybackCatalog
    let clock: any WallClock
    let logger: Logger

    func register(on router: Router<ServerContext>) {
        router.get("/v1/keys/:keyid") { request, context in try await self.key(request, context) }
    }

    func key(_ request: Request, _ context: ServerContext) async throws -> Response {
        let keyID = try context.parameters.require("keyid")
        let sid = request.uri.queryParameters["session"].map(String.init) ?? ""
        let now = clock.now()
        var tokenRefusal: URLSigner.Refusal? = nil
        func refuse(_ reason: KeyRefusal) async throws -> Never {
            // What was asked, kept printable and short for the record.
            func printable(_ text: String) -> String {
                String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7F }.prefix(64)))
            }
            let recordedKey = printable(keyID), recordedSession = printable(sid)
            try await keys.recordKeyFetch(KeyFetch(session: recordedSession, keyID: recordedKey, at: now, ok: false, reason: reason))
            switch reason {
            case .unknownKey: throw ShowrunnerError(.notFound, "no content key '\(recordedKey.prefix(40))'", field: "key")
            case .noSession:
                throw ShowrunnerError(.notFound, sid.isEmpty ? "a key is handed out only with ?session=<session id>" : "no session '\(sid.prefix(40))'", field: "session")
            case .expiredSession: throw ShowrunnerError(.expired, "session '\(sid)' has expired", field: "session")
            case .otherTitle:
                logger.warning("flagged: session \(sid) asked for key \(keyID) of a title or version it did not open")
                throw ShowrunnerError(.forbidden, "key \(keyID) does not belong to the title this session plays", field: "key")
            case .rights: throw ShowrunnerError(.forbidden, "the channel's rights no longer cover this title", field: "session")
            case .revoked: throw ShowrunnerError(.forbidden, "session '\(sid)' was revoked", field: "session")
            case .badToken: throw (tokenRefusal ?? .forbidden("a signed URL is required")).error
            }
        }
        guard ContentKey.isKeyID(keyID) else { try await refuse(.unknownKey) }
        guard PlaybackSession.isWellFormed(sid) else { try await refuse(.noSession) }
        guard let stored = try await keys.contentKey(id: keyID) else { try await refuse(.unknownKey) }
        guard let record = try await sessions.lookup(sid) else { try await refuse(.noSession) }
        let session = record.session
        if let signer = sessions.signer, sessions.signs(record) {
            // A signing channel: the key URL carries a token for /v1/keys/ and this session.
            if case .failure(let refusal) = signer.verify(prefix: ContentKey.uriPrefix, query: SessionRoutes.tokenQuery(request),
                                                           session: sid, now: now) {
                tokenRefusal = refusal
                try await refuse(refusal == .expired ? .expiredSession : .badToken)
            }
        }
        if sessions.isRevoked(sid) { try await refuse(.revoked) }
        guard session.expiresAt > now else { try await refuse(.expiredSession) }
        let snap = catalog.snapshot.value
        let owns = snap.versions[session.title]?[session.version]?.encryption?.keyIDs.contains(keyID) ?? false
        let storedFor = stored.title.map { $0 == session.title && stored.version == session.version } ?? true
        guard owns, storedFor else { try await refuse(.otherTitle) }
        guard case .playable = snap.availability(title: session.title, channel: session.channel, now: now) else { try await refuse(.rights) }
        let bytes: [UInt8]
        do {
            bytes = try vault.unwrap(stored.wrapped, id: keyID)
        } catch {
            logger.error("key \(keyID): \(error.message)")
            throw ShowrunnerError(.storage, "the content key cannot be opened on this server")
        }
        try await keys.recordKeyFetch(KeyFetch(session: sid, keyID: keyID, at: now, ok: true))
        return Response(status: .ok, headers: [.contentType: "application/octet-stream", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// `GET /v1/admin/keys` (operator or viewer): encrypted titles, their keys' ages and fetch counts,
/// and the newest refused fetches.
struct KeyAdminRoutes {
    let keys: any KeyStore
    let service: CatalogService
    let catalog: PlaybackCatalog
    let clock: any WallClock

    func register(on router: Router<ServerContext>) {
        let admin = router.group("/v1/admin").add(middleware: AuthMiddleware(service: service))
        admin.get("keys") { request, c in
            try c.require(.audit)
            let limit = try request.uri.queryParameters["limit"].map { text throws(ShowrunnerError) -> Int in
                guard let n = Int(text), (1...1000).contains(n) else { throw ShowrunnerError.invalid("limit", "'\(text)' is not between 1 and 1000") }
                return n
            } ?? 100
            return try JSON.response(try await KeyReport.build(
                snapshot: catalog.snapshot.value, keys: try await keys.contentKeys(), counts: try await keys.keyFetchCounts(),
                refused: try await keys.refusedKeyFetches(limit: limit), now: clock.now()))
        }
    }
}
