import ArgumentParser

#if canImport(Glibc)
import Glibc
#endif

@main
struct ShowrunnerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "showrunner",
        abstract: "Package, publish, stitch and track OTT video.",
        discussion: "Run `showrunner help <command>` for a command's options. Start with `showrunner demo`.",
        subcommands: [
            DemoCommand.self, PackageCommand.self, ServeCommand.self, StillCommand.self, PreflightCommand.self, ConditionCommand.self,
            BrandCommand.self, SeriesCommand.self, EpisodeCommand.self, FilmCommand.self, TitlesCommand.self,
            VersionCommand.self, VersionsCommand.self, ChannelCommand.self, WindowCommand.self,
            PublishCommand.self, UnpublishCommand.self, RollbackCommand.self, TokenCommand.self, ChangesCommand.self,
            PolicyCommand.self, BreaksCommand.self, CampaignCommand.self, CreativeCommand.self, StitchCommand.self,
            IdentityCommand.self, EventsCommand.self, ReportCommand.self, BootCommand.self, AuditCommand.self, KeysCommand.self,
        ]
    )

    /// Runs the command; our own failures print `showrunner: error: <one line>` and exit 1.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var async = command as? any AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
        } catch let e as CLIError {
            Terminal.fail(e.description)
            Glibc.exit(e.code)
        } catch {
            Self.exit(withError: error)
        }
    }
}
