import ArgumentParser
import Foundation
import MediaCore
import Packager
import Showrunner
import Store

/// `showrunner boot add|rules|schedule`: boot-screen creatives per channel.
struct BootCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "boot", abstract: "Boot-screen creatives per channel.",
                                                    subcommands: [Add.self, Rules.self, Schedule.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a boot-screen image: one variant rendered per screen profile of the channel (cropped to fill), checked by the channel's rules.",
            discussion: "JPEG or PNG. Video creatives (an MP4 per profile and a short HLS) are not built yet.")
        @Option var channel: String
        @Option(help: "The image file.") var creative: String
        @Option var brand: String
        @Option(help: "Flight start (ISO 8601, a date, or now).") var from: String
        @Option(help: "Flight end (exclusive).") var until: String
        @Option(help: "Creative id (default: the file name's stem).") var id: String?
        @Option(help: "1 (first) ... 10.") var priority: Int = 5
        @Option(help: "Share of voice among its priority, percent.") var share: Int?
        @Option(help: "Seconds on screen (images; default 5).") var duration: String?
        @Option(help: "Seconds before the viewer may skip.") var skippableAfter: String?
        @Flag(name: .customLong("default"), help: "The channel's fallback creative.") var isDefault = false
        @OptionGroup var store: StoreOptions
        @OptionGroup var media: MediaRootOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: creative) else { throw CLIError("\(creative): cannot read the file") }
            let head = Array(data.prefix(8))
            let isJPEG = head.starts(with: [0xFF, 0xD8, 0xFF]), isPNG = head.starts(with: [0x89, 0x50, 0x4E, 0x47])
            guard isJPEG || isPNG else {
                throw CLIError("\(creative): not a JPEG or PNG image (video boot creatives are not built yet)")
            }
            guard let fromT = try parseTime(from, option: "--from"), let untilT = try parseTime(until, option: "--until") else {
                throw ValidationError("--from and --until are required")
            }
            let creativeID = id ?? String((creative.split(separator: "/").last ?? "boot").split(separator: ".").first ?? "boot")
            let library = MediaLibrary(root: media.path)
            let made = try await withService(store) { svc, st in
                let (c, warnings) = try await BootCommand.addImage(
                    service: svc, store: st, library: library, channel: channel, file: creative, brand: brand, from: fromT, until: untilT,
                    id: creativeID, priority: priority, share: share, durationMS: try duration.map { try parseSeconds($0, option: "--duration") },
                    skippableAfterMS: try skippableAfter.map { try parseSeconds($0, option: "--skippable-after") }, isDefault: isDefault)
                for w in warnings { FileHandle.standardError.write(Data("warning: \(w)\n".utf8)) }
                return c
            }
            try output.emit(made) {
                "boot creative \(made.id) on \(made.channel): " + made.variants.map { "\($0.sizeText) \($0.size) bytes" }.joined(separator: ", ")
            }
        }
    }

    /// Renders the image `file` for each screen profile of `channel` into
    /// `boot/<channel>/<id>/<WxH>.jpg` under the media root and records the creative (checked by
    /// the channel's rules first). Returns it and warnings (upscaled profiles).
    static func addImage(service svc: CatalogService, store st: SQLiteStore, library: MediaLibrary, channel: String, file: String,
                         brand: String, from: Timestamp, until: Timestamp, id creativeID: String, priority: Int, share: Int?,
                         durationMS: Int64?, skippableAfterMS: Int64?, isDefault: Bool) async throws -> (BootCreative, [String]) {
        let ch = try await svc.channel(channel)
        guard !ch.screens.isEmpty else {
            throw ShowrunnerError.invalid("channel", "channel '\(channel)' has no screen profiles to render for")
        }
        var c = BootCreative(id: creativeID, channel: channel, brand: brand, kind: .image, from: from, until: until, priority: priority,
                             sharePercent: share, durationMS: durationMS, skippableAfterMS: skippableAfterMS, isDefault: isDefault)
        let snap = try await st.snapshot()
        let rules = snap.bootRules[channel] ?? BootRules(channel: channel)
        try rules.check(creative: c, brands: Array(snap.brands.values), existing: snap.bootCreatives[channel] ?? [])
        var warnings: [String] = []
        for profile in ch.screens {
            let relative = "boot/\(channel)/\(creativeID)/\(profile.width)x\(profile.height).jpg"
            let out = library.root + "/" + relative
            try FileManager.default.createDirectory(atPath: (out as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let report: StillReport
            do throws(PackageError) {
                report = try Stills.extract(StillRequest(input: file, at: .zero, width: profile.width, height: profile.height,
                                                         fit: .crop, output: out, jpegQuality: 3))
            } catch {
                throw CLIError(error.description)
            }
            if report.sourceWidth < profile.width || report.sourceHeight < profile.height {
                warnings.append("\(profile) is upscaled from \(report.sourceWidth)x\(report.sourceHeight)")
            }
            guard let bytes = FileManager.default.contents(atPath: out) else { throw CLIError("\(out): not written") }
            c.variants.append(BootVariant(width: profile.width, height: profile.height, path: relative,
                                          sha256: SHA256.hex(Array(bytes)), size: Int64(bytes.count), mime: "image/jpeg"))
        }
        _ = try await applyChange(st, .putBootCreative(c))
        return (c, warnings)
    }

    struct Rules: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a channel's boot-screen rules (options not given keep their value).")
        @Argument var channel: String
        @Option(name: .customLong("cap-per-day")) var capPerDay: Int?
        @Option(name: .customLong("min-interval"), help: "Minutes between two boot ads on a device.") var minInterval: Int?
        @Option(name: .customLong("max-duration"), help: "Seconds.") var maxDuration: String?
        @Option(name: .customLong("close-prompt"), help: "Seconds until the close prompt shows.") var closePrompt: String?
        @Option(name: .customLong("utc-offset"), help: "Minutes.") var utcOffset: Int?
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let r = try await withService(store) { _, st in
                var r = try await st.snapshot().bootRules[channel] ?? BootRules(channel: channel)
                if let capPerDay { r.capPerDay = capPerDay }
                if let minInterval { r.minIntervalMS = Int64(minInterval) * 60_000 }
                if let maxDuration { r.maxDurationMS = try parseSeconds(maxDuration, option: "--max-duration") }
                if let closePrompt { r.closePromptMS = try parseSeconds(closePrompt, option: "--close-prompt") }
                if let utcOffset { r.utcOffsetMinutes = utcOffset }
                _ = try await applyChange(st, .putBootRules(r))
                return r
            }
            try output.emit(r) { "boot rules of \(r.channel): \(r.capPerDay)/day, \(r.minIntervalMS / 60_000) min apart, at most \(r.maxDurationMS / 1000) s" }
        }
    }

    struct Schedule: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A day's plan: which creative, and its expected share of boots.")
        @Argument var channel: String
        @Option(help: "The day (default today).") var day: String?
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let plan = try await withService(store) { svc, st in
                _ = try await svc.channel(channel)
                let snap = try await st.snapshot()
                let rules = snap.bootRules[channel] ?? BootRules(channel: channel)
                let t = try parseTime(day, option: "--day") ?? SystemClock().now()
                return BootSchedule.day(rules: rules, creatives: snap.bootCreatives[channel] ?? [], day: rules.localMidnight(of: t))
            }
            struct Line: Encodable {
                var creative: String?
                var brand: String?
                var expectedPermille: Int
                enum CodingKeys: String, CodingKey { case creative, brand, expectedPermille = "expected_permille" }
            }
            try output.emit(["plan": plan.map { Line(creative: $0.creative?.id, brand: $0.creative?.brand, expectedPermille: $0.expectedPermille) }]) {
                plan.map { e in
                    "\(e.creative?.id ?? "(nothing)")\t\(e.creative?.brand ?? "-")\t\(e.expectedPermille / 10).\(e.expectedPermille % 10) %"
                }.joined(separator: "\n")
            }
        }
    }
}
