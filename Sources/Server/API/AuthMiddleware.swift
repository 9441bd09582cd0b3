import Hummingbird
import Showrunner

/// Admin routes need `Authorization: Bearer <token>`: a missing, malformed, unknown or revoked
/// token is 401; the role check is per route (`ServerContext.require`).
struct AuthMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let service: CatalogService

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw ShowrunnerError(.unauthorized, "a bearer token is required (Authorization: Bearer <token>)")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw ShowrunnerError(.unauthorized, "the Authorization header must be 'Bearer <token>'")
        }
        guard let token = try await service.authenticate(bearer: String(parts[1])) else {
            throw ShowrunnerError(.unauthorized, "the bearer token is not valid (unknown or revoked)")
        }
        var context = context
        context.identity = token
        return try await next(request, context)
    }
}
