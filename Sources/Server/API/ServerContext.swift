public import Hummingbird
public import Showrunner

/// The request context of every route: Hummingbird's core storage plus who is calling (set by
/// `AuthMiddleware` on admin routes).
public struct ServerContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The token that authenticated this request (admin routes only).
    public var identity: APIToken?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }

    /// Request bodies over 1 MiB are refused with 413.
    public var maxUploadSize: Int { 1 << 20 }

    /// The caller's name for the change log.
    var actor: String { identity.map { "token:\($0.name)" } ?? "anonymous" }

    /// Throws 403 unless the caller's role may do `action`.
    func require(_ action: Role.Action) throws(ShowrunnerError) {
        guard let identity else { throw ShowrunnerError(.unauthorized, "a bearer token is required") }
        guard identity.role.may(action) else {
            throw ShowrunnerError(.forbidden, "role '\(identity.role.rawValue)' may not \(action.rawValue.split(separator: "_").joined(separator: " "))", field: "role")
        }
    }
}
