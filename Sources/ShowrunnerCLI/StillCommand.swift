import ArgumentParser
import MediaCore
import Packager

/// `showrunner still INPUT --at T --size WxH [--fit crop|pad] --out FILE.jpg|png`: the frame shown
/// at a time, as an image (thumbnails, posters, boot-screen creatives).
struct StillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "still",
        abstract: "Save the video frame shown at a time as a JPEG or PNG of a given size.",
        discussion: """
            Takes the frame on screen at --at (the last frame starting at or before it), scales it to \
            --size keeping its aspect ratio: --fit crop fills the size and cuts off the overflow (centred), \
            --fit pad shows the whole picture with black bars. The extension of --out picks JPEG (.jpg, \
            .jpeg) or PNG (.png); the file is replaced atomically. The same request gives the same bytes.
            """
    )

    @Argument(help: "The video file (MP4/MOV, Matroska, MPEG-TS).")
    var input: String

    @Option(name: .long, help: "The time: seconds (12.5) or HH:MM:SS.mmm, from the start of the video.")
    var at: String

    @Option(name: .long, help: "The image size WIDTHxHEIGHT in pixels, even numbers up to 8192 (e.g. 1280x720).")
    var size: String

    @Option(name: .long, help: "crop (fill the size, cut the overflow) or pad (whole picture, black bars).")
    var fit: String = StillFit.crop.rawValue

    @Option(name: .long, help: "The image file to write: .jpg, .jpeg or .png.")
    var out: String

    @Option(name: .long, help: "JPEG quality as ffmpeg's -q:v: 2 (best) to 31 (smallest).")
    var quality: Int = 2

    @OptionGroup var output: OutputOptions

    /// `"1280x720"` → (1280, 720); nil unless two decimal integers around one `x`.
    static func parseSize(_ text: String) -> (width: Int, height: Int)? {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.count <= 6 && $0.allSatisfy(\.isASCII) }),
              let w = Int(parts[0]), let h = Int(parts[1]), w >= 0, h >= 0 else { return nil }
        return (w, h)
    }

    func validate() throws {
        guard let t = MediaTime(parsing: at), !t.isNegative else {
            throw ValidationError("--at '\(at)' is not a time (seconds like 12.5, or HH:MM:SS.mmm)")
        }
        guard Self.parseSize(size) != nil else {
            throw ValidationError("--size '\(size)' is not WIDTHxHEIGHT (e.g. 1280x720)")
        }
        guard StillFit(rawValue: fit) != nil else {
            throw ValidationError("--fit '\(fit)' is not one of: crop, pad")
        }
        guard StillImageFormat(path: out) != nil else {
            throw ValidationError("--out '\(out)' must end in .jpg, .jpeg or .png (the extension picks the format)")
        }
        guard (2...31).contains(quality) else {
            throw ValidationError("--quality \(quality) is not from 2 (best) to 31")
        }
    }

    func run() throws {
        guard let t = MediaTime(parsing: at), let box = Self.parseSize(size), let fitMode = StillFit(rawValue: fit) else {
            throw ValidationError("invalid arguments")
        }
        let request = StillRequest(
            input: input, at: t, width: box.width, height: box.height, fit: fitMode, output: out, jpegQuality: quality)
        let report: StillReport
        do throws(PackageError) {
            report = try Stills.extract(request)
        } catch {
            throw CLIError(error.description)
        }
        try output.emit(report) {
            "\(report.output): \(report.width)x\(report.height) \(report.format.rawValue.uppercased()), frame at \(report.frameTime.seconds) s of \(report.input) (\(report.sourceWidth)x\(report.sourceHeight), \(report.fit.rawValue))"
        }
    }
}
