import Hummingbird
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A small file held in memory, for one version (`identity`) of it. Immutable apart from the
/// gzip body, which is made the first time a client asks for it.
final class MediaCachedFile: Sendable {
    enum Gzip: Sendable {
        case notYet
        case notSmaller
        case body(ByteBuffer)
    }

    let identity: MediaFileIdentity
    let body: ByteBuffer
    let entityTag: String
    let gzipEntityTag: String
    let lastModified: String
    private let gzip = Mutex<Gzip>(.notYet)

    init(identity: MediaFileIdentity, body: ByteBuffer) {
        self.identity = identity
        self.body = body
        self.entityTag = identity.entityTag
        self.gzipEntityTag = mediaGzipEntityTag(entityTag)
        self.lastModified = MediaHTTPHeaders.httpDate(identity.mtimeSeconds)
    }

    /// The gzip body, compressed on first use; nil when gzip does not make it smaller.
    func gzipBody() -> ByteBuffer? {
        switch gzip.withLock({ $0 }) {
        case .body(let buffer): return buffer
        case .notSmaller: return nil
        case .notYet: break
        }
        // Two first requests may both compress; the result is the same.
        let compressed = MediaGzip.compress(body.readableBytesView)
        let result: Gzip = compressed.count < body.readableBytes ? .body(ByteBuffer(bytes: compressed)) : .notSmaller
        gzip.withLock { $0 = result }
        if case .body(let buffer) = result { return buffer }
        return nil
    }

    /// Bytes charged to the cache budget (room for the gzip body too).
    var cost: Int { 2 * body.readableBytes + 256 }
}

/// Small files (playlists, init segments, subtitles, sidecars) by decoded relative path. An entry
/// is used only after one `fstatat` shows the path still names the same, unchanged inode; a
/// changed file (a live playlist, every segment) replaces its own entry. Bounded by bytes and by
/// entry count; the least recently used entries go first.
final class MediaSmallFileCache: Sendable {
    private struct Slot {
        let file: MediaCachedFile
        var lastUse: UInt64
    }

    private struct State {
        var slots: [String: Slot] = [:]
        var bytes = 0
        var clock: UInt64 = 0
    }

    private let state = Mutex(State())
    let maxBytes: Int
    let maxEntries: Int

    init(maxBytes: Int, maxEntries: Int) {
        self.maxBytes = maxBytes
        self.maxEntries = maxEntries
    }

    func get(_ path: String) -> MediaCachedFile? {
        state.withLock { state in
            guard var slot = state.slots[path] else { return nil }
            state.clock += 1
            slot.lastUse = state.clock
            state.slots[path] = slot
            return slot.file
        }
    }

    func remove(_ path: String) {
        state.withLock { state in
            if let old = state.slots.removeValue(forKey: path) { state.bytes -= old.file.cost + path.utf8.count }
        }
    }

    func put(_ path: String, _ file: MediaCachedFile) {
        let cost = file.cost + path.utf8.count
        guard cost <= maxBytes, maxEntries > 0 else { return }
        state.withLock { state in
            if let old = state.slots.removeValue(forKey: path) { state.bytes -= old.file.cost + path.utf8.count }
            while !state.slots.isEmpty, state.bytes + cost > maxBytes || state.slots.count >= maxEntries {
                // O(entries) scan, only when full, only on insert (a new file or a new version).
                guard let victim = state.slots.min(by: { $0.value.lastUse < $1.value.lastUse }) else { break }
                state.slots.removeValue(forKey: victim.key)
                state.bytes -= victim.value.file.cost + victim.key.utf8.count
            }
            state.clock += 1
            state.slots[path] = Slot(file: file, lastUse: state.clock)
            state.bytes += cost
        }
    }

    var count: Int { state.withLock { $0.slots.count } }
    var totalBytes: Int { state.withLock { $0.bytes } }
}

/// The media root's directory descriptor, shared by all requests and reopened by path when older
/// than `maxAge` (so a root created or swapped later is picked up within that time). A root that
/// cannot be opened is retried (and logged) at most once per `maxAge`.
final class MediaRootDirectory: Sendable {
    private enum State {
        case unopened
        case open(MediaDirectoryHandle)
        case failed(at: UInt64)
    }

    let path: String
    let maxAgeNanoseconds: UInt64
    private let state = Mutex<State>(.unopened)

    init(path: String, maxAgeNanoseconds: UInt64 = 1_000_000_000) {
        self.path = path
        self.maxAgeNanoseconds = maxAgeNanoseconds
    }

    func current(logger: Logger) -> MediaDirectoryHandle? {
        let now = mediaMonotonicNanoseconds()
        switch state.withLock({ $0 }) {
        case .open(let handle) where now &- handle.openedAt < maxAgeNanoseconds: return handle
        case .failed(let at) where now &- at < maxAgeNanoseconds: return nil
        default: break
        }
        if let fresh = MediaDirectoryHandle(path: path, now: now) {
            state.withLock { $0 = .open(fresh) }
            return fresh
        }
        let error = errno
        state.withLock { $0 = .failed(at: now) }
        logger.error("media root cannot be opened", metadata: ["media.root": .string(path), "errno": .stringConvertible(error)])
        return nil
    }
}
