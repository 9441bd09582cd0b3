import ArgumentParser
import FoundationEssentials
import MediaCore
import Packager

/// `showrunner condition AD --like PACKAGE_DIR`: transcode an ad creative to a content package's
/// template so it can be stitched into any of its renditions.
struct ConditionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "condition",
        abstract: "Transcode an ad creative to a content package's template (rungs, codec, profile/level, audio, segments).",
        discussion: "The result is checked with the same preflight `showrunner preflight` runs; a mismatch left after transcoding is an error.")

    @Argument(help: "The ad creative (a media file).") var ad: String
    @Option(help: "The content package to match (a folder made by showrunner package).") var like: String
    @Option(help: "Where the conditioned ad goes (default: Playlists/<ad>-for-<content folder>).") var out: String?
    @Flag(help: "Print a JSON summary.") var json = false

    func run() async throws {
        let contentName = like.split(separator: "/").last.map(String.init) ?? "content"
        let output = out ?? "Playlists/" + PackageCommand.stem(of: ad) + "-for-" + contentName
        let cancel = SignalCancellation.install()
        let bar = Terminal.stderrIsTTY ? ProgressBar() : nil
        var progress: (@Sendable (PackageProgress) -> Void)? = nil
        if let bar { progress = { bar.update($0) } }
        let result: AdConditioner.Result
        do throws(PackageError) {
            result = try AdConditioner.condition(ad: ad, like: like, output: output, progress: progress, cancel: cancel)
        } catch {
            bar?.clear()
            throw CLIError(error.description, code: error.code == .cancelled ? 130 : 1)
        }
        bar?.clear()
        if json {
            let e = JSONEncoder()
            e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try e.encode(result.report), as: UTF8.self))
            return
        }
        let rungs = result.report.renditions.filter { $0.kind == "video" }.map { $0.resolution ?? $0.id }
        print("\(output)/master.m3u8: \(ad) conditioned to \(like) (\(rungs.joined(separator: ", ")), \(result.report.duration.seconds) s, stitchable)")
        for w in result.warnings { print("  \(w.description)") }
    }
}
