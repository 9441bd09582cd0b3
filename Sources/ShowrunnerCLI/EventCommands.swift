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
    static let configuration = CommandConfiguration(commandName: "events", abstract: "The event ledger.", subcommands: [Stats.self])

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
