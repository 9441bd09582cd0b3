import CoreMetrics
import Hummingbird
import Metrics
import Prometheus
import Showrunner
import Synchronization

/// Prometheus metrics: Hummingbird's request counters and latency histograms (by route, method
/// and status) under Prometheus names, plus publish counts. One registry per process (swift-metrics
/// is bootstrapped once).
final class ServerMetrics: Sendable {
    let registry: PrometheusCollectorRegistry

    static let shared: ServerMetrics = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
        ]
        factory.nameAndLabelSanitizer = { name, labels in
            let names = [
                "hb.requests": "http_requests_total", "hb.request.errors": "http_request_errors_total",
                "http.server.request.duration": "http_request_duration_seconds", "http.server.active_requests": "http_active_requests",
            ]
            let labelNames = ["http.route": "route", "http.request.method": "method", "http.response.status_code": "status"]
            func clean(_ s: String) -> String { String(s.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" }) }
            return (names[name] ?? clean(name), labels.map { (labelNames[$0.0] ?? clean($0.0), $0.1) })
        }
        MetricsSystem.bootstrap(factory)
        return ServerMetrics(registry: registry)
    }()

    private init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
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
