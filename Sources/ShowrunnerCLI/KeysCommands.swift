import ArgumentParser
import FoundationEssentials
import Server
import Showrunner
import Store

/// `showrunner keys ...`: the master key, the content keys' operator view.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Content protection: the master key, content keys and their fetches.",
        subcommands: [Init.self, List.self, RotateURLSecret.self])

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a new master key file (mode 0600, 64 hex digits); never overwrites one.",
            discussion: "Point SHOWRUNNER_MASTER_KEY_FILE (or --master-key-file) at it for `package --encrypt` and `serve`. Keep it off the media root and back it up: content keys wrapped by it cannot be opened without it.")
        @Option(help: "Where to write the key.") var out: String

        func run() async throws {
            do {
                try MasterKey.create(path: out)
            } catch {
                throw CLIError(error.message)
            }
            print("master key written to \(out) (0600); use it with: export \(MasterKey.environmentVariable)=\(out)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Encrypted titles with their key ids, key ages, fetch counts and refused fetches.")
        @Option(help: "How many refused fetches to show (newest first).") var limit: Int = 100
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let report = try await withService(store) { _, db in
                KeyReport.build(snapshot: try await db.snapshot(), keys: try await db.contentKeys(), counts: try await db.keyFetchCounts(),
                                refused: try await db.refusedKeyFetches(limit: max(0, limit)), now: SystemClock().now())
            }
            try output.emit(report) { report.text }
        }
    }

    struct RotateURLSecret: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-url-secret",
            abstract: "Add a new URL-signing secret (<db>.url-secrets) and keep only the newest two.",
            discussion: "New signed URLs use the new secret at once (a running server re-reads the file within a second); URLs signed with the previous one keep working until the next rotation.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let path = store.path + ".url-secrets"
            do {
                let s = try URLSecrets.rotate(path: path, now: SystemClock().now())
                print("new URL-signing secret \(s.kid) in \(path) (the previous one stays valid until the next rotation)")
            } catch {
                throw CLIError(error.message)
            }
        }
    }
}
