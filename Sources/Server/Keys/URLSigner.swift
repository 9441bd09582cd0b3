import Crypto
import FoundationEssentials
import MediaCore
public import Showrunner
import Synchronization

#if canImport(Glibc)
import Glibc
#endif
// `struct stat` may be attributed to CNIOLinux in a whole-module build (see MediaOpenFile.swift).
#if canImport(CNIOLinux)
import CNIOLinux
#endif

/// One URL-signing secret as kept in `<db>.url-secrets`.
public struct URLSecret: Sendable, Hashable, Codable {
    /// Short id carried in each signed URL (`kid=`), so a verifier knows which secret to use.
    public var kid: String
    /// 32 random bytes, base64.
    public var secret: String
    public var createdAt: Timestamp

    enum CodingKeys: String, CodingKey {
        case kid, secret
        case createdAt = "created_at"
    }
}

/// The URL-signing secrets file beside the database: JSON `[{"kid", "secret", "created_at"}]`,
/// mode 0600, newest last. Made on first use; `rotate` adds one and keeps the newest two, so URLs
/// signed with the previous secret keep working during the swap.
public enum URLSecrets {
    public static func load(path: String) throws(ShowrunnerError) -> [URLSecret] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ShowrunnerError(.storage, "cannot read the URL secrets file \(path)")
        }
        guard let secrets = try? JSONDecoder().decode([URLSecret].self, from: data), !secrets.isEmpty,
              secrets.allSatisfy({ Data(base64Encoded: $0.secret)?.count == 32 && !$0.kid.isEmpty }) else {
            throw ShowrunnerError(.storage, "\(path) is not a URL secrets file (a JSON list of {kid, secret (base64 of 32 bytes), created_at}); move it away to make a new one")
        }
        return secrets
    }

    /// The secrets at `path`, made (one secret, 0600) when the file does not exist.
    public static func loadOrCreate(path: String, now: Timestamp) throws(ShowrunnerError) -> [URLSecret] {
        if FileManager.default.fileExists(atPath: path) { return try load(path: path) }
        let first = [newSecret(now: now)]
        try save(first, to: path)
        return first
    }

    /// Adds a new secret (used for signing from now on) and keeps only the newest two. Returns it.
    @discardableResult
    public static func rotate(path: String, now: Timestamp) throws(ShowrunnerError) -> URLSecret {
        var secrets = FileManager.default.fileExists(atPath: path) ? try load(path: path) : []
        let fresh = newSecret(now: now)
        secrets.append(fresh)
        try save(Array(secrets.suffix(2)), to: path)
        return fresh
    }

    static func newSecret(now: Timestamp) -> URLSecret {
        var g = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &g) }
        let kid = Hex.encode((0..<4).map { _ in UInt8.random(in: 0...255, using: &g) })
        return URLSecret(kid: kid, secret: Data(bytes).base64EncodedString(), createdAt: now)
    }

    /// Written to a 0600 temporary file beside `path`, synced, renamed over it.
    static func save(_ secrets: [URLSecret], to path: String) throws(ShowrunnerError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(secrets) else { throw ShowrunnerError(.storage, "cannot encode the URL secrets") }
        let tmp = path + ".tmp-\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw ShowrunnerError(.storage, "cannot create \(tmp): \(String(cString: strerror(errno)))") }
        let bytes = Array(data) + [0x0A]
        let ok = write(fd, bytes, bytes.count) == bytes.count && fchmod(fd, 0o600) == 0 && fsync(fd) == 0
        close(fd)
        guard ok, rename(tmp, path) == 0 else {
            unlink(tmp)
            throw ShowrunnerError(.storage, "cannot write the URL secrets file \(path): \(String(cString: strerror(errno)))")
        }
    }
}

/// Signs and verifies playback URLs (nginx secure_link / CloudFront style, HMAC-SHA256):
/// `?exp=<unix s>&sid=<session>&kid=<kid>&sig=<base64url HMAC(secret, "<prefix>\n<exp>\n<sid>")>`,
/// where the prefix is the directory the URL is under (`/v1/sessions/<sid>/`, `/media/<title>/<version>/`,
/// `/v1/keys/`). New URLs use the newest secret; any secret still in the file verifies. The file
/// is re-read when its modification time or size changes (checked at most every `checkInterval`).
public final class URLSigner: Sendable {
    let path: String
    let checkInterval: Duration
    private let state: Mutex<State>

    struct State {
        var secrets: [String: SymmetricKey]
        var newest: String
        var stamp: [Int64]
        var checked: ContinuousClock.Instant
    }

    public init(path: String, now: Timestamp, checkInterval: Duration = .seconds(1)) throws(ShowrunnerError) {
        self.path = path
        self.checkInterval = checkInterval
        let secrets = try URLSecrets.loadOrCreate(path: path, now: now)
        state = Mutex(Self.state(secrets, stamp: Self.stamp(path)))
    }

