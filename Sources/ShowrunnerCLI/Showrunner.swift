import ArgumentParser

@main
struct Showrunner: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "showrunner",
        abstract: "Package, publish, stitch and track OTT video.",
        subcommands: []
    )
}
