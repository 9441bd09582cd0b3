import FoundationEssentials
import Hummingbird
import NIOCore
import Showrunner

/// `/v1/audit/...` (an `operator` or `viewer` token):
/// - `GET slots?from=&to=&title=&channel=&format=json|csv` — the slot audit;
/// - `GET markers?title=&channel=` — every published playlist's markers checked, with file and line;
/// - `GET sessions/{sid}` — a session replayed (its playlists rebuilt, decisions, events);
/// - `GET log` — the change log's hash chain verified.
struct AuditRoutes {
    let auditor: Auditor
    let catalog: PlaybackCatalog
    let service: CatalogService
    let clock: any WallClock
    let sessions: AdSessions?

    func register(on router: Router<ServerContext>) {
        let group = router.group("/v1/audit").add(middleware: AuthMiddleware(service: service))
        group.get("slots") { request, context in
            try context.require(.audit)
            return try await self.slots(request)
        }
        group.get("markers") { request, context in
            try context.require(.audit)
            let q = request.uri.queryParameters
            struct Body: Encodable { var publications: [Auditor.MarkerResult]; var findings: Int }
            let results = auditor.markers(title: q["title"].map(String.init), channel: q["channel"].map(String.init),
                                          snapshot: catalog.snapshot.value)
            return try JSON.response(Body(publications: results, findings: results.reduce(0) { $0 + $1.findings.count }))
        }
        group.get("sessions/:sid") { _, context in
            try context.require(.audit)
            let sid = try context.parameters.require("sid")
            if let sessions { return try JSON.response(try await auditor.replay(sid, sessions: sessions)) }
            return try JSON.response(try await auditor.replay(sid))
        }
        group.get("log") { _, context in
            try context.require(.audit)
            return try JSON.response(try await Self.verifyLog(auditor.store))
        }
    }

    /// The change log's verification result.
    struct LogCheck: Encodable {
        var entries: Int
        var intact: Bool
        var problems: [String]
    }

    static func verifyLog(_ store: any AuditSource) async throws(ShowrunnerError) -> LogCheck {
        let problems = try await store.verifyChangeLog()
        return LogCheck(entries: try await store.changeLogCount(), intact: problems.isEmpty, problems: problems)
    }

    /// The audit filter of a request: `from`/`to` (ISO 8601; default the last 7 days), `title`, `channel`.
    static func filter(_ q: [Substring: Substring], now: Timestamp) throws(ShowrunnerError) -> AuditFilter {
        let today = now.milliseconds - now.milliseconds % 86_400_000
        func time(_ name: String, _ fallback: Int64) throws(ShowrunnerError) -> Timestamp {
            guard let text = q[Substring(name)].map(String.init) else { return Timestamp(milliseconds: fallback) }
            guard let t = Timestamp(iso8601: text) else { throw ShowrunnerError.invalid(name, "'\(text.prefix(40))' is not an ISO 8601 date or time") }
            return t
        }
        let f = AuditFilter(from: try time("from", today - 7 * 86_400_000), until: try time("to", today + 86_400_000),
                            title: q["title"].map(String.init), channel: q["channel"].map(String.init))
        guard f.from < f.until else { throw ShowrunnerError.invalid("to", "must be after from") }
        return f
    }

    func slots(_ request: Request) async throws -> Response {
        let q = request.uri.queryParameters
        var params: [Substring: Substring] = [:]
        for (k, v) in q { params[k] = v }
        let filter = try Self.filter(params, now: clock.now())
        let format = q["format"].map(String.init) ?? "json"
        guard format == "json" || format == "csv" else { throw ShowrunnerError.invalid("format", "must be json or csv") }
        let report = try await auditor.slots(filter, snapshot: catalog.snapshot.value)
        guard format == "csv" else { return try JSON.response(report) }
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: report.table.csv)))
    }
}
