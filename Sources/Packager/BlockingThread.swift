#if canImport(Glibc)
import Glibc
#endif

/// A detached POSIX thread for blocking work (FFmpeg file I/O), so it never occupies one of the
/// cooperative pool's threads (there are only two cores here, and the pool also serves HTTP).
final class BlockingThread: Sendable {
    private let body: @Sendable () -> Void

    init(_ body: @escaping @Sendable () -> Void) { self.body = body }

    /// Starts the thread; it runs `body` once and ends. Falls back to running inline if no
    /// thread can be created.
    func start() {
        let box = Unmanaged.passRetained(self).toOpaque()
        var tid = pthread_t()
        let rc = pthread_create(&tid, nil, { arg in
            guard let arg else { return nil }
            let me = Unmanaged<BlockingThread>.fromOpaque(arg).takeRetainedValue()
            me.body()
            return nil
        }, box)
        if rc == 0 {
            pthread_detach(tid)
        } else {
            Unmanaged<BlockingThread>.fromOpaque(box).release()
            body()
        }
    }
}
