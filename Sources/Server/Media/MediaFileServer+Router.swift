public import Hummingbird

extension RouterMethods {
    /// Mounts `server` on `GET` and `HEAD` `<path>/**`, e.g. `router.addMediaRoutes(media)` serves
    /// `/media/show/v720p/index.m3u8` from `<root>/show/v720p/index.m3u8`.
    ///
    /// The relative path handed to the server is the raw (percent-encoded) text the router's
    /// recursive wildcard captured, so nothing is decoded or normalised before validation.
    /// - Parameters:
    ///   - path: mount point (relative to this router or group), default `media`.
    ///   - immutable: tells, for a raw relative path, whether it lies inside an immutable package
    ///     version (long-lived `Cache-Control` for its segments).
    @discardableResult
    public func addMediaRoutes(
        _ server: MediaFileServer,
        at path: String = "media",
        immutable: @escaping @Sendable (_ relativePath: String) -> Bool = { _ in false }
    ) -> Self {
        var mount = Substring(path)
        while mount.hasSuffix("/") { mount = mount.dropLast() }
        let route = RouterPath(mount.isEmpty ? "**" : "\(mount)/**")
        let handler: @Sendable (Request, Context) async throws -> Response = { request, context in
            let relative = context.parameters.get(String(Parameters.recursiveCaptureKey)) ?? ""
            return try await server.response(for: relative, request: request, immutable: immutable(relative))
        }
        self.on(route, method: .get, use: handler)
        self.on(route, method: .head, use: handler)
        return self
    }
}
