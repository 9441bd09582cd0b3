import ArgumentParser
import Foundation
import MediaCore
import Server
import Showrunner
import Store

/// `showrunner audit ...`: the operator's audit of every ad slot, the markers on disk, session
/// replays and the change log.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Audit ad slots (planned → marked → decided → served → seen), markers, sessions and the change log.",
        subcommands: [Slots.self, Markers.self, Session.self, VerifyLog.self, Report.self, Sync.self], defaultSubcommand: Slots.self)

    struct Filter: ParsableArguments {
        @Option(help: "Only this title.") var title: String?
        @Option(help: "Only this channel.") var channel: String?
        @Option(help: "Sessions made from (ISO 8601 date or time; default: 7 days ago).") var from: String?
        @Option(help: "Sessions made before (default: tomorrow).") var to: String?

        func filter() throws -> AuditFilter {
            let now = SystemClock().now()
            let today = now.milliseconds - now.milliseconds % 86_400_000
            let from = try parseTime(self.from, option: "--from") ?? Timestamp(milliseconds: today - 7 * 86_400_000)
            let until = try parseTime(to, option: "--to") ?? Timestamp(milliseconds: today + 86_400_000)
            guard from < until else { throw ValidationError("--from must be before --to") }
            return AuditFilter(from: from, until: until, title: title, channel: channel)
        }
    }

    static func auditor(_ store: SQLiteStore, _ media: MediaRootOptions) -> Auditor {
        Auditor(store: store, mediaRoot: MediaLibrary.absolute(media.path))
    }

    static func print<T: Encodable>(json value: T) throws {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        Swift.print(String(decoding: try e.encode(value), as: UTF8.self))
    }

    struct Slots: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "slots", abstract: "Each title × channel × break × slot: planned, marked, decided, served, seen, flags.",
            discussion: "Marked counts come from the published playlists on disk (see `audit sync`); a server-vs-client gap over 10 % is flagged.")
        @OptionGroup var filter: Filter
        @Option(help: "table, csv or json.") var format: String = "table"
        @OptionGroup var store: StoreOptions
        @OptionGroup var media: MediaRootOptions

        func run() async throws {
            guard ["table", "csv", "json"].contains(format) else { throw ValidationError("--format '\(format)' is not table, csv or json") }
            let f = try filter.filter()
            let report = try await withService(store) { _, st in
                try await AuditCommand.auditor(st, media).slots(f, snapshot: try await st.snapshot())
            }
            switch format {
            case "json": try AuditCommand.print(json: report)
            case "csv": Swift.print(report.table.csv, terminator: "")
            default: Swift.print(report.table.text)
            }
        }
    }

    struct Markers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every published playlist's ad markers; one line per finding (file:line). Exits 1 when there are findings.")
        @Option(help: "Only this title.") var title: String?
        @Option(help: "Only this channel.") var channel: String?
        @OptionGroup var output: OutputOptions
        @OptionGroup var store: StoreOptions
        @OptionGroup var media: MediaRootOptions

        func run() async throws {
            let results = try await withService(store) { _, st in
                AuditCommand.auditor(st, media).markers(title: title, channel: channel, snapshot: try await st.snapshot())
            }
            let findings = results.reduce(0) { $0 + $1.findings.count }
            try output.emit(results) {
                var lines: [String] = []
                for r in results {
                    let breaks = Set(r.breaks.map(\.breakID)).count
                    lines.append("\(r.channel)/\(r.title): \(r.files.count) playlists, \(breaks) of \(r.planned.count) planned breaks marked, \(r.findings.count) findings")
                    for f in r.findings { lines.append("  \(f.file):\(f.line): \(f.code.rawValue): \(f.message)") }
                }
                if results.isEmpty { lines.append("no published playlists under \(media.path)/.published (run `showrunner audit sync`)") }
                return lines.joined(separator: "\n")
            }
            if findings > 0 { throw CLIError("\(findings) marker finding(s)") }
        }
    }

    struct Session: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replay a session: its decisions with reasons and the exact playlists it was served, rebuilt.")
        @Argument(help: "The session id (32 hex digits).") var sid: String
        @Option(help: "Print only this rendition's playlist.") var rendition: String?
        @OptionGroup var output: OutputOptions
        @OptionGroup var store: StoreOptions
        @OptionGroup var media: MediaRootOptions

        func run() async throws {
            let replay = try await withService(store) { _, st in try await AuditCommand.auditor(st, media).replay(sid) }
            if let rendition {
                guard let p = replay.playlists.first(where: { $0.rendition == rendition }) else {
                    throw CLIError("session \(sid) has no rendition '\(rendition)' (it has \(replay.playlists.map(\.rendition).joined(separator: ", ")))")
                }
                Swift.print(p.text, terminator: "")
                return
            }
            try output.emit(replay) {
                let s = replay.session
                var lines = ["session \(s.id): \(s.title) \(s.version) on \(s.channel), device \(s.device) (\(s.endpoint.rawValue)\(s.model.map { " \($0)" } ?? "")), household \(s.household), made \(s.createdAt.iso8601)"]
                for b in replay.breaks {
                    lines.append("\(b.id) (\(b.plan.position.rawValue) at \(ReportTableText.seconds(b.plan.atMS)) s, planned \(ReportTableText.seconds(b.plan.plannedMS)) s)")
                    for d in b.slots {
                        let what = d.creative.map { "\($0)\(d.campaign.map { " (\($0))" } ?? "")" } ?? "-"
                        lines.append("  \(d.slot >= 0 ? "slot \(d.slot)" : "refused"): \(d.reason.rawValue) \(what) \(ReportTableText.seconds(d.durationMS)) s — \(d.detail)")
                    }
                }
                lines.append("events: \(replay.events.count)")
                for e in replay.events { lines.append("  \(e.ts.iso8601) \(e.source.rawValue) \(e.type)\(e.slotID.map { " \($0)" } ?? "")") }
                lines.append("marker findings: \(replay.findings.count)")
                for f in replay.findings { lines.append("  \(f.file):\(f.line): \(f.code.rawValue): \(f.message)") }
                lines.append("--- master.m3u8")
                lines.append(replay.master)
                for p in replay.playlists {
                    lines.append("--- \(p.rendition).m3u8")
                    lines.append(p.text)
                }
                return lines.joined(separator: "\n")
            }
        }
    }

    struct VerifyLog: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify-log", abstract: "Check the change log's hash chain; names every edited or deleted entry. Exits 1 when broken.")
        @OptionGroup var output: OutputOptions
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let (problems, count) = try await withService(store) { _, st in (try await st.verifyChangeLog(), try await st.changeLogCount()) }
            struct Result: Encodable { var entries: Int; var intact: Bool; var problems: [String] }
            try output.emit(Result(entries: count, intact: problems.isEmpty, problems: problems)) {
                problems.isEmpty ? "change log intact: \(count) entries, hash chain verified" : problems.joined(separator: "\n")
            }
            if !problems.isEmpty { throw CLIError("change log broken: \(problems.count) problem(s)") }
        }
    }

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a self-contained daily report (HTML: slots, timelines, boot schedule, pacing, reach, sessions).")
        @Option(help: "The day, YYYY-MM-DD (UTC).") var day: String
        @Option(help: "The channel (default: the first with an ad policy).") var channel: String?
        @Option(help: "Where to write the HTML.") var out: String
        @OptionGroup var store: StoreOptions
        @OptionGroup var media: MediaRootOptions

        func run() async throws {
            let html = try await withService(store) { _, st in
                try await OpsData(auditor: AuditCommand.auditor(st, media), reports: st, keys: st)
                    .dailyReport(channel: channel, day: day, snapshot: try await st.snapshot(), now: SystemClock().now(), actor: cliActor)
            }
            do {
                try html.write(toFile: out, atomically: true, encoding: .utf8)
            } catch {
                throw CLIError("\(out): cannot write the report (\(error.localizedDescription))")
            }
            Swift.print("wrote \(out) (\(html.utf8.count) bytes)")
        }
    }

    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the marked playlists of every live publication with ads (the server does this on every catalog change).")
        @OptionGroup var output: OutputOptions
        @OptionGroup var store: StoreOptions
        @OptionGroup var media: MediaRootOptions

        func run() async throws {
            let r = try await withService(store) { _, st in
                PublishedPlaylists(mediaRoot: MediaLibrary.absolute(media.path)).sync(try await st.snapshot())
            }
            try output.emit(r) {
                (["\(r.written.count) written, \(r.unchanged) unchanged, \(r.removed.count) removed"]
                    + r.written.map { "  wrote \($0)" } + r.removed.map { "  removed \($0)" } + r.problems.map { "  problem: \($0)" })
                    .joined(separator: "\n")
            }
            if !r.problems.isEmpty { throw CLIError("\(r.problems.count) publication(s) could not be written") }
        }
    }
}

/// Seconds with three decimals, for CLI lines.
enum ReportTableText {
    static func seconds(_ ms: Int64) -> String { MediaTime(milliseconds: ms).decimalString(fractionDigits: 3) }
}

/// Rewrites the marked playlists after a change to publications, ad policies or break plans
/// (when the media root exists); problems are warnings, the change itself stands.
func syncPublished(_ store: SQLiteStore, _ media: MediaRootOptions) async {
    let root = MediaLibrary.absolute(media.path)
    guard FileManager.default.fileExists(atPath: root), let snap = try? await store.snapshot() else { return }
    let r = PublishedPlaylists(mediaRoot: root).sync(snap)
    for p in r.problems { FileHandle.standardError.write(Data("showrunner: warning: marked playlists of \(p)\n".utf8)) }
}
