import MediaCore

/// Packages a media file into an HLS folder by remuxing (no re-encode): probe, cut at keyframes
/// (and at cues), write TS or fMP4 segments, media + I-frame + multivariant playlists and
/// `breaks.json`, check the playlists, and move the folder into place atomically.
public enum HLSPackager {
    /// Runs a packaging job on the calling thread (blocking: FFmpeg reads and writes files).
    /// Use `packageDetached` from async code.
    ///
    /// - Parameters:
    ///   - progress: called now and then on this thread.
    ///   - cancel: checked between packets; when set, the job stops, removes its partial output
    ///     and throws `.cancelled`.
    /// - Returns: the summary of what was written.
    public static func package(
        _ request: PackageRequest,
        progress: (@Sendable (PackageProgress) -> Void)? = nil,
        cancel: CancellationFlag? = nil
    ) throws(PackageError) -> PackageReport {
        guard request.segmentDuration >= MediaTime(value: 1, timescale: 2),
              request.segmentDuration <= MediaTime(seconds: 60) else {
            throw PackageError(.invalidRequest, "--segment-duration",
                "\(request.segmentDuration.decimalSeconds) s is out of range (0.5 to 60 s)")
        }
        if let bad = request.cues.first(where: { $0.isNegative }) {
            throw PackageError(.invalidRequest, "--cue", "\(bad.decimalSeconds) s is negative")
        }
        let folder = try PackageFolder(target: request.output)
        do throws(PackageError) {
            let result: RemuxResult
            if let ladder = request.ladder {
                result = try TranscodeJob(request: request, ladder: ladder, workDir: folder.work, progress: progress, cancel: cancel).run()
            } else {
                result = try RemuxJob(request: request, workDir: folder.work, progress: progress, cancel: cancel).run()
            }
            if let cancel, cancel.isCancelled { throw PackageError(.cancelled, request.input, "cancelled") }
            if let missed = result.cueResults.first(where: { $0.actual == nil }) {
                let end = result.segments.flatMap { $0 }.map(\.end).max().map { ($0 - result.origin).decimalString(fractionDigits: 3) } ?? "?"
                throw PackageError(.invalidRequest, "--cue", "\(missed.asked.decimalSeconds) s is past the end of \(request.input) (\(end) s long)")
            }
            let report = try PackageAssembler(request: request, result: result, directory: folder.work).write()
            if let cancel, cancel.isCancelled { throw PackageError(.cancelled, request.input, "cancelled") }
            try folder.commit()
            return report
        } catch {
            folder.discard()
            throw error
        }
    }

    /// `package` on a dedicated thread, so FFmpeg's blocking I/O stays off Swift's shared
    /// executor (which also serves HTTP).
    public static func packageDetached(
        _ request: PackageRequest,
        progress: (@Sendable (PackageProgress) -> Void)? = nil,
        cancel: CancellationFlag? = nil
    ) async throws(PackageError) -> PackageReport {
        let result: Result<PackageReport, PackageError> = await withCheckedContinuation { continuation in
            let thread = BlockingThread {
                do throws(PackageError) {
                    continuation.resume(returning: .success(try package(request, progress: progress, cancel: cancel)))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
            thread.start()
        }
        return try result.get()
    }
}
