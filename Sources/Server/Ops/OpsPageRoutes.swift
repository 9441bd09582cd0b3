import FoundationEssentials
import HTTPTypes
import Hummingbird
import NIOCore
import Showrunner
import Synchronization

/// The operator web page, `/ops`: server-rendered HTML signed in with an `operator` or `viewer`
/// token — an `Authorization: Bearer` header, or the sign-in form, which sets an HttpOnly,
/// SameSite=Strict session cookie (sessions live in memory for 12 hours; the token is checked
/// again on every request, so revoking it signs its sessions out).
///
/// - `GET /ops?channel=&day=` the dashboard; `GET /ops/sessions/{sid}` a replay;
/// - `GET /ops/export/{slots|boot|pacing|reach|sessions}.csv?channel=&day=`;
/// - `GET /ops/sessions/{sid}/{decisions|events}.csv`;
/// - `GET|POST /ops/sign-in`, `POST /ops/sign-out`.
struct OpsPageRoutes {
    let data: OpsData
    let catalog: PlaybackCatalog
    let service: CatalogService
    let clock: any WallClock
    let sessions: AdSessions?
    let signIns = OpsSignIns()
    static let cookie = "sr_ops"

    func register(on router: Router<ServerContext>) {
        router.get("/ops") { request, _ in
            try await self.page(request) { actor in
                let q = request.uri.queryParameters
                let d = try await data.dashboard(channel: q["channel"].map(String.init), day: q["day"].map(String.init),
                                                 snapshot: catalog.snapshot.value, now: clock.now(), actor: actor)
                return Self.html(OpsPage.dashboard(d))
            }
        }
        router.get("/ops/sign-in") { request, _ in
            Self.html(OpsPage.signIn(error: nil, next: request.uri.queryParameters["next"].map(String.init) ?? "/ops"))
        }
        router.post("/ops/sign-in") { request, _ in try await self.signIn(request) }
        router.post("/ops/sign-out") { request, _ in
            if let id = Self.cookieValue(request) { signIns.remove(id) }
            var r = Self.redirect("/ops/sign-in")
            r.headers[.setCookie] = "\(Self.cookie)=; Path=/ops; Max-Age=0; HttpOnly; SameSite=Strict"
            return r
        }
        router.get("/ops/sessions/:sid") { request, context in
            try await self.page(request) { _ in
                let replay = try await self.replay(try context.parameters.require("sid"))
                return Self.html(OpsPage.replay(OpsSessionReplay(
                    session: replay.session, breaks: replay.breaks, events: replay.events,
                    playlists: replay.playlists.map { OpsPlaylist(rendition: $0.rendition, text: $0.text) })))
            }
        }
        router.get("/ops/sessions/:sid/:file") { request, context in
            try await self.page(request) { _ in
                let replay = try await self.replay(try context.parameters.require("sid"))
                switch try context.parameters.require("file") {
                case "decisions.csv": return Self.csv(OpsCSV.decisions(replay.breaks))
                case "events.csv": return Self.csv(OpsCSV.events(replay.events))
                case let other: throw ShowrunnerError.notFound("export", other)
                }
            }
        }
        router.get("/ops/export/:file") { request, context in
            try await self.page(request) { actor in
                let q = request.uri.queryParameters
                let d = try await data.dashboard(channel: q["channel"].map(String.init), day: q["day"].map(String.init),
                                                 snapshot: catalog.snapshot.value, now: clock.now(), actor: actor, sessionLimit: 10_000)
                switch try context.parameters.require("file") {
                case "slots.csv": return Self.csv(OpsCSV.slots(d.slots))
                case "boot.csv": return Self.csv(OpsCSV.boot(d.boot))
                case "pacing.csv": return Self.csv(OpsCSV.pacing(d.pacing))
                case "reach.csv": return Self.csv(OpsCSV.reach(d.reach))
                case "sessions.csv": return Self.csv(OpsCSV.sessions(d.sessions))
                case let other: throw ShowrunnerError.notFound("export", other)
                }
            }
        }
    }

    func replay(_ sid: String) async throws(ShowrunnerError) -> Auditor.Replay {
        if let sessions { return try await data.auditor.replay(sid, sessions: sessions) }
        return try await data.auditor.replay(sid)
    }

    // MARK: Signing in

