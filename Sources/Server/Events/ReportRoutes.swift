import FoundationEssentials
import Hummingbird
import NIOCore
import Showrunner

/// `GET /v1/reports/{views|ads|reach}?from=&to=&format=json|csv&include_flagged=1` (any token role).
struct ReportRoutes {
    let source: any ReportSource
    let service: CatalogService
    let clock: any WallClock

    func register(on router: Router<ServerContext>) {
        let group = router.group("/v1/reports").add(middleware: AuthMiddleware(service: service))
        group.get(":kind") { request, context in
            try context.require(.read)
            return try await self.report(request, kind: try context.parameters.require("kind"))
        }
    }

    func report(_ request: Request, kind: String) async throws -> Response {
        let q = request.uri.queryParameters
        let now = clock.now()
        let today = now.milliseconds - now.milliseconds % 86_400_000
        func time(_ name: String, _ fallback: Int64) throws(ShowrunnerError) -> Timestamp {
            guard let text = q[Substring(name)].map(String.init) else { return Timestamp(milliseconds: fallback) }
            guard let t = Timestamp(iso8601: text) else { throw ShowrunnerError.invalid(name, "'\(text.prefix(40))' is not an ISO 8601 date or time") }
            return t
        }
        let period = ReportPeriod(from: try time("from", today - 7 * 86_400_000), until: try time("to", today + 86_400_000))
        guard period.from < period.until else { throw ShowrunnerError.invalid("to", "must be after from") }
        let include = q["include_flagged"] == "1" || q["include_flagged"] == "true"
        let format = q["format"].map(String.init) ?? "json"
        guard format == "json" || format == "csv" else { throw ShowrunnerError.invalid("format", "must be json or csv") }
        let table: ReportTable
        let json: Response
        switch kind {
        case "views":
            let minimum = Int64(q["min_seconds"].flatMap { Int($0) } ?? 10) * 1000
            let r = try await source.viewReport(period, minimumMS: minimum, includeFlagged: include)
            (table, json) = (.views(r), try JSON.response(r))
        case "ads":
            let r = try await source.adReport(period, includeFlagged: include)
            (table, json) = (.ads(r), try JSON.response(r))
        case "reach":
            let r = try await source.reachReport(period, includeFlagged: include)
            (table, json) = (.reach(r), try JSON.response(r))
        default:
            throw ShowrunnerError.notFound("report", kind)
        }
        guard format == "csv" else { return json }
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: table.csv)))
    }
}