    static func state(_ secrets: [URLSecret], stamp: [Int64]) -> State {
        var keys: [String: SymmetricKey] = [:]
        for s in secrets { if let d = Data(base64Encoded: s.secret) { keys[s.kid] = SymmetricKey(data: d) } }
        return State(secrets: keys, newest: secrets.last?.kid ?? "", stamp: stamp, checked: .now)
    }

    /// mtime (ns), size and inode of the file: a rename over it or an edit changes one of them.
    static func stamp(_ path: String) -> [Int64] {
        var st = stat()
        guard stat(path, &st) == 0 else { return [] }
        return [Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec), Int64(st.st_size), Int64(st.st_ino)]
    }

    /// Re-reads the file if it changed (a failed read keeps the secrets in hand).
    private func current() -> (secrets: [String: SymmetricKey], newest: String) {
        let due = state.withLock { s in ContinuousClock.now - s.checked >= checkInterval }
        if due {
            let stamp = Self.stamp(path)
            let changed = state.withLock { s in
                s.checked = .now
                return stamp != s.stamp
            }
            if changed, let secrets = try? URLSecrets.load(path: path) {
                state.withLock { s in s = Self.state(secrets, stamp: stamp) }
            }
        }
        return state.withLock { ($0.secrets, $0.newest) }
    }

    static func message(prefix: String, exp: Int64, sid: String) -> Data { Data("\(prefix)\n\(exp)\n\(sid)".utf8) }

    /// The query (without `?`) that signs every URL under `prefix` for session `sid` until `exp`.
    public func query(prefix: String, exp: Int64, sid: String) -> String {
        let (secrets, kid) = current()
        guard let key = secrets[kid] else { return "" }
        let mac = HMAC<Crypto.SHA256>.authenticationCode(for: Self.message(prefix: prefix, exp: exp, sid: sid), using: key)
        return "exp=\(exp)&sid=\(sid)&kid=\(kid)&sig=\(Base64URL.encode(Array(mac)))"
    }

    /// Why a URL was refused.
    public enum Refusal: Error, Sendable, Equatable {
        /// No token, a malformed one, an unknown kid, a bad signature (tampered, or made for
        /// another path prefix), or a token of another session: 403.
        case forbidden(String)
        /// A genuine token past its expiry: 410.
        case expired

        public var error: ShowrunnerError {
            switch self {
            case .forbidden(let why): return ShowrunnerError(.forbidden, "signed URL refused: \(why)", field: "sig")
            case .expired: return ShowrunnerError(.expired, "signed URL has expired", field: "exp")
            }
        }
    }

    /// Checks the token in `query` for a request under `prefix`. `session`: the session the path
    /// names (the token's `sid` must be it). Returns the token's session.
    public func verify(prefix: String, query: [String: String], session: String?, now: Timestamp) -> Result<String, Refusal> {
        guard let expText = query["exp"], let sid = query["sid"], let kid = query["kid"], let sigText = query["sig"] else {
            return .failure(.forbidden("a signed URL (exp, sid, kid, sig) is required on this channel"))
        }
        guard !expText.isEmpty, expText.utf8.count <= 18, expText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let exp = Int64(expText) else {
            return .failure(.forbidden("exp is not a time"))
        }
        guard PlaybackSession.isWellFormed(sid) else { return .failure(.forbidden("sid is not a session id")) }
        if let session, session != sid { return .failure(.forbidden("the token is for another session")) }
        let (secrets, _) = current()
        guard let key = secrets[kid] else { return .failure(.forbidden("unknown kid (the secret was rotated out)")) }
        guard let sig = Base64URL.decode(sigText), sig.count == 32,
              HMAC<Crypto.SHA256>.isValidAuthenticationCode(sig, authenticating: Self.message(prefix: prefix, exp: exp, sid: sid), using: key) else {
            return .failure(.forbidden("bad signature (tampered, or made for another path)"))
        }
        guard exp * 1000 > now.milliseconds else { return .failure(.expired) }
        return .success(sid)
    }
}

/// Base64 with the URL alphabet (`-`, `_`) and no padding.
enum Base64URL {
    static func encode(_ bytes: [UInt8]) -> String {
        var s = Data(bytes).base64EncodedString()
        s = s.replacing("+", with: "-").replacing("/", with: "_")
        while s.hasSuffix("=") { s.removeLast() }
        return s
    }

    static func decode(_ text: String) -> [UInt8]? {
        guard text.utf8.count <= 128, text.utf8.allSatisfy({ b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D || b == 0x5F
        }) else { return nil }
        var s = text.replacing("-", with: "+").replacing("_", with: "/")
        while s.utf8.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s).map(Array.init)
    }
}
