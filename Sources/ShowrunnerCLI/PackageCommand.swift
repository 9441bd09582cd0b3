import ArgumentParser
import FoundationEssentials
import MediaCore
import Packager
import Server
import Showrunner
import Store

#if canImport(Glibc)
import Glibc
#endif

/// `showrunner package INPUT`: remux a media file into an HLS package.
struct PackageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "package",
        abstract: "Package a media file into HLS (TS or fMP4 segments, I-frame playlists, cut points).",
        discussion: """
            Remuxes without re-encoding: H.264/HEVC video, AAC/AC-3/E-AC-3/MP3 audio from MP4/MOV, \
            Matroska or MPEG-TS. Segments start at keyframes; each --cue forces a boundary at the first \
            keyframe at or after it (reported in breaks.json). The package is written beside the target \
            and moved into place at the end.
            """
    )

    @Argument(help: "The media file to package.")
    var input: String

    @Option(name: .long, help: "Package folder (default: Playlists/<input name>).")
    var out: String?

    @Option(name: .long, help: "Segment container: ts or fmp4.")
    var format: String = "ts"

    @Option(name: .long, help: "Target segment duration in seconds.")
    var segmentDuration: String = "6"

    @Option(name: .long, parsing: .singleValue,
            help: "Start a segment at the first keyframe at or after this time (seconds or HH:MM:SS.mmm); repeatable.")
    var cue: [String] = []

    @Flag(name: .long, help: "Print a JSON summary on stdout.")
    var json = false

    @Option(name: .long, help: "copy (remux, the default), tv, mobile, or a ladder JSON file: transcode to that ABR ladder.")
    var ladder: String = "copy"

    @Option(name: .long, help: "Package straight into the catalog as a new version of this title (<media-root>/<title>/<version>/).")
    var title: String?

    @Option(name: .long, help: "With --title: the version id (default: the next vN).")
    var version: String?

    @Option(name: .long, help: "Encrypt the segments: aes-128 (HLS METHOD=AES-128; keys are not written into the package).")
    var encrypt: String?

    @Option(name: .long, help: "With --encrypt: a new key every N segments (default: one key for the whole version).")
    var keyRotation: Int?

    @OptionGroup var store: StoreOptions
    @OptionGroup var media: MediaRootOptions
    @OptionGroup var masterKey: MasterKeyOptions

    /// The ladder named by --ladder (nil for copy); a bad file is one line naming the field.
    func resolveLadder() throws -> Ladder? {
        if ladder == "copy" { return nil }
        if let builtIn = Ladder.builtIn(ladder) { return builtIn }
        guard let data = FileManager.default.contents(atPath: ladder) else {
            throw CLIError("--ladder '\(ladder)' is not copy, tv, mobile or a readable ladder JSON file")
        }
        do {
            return try Ladder.parse(Array(data))
        } catch {
            throw CLIError("\(ladder): \(error.description)")
        }
    }

    func validate() throws {
        guard SegmentFormat(rawValue: format) != nil else {
            throw ValidationError("--format '\(format)' is not one of: ts, fmp4")
        }
        guard let d = MediaTime(decimal: segmentDuration), !d.isNegative, d.value > 0 else {
            throw ValidationError("--segment-duration '\(segmentDuration)' is not a positive number of seconds")
        }
        if let encrypt, encrypt != "aes-128" {
            throw ValidationError("--encrypt '\(encrypt)' is not one of: aes-128")
        }
        if let keyRotation {
            guard encrypt != nil else { throw ValidationError("--key-rotation needs --encrypt") }
            guard keyRotation >= 1 else { throw ValidationError("--key-rotation \(keyRotation) is not a positive number of segments") }
        }
        for c in cue where MediaTime(parsing: c) == nil || MediaTime(parsing: c)!.isNegative {
            throw ValidationError("--cue '\(c)' is not a time (seconds like 12.5, or HH:MM:SS.mmm)")
        }
    }

    func run() async throws {
        var output = out ?? media.path + "/" + Self.stem(of: input)
        var registration: (CatalogService, SQLiteStore, MediaLibrary, String)? = nil
        // Keys go to the catalog wrapped by the master key: both must be at hand before any work.
        var vault: KeyVault? = nil
        var keyStore: SQLiteStore? = nil
        if encrypt != nil {
            vault = KeyVault(master: try masterKey.require(for: "--encrypt"))
            if title == nil { keyStore = try store.open() }
        }
        defer { keyStore?.close() }
        if let title {
            guard out == nil else { throw ValidationError("--out and --title do not go together: with --title the package goes to <media-root>/<title>/<version>/") }
            let catalog = try store.open()
            let service = CatalogService(store: catalog, clock: SystemClock())
            let library = MediaLibrary(root: media.path)
            do {
                _ = try await service.title(title)
                let id: String
                if let version { id = version } else { id = try await service.nextVersionID(title: title) }
                try CatalogRules.checkID(id, field: "--version")
                if (try await catalog.versions(title: title)).contains(where: { $0.id == id }) {
                    throw ShowrunnerError(.conflict, "version '\(id)' of '\(title)' already exists")
                }
                output = library.folder(title: title, version: id)
                registration = (service, catalog, library, id)
            } catch let e as ShowrunnerError {
                catalog.close()
                throw CLIError(e.message)
            }
        }
        defer { registration?.1.close() }
        let request = PackageRequest(
            input: input, output: output, format: SegmentFormat(rawValue: format) ?? .ts,
            segmentDuration: MediaTime(decimal: segmentDuration) ?? MediaTime(seconds: 6),
            cues: cue.compactMap { MediaTime(parsing: $0) }, ladder: try resolveLadder(),
            encryption: encrypt != nil ? .aes128(rotation: keyRotation) : nil)
        let cancel = SignalCancellation.install()
        let bar = Terminal.stderrIsTTY ? ProgressBar() : nil
        let started = Terminal.now()
        var progress: (@Sendable (PackageProgress) -> Void)? = nil
        if let bar { progress = { bar.update($0) } }
        let report: PackageReport
        do throws(PackageError) {
            report = try HLSPackager.package(request, progress: progress, cancel: cancel)
        } catch {
            bar?.clear()
            Terminal.fail(error.description)
            throw ExitCode(error.code == .cancelled ? 130 : 1)
        }
        bar?.clear()
        if !report.keys.isEmpty {
            guard let vault, let keyStore = registration?.1 ?? keyStore else {
                throw CLIError("packaged into \(output) but its content keys have nowhere to go (a bug)")
            }
            let stored = try await persistKeys(report.keys, vault: vault, store: keyStore, title: title, version: registration?.3)
            if !json { print("stored \(stored.count) content key(s), wrapped by the master key, in \(keyStore.path)") }
        }
        if let (service, _, library, id) = registration, let title {
            do {
                let v = try await library.register(package: output, title: title, version: id, service: service, actor: cliActor)
                if !json { print("registered \(title) \(v.id) (\(v.path)); publish it with: showrunner publish \(title) --channel <channel>") }
            } catch {
                throw CLIError("packaged into \(output) but could not register it: \(error.message)")
            }
        }
        let elapsed = Terminal.now() - started
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(report)
            print(String(decoding: data, as: UTF8.self))
        } else {
            for w in report.warnings { Terminal.err("showrunner: warning: \(w)\n") }
            let kinds = report.renditions.map { r in
                r.kind == "video" ? "\(r.id) \(r.resolution ?? "") \(r.codecs.joined(separator: ","))" : "\(r.id) \(r.codecs.joined(separator: ","))"
            }
            print("\(report.output)/\(report.master): \(report.renditions.count) rendition(s), \(report.segmentCount) segments, \(report.duration.seconds) s, \(report.format.rawValue), target \(report.targetDuration) s, in \(String(format3(elapsed))) s")
            for k in kinds { print("  \(k)") }
            for k in report.keys {
                print("  key \(k.id) segments \(k.firstSegment)-\(k.firstSegment + k.segmentCount - 1)")
            }
            for c in report.cues {
                if let a = c.actual, let d = c.drift {
                    print("  cue \(c.asked.seconds) s -> cut at \(a.seconds) s (drift \(d.seconds) s, segment \(c.segment ?? 0))")
                } else {
                    print("  cue \(c.asked.seconds) s -> no keyframe at or after it (past the end)")
                }
            }
        }
    }

    /// Stores the content keys of an encrypted package in the catalog database, each wrapped by
    /// the master key (AES-GCM, the key id as associated data); they are never written to disk in
    /// the clear. With `--out` (no title yet) they are stored unassigned and belong to the version
    /// that names them once it is registered.
    func persistKeys(_ keys: [ContentKey], vault: KeyVault, store: SQLiteStore, title: String?, version: String?) async throws -> [StoredContentKey] {
        let now = SystemClock().now()
        do {
            let wrapped = try keys.map { k throws(ShowrunnerError) in
                StoredContentKey(id: k.id, title: title, version: title == nil ? nil : version, firstSegment: k.firstSegment,
                                 segmentCount: k.segmentCount, wrapped: try vault.wrap(k.key, id: k.id), createdAt: now)
            }
            try await store.storeKeys(wrapped)
            return wrapped
        } catch {
            throw CLIError("could not store the content keys: \(error.message)")
        }
    }

    static func stem(of path: String) -> String {
        let base = path.split(separator: "/").last.map(String.init) ?? path
        if let dot = base.lastIndex(of: "."), dot > base.startIndex { return String(base[..<dot]) }
        return base
    }
}