    /// Runs `body` for a signed-in operator or viewer; anyone else is sent to the sign-in form
    /// (a bad bearer header is a 401, a signed-in editor a 403).
    func page(_ request: Request, _ body: (String) async throws -> Response) async throws -> Response {
        var token: APIToken?
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer",
                  let t = try await service.authenticate(bearer: String(parts[1])) else {
                throw ShowrunnerError(.unauthorized, "the bearer token is not valid (unknown or revoked)")
            }
            token = t
        } else if let id = Self.cookieValue(request), let bearer = signIns.bearer(id, now: clock.now()) {
            token = try await service.authenticate(bearer: bearer)
        }
        guard let token else {
            let next = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            return Self.redirect("/ops/sign-in?next=" + OpsFormat.urlComponent(OpsPage.safeNext(next)))
        }
        guard token.role.may(.audit) else {
            throw ShowrunnerError(.forbidden, "role '\(token.role.rawValue)' may not open the ops pages (operator or viewer)", field: "role")
        }
        return try await body("token:" + token.name)
    }

    func signIn(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 16 * 1024)
        let form = Self.form(String(buffer: body))
        let next = OpsPage.safeNext(form["next"] ?? "/ops")
        guard let bearer = form["token"], !bearer.isEmpty, let token = try await service.authenticate(bearer: bearer) else {
            return Self.html(OpsPage.signIn(error: "That token is not valid (unknown or revoked).", next: next), status: .unauthorized)
        }
        guard token.role.may(.audit) else {
            return Self.html(OpsPage.signIn(error: "A \(token.role.rawValue) token cannot open the ops pages; use an operator or viewer token.",
                                            next: next), status: .forbidden)
        }
        let id = signIns.add(bearer: bearer, now: clock.now())
        let secure = request.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https" ? "; Secure" : ""
        var r = Self.redirect(next)
        r.headers[.setCookie] = "\(Self.cookie)=\(id); Path=/ops; Max-Age=43200; HttpOnly; SameSite=Strict\(secure)"
        return r
    }

    // MARK: HTTP helpers

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [
            .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
            .contentSecurityPolicy: OpsAssets.contentSecurityPolicy + "; frame-ancestors 'none'",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff", HTTPField.Name("Referrer-Policy")!: "same-origin",
        ], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func csv(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    static func cookieValue(_ request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for part in header.split(separator: ";") {
                let kv = part.drop(while: { $0 == " " }).split(separator: "=", maxSplits: 1)
                if kv.count == 2, kv[0] == cookie { return String(kv[1]) }
            }
        }
        return nil
    }

    /// `application/x-www-form-urlencoded` fields (the last of a repeated name wins).
    static func form(_ body: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = percentDecoded(kv[0]) else { continue }
            out[name] = kv.count > 1 ? percentDecoded(kv[1]) : ""
        }
        return out
    }

    static func percentDecoded(_ s: Substring) -> String? {
        var bytes: [UInt8] = []
        var u = s.utf8.makeIterator()
        while let c = u.next() {
            switch c {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let h = u.next(), let l = u.next(), let v = UInt8(String(decoding: [h, l], as: UTF8.self), radix: 16) else { return nil }
                bytes.append(v)
            default: bytes.append(c)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}

/// Signed-in ops browsers: a random cookie id → the bearer token it signed in with, for 12 hours.
final class OpsSignIns: Sendable {
    private let entries = Mutex<[String: (bearer: String, expires: Int64)]>([:])
    static let lifetimeMS: Int64 = 12 * 3_600_000

    func add(bearer: String, now: Timestamp) -> String {
        var g = SystemRandomNumberGenerator()
        let id = (0..<4).map { _ in String(g.next() as UInt64, radix: 16) }.joined(separator: "-")
        entries.withLock { m in
            if m.count > 10_000 { m = m.filter { $0.value.expires > now.milliseconds } }
            m[id] = (bearer, now.milliseconds + Self.lifetimeMS)
        }
        return id
    }

    func bearer(_ id: String, now: Timestamp) -> String? {
        entries.withLock { m in
            guard let e = m[id] else { return nil }
            guard e.expires > now.milliseconds else {
                m[id] = nil
                return nil
            }
            return e.bearer
        }
    }

    func remove(_ id: String) { _ = entries.withLock { $0.removeValue(forKey: id) } }
}
