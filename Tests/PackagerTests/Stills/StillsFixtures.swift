import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Helpers for the stills, template and preflight tests: the samples, a temporary folder, and
/// ffprobe/ffmpeg run as subprocesses (clients we did not write).
enum StillsFixtures {
    /// The repository's `Media/` folder (found from this file's real path, so it also works when
    /// the tests folder is linked into another package).
    static let media: String = {
        var path = #filePath
        if let real = realpath(path, nil) {
            path = String(cString: real)
            free(real)
        }
        var url = URL(fileURLWithPath: path)
        for _ in 0..<6 {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.path + "/Media/episode.mp4") { return url.path + "/Media" }
        }
        return "Media"
    }()

    /// A new empty folder under the system temporary folder; remove it with `remove`.
    static func tempDir(_ prefix: String) throws -> String {
        var template = Array((NSTemporaryDirectory() + "/showrunner-\(prefix)-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw POSIXError(.EIO)
        }
        return String(cString: made)
    }

    static func remove(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

    /// Runs a program found in PATH; returns its exit status and stdout (stderr is dropped).
    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: Data) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, data)
    }

    /// ffprobe's view of an image or media file's first video stream.
    struct Probe: Equatable {
        var codec: String
        var width: Int
        var height: Int
        var pixelFormat: String
    }

    static func probe(_ path: String) throws -> Probe? {
        let r = try run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                         "stream=codec_name,width,height,pix_fmt", "-of", "default=noprint_wrappers=1", path])
        guard r.status == 0 else { return nil }
        var fields: [String: String] = [:]
        for line in String(decoding: r.stdout, as: UTF8.self).split(separator: "\n") {
            let kv = line.split(separator: "=", maxSplits: 1)
            if kv.count == 2 { fields[String(kv[0])] = String(kv[1]) }
        }
        guard let codec = fields["codec_name"], let w = fields["width"].flatMap({ Int($0) }),
              let h = fields["height"].flatMap({ Int($0) }) else { return nil }
        return Probe(codec: codec, width: w, height: h, pixelFormat: fields["pix_fmt"] ?? "")
    }

    /// An 8-bit gray picture decoded by ffmpeg (row-major, `width` bytes per row).
    struct Gray {
        var width: Int
        var height: Int
        var pixels: [UInt8]

        func at(_ x: Int, _ y: Int) -> UInt8 { pixels[y * width + x] }

        /// Brightest pixel of rows `rows` (all columns).
        func maxOfRows(_ rows: Range<Int>) -> UInt8 {
            rows.map { y in (0..<width).map { at($0, y) }.max() ?? 0 }.max() ?? 0
        }

        /// Brightest pixel of columns `cols` (all rows).
        func maxOfColumns(_ cols: Range<Int>) -> UInt8 {
            cols.map { x in (0..<height).map { at(x, $0) }.max() ?? 0 }.max() ?? 0
        }

        /// Mean of row `y` or column `x`.
        func meanOfRow(_ y: Int) -> Double { Double((0..<width).reduce(0) { $0 + Int(at($1, y)) }) / Double(width) }
        func meanOfColumn(_ x: Int) -> Double { Double((0..<height).reduce(0) { $0 + Int(at(x, $1)) }) / Double(height) }

        /// Mean absolute difference from a picture of the same size.
        func meanDifference(_ other: Gray) -> Double {
            precondition(pixels.count == other.pixels.count)
            var sum = 0
            for i in pixels.indices { sum += abs(Int(pixels[i]) - Int(other.pixels[i])) }
            return Double(sum) / Double(pixels.count)
        }
    }

    /// Decodes `path` (an image, or the frame of a video at `seek` seconds, accurately) to gray.
    static func gray(_ path: String, width: Int, height: Int, seek: String? = nil) throws -> Gray {
        var args = ["ffmpeg", "-v", "error", "-nostdin"]
        if let seek { args += ["-ss", seek] }
        args += ["-i", path, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", "-"]
        let r = try run(args)
        #expect(r.status == 0, "ffmpeg could not decode \(path)")
        let pixels = [UInt8](r.stdout)
        #expect(pixels.count == width * height, "\(path): \(pixels.count) gray bytes, expected \(width)x\(height)")
        return Gray(width: width, height: height, pixels: pixels.count == width * height ? pixels : [UInt8](repeating: 0, count: width * height))
    }

    /// The names in a folder.
    static func list(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
    }
}
