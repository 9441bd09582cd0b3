import Hummingbird
import FoundationEssentials
import Logging
import Showrunner

/// The JSON error every route returns: `{"error": {"code": "...", "message": "...", "field": "..."}}`
/// with the status mapped from the domain code (the only place domain errors become HTTP).
struct APIError: HTTPResponseError {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    var field: String?
    var headers: HTTPFields = [:]

    init(status: HTTPResponse.Status, code: String, message: String, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
    }

    init(_ e: ShowrunnerError) {
        let status: HTTPResponse.Status
        switch e.code {
        case .notFound: status = .notFound
        case .invalid: status = .badRequest
        case .conflict: status = .conflict
        case .unauthorized: status = .unauthorized
        case .forbidden, .unavailable: status = .forbidden
        case .tooLarge: status = .contentTooLarge
        case .expired: status = .gone
        case .storage, .media: status = .serviceUnavailable
        default: status = .internalServerError
        }
        self.init(status: status, code: e.code.rawValue, message: e.message, field: e.field)
        if e.code == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
    }

    private struct Body: Encodable {
        struct Inner: Encodable {
            var code: String
            var message: String
            var field: String?
        }
        var error: Inner
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = (try? JSON.encoder.encode(Body(error: .init(code: code, message: message, field: field)))) ?? Data("{}".utf8)
        var h = headers
        h[.contentType] = "application/json; charset=utf-8"
        h[.cacheControl] = "no-store"
        return Response(status: status, headers: h, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Turns every error a route throws into an `APIError`: domain errors by their code, Hummingbird's
/// own errors (404 for unknown routes, 413 for big bodies) by their status.
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let e as ShowrunnerError {
            throw APIError(e)
        } catch let e as APIError {
            throw e
        } catch let e as HTTPError {
            let code: String
            var message = e.body ?? e.status.reasonPhrase
            switch e.status {
            case .notFound:
                code = ShowrunnerError.Code.notFound.rawValue
                message = "no route for \(request.method) \(request.uri.path)"
            case .contentTooLarge: code = ShowrunnerError.Code.tooLarge.rawValue; message = "request body is larger than 1 MiB"
            case .badRequest: code = ShowrunnerError.Code.invalid.rawValue
            case .methodNotAllowed: code = "method_not_allowed"
            default: code = "http_\(e.status.code)"
            }
            throw APIError(status: e.status, code: code, message: message)
        } catch let e as any HTTPResponseError {
            throw e
        } catch {
            context.logger.error("unhandled error: \(error)")
            throw APIError(status: .internalServerError, code: "internal", message: "internal error")
        }
    }
}

/// JSON coding shared by the routes.
enum JSON {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    /// A 200 (or `status`) JSON response.
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Decodes a request body (at most 1 MiB), naming the field at fault on error.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: ServerContext) async throws -> T {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: context.maxUploadSize)
        } catch let e as HTTPError where e.status == .contentTooLarge {
            throw ShowrunnerError(.tooLarge, "request body is larger than 1 MiB")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let DecodingError.keyNotFound(key, ctx) {
            throw ShowrunnerError.invalid(path(ctx.codingPath + [key]), "is required")
        } catch let DecodingError.valueNotFound(_, ctx) {
            throw ShowrunnerError.invalid(path(ctx.codingPath), "must not be null")
        } catch let DecodingError.typeMismatch(type, ctx) {
            throw ShowrunnerError.invalid(path(ctx.codingPath), "expected \(typeName(type))")
        } catch let DecodingError.dataCorrupted(ctx) {
            if ctx.codingPath.isEmpty { throw ShowrunnerError.invalid("body", "is not valid JSON") }
            throw ShowrunnerError.invalid(path(ctx.codingPath), ctx.debugDescription)
        } catch {
            throw ShowrunnerError.invalid("body", "is not valid JSON")
        }
    }

    static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }

    static func typeName(_ t: Any.Type) -> String {
        switch t {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type: return "an integer"
        case is Bool.Type: return "true or false"
        default: return "a \(t)"
        }
    }
}
