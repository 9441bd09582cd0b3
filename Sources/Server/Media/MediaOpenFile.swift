#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
// NIOPosix (imported elsewhere in this module) loads CNIOLinux, whose headers include the libc
// headers; in a whole-module build `struct stat`/`struct tm` can then be attributed to it, and
// MemberImportVisibility wants that module imported to use their fields (Hummingbird's FileIO
// does the same).
#if canImport(CNIOLinux)
import CNIOLinux
#endif

/// An open regular file below the media root, with the metadata read from the same descriptor.
///
/// The descriptor is closed in `deinit`, so whoever drops the last reference (the response body
/// after streaming, a middleware that throws the body away, an error path) closes it; it is never
/// closed twice or used after close. `pread` on one descriptor from several threads is safe.
final class MediaOpenFile: @unchecked Sendable {
    let fd: Int32
    let identity: MediaFileIdentity
    var size: Int { identity.size }

    private init(fd: Int32, identity: MediaFileIdentity) {
        self.fd = fd
        self.identity = identity
    }

    deinit { _ = close(fd) }

    /// Opens `components` below the root directory `rootFD` without ever following a symbolic
    /// link below the root.
    ///
    /// Every component is opened with `openat(parent, name, O_NOFOLLOW | …)` relative to the
    /// descriptor of its parent, so the kernel refuses a symlink at each step (directories:
    /// `O_PATH | O_DIRECTORY | O_NOFOLLOW` → ENOTDIR on a symlink; the file: `O_NOFOLLOW` → ELOOP)
    /// and no name can lead out of the root; a directory renamed or swapped for a symlink between
    /// two steps cannot redirect us, because each step is relative to an already opened directory.
    /// The last component is opened `O_NONBLOCK | O_NOCTTY` (a FIFO or device cannot block or take
    /// over the terminal) and must be a regular file per `fstat` on the opened descriptor.
    static func openBelow(rootFD: Int32, components: [String]) -> MediaOpenFile? {
        var dirFD = rootFD
        defer { if dirFD != rootFD { _ = close(dirFD) } }
        for name in components.dropLast() {
            let next = name.withCString { openat(dirFD, $0, mediaDirectoryOpenFlags) }
            if dirFD != rootFD { _ = close(dirFD) }
            dirFD = rootFD
            guard next >= 0 else { return nil }
            dirFD = next
        }
        let fileFD = components[components.count - 1].withCString {
            openat(dirFD, $0, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        }
        guard fileFD >= 0 else { return nil }

        var info = stat()
        guard fstat(fileFD, &info) == 0, let identity = MediaFileIdentity(info) else {
            _ = close(fileFD)
            return nil
        }
        return MediaOpenFile(fd: fileFD, identity: identity)
    }

    /// Reads exactly `count` bytes at `offset` into `pointer`; throws if the file got shorter.
    func read(into pointer: UnsafeMutableRawBufferPointer, offset: Int) throws(MediaReadError) {
        var done = 0
        while done < pointer.count {
            let n = pread(fd, pointer.baseAddress! + done, pointer.count - done, off_t(offset + done))
            if n > 0 {
                done += n
            } else if n == 0 {
                throw MediaReadError.truncated
            } else if errno != EINTR {
                throw MediaReadError.io(errno)
            }
        }
    }
}

/// What identifies one version of a file: any rewrite, replacement (new inode), truncation or
/// touch changes it (ctime also catches a rewrite that restores the old mtime).
struct MediaFileIdentity: Equatable, Sendable {
    let device: UInt64
    let inode: UInt64
    let size: Int
    let mtimeSeconds: Int
    let mtimeNanoseconds: Int
    let ctimeSeconds: Int
    let ctimeNanoseconds: Int

    /// nil unless `info` describes a regular file.
    init?(_ info: stat) {
        guard (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int(info.st_size)
        mtimeSeconds = Int(info.st_mtim.tv_sec)
        mtimeNanoseconds = Int(info.st_mtim.tv_nsec)
        ctimeSeconds = Int(info.st_ctim.tv_sec)
        ctimeNanoseconds = Int(info.st_ctim.tv_nsec)
    }

    /// The identity of the regular file at `relativePath` below `rootFD`, by one `fstatat`
    /// (`AT_SYMLINK_NOFOLLOW`). Only used to check that a cached file is still the same inode,
    /// unchanged: its content was read through `MediaOpenFile.openBelow` when it was cached, so
    /// whatever the path resolves through now, no byte that was not below the root gets served.
    static func current(rootFD: Int32, relativePath: String) -> MediaFileIdentity? {
        var info = stat()
        let rc = relativePath.withCString { fstatat(rootFD, $0, &info, AT_SYMLINK_NOFOLLOW) }
        guard rc == 0 else { return nil }
        return MediaFileIdentity(info)
    }

    /// Strong entity tag from device, inode, size and modification time (nanoseconds).
    var entityTag: String {
        // FNV-1a over the identity fields: short, and does not publish inode numbers verbatim.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for value in [device, inode, UInt64(bitPattern: Int64(mtimeSeconds)), UInt64(mtimeNanoseconds)] {
            var v = value
            for _ in 0..<8 {
                hash ^= v & 0xff
                hash = hash &* 0x100_0000_01b3
                v >>= 8
            }
        }
        return "\"\(String(size, radix: 16))-\(String(hash, radix: 16))\""
    }
}

#if os(Linux)
/// `O_PATH` (not exported by the Glibc module): a directory handle usable only as an `openat`
/// base, much cheaper to open than a readable one. Same value on every Linux architecture Swift
/// supports (x86_64, aarch64).
private let mediaDirectoryOpenFlags: Int32 = 0o10000000 | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
#else
private let mediaDirectoryOpenFlags: Int32 = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
#endif

/// An open directory descriptor (the media root), closed when the last user lets go.
final class MediaDirectoryHandle: Sendable {
    let fd: Int32
    let openedAt: UInt64

    init?(path: String, now: UInt64) {
        let fd = path.withCString { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard fd >= 0 else { return nil }
        self.fd = fd
        self.openedAt = now
    }

    deinit { _ = close(fd) }
}

/// Monotonic clock in nanoseconds.
func mediaMonotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

enum MediaReadError: Error {
    /// The file is shorter than when it was opened (rewritten in place while being served).
    case truncated
    case io(Int32)
}
