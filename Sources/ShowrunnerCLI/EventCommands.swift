import ArgumentParser
import Foundation
import Showrunner
import Store

/// `showrunner identity link|import`: devices to households.
struct IdentityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "identity", abstract: "Devices and the households they belong to.",
                                                    subcommands: [Link.self, Import.self])

    struct Link: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Link a device to a household.")
        @Argument var device: String
        @Argument var household: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let n = try await withService(store) { _, st in
                try await st.link([DeviceLink(deviceID: device, householdID: household)], at: SystemClock().now())
            }
            print(n == 0 ? "\(device) already in household \(household)" : "\(device) linked to household \(household)")
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import device,household links from a CSV file (an optional header line device_id,household_id).",
            discussion: "Every valid row is imported; bad rows are listed with their line numbers and the command then exits 1.")
        @Argument var file: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("\(file): cannot read the file") }
            let (links, problems) = IdentityCommand.parseCSV(String(decoding: data, as: UTF8.self))
            let n = try await withService(store) { _, st in try await st.link(links, at: SystemClock().now()) }
            print("\(file): \(links.count) link(s) read, \(n) changed")
            for p in problems { FileHandle.standardError.write(Data("\(file):\(p)\n".utf8)) }
            if !problems.isEmpty { throw CLIError("\(problems.count) bad row(s) left out (listed above)") }
        }
    }

    /// Rows of `device,household`; returns the valid links and `line: why` for the rest.
    static func parseCSV(_ text: String) -> ([DeviceLink], [String]) {
        var links: [DeviceLink] = []
        var problems: [String] = []
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            if i == 0, fields.first?.lowercased() == "device_id" { continue }
            guard fields.count == 2 else {
                problems.append("\(i + 1): expected 2 fields (device_id,household_id), found \(fields.count)")
                continue
            }
            let link = DeviceLink(deviceID: fields[0], householdID: fields[1])
            do {
                try link.check()
                links.append(link)
            } catch {
                problems.append("\(i + 1): \(error.message)")
            }
        }
        return (links, problems)
    }
}

/// `showrunner events stats`: what the event ledger holds.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "events", abstract: "The event ledger.", subcommands: [Stats.self, Compact.self])

    struct Compact: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Roll raw events before DATE (a UTC day, at least 7 days ago) into daily aggregates and remove them.",
            discussion: "Reports over compacted days give the same numbers as before; `events stats` still counts them.")
        @Option(help: "First day kept raw, e.g. 2026-11-01.") var before: String
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            guard let b = try parseTime(before, option: "--before") else { throw ValidationError("--before is required") }
            let r = try await withService(store) { _, st in try await st.compact(before: b, now: SystemClock().now()) }
            try output.emit(r) { "compacted \(r.events) event(s) before \(r.before) into \(r.aggregateRows) aggregate row(s)" }
        }
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stored event counts by type and source (check acknowledged = stored).")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let s = try await withService(store) { _, st in try await st.eventStats() }
            try output.emit(s) {
                var lines = ["total \(s.total), flagged \(s.flagged)"]
                lines += s.bySource.sorted { $0.key < $1.key }.map { "source \($0.key)\t\($0.value)" }
                lines += s.byType.sorted { $0.key < $1.key }.map { "type \($0.key)\t\($0.value)" }
                return lines.joined(separator: "\n")
            }
        }
    }
}

/// `showrunner report views|ads|reach`: reports over the event ledger.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Views, ad delivery and cross-screen reach.",
                                                    subcommands: [Views.self, Ads.self, Reach.self])

    struct Options: ParsableArguments {
        @Option(help: "First day (ISO 8601 date or time; default: 7 days ago).") var from: String?
        @Option(help: "Day after the last (default: tomorrow).") var to: String?
        @Option(help: "table, csv or json.") var format: String = "table"
        @Flag(help: "Count events flagged as invalid traffic too.") var includeFlagged = false

        func period() throws -> ReportPeriod {
            let now = SystemClock().now()
            let today = now.milliseconds - now.milliseconds % 86_400_000
            let from = try parseTime(self.from, option: "--from") ?? Timestamp(milliseconds: today - 7 * 86_400_000)
            let until = try parseTime(to, option: "--to") ?? Timestamp(milliseconds: today + 86_400_000)
            guard from < until else { throw ValidationError("--from must be before --to") }
            return ReportPeriod(from: from, until: until)
        }

        func emit<R: Codable>(_ report: R, _ table: ReportTable) throws {
            switch format {
            case "json":
                let e = JSONEncoder()
                e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try e.encode(report), as: UTF8.self))
            case "csv": print(table.csv, terminator: "")
            case "table": print(table.text)
            default: throw ValidationError("--format '\(format)' is not table, csv or json")
            }
        }
    }

    struct Views: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Views per title, channel, endpoint kind and day; completion; watch time.")
        @OptionGroup var options: Options
        @Option(help: "Seconds played for a view.") var minSeconds: Int = 10
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let period = try options.period()
            let r = try await withService(store) { _, st in try await st.viewReport(period, minimumMS: Int64(minSeconds) * 1000, includeFlagged: options.includeFlagged) }
            try options.emit(r, .views(r))
        }
    }

    struct Ads: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Ad events per campaign, creative, channel and break, server and client side by side.")
        @OptionGroup var options: Options
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let period = try options.period()
            let r = try await withService(store) { _, st in try await st.adReport(period, includeFlagged: options.includeFlagged) }
            try options.emit(r, .ads(r))
        }
    }

    struct Reach: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Unique devices and households and average frequency per campaign, across TV, mobile and boot.")
        @OptionGroup var options: Options
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let period = try options.period()
            let r = try await withService(store) { _, st in try await st.reachReport(period, includeFlagged: options.includeFlagged) }
            try options.emit(r, .reach(r))
        }
    }
}
