import ArgumentParser

@main
struct ShowrunnerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "showrunner",
        abstract: "Package, publish, stitch and track OTT video.",
        discussion: "Run `showrunner help <command>` for a command's options.",
        subcommands: [PackageCommand.self]
    )
}
