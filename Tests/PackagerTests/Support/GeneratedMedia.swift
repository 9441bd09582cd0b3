import Foundation
import ShowrunnerTestSupport

/// Small inputs made with the ffmpeg CLI once per test run, in a temporary folder: the container
/// and codec combinations the remuxer must take, and broken files it must refuse.
enum GeneratedMedia {
    /// Folder holding the generated files (created on first use). Kept between runs: each file is
    /// made under a temporary name and renamed into place, so what is there is complete. Bump
    /// the version when a recipe changes.
    static let dir: String = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("showrunner-tests/media-v1").path
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }()

    private static let lock = NSRecursiveLock()  // recipes may use other recipes
    nonisolated(unsafe) private static var made: [String: Result<String, TestFailure>] = [:]

    /// The path of generated input `name`, making it on first use (thread-safe).
    static func path(_ name: String) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        if let r = made[name] { return try r.get() }
        let final = dir + "/" + name
        let out = dir + "/.partial-\(getpid())-" + name
        let result: Result<String, TestFailure>
        do {
            if !FileManager.default.fileExists(atPath: final) {
                try make(name, out)
                try? FileManager.default.removeItem(atPath: out + ".full.mp4")
                guard rename(out, final) == 0 else { throw TestFailure("cannot rename \(out)") }
            }
            result = .success(final)
        } catch let e as TestFailure {
            result = .failure(e)
        } catch {
            result = .failure(TestFailure("\(error)"))
        }
        made[name] = result
        return try result.get()
    }

    private static func video(_ size: String, _ rate: Int, _ seconds: Int) -> [String] {
        ["-f", "lavfi", "-i", "testsrc2=s=\(size):r=\(rate):d=\(seconds)"]
    }

    private static func tone(_ rate: Int, _ seconds: Int, _ freq: Int = 440) -> [String] {
        ["-f", "lavfi", "-i", "sine=f=\(freq):r=\(rate):d=\(seconds)"]
    }

    private static func write(_ path: String, _ data: Data) throws {
        try data.write(to: URL(fileURLWithPath: path))
    }

    private static let x264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]

    private static func make(_ name: String, _ out: String) throws {
        switch name {
        case "clip-1080p.mp4":  // a real 1080p clip, 2 s GOPs, B-frames, AAC
            try ffmpeg(video("1920x1080", 30, 6) + tone(48000, 6) + ["-c:v", "libx264", "-preset", "veryfast",
                "-g", "60", "-keyint_min", "60", "-sc_threshold", "0", "-b:v", "3M", "-c:a", "aac", "-b:a", "128k", out])
        case "long-720p.mp4":  // long enough to interrupt mid-job
            try ffmpeg(video("1280x720", 30, 90) + tone(48000, 90) + x264 + ["-g", "60", "-b:v", "4M", "-c:a", "aac", out])
        case "h264-ac3.mkv":
            try ffmpeg(video("320x240", 25, 8) + tone(48000, 8) + x264 + ["-g", "25", "-c:a", "ac3", "-b:a", "128k", out])
        case "h264-aac.ts":
            try ffmpeg(video("320x240", 25, 8) + tone(48000, 8) + x264 + ["-g", "25", "-c:a", "aac", "-f", "mpegts", out])
        case "hevc-eac3.mp4":
            try ffmpeg(video("320x240", 25, 8) + tone(48000, 8) + ["-c:v", "libx265", "-preset", "ultrafast",
                "-x265-params", "keyint=25:min-keyint=25:log-level=error", "-c:a", "eac3", "-b:a", "128k", out])
        case "audio.mp3":
            try ffmpeg(tone(44100, 14) + ["-c:a", "libmp3lame", "-b:a", "128k", out])
        case "audio-2langs.m4a":
            try ffmpeg(tone(48000, 14) + tone(48000, 14, 660) + ["-map", "0:a", "-map", "1:a", "-c:a", "aac",
                "-metadata:s:a:0", "language=fra", "-metadata:s:a:1", "language=deu", out])
        case "moov-at-end.mov":
            try ffmpeg(video("320x240", 30, 8) + tone(48000, 8) + x264 + ["-g", "30", "-c:a", "aac", out])
        case "editlist.mp4":  // starts 1.3 s into a 2 s GOP: an edit list hides the leading frames
            let episode = TestEnv.media + "/episode.mp4"
            try ffmpeg(["-ss", "1.3", "-i", episode, "-t", "8", "-map", "0:v", "-map", "0:a:0", "-c", "copy", out])
        case "rawvideo.avi":
            try ffmpeg(video("160x120", 25, 1) + ["-c:v", "rawvideo", "-pix_fmt", "yuv420p", out])
        case "opus.mkv":
            try ffmpeg(video("160x120", 25, 2) + tone(48000, 2) + x264 + ["-c:a", "libopus", out])
        case "nonmonotonic.mkv":  // packet 50's timestamp pulled back onto packet 49's
            let src = try path("h264-ac3.mkv")
            try ffmpeg(["-i", src, "-map", "0:v", "-c", "copy", "-bsf:v", "setts=ts=if(eq(N\\,50)\\,TS-2000\\,TS)", out])
        case "empty.mp4":
            try write(out, Data())
        case "random.mp4":
            var g = SystemRandomNumberGenerator()
            var bytes = [UInt8](repeating: 0, count: 64 * 1024)
            for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255, using: &g) }
            try write(out, Data(bytes))
        case "text.mp4":
            try write(out, Data("This is not a video.\nJust text.\n".utf8))
        case "truncated.mov":  // moov at the end, cut off before it
            let src = try path("moov-at-end.mov")
            let data = try Data(contentsOf: URL(fileURLWithPath: src))
            try write(out, data.prefix(data.count / 2))
        case "truncated-mdat.mp4":  // moov first (faststart), media data cut short
            try ffmpeg(video("320x240", 25, 6) + tone(48000, 6) + x264 + ["-g", "25", "-c:a", "aac", "-movflags", "+faststart", out + ".full.mp4"])
            let data = try Data(contentsOf: URL(fileURLWithPath: out + ".full.mp4"))
            try write(out, data.prefix(data.count * 2 / 3))
        case "playlist.m3u8":
            try write(out, Data("#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6,\n/etc/passwd\n#EXT-X-ENDLIST\n".utf8))
        default:
            throw TestFailure("no recipe for generated input \(name)")
        }
    }
}
