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
            abstract: "Add a boot-screen creative, an image or a video, rendered for each screen profile of the channel and checked by the channel's rules.",
            discussion: """
                An image (JPEG or PNG) becomes one JPEG per profile. A video (MP4, or any file `showrunner package` reads \
                that has a video stream; audio optional) is checked against the channel's maximum duration from its \
                stream before anything is transcoded, then becomes per profile one progressive H.264/AAC MP4 \
                (faststart: what a TV caches) and a short HLS of the same encode (TS segments of 2 s), at the \
                source frame rate. Both fill each profile by --fit (crop: fill and cut the overflow; pad: black \
                bars). A source smaller than a profile is scaled up, with a warning.
                """)
        @Option var channel: String
        @Option(help: "The image (JPEG, PNG) or video (MP4) file.") var creative: String
        @Option var brand: String
        @Option(help: "Flight start (ISO 8601, a date, or now).") var from: String
        @Option(help: "Flight end (exclusive).") var until: String
        @Option(help: "Creative id (default: the file name's stem).") var id: String?
        @Option(help: "1 (first) ... 10.") var priority: Int = 5
        @Option(help: "Share of voice among its priority, percent.") var share: Int?
        @Option(help: "Seconds on screen (images only; default 5). A video plays for its own length.") var duration: String?
        @Option(help: "Seconds before the viewer may skip.") var skippableAfter: String?
        @Option(help: "How the creative fills a profile of another aspect ratio: crop or pad.") var fit: String = StillFit.crop.rawValue
        @Flag(name: .customLong("default"), help: "The channel's fallback creative.") var isDefault = false
        @OptionGroup var store: StoreOptions
        @OptionGroup var media: MediaRootOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard StillFit(rawValue: fit) != nil else { throw ValidationError("--fit must be crop or pad, not '\(fit)'") }
        }

        func run() async throws {
            guard let handle = FileHandle(forReadingAtPath: creative) else { throw CLIError("\(creative): cannot read the file") }
            let head = Array(handle.readData(ofLength: 8))
            try? handle.close()
            let isJPEG = head.starts(with: [0xFF, 0xD8, 0xFF]), isPNG = head.starts(with: [0x89, 0x50, 0x4E, 0x47])
            guard let fromT = try parseTime(from, option: "--from"), let untilT = try parseTime(until, option: "--until") else {
                throw ValidationError("--from and --until are required")
            }
            let creativeID = id ?? String((creative.split(separator: "/").last ?? "boot").split(separator: ".").first ?? "boot")
            let library = MediaLibrary(root: media.path)
            let fitMode = StillFit(rawValue: fit) ?? .crop
            let skipMS = try skippableAfter.map { try parseSeconds($0, option: "--skippable-after") }
            let made = try await withService(store) { svc, st in
                let (c, warnings): (BootCreative, [String])
                if isJPEG || isPNG {
                    (c, warnings) = try await BootCommand.addImage(
                        service: svc, store: st, library: library, channel: channel, file: creative, brand: brand, from: fromT, until: untilT,
                        id: creativeID, priority: priority, share: share, durationMS: try duration.map { try parseSeconds($0, option: "--duration") },
                        skippableAfterMS: skipMS, isDefault: isDefault, fit: fitMode)
                } else {
                    guard duration == nil else {
                        throw CLIError("--duration is for images: \(creative) is not a JPEG or PNG, and a video plays for its own length")
                    }
                    (c, warnings) = try await BootCommand.addVideo(
                        service: svc, store: st, library: library, channel: channel, file: creative, brand: brand, from: fromT, until: untilT,
                        id: creativeID, priority: priority, share: share, skippableAfterMS: skipMS, isDefault: isDefault, fit: fitMode)
                }
                for w in warnings { FileHandle.standardError.write(Data("warning: \(w)\n".utf8)) }
                return c
            }
            try output.emit(made) {
                let what = made.kind == .video ? "video, \(MediaTime(milliseconds: made.durationMS).decimalString(fractionDigits: 3)) s" : "image"
                return "boot creative \(made.id) on \(made.channel) (\(what)): "
                    + made.variants.map { "\($0.sizeText) \($0.size) bytes" + ($0.hlsMaster == nil ? "" : " + HLS") }.joined(separator: ", ")
            }
        }
    }

    /// Renders the image `file` for each screen profile of `channel` into
    /// `boot/<channel>/<id>/<WxH>.jpg` under the media root and records the creative (checked by
    /// the channel's rules first). Returns it and warnings (upscaled profiles).
    static func addImage(service svc: CatalogService, store st: SQLiteStore, library: MediaLibrary, channel: String, file: String,
                         brand: String, from: Timestamp, until: Timestamp, id creativeID: String, priority: Int, share: Int?,
                         durationMS: Int64?, skippableAfterMS: Int64?, isDefault: Bool, fit: StillFit = .crop) async throws -> (BootCreative, [String]) {
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
                                                         fit: fit, output: out, jpegQuality: 3))
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

    /// Adds the video `file` as a boot creative of `channel`:
    ///
    /// 1. probes its streams (nothing decoded) and checks the creative, with the video stream's
    ///    real length, against the channel's rules — a 40 s video is refused here, before any
    ///    transcoding, naming the file, its length and the limit;
    /// 2. renders every screen profile (`BootVideo.render`: one MP4 and one short HLS each) into a
    ///    hidden staging folder `boot/<channel>/.<id>.partial-<pid>/` under the media root;
    /// 3. records each variant (`boot/<channel>/<id>/<WxH>.mp4`, its sha256, size, pixel size and
    ///    length read from the written file, and `…/<WxH>/master.m3u8`), the creative's length
    ///    being its longest variant's, and checks again (file sizes against the channel's limit);
    /// 4. moves the folder into place (a creative with the same id is replaced) and records the
    ///    creative in the store.
    ///
    /// Any failure (a corrupt or truncated file, a rule) leaves no files and no creative behind.
    /// Returns the creative and warnings (upscaled profiles, audio tracks left out).
    static func addVideo(service svc: CatalogService, store st: SQLiteStore, library: MediaLibrary, channel: String, file: String,
                         brand: String, from: Timestamp, until: Timestamp, id creativeID: String, priority: Int, share: Int?,
                         skippableAfterMS: Int64?, isDefault: Bool, fit: StillFit = .crop,
                         preset: String = "veryfast") async throws -> (BootCreative, [String]) {
        let ch = try await svc.channel(channel)
        guard !ch.screens.isEmpty else {
            throw ShowrunnerError.invalid("channel", "channel '\(channel)' has no screen profiles to render for")
        }
        try CatalogRules.checkID(creativeID, field: "id")
        let snap = try await st.snapshot()
        let rules = snap.bootRules[channel] ?? BootRules(channel: channel)
        let brands = Array(snap.brands.values), existing = snap.bootCreatives[channel] ?? []

        // 1. The real stream's length, checked before anything is decoded.
        let probe: BootVideoProbe
        do throws(PackageError) {
            probe = try BootVideo.probe(file)
        } catch where error.code == .notMedia || error.code == .unsupportedContainer {
            throw CLIError("\(file): neither a JPEG/PNG image nor a video (\(error.message))")
        } catch {
            throw CLIError(error.description)
        }
        var c = BootCreative(id: creativeID, channel: channel, brand: brand, kind: .video, from: from, until: until, priority: priority,
                             sharePercent: share, durationMS: probe.durationMS, skippableAfterMS: skippableAfterMS, isDefault: isDefault)
        do {
            try rules.check(creative: c, brands: brands, existing: existing)
        } catch let e as ShowrunnerError where e.field == "duration_ms" {
            throw CLIError("\(file): \(e.message)")
        }

        // 2. Render into a staging folder.
        let parent = library.root + "/boot/" + channel
        let staging = parent + "/.\(creativeID).partial-\(getpid())"
        let fm = FileManager.default
        try? fm.removeItem(atPath: staging)
        try fm.createDirectory(atPath: staging, withIntermediateDirectories: true)
        var warnings: [String] = []
        do {
            let report: BootVideoReport
            do throws(PackageError) {
                report = try await BootVideo.renderDetached(BootVideoRequest(
                    input: file, sizes: ch.screens.map { BootVideoSize(width: $0.width, height: $0.height) }, fit: fit,
                    outputDirectory: staging, maxDuration: MediaTime(milliseconds: rules.maxDurationMS), preset: preset))
            } catch {
                throw CLIError(error.description)
            }
            warnings = report.warnings

            // 3. The variants as they will be served, checked against the rules.
            let base = "boot/\(channel)/\(creativeID)/"
            for v in report.variants {
                guard let bytes = fm.contents(atPath: staging + "/" + v.mp4) else { throw CLIError("\(staging)/\(v.mp4): not written") }
                c.variants.append(BootVariant(width: v.size.width, height: v.size.height, path: base + v.mp4,
                                              sha256: SHA256.hex(Array(bytes)), size: Int64(bytes.count), mime: "video/mp4",
                                              durationMS: v.durationMS, hlsMaster: base + v.hlsMaster))
            }
            c.durationMS = c.variants.compactMap(\.durationMS).max() ?? probe.durationMS
            try rules.check(creative: c, brands: brands, existing: existing)
        } catch {
            try? fm.removeItem(atPath: staging)
            throw error
        }

        // 4. Into place, then into the store; a failure puts back what was there.
        let final = parent + "/" + creativeID
        let old = parent + "/.\(creativeID).old-\(getpid())"
        let replacing = fm.fileExists(atPath: final)
        do {
            if replacing { try fm.moveItem(atPath: final, toPath: old) }
            try fm.moveItem(atPath: staging, toPath: final)
        } catch {
            try? fm.removeItem(atPath: staging)
            if replacing, !fm.fileExists(atPath: final) { try? fm.moveItem(atPath: old, toPath: final) }
            throw CLIError("\(final): cannot move the rendered files into place: \(error.localizedDescription)")
        }
        do {
            _ = try await applyChange(st, .putBootCreative(c))
        } catch {
            try? fm.removeItem(atPath: final)
            if replacing { try? fm.moveItem(atPath: old, toPath: final) }
            throw error
        }
        if replacing { try? fm.removeItem(atPath: old) }
        return (c, warnings)
    }

    struct Rules: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a channel's boot-screen rules (options not given keep their value).")
        @Argument var channel: String
        @Option(name: .customLong("cap-per-day")) var capPerDay: Int?
        @Option(name: .customLong("min-interval"), help: "Minutes between two boot ads on a device.") var minInterval: Int?
        @Option(name: .customLong("max-duration"), help: "Seconds.") var maxDuration: String?
        @Option(name: .customLong("max-file-bytes"), help: "Largest variant file, bytes (a video's largest MP4).") var maxFileBytes: Int64?
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
                if let maxFileBytes { r.maxFileBytes = maxFileBytes }
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
