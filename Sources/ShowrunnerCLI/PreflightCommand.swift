import ArgumentParser
import MediaCore
import Packager

/// `showrunner preflight CONTENT_DIR AD_DIR [--json]`: can this ad package be stitched into this
/// content package without breaking players?
struct PreflightCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preflight",
        abstract: "Check that an ad package can be stitched into a content package.",
        discussion: """
            Reads both package folders (made by `showrunner package`): playlists, and the first segment \
            of each rendition. Compares the container, segment durations against the content's \
            target duration, the video rungs (resolution, codec, profile, level, pixel format, frame \
            rate, fMP4 timescale, an IDR at the ad's start) and the audio (codec, AAC profile, sample \
            rate, channels). Prints "stitchable" and exits 0 when nothing breaks players; otherwise \
            prints one line per mismatch ("<code>: <message>") and exits 1. Warnings (frame rate, ad \
            rungs the content lacks) are printed as "warning: ..." and do not fail the check. --json \
            prints the list of mismatches instead (an empty list when stitchable).
            """
    )

    @Argument(help: "The content's package folder (with master.m3u8).")
    var content: String

    @Argument(help: "The ad's package folder (with master.m3u8).")
    var ad: String

    @OptionGroup var output: OutputOptions

    func run() throws {
        let contentTemplate: PackageTemplate
        let adTemplate: PackageTemplate
        do throws(PackageError) {
            contentTemplate = try PackageTemplate.read(folder: content)
            adTemplate = try PackageTemplate.read(folder: ad)
        } catch {
            throw CLIError(error.description)
        }
        for (folder, warning) in contentTemplate.warnings.map({ (content, $0) }) + adTemplate.warnings.map({ (ad, $0) }) {
            Terminal.err("showrunner: warning: \(folder): \(warning)\n")
        }
        let mismatches = StitchPreflight.check(content: contentTemplate.splice, ad: adTemplate.splice)
        let stitchable = StitchPreflight.isStitchable(mismatches)
        try output.emit(mismatches) {
            var lines = mismatches.map(\.description)
            if stitchable { lines.append("stitchable") }
            return lines.joined(separator: "\n")
        }
        Terminal.flush()
        if !stitchable { throw ExitCode(1) }
    }
}
