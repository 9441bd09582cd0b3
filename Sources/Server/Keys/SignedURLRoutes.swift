import FoundationEssentials
import Hummingbird
import Showrunner
import Synchronization

/// Guards `/media/<title>/<version>/...`: the files of a version live on any channel with signed
/// URLs need a token for that version's folder (403 without or with a bad one, 410 expired, 403
/// for a revoked session). Versions live only on other channels stay open.
struct SignedMediaMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let catalog: PlaybackCatalog
    let signer: URLSigner
    let revoked: RevokedSessions
    let clock: any WallClock
    let protected: ProtectedVersions

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix("/media/") else { return try await next(request, context) }
        // The same decoding the file server applies, so an escaped name cannot slip past.
        guard case .success(let valid) = MediaPathValidator.validate(String(path.dropFirst(7))), valid.components.count >= 3 else {
            return try await next(request, context)
        }
        let folder = valid.components[0] + "/" + valid.components[1]
        guard protected.contains(folder, in: catalog.snapshot) else { return try await next(request, context) }
        switch signer.verify(prefix: "/media/" + folder + "/", query: SessionRoutes.tokenQuery(request), session: nil, now: clock.now()) {
        case .failure(let refusal): throw refusal.error
        case .success(let sid):
            if revoked.contains(sid) { throw ShowrunnerError(.forbidden, "session '\(sid)' was revoked", field: "sid") }
        }
        return try await next(request, context)
    }
}

/// The version folders (`<title>/<version>`) live on a channel with signed URLs, per snapshot.
final class ProtectedVersions: Sendable {
    private let cache = Mutex<(revision: Int64, folders: Set<String>)>((-2, []))

    func contains(_ folder: String, in box: PlaybackCatalog.Box) -> Bool {
        let snap = box.value
        if let hit = cache.withLock({ $0.revision == snap.revision ? $0.folders : nil }) { return hit.contains(folder) }
        var folders = Set<String>()
        for (pair, version) in snap.live {
            let parts = pair.split(separator: "\u{0}", maxSplits: 1)
            guard parts.count == 2, snap.channels[String(parts[1])]?.signsURLs == true,
                  let v = snap.versions[String(parts[0])]?[version] else { continue }
            folders.insert(v.path)
        }
        cache.withLock { $0 = (snap.revision, folders) }
        return folders.contains(folder)
    }
}

/// `POST /v1/admin/sessions/{sid}/revoke` (operator): the session's signed URLs and key fetches
/// are refused from now on (403).
struct SessionRevokeRoutes {
    let keys: any KeyStore
    let sessions: AdSessions
    let service: CatalogService

    func register(on router: Router<ServerContext>) {
        let admin = router.group("/v1/admin").add(middleware: AuthMiddleware(service: service))
        admin.post("sessions/:sid/revoke") { _, c in
            try c.require(.operateAds)
            let sid = try c.parameters.require("sid")
            guard PlaybackSession.isWellFormed(sid), try await sessions.lookup(sid) != nil else {
                throw ShowrunnerError.notFound("session", String(sid.prefix(40)))
            }
            let changed = try await keys.revokeSession(sid, at: service.clock.now(), actor: c.actor)
            sessions.markRevoked(sid)
            struct Body: Encodable { var session: String; var revoked: Bool; var changed: Bool }
            return try JSON.response(Body(session: sid, revoked: true, changed: changed))
        }
    }
}
