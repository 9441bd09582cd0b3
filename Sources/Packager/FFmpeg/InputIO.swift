internal import CShowrunnerAV

#if canImport(Glibc)
import Glibc
#endif

/// Reads the input file for FFmpeg through one large buffer (plain read(2)/lseek(2) on a file
/// descriptor we opened): few, large reads instead of FFmpeg's default 32 KiB ones, and no
/// protocol handling at all for the main input.
final class InputIO {
    private(set) var io: UnsafeMutablePointer<AVIOContext>!
    private let fd: Int32
    let size: Int64

    /// Opens `path` for reading. Returns nil with errno set when the file cannot be opened.
    init?(path: String, size: Int64, bufferSize: Int = 1 << 18) {
        let f = open(path, O_RDONLY | O_CLOEXEC)
        guard f >= 0 else { return nil }
        fd = f
        self.size = size
        posix_fadvise(f, 0, 0, POSIX_FADV_SEQUENTIAL)
        guard let buffer = av_malloc(bufferSize)?.assumingMemoryBound(to: UInt8.self) else {
            close(f)
            errno = ENOMEM
            return nil
        }
        let opaque = Unmanaged.passUnretained(self).toOpaque()
        guard let ctx = avio_alloc_context(buffer, Int32(bufferSize), 0, opaque, inputRead, nil, inputSeek) else {
            var b: UnsafeMutableRawPointer? = UnsafeMutableRawPointer(buffer)
            av_freep(&b)
            close(f)
            errno = ENOMEM
            return nil
        }
        io = ctx
    }

    deinit {
        if io != nil {
            av_freep(&io.pointee.buffer)
            avio_context_free(&io)
        }
        close(fd)
    }

    fileprivate func read(_ buf: UnsafeMutablePointer<UInt8>, _ count: Int32) -> Int32 {
        while true {
            let n = Glibc.read(fd, buf, Int(count))
            if n > 0 { return Int32(n) }
            if n == 0 { return sr_averror_eof() }
            if errno == EINTR { continue }
            return sr_averror(errno)
        }
    }

    fileprivate func seek(_ offset: Int64, _ whence: Int32) -> Int64 {
        if whence & sr_avseek_size() != 0 { return size }
        let r = lseek(fd, off_t(offset), whence & ~AVSEEK_FORCE)
        return r < 0 ? Int64(sr_averror(errno)) : Int64(r)
    }
}

private let inputRead: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<UInt8>?, Int32) -> Int32 = {
    opaque, buf, size in
    guard let opaque, let buf, size > 0 else { return 0 }
    return Unmanaged<InputIO>.fromOpaque(opaque).takeUnretainedValue().read(buf, size)
}

private let inputSeek: @convention(c) (UnsafeMutableRawPointer?, Int64, Int32) -> Int64 = { opaque, offset, whence in
    guard let opaque else { return -1 }
    return Unmanaged<InputIO>.fromOpaque(opaque).takeUnretainedValue().seek(offset, whence)
}
