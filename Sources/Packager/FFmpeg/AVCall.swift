internal import CShowrunnerAV
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// An FFmpeg call returned an error code. `operation` says what was attempted; `detail` carries the
/// last error FFmpeg logged on this thread (e.g. "moov atom not found"), when there was one.
struct AVCallError: Error, CustomStringConvertible {
    var code: Int32
    var operation: String
    var detail: String?

    var description: String {
        var text = "\(operation): \(avErrorString(code))"
        if let detail, !detail.isEmpty { text += " (\(detail))" }
        return text
    }

    var isEOF: Bool { code == sr_averror_eof() }
}

/// The text FFmpeg gives an error code, e.g. "Invalid data found when processing input".
func avErrorString(_ code: Int32) -> String {
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: 256) { buf in
        guard let base = buf.baseAddress else { return "error \(code)" }
        av_strerror(code, base, 256)
        return String(cString: base)
    }
}

/// Every FFmpeg return code goes through here: a negative value throws an `AVCallError` naming
/// the operation and the last message FFmpeg logged.
@discardableResult
func avCheck(_ ret: Int32, _ operation: @autoclosure () -> String) throws(AVCallError) -> Int32 {
    if ret >= 0 { return ret }
    throw AVCallError(code: ret, operation: operation(), detail: FFmpegLog.takeLastError())
}

/// FFmpeg's log, captured instead of printed: messages at warning level or worse are kept (the
/// last one is attached to the next error), everything else is dropped. Installed once per process.
enum FFmpegLog {
    private static let state = Mutex<State>(State())

    struct State {
        var installed = false
        var lastError: String?
        var warnings: [String] = []
    }

    /// Installs the capturing callback (idempotent).
    static func install() {
        let first = state.withLock { s -> Bool in
            if s.installed { return false }
            s.installed = true
            return true
        }
        if first {
            av_log_set_level(AV_LOG_WARNING)
            av_log_set_callback { _, level, format, args in handleLog(level: level, format: format, args: args) }
        }
    }

    /// The last warning/error line FFmpeg logged, cleared on read.
    static func takeLastError() -> String? {
        state.withLock { s in
            defer { s.lastError = nil }
            return s.lastError
        }
    }

    /// Forgets earlier messages (call before a new job).
    static func reset() {
        state.withLock { s in
            s.lastError = nil
            s.warnings.removeAll()
        }
    }

    /// Distinct error lines logged since the last `reset()` (at most 50 kept); FFmpeg's warnings
    /// are too noisy to pass on (e.g. "frame size not set" for every AC-3 track).
    static func errors() -> [String] { state.withLock { $0.warnings } }

    fileprivate static func record(_ line: String, level: Int32) {
        state.withLock { s in
            s.lastError = line
            if level <= AV_LOG_ERROR, s.warnings.count < 50, !s.warnings.contains(line) { s.warnings.append(line) }
        }
    }
}

/// Formats one FFmpeg log line and records it (warnings and errors only).
private func handleLog(level: Int32, format: UnsafePointer<CChar>?, args: CVaListPointer?) {
    guard level <= AV_LOG_WARNING, let format, let args else { return }
    var buffer = [CChar](repeating: 0, count: 1024)
    _ = buffer.withUnsafeMutableBufferPointer { buf in
        vsnprintf(buf.baseAddress, buf.count, format, args)
    }
    let end = buffer.firstIndex(of: 0) ?? buffer.count
    var line = String(decoding: buffer[..<end].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    while line.last == "\n" || line.last == " " { line.removeLast() }
    if !line.isEmpty { FFmpegLog.record(line, level: level) }
}
