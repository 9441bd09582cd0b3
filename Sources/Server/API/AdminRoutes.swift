import FoundationEssentials
import Hummingbird
import Showrunner
import Store

/// `/v1/admin/...`: everything the CLI does, JSON in and out, through the same `CatalogService`
/// calls. Reads need any role; catalog and publishing changes need `editor`.
struct AdminRoutes {
    let service: CatalogService
    let library: MediaLibrary
    let catalog: PlaybackCatalog
    let metrics: ServerMetrics

    func register(on router: Router<ServerContext>) {
        let admin = router.group("/v1/admin").add(middleware: AuthMiddleware(service: service))

        // Brands
        admin.get("brands") { _, c in try c.require(.read); return try JSON.response(["brands": try await service.store.brands()]) }
        admin.get("brands/:id") { _, c in try c.require(.read); return try JSON.response(try await service.brand(try c.parameters.require("id"))) }
        admin.post("brands") { r, c in
            try c.require(.editCatalog)
            return try JSON.response(try await service.addBrand(try await JSON.decode(Brand.self, from: r, context: c), actor: c.actor))
        }
        admin.put("brands/:id") { r, c in
            try c.require(.editCatalog)
            var b = try await JSON.decode(Brand.self, from: r, context: c)
            b.id = try c.parameters.require("id")
            return try JSON.response(try await service.putBrand(b, actor: c.actor))
        }
        admin.delete("brands/:id") { _, c in
            try c.require(.editCatalog)
            try await service.deleteBrand(try c.parameters.require("id"), actor: c.actor)
            return try JSON.response(["deleted": try c.parameters.require("id")])
        }

        // Series and seasons
        admin.get("series") { _, c in try c.require(.read); return try JSON.response(["series": try await service.store.series()]) }
        admin.post("series") { r, c in
            try c.require(.editCatalog)
            return try JSON.response(try await service.addSeries(try await JSON.decode(Series.self, from: r, context: c), actor: c.actor))
        }
        admin.get("series/:id/seasons") { _, c in
            try c.require(.read)
            let id = try c.parameters.require("id")
            guard try await service.store.series().contains(where: { $0.id == id }) else { throw ShowrunnerError.notFound("series", id) }
            return try JSON.response(["seasons": try await service.store.seasons(series: id)])
        }
        admin.post("series/:id/seasons") { r, c in
            try c.require(.editCatalog)
            struct Body: Decodable { var number: Int; var name: String? }
            let b = try await JSON.decode(Body.self, from: r, context: c)
            let s = Season(series: try c.parameters.require("id"), number: b.number, name: b.name)
            return try JSON.response(try await service.addSeason(s, actor: c.actor))
        }

        // Titles and versions
        admin.get("titles") { _, c in try c.require(.read); return try JSON.response(["titles": try await service.store.titles()]) }
        admin.get("titles/:id") { _, c in try c.require(.read); return try JSON.response(try await service.title(try c.parameters.require("id"))) }
        admin.post("episodes") { r, c in
            try c.require(.editCatalog)
            return try JSON.response(try await service.addEpisode(try await JSON.decode(CatalogService.NewEpisode.self, from: r, context: c), actor: c.actor))
        }
        admin.post("films") { r, c in
            try c.require(.editCatalog)
            return try JSON.response(try await service.addFilm(try await JSON.decode(CatalogService.NewFilm.self, from: r, context: c), actor: c.actor))
        }
        admin.get("titles/:id/versions") { _, c in
            try c.require(.read)
            return try JSON.response(["versions": try await service.versions(title: try c.parameters.require("id"))])
        }
        admin.post("titles/:id/versions") { r, c in
            try c.require(.editCatalog)
            struct Body: Decodable { var package: String; var version: String? }
            let b = try await JSON.decode(Body.self, from: r, context: c)
            let folder = try MediaPaths.resolve(b.package, under: library.root, field: "package")
            let v = try await library.register(package: folder, title: try c.parameters.require("id"), version: b.version,
                                               service: service, actor: c.actor)
            return try JSON.response(v)
        }

        // Channels
        admin.get("channels") { _, c in try c.require(.read); return try JSON.response(["channels": try await service.store.channels()]) }
        admin.get("channels/:id") { _, c in try c.require(.read); return try JSON.response(try await service.channel(try c.parameters.require("id"))) }
        admin.post("channels") { r, c in
            try c.require(.editCatalog)
            return try JSON.response(try await service.addChannel(try await JSON.decode(Channel.self, from: r, context: c), actor: c.actor))
        }
        admin.put("channels/:id") { r, c in
            try c.require(.editCatalog)
            var ch = try await JSON.decode(Channel.self, from: r, context: c)
            ch.id = try c.parameters.require("id")
            return try JSON.response(try await service.putChannel(ch, actor: c.actor))
        }

        // Rights windows
        admin.get("windows") { r, c in
            try c.require(.read)
            let q = r.uri.queryParameters
            return try JSON.response(["windows": try await service.store.windows(title: q["title"].map(String.init), channel: q["channel"].map(String.init))])
        }
        admin.post("windows") { r, c in
            try c.require(.publish)
            return try JSON.response(try await service.addWindow(try await JSON.decode(CatalogService.NewWindow.self, from: r, context: c), actor: c.actor))
        }
        admin.delete("windows/:id") { _, c in
            try c.require(.publish)
            let text = try c.parameters.require("id")
            guard let id = Int64(text) else { throw ShowrunnerError.invalid("id", "'\(text)' is not a window number") }
            try await service.deleteWindow(id, actor: c.actor)
            return try JSON.response(["deleted": id])
        }

        // Publishing
        admin.get("publications") { r, c in
            try c.require(.read)
            let q = r.uri.queryParameters
            return try JSON.response(["publications": try await service.store.publications(title: q["title"].map(String.init), channel: q["channel"].map(String.init))])
        }
        admin.post("publish") { r, c in
            try c.require(.publish)
            let result = try await service.publish(try await JSON.decode(CatalogService.PublishRequest.self, from: r, context: c), actor: c.actor)
            try await catalog.refresh()
            metrics.published(result)
            return try JSON.response(result)
        }
        admin.post("unpublish") { r, c in
            try c.require(.publish)
            let result = try await service.unpublish(try await JSON.decode(CatalogService.PairRequest.self, from: r, context: c), actor: c.actor)
            try await catalog.refresh()
            metrics.published(result)
            return try JSON.response(result)
        }
        admin.post("rollback") { r, c in
            try c.require(.publish)
            let result = try await service.rollback(try await JSON.decode(CatalogService.PairRequest.self, from: r, context: c), actor: c.actor)
            try await catalog.refresh()
            metrics.published(result)
            return try JSON.response(result)
        }

        // Change log
        admin.get("changes") { r, c in
            try c.require(.read)
            let q = r.uri.queryParameters
            let after = try q["after"].map { text throws(ShowrunnerError) -> Int64 in
                guard let n = Int64(text), n >= 0 else { throw ShowrunnerError.invalid("after", "'\(text)' is not a sequence number") }
                return n
            } ?? 0
            let limit = try q["limit"].map { text throws(ShowrunnerError) -> Int in
                guard let n = Int(text), (1...1000).contains(n) else { throw ShowrunnerError.invalid("limit", "'\(text)' is not between 1 and 1000") }
                return n
            } ?? 100
            return try JSON.response(["changes": try await service.store.changes(after: after, limit: limit)])
        }
    }
}

/// Turning user-supplied paths into files inside the media root, never outside it.
enum MediaPaths {
    /// `path` relative to `root` (or absolute inside it), normalized; `..`, NUL and anything that
    /// leaves the root are refused.
    static func resolve(_ path: String, under root: String, field: String) throws(ShowrunnerError) -> String {
        guard !path.isEmpty, !path.utf8.contains(0), !path.contains("\\") else {
            throw ShowrunnerError.invalid(field, "is not a usable path")
        }
        let parts = path.split(separator: "/")
        guard !parts.contains("..") else { throw ShowrunnerError.invalid(field, "must not contain '..'") }
        let full = path.hasPrefix("/") ? MediaLibrary.absolute(path) : MediaLibrary.absolute(root + "/" + path)
        guard full.hasPrefix(root + "/") else {
            throw ShowrunnerError.invalid(field, "must be a folder inside the media root")
        }
        return full
    }
}
