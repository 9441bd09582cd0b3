internal import CShowrunnerAV

#if canImport(Glibc)
import Glibc
#endif

/// Where a muxer's bytes go: FFmpeg writes into one large AVIO buffer, and each flush lands here
/// and is written to the file of the current segment with plain write(2) calls. Switching
/// segments is a flush plus a new file descriptor; the muxer itself is never reopened.
///
/// In capture mode the bytes are kept in memory instead (used for the fMP4 init segment, which
/// the muxer writes together with the first fragment).
final class SegmentSink {
    /// The AVIO context the muxer writes into (`AVFormatContext.pb`).
    private(set) var io: UnsafeMutablePointer<AVIOContext>!
    private var fd: Int32 = -1
    private(set) var currentPath: String?
    /// Bytes written to the current file so far (after flushing).
    private(set) var fileBytes: Int64 = 0
    /// Total bytes the muxer has handed over.
    private(set) var totalBytes: Int64 = 0
    /// When set, bytes are appended here instead of written to a file.
    var capture: [UInt8]?
    /// The first write error (errno), if any.
    private(set) var writeError: Int32 = 0

    /// - Parameter bufferSize: the AVIO buffer; large buffers mean few, large write(2) calls.
    init(bufferSize: Int = 1 << 20) throws(AVCallError) {
        guard let buffer = av_malloc(bufferSize)?.assumingMemoryBound(to: UInt8.self) else {
            throw AVCallError(code: sr_averror(ENOMEM), operation: "allocate AVIO buffer")
        }
        let opaque = Unmanaged.passUnretained(self).toOpaque()
        guard let ctx = avio_alloc_context(buffer, Int32(bufferSize), 1, opaque, nil, sinkWrite, nil) else {
            var b: UnsafeMutableRawPointer? = UnsafeMutableRawPointer(buffer)
            av_freep(&b)
            throw AVCallError(code: sr_averror(ENOMEM), operation: "allocate AVIO context")
        }
        self.io = ctx
    }

    deinit {
        if fd >= 0 { close(fd) }
        if io != nil {
            av_freep(&io.pointee.buffer)
            avio_context_free(&io)
        }
    }

    /// Logical write position: everything handed over plus what sits in the AVIO buffer.
    var position: Int64 { avio_tell(io) }

    /// Flushes buffered bytes to the current file (or capture buffer).
    func flush() throws(AVCallError) {
        avio_flush(io)
        if writeError != 0 {
            throw AVCallError(code: sr_averror(writeError), operation: "write \(currentPath ?? "output")")
        }
    }

    /// Flushes, closes the current file, and starts writing `path` (created, truncated, 0644).
    func switchFile(to path: String?) throws(AVCallError) {
        try flush()
        try closeFile()
        guard let path else { return }
        let f = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard f >= 0 else {
            throw AVCallError(code: sr_averror(errno), operation: "create \(path)")
        }
        fd = f
        currentPath = path
        fileBytes = 0
    }

    /// Closes the current file (after a flush), reporting close(2) errors.
    func closeFile() throws(AVCallError) {
        guard fd >= 0 else { return }
        let f = fd
        fd = -1
        if close(f) != 0 {
            throw AVCallError(code: sr_averror(errno), operation: "close \(currentPath ?? "output")")
        }
        currentPath = nil
    }

    /// Writes bytes that did not come through the muxer (e.g. a captured init segment) to `path`.
    static func writeFile(_ path: String, _ bytes: ArraySlice<UInt8>) throws(AVCallError) {
        let f = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard f >= 0 else { throw AVCallError(code: sr_averror(errno), operation: "create \(path)") }
        defer { close(f) }
        let err = bytes.withUnsafeBufferPointer { writeAll(f, $0.baseAddress, $0.count) }
        if err != 0 { throw AVCallError(code: sr_averror(err), operation: "write \(path)") }
    }

    fileprivate func receive(_ buf: UnsafePointer<UInt8>, _ count: Int) -> Int32 {
        totalBytes += Int64(count)
        if capture != nil {
            capture!.append(contentsOf: UnsafeBufferPointer(start: buf, count: count))
            return Int32(count)
        }
        guard fd >= 0 else {
            // Bytes with nowhere to go (e.g. a trailer after the last segment): drop them.
            return Int32(count)
        }
        let err = Self.writeAll(fd, buf, count)
        if err != 0 {
            if writeError == 0 { writeError = err }
            return sr_averror(err)
        }
        fileBytes += Int64(count)
        return Int32(count)
    }

    /// write(2) until done; returns 0 or errno.
    static func writeAll(_ fd: Int32, _ base: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
        guard var p = base else { return 0 }
        var left = count
        while left > 0 {
            let n = write(fd, p, left)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            p += n
            left -= n
        }
        return 0
    }
}

private let sinkWrite: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<UInt8>?, Int32) -> Int32 = {
    opaque, buf, size in
    guard let opaque, let buf, size > 0 else { return 0 }
    let sink = Unmanaged<SegmentSink>.fromOpaque(opaque).takeUnretainedValue()
    return sink.receive(buf, Int(size))
}
