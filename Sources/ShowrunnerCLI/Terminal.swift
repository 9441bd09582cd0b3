#if canImport(Glibc)
import Glibc
#endif

/// Writing to the terminal: one-line errors on stderr, a progress line when stderr is a TTY.
enum Terminal {
    static var stderrIsTTY: Bool { isatty(2) == 1 }

    /// Writes `text` to stderr as is.
    static func err(_ text: String) {
        var t = text
        t.withUTF8 { buf in
            var p = buf.baseAddress
            var left = buf.count
            while left > 0, let base = p {
                let n = write(2, base, left)
                if n < 0 { if errno == EINTR { continue } else { return } }
                p = base + n
                left -= n
            }
        }
    }

    /// `showrunner: error: <message>` on one line (newlines in the message are flattened).
    static func fail(_ message: String) {
        let flat = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        err("showrunner: error: \(flat)\n")
    }

    /// Flushes stdout (and every other C stream), so what was printed shows up even when piped.
    static func flush() { fflush(nil) }

    /// Monotonic seconds, for speeds and ETAs.
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