func format3(_ seconds: Double) -> String {
    let ms = Int64((seconds * 1000).rounded())
    return MediaTime(milliseconds: ms).decimalString(fractionDigits: 3)
}


/// SIGINT/SIGTERM set a cancellation flag (the job cleans up and exits 130); a second signal
/// exits at once.
enum SignalCancellation {
    static let flag = CancellationFlag()

    static func install() -> CancellationFlag {
        let handler: @convention(c) (Int32) -> Void = { _ in
            if SignalCancellation.flag.isCancelled { _exit(130) }
            SignalCancellation.flag.cancel()
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
        return flag
    }
}

/// `[#########-----------]  45%  12.3x  ETA 0:05` on stderr, redrawn in place.
final class ProgressBar: @unchecked Sendable {
    private let started = Terminal.now()

    func update(_ p: PackageProgress) {
        let f = p.fraction
        let width = 30
        let filled = Int(f * Double(width))
        let elapsed = max(0.001, Terminal.now() - started)
        let media = Double(p.processed.ticks(at: 1000)) / 1000
        let speed = media / elapsed
        let eta = f > 0.001 ? elapsed * (1 - f) / f : 0
        let etaText = "\(Int(eta) / 60):" + (Int(eta) % 60 < 10 ? "0" : "") + "\(Int(eta) % 60)"
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let detail = p.detail.map { "  \($0)" } ?? ""
        Terminal.err("\r[\(bar)] \(Int(f * 100))%  \(format1(speed))x  ETA \(etaText)\(detail) \u{1B}[K")
    }

    func clear() { Terminal.err("\r\u{1B}[K") }

    private func format1(_ v: Double) -> String {
        let t = Int64((v * 10).rounded())
        return "\(t / 10).\(t % 10)"
    }
}
