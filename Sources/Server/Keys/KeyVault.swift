import Crypto
import FoundationEssentials
import MediaCore
public import Showrunner

#if canImport(Glibc)
import Glibc
#endif
// `struct stat` may be attributed to CNIOLinux in a whole-module build (see MediaOpenFile.swift).
#if canImport(CNIOLinux)
import CNIOLinux
#endif

/// The master key: 32 bytes that wrap every content key at rest. Read from a file (env
/// `SHOWRUNNER_MASTER_KEY_FILE` or `--master-key-file`) holding 64 hex digits (and an optional
/// newline) or 32 raw bytes; a file others may read is refused. Never logged, never stored.
public struct MasterKey: Sendable {
    let key: SymmetricKey

    /// The environment variable naming the master key file.
    public static let environmentVariable = "SHOWRUNNER_MASTER_KEY_FILE"

    public init(bytes: [UInt8]) throws(ShowrunnerError) {
        guard bytes.count == 32 else { throw ShowrunnerError.invalid("master_key", "must be 32 bytes, not \(bytes.count)") }
        key = SymmetricKey(data: bytes)
    }

    /// Loads the key file at `path`: 0600 (or stricter), 64 hex digits (+ newline) or 32 raw bytes.
    public static func load(path: String) throws(ShowrunnerError) -> MasterKey {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw ShowrunnerError(.invalid, "cannot read the master key file \(path): \(String(cString: strerror(errno)))", field: "master_key")
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw ShowrunnerError(.invalid, "the master key file \(path) is not a regular file", field: "master_key")
        }
        guard st.st_mode & 0o077 == 0 else {
            let mode = String(st.st_mode & 0o777, radix: 8)
            throw ShowrunnerError(.invalid, "the master key file \(path) may be read by others (mode \(mode)); run: chmod 600 \(path)", field: "master_key")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ShowrunnerError(.invalid, "cannot read the master key file \(path)", field: "master_key")
        }
        return try parse(Array(data), path: path)
    }

    /// The key in a file's bytes: 32 raw bytes, or 64 hex digits with an optional trailing newline.
    static func parse(_ bytes: [UInt8], path: String) throws(ShowrunnerError) -> MasterKey {
        if bytes.count == 32 { return try MasterKey(bytes: bytes) }
        var text = bytes
        if text.last == 0x0A { text.removeLast() }
        if text.last == 0x0D { text.removeLast() }
        guard text.count == 64, let raw = Hex.decode(String(decoding: text, as: UTF8.self)), raw.count == 32 else {
            throw ShowrunnerError(.invalid, "the master key file \(path) must hold 64 hex digits (or 32 raw bytes); make one with: showrunner keys init --out FILE", field: "master_key")
        }
        return try MasterKey(bytes: raw)
    }

    /// Makes a new random key file at `path` (mode 0600, 64 hex digits and a newline); refuses
    /// to overwrite an existing file.
    public static func create(path: String) throws(ShowrunnerError) {
        var g = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &g) }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            let why = errno == EEXIST ? "it already exists (a master key is never overwritten: its content keys would be lost)" : String(cString: strerror(errno))
            throw ShowrunnerError(.conflict, "cannot create \(path): \(why)", field: "out")
        }
        defer { close(fd) }
        let text = Array((Hex.encode(bytes) + "\n").utf8)
        guard write(fd, text, text.count) == text.count, fchmod(fd, 0o600) == 0, fsync(fd) == 0 else {
            throw ShowrunnerError(.storage, "cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}

/// Wraps and unwraps content keys with the master key: AES-256-GCM with a random 96-bit nonce
/// and the key id as associated data, so a wrapped key moved to another id does not open.
/// Wrapped form: `v1:` + base64(nonce | ciphertext | tag).
public struct KeyVault: Sendable {
    let master: MasterKey

    public init(master: MasterKey) { self.master = master }

    static let prefix = "v1:"

    public func wrap(_ key: [UInt8], id: String) throws(ShowrunnerError) -> String {
        guard key.count == 16 else { throw ShowrunnerError.invalid("key", "an AES-128 content key is 16 bytes, not \(key.count)") }
        do {
            let box = try AES.GCM.seal(key, using: master.key, nonce: AES.GCM.Nonce(), authenticating: Array(id.utf8))
            guard let combined = box.combined else { throw ShowrunnerError(.storage, "AES-GCM gave no combined form") }
            return Self.prefix + Data(combined).base64EncodedString()
        } catch let e as ShowrunnerError {
            throw e
        } catch {
            throw ShowrunnerError(.storage, "cannot wrap content key \(id): \(error)")
        }
    }

    /// The 16-byte key; `.storage` when the wrapped text is damaged, was made for another id, or
    /// under another master key (the GCM tag does not verify).
    public func unwrap(_ wrapped: String, id: String) throws(ShowrunnerError) -> [UInt8] {
        guard wrapped.hasPrefix(Self.prefix), let data = Data(base64Encoded: String(wrapped.dropFirst(Self.prefix.count))) else {
            throw ShowrunnerError(.storage, "content key \(id) is not in the wrapped form v1:<base64>")
        }
        let key: Data
        do {
            let box = try AES.GCM.SealedBox(combined: data)
            key = try AES.GCM.open(box, using: master.key, authenticating: Array(id.utf8))
        } catch {
            throw ShowrunnerError(.storage, "content key \(id) does not open with this master key (wrong master key, or the stored key was altered)")
        }
        guard key.count == 16 else { throw ShowrunnerError(.storage, "content key \(id) is \(key.count) bytes, not 16") }
        return Array(key)
    }
}
