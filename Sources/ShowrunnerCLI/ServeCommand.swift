import ArgumentParser
import Hummingbird
import Logging
import Server
import Showrunner
import Store

/// `showrunner serve`: the HTTP server for players and the admin API.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve playlists, segments and the admin API over HTTP.",
        discussion: "Stops gracefully on SIGTERM or SIGINT: in-flight requests finish, then the database closes.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var media: MediaRootOptions
    @OptionGroup var masterKey: MasterKeyOptions
    @Option(help: "Address to listen on.") var host: String = "127.0.0.1"
    @Option(help: "Port (0 picks a free one).") var port: Int = 8080

    func run() async throws {
        let master = try masterKey.load()
        let catalog = try store.open()
        defer { catalog.close() }
        let logger = ServeCommand.logger()
        let host = self.host
        let root = MediaLibrary.absolute(media.path)
        var configuration = ServerConfiguration(host: host, port: port, mediaRoot: root)
        // The boot prefetch signing key lives beside the database (made on first use).
        configuration.bootKeyFile = store.path + ".boot-key"
        configuration.masterKey = master
        // URL-signing secrets beside the database too (made on first use; rotate with `keys rotate-url-secret`).
        configuration.urlSecretsFile = store.path + ".url-secrets"
        do {
            let app = try await buildApplication(
                configuration: configuration,
                store: catalog, clock: SystemClock(), logger: logger,
                onRunning: { port in
                    print("showrunner: listening on http://\(host):\(port)/ (media root \(root))")
                    Terminal.flush()
                })
            try await app.runService()
        } catch let e as ShowrunnerError {
            throw CLIError(e.message)
        }
    }

    /// Log lines on stderr; LOG_LEVEL (trace ... critical) sets the level, default info.
    static func logger() -> Logger {
        LoggingBootstrap.once
        var logger = Logger(label: "showrunner")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .info
        return logger
    }
}

enum LoggingBootstrap {
    static let once: Void = { LoggingSystem.bootstrap(StreamLogHandler.standardError) }()
}

import FoundationEssentials
