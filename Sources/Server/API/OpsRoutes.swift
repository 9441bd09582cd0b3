import Hummingbird
import Showrunner

/// `/healthz` and `/metrics`.
struct OpsRoutes {
    let catalog: PlaybackCatalog
    let metrics: ServerMetrics

    func register(on router: Router<ServerContext>) {
        router.get("/healthz") { _, _ in
            struct Health: Encodable { var status: String; var revision: Int64 }
            return try JSON.response(Health(status: "ok", revision: catalog.snapshot.value.revision))
        }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                     body: .init(byteBuffer: ByteBuffer(bytes: metrics.text())))
        }
    }
}
