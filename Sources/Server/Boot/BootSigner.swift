public import Crypto
import FoundationEssentials
public import Showrunner

#if canImport(Glibc)
import Glibc
#endif

/// The Ed25519 key that signs boot-screen prefetch lists. Kept in a file (raw 32-byte private key,
/// mode 0600) beside the database, made on first use; never under the media root.
public struct BootSigner: Sendable {
    public let key: Curve25519.Signing.PrivateKey
    /// Key id: the first 16 hex digits of SHA-256 of the public key.
    public let keyID: String

    public init(key: Curve25519.Signing.PrivateKey) {
        self.key = key
        self.keyID = String(SHA256.hex(Array(key.publicKey.rawRepresentation)).prefix(16))
    }

    /// Loads the key at `path`, or makes one there (0600) when the file does not exist.
    public static func loadOrCreate(path: String) throws(ShowrunnerError) -> BootSigner {
        if let data = FileManager.default.contents(atPath: path) {
            guard data.count == 32, let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: data) else {
                throw ShowrunnerError(.storage, "\(path) is not a 32-byte Ed25519 private key; move it away to make a new one")
            }
            return BootSigner(key: key)
        }
        let key = Curve25519.Signing.PrivateKey()
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw ShowrunnerError(.storage, "cannot create the boot signing key \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let bytes = Array(key.rawRepresentation)
        guard write(fd, bytes, bytes.count) == bytes.count, fsync(fd) == 0 else {
            throw ShowrunnerError(.storage, "cannot write the boot signing key \(path): \(String(cString: strerror(errno)))")
        }
        return BootSigner(key: key)
    }

    public func sign(_ bytes: [UInt8]) throws(ShowrunnerError) -> [UInt8] {
        do {
            return Array(try key.signature(for: bytes))
        } catch {
            throw ShowrunnerError(.storage, "signing failed: \(error)")
        }
    }
}
