import ArgumentParser
import FoundationEssentials
import Logging
import Server
import Showrunner
import Store

/// `showrunner stitch preview TITLE --channel C --device D [--at T]`: the playlist a viewer would
/// get, with the decisions and their reasons, without serving or recording anything.
struct StitchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stitch", abstract: "Stitched playlists.", subcommands: [Preview.self])

    struct Preview: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the stitched media playlist a device would get (decisions as of --at; nothing recorded).")
        @Argument var title: String
        @Option var channel: String
        @Option var device: String = "preview"
        @Option var model: String?
        @Option(help: "tv, mobile, web or speaker (default: the channel's).") var endpoint: String?
        @Option(help: "Decide as of this time (default now).") var at: String?
        @Option(help: "Rendition (default: the first).") var rendition: String?
        @Flag(help: "HLS Interstitials instead of stitched segments.") var interstitials = false
        @OptionGroup var store: StoreOptions
        @OptionGroup var media: MediaRootOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let when = try parseTime(at, option: "--at") ?? SystemClock().now()
            var kind: EndpointKind? = nil
            if let endpoint {
                guard let k = EndpointKind(rawValue: endpoint) else { throw ValidationError("--endpoint '\(endpoint)' is not tv, mobile, web or speaker") }
                kind = k
            }
            let result = try await withService(store) { _, st in
                try await StitchPreview.run(store: st, mediaRoot: MediaLibrary(root: media.path).root, title: title, channel: channel,
                                            device: device, model: model, endpoint: kind, at: when, rendition: rendition,
                                            interstitials: interstitials)
            }
            try output.emit(result) {
                var lines = result.decisions.map { "# \($0)" }
                lines.append(result.playlist)
                return lines.joined(separator: "\n")
            }
        }
    }
}
