import Hummingbird
import Prometheus
import Showrunner
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Prometheus metrics, recorded straight into Prometheus collectors (no swift-metrics bridge:
/// Hummingbird's generic MetricsMiddleware cost a quarter of the master-playlist route's
/// throughput here): requests by route, method and status, their latency histograms, requests in
/// flight, and publish counts.
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let recorders = Mutex<[RouteKey: Recorder]>([:])
    let inFlight: Gauge

    static let buckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
    ]

    struct RouteKey: Hashable {
        var route: String
        var method: HTTPRequest.Method
        var status: Int
    }

    struct Recorder: Sendable {
        var count: Counter
        var duration: DurationHistogram
    }

    init() {
        inFlight = registry.makeGauge(descriptor: MetricNameDescriptor(metricName: "http_requests_in_flight", unitName: "", helpText: "HTTP requests being handled"))
    }

    /// The counter and histogram of one route × method × status (made on first use).
    func recorder(route: String, method: HTTPRequest.Method, status: Int) -> Recorder {
        let key = RouteKey(route: route, method: method, status: status)
        if let r = recorders.withLock({ $0[key] }) { return r }
        let labels = [("route", route), ("method", method.rawValue), ("status", String(status))]
        let r = Recorder(
            count: registry.makeCounter(
                descriptor: MetricNameDescriptor(metricName: "http_requests", unitName: "total", helpText: "HTTP requests by route, method and status"),
                labels: labels),
            duration: registry.makeDurationHistogram(
                descriptor: MetricNameDescriptor(metricName: "http_request_duration", unitName: "seconds",
                                                 helpText: "Time to produce the response head, by route, method and status"),
                labels: labels, buckets: Self.buckets))
        recorders.withLock { $0[key] = r }
        return r
    }

    /// Counts a publish, unpublish or rollback made through the API.
    func published(_ r: CatalogService.PublishResult) {
        let action = r.version == nil ? "unpublish" : "publish"
        registry.makeCounter(
            descriptor: MetricNameDescriptor(namespace: "showrunner", metricName: "publications", unitName: "total",
                                             helpText: "Publishes, unpublishes and rollbacks made through the API"),
            labels: [("action", action), ("changed", r.changed ? "true" : "false")]).increment()
    }

    /// The exposition text.
    func text() -> [UInt8] { registry.emitToBuffer() }
}

/// Records every request in `ServerMetrics`, labelled by the matched route pattern (unmatched:
/// `unknown`), so URLs with ids do not explode the label space.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = Self.now()
        metrics.inFlight.increment()
        defer { metrics.inFlight.decrement() }
        do {
            let response = try await next(request, context)
            record(request, context, status: response.status.code, start: start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            record(request, context, status: status, start: start)
            throw error
        }
    }

    private func record(_ request: Request, _ context: Context, status: Int, start: Int64) {
        let r = metrics.recorder(route: context.endpointPath ?? "unknown", method: request.method, status: status)
        r.count.increment()
        r.duration.recordNanoseconds(Self.now() - start)
    }

    static func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}
