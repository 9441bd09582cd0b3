import ArgumentParser
import FoundationEssentials
import Hummingbird
import MediaCore
import Packager
import Server
import Showrunner
import Store

/// `showrunner demo`: package the samples, seed a catalog, publish, serve, print what to open.
/// Every step is idempotent: a second run on the same database and workdir reuses what exists.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Package the Media/ samples, seed channels and titles, publish them, and serve.",
        discussion: "Creates channels tv and mobile, the series 'The Long Road' with two episodes, the branded film 'Morning Ritual' by Brew & Co., ads, and boot screens (an image on both channels, a 10 s video on tv, rendered per screen), publishes them with open windows, then serves on --port and prints the URLs. Run it again any time: it reuses what exists.")

    @Option(help: "Port to serve on (0 picks a free one).") var port: Int = 8080
    @Option(help: "Address to listen on.") var host: String = "127.0.0.1"
    @Option(help: "The catalog database (default: <workdir>/showrunner.sqlite, or SHOWRUNNER_DB).") var db: String?
    @Option(help: "Where the database and Playlists/ go.") var workdir: String = "."
    @Option(help: "The samples folder.") var media: String = "Media"
    @Flag(help: "Seed and exit without serving.") var noServe = false

    func run() async throws {
        let dbPath = db ?? ProcessInfo.processInfo.environment["SHOWRUNNER_DB"] ?? workdir + "/showrunner.sqlite"
        let root = workdir + "/Playlists"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let store: SQLiteStore
        do { store = try SQLiteStore(path: dbPath) } catch { throw CLIError(error.message) }
        defer { store.close() }
        let service = CatalogService(store: store, clock: SystemClock())
        let library = MediaLibrary(root: root)
        let actor = "demo"
        do {
            print("demo: database \(MediaLibrary.absolute(dbPath)), media root \(library.root)")
            _ = try await service.addBrand(Brand(id: "brew-co", name: "Brew & Co.", category: "beverages", tier: .premium), actor: actor)
            _ = try await service.addBrand(Brand(id: "volt-motors", name: "Volt Motors", category: "automotive", tier: .standard), actor: actor)
            // The TV channel hands out signed, expiring URLs only (put: also turns it on in an older demo database).
            _ = try await service.putChannel(Channel(id: "tv", name: "Living-room TV", endpoint: .tv,
                                                     screens: [ScreenProfile(width: 1920, height: 1080), ScreenProfile(width: 3840, height: 2160)],
                                                     settings: [Channel.signedURLsSetting: "on"]), actor: actor)
            _ = try await service.addChannel(Channel(id: "mobile", name: "Mobile app", endpoint: .mobile,
                                                     screens: [ScreenProfile(width: 1080, height: 2400), ScreenProfile(width: 1080, height: 1920)]), actor: actor)
            _ = try await service.addSeries(Series(id: "long-road", name: "The Long Road"), actor: actor)
            _ = try await service.addSeason(Season(series: "long-road", number: 1, name: "Season 1"), actor: actor)
            _ = try await service.addEpisode(.init(id: "long-road-s01e01", name: "Departure", series: "long-road", season: 1, episode: 1), actor: actor)
            _ = try await service.addEpisode(.init(id: "long-road-s01e02", name: "Crossroads", series: "long-road", season: 1, episode: 2), actor: actor)
            _ = try await service.addFilm(.init(id: "morning-ritual", name: "Morning Ritual", brand: "brew-co"), actor: actor)

            // Package each sample once (into Playlists/<sample>/), then give each title a version.
            let cues = [MediaTime(seconds: 10), MediaTime(seconds: 20)]
            let episode = try package(sample: "episode.mp4", root: root, cues: cues)
            let film = try package(sample: "shortfilm-vertical.mp4", root: root, cues: [])
            for (title, folder) in [("long-road-s01e01", episode), ("long-road-s01e02", episode), ("morning-ritual", film)] {
                if try await store.versions(title: title).isEmpty {
                    let v = try await library.register(package: folder, title: title, service: service, actor: actor)
                    print("demo: \(title) \(v.id) registered (\(v.path))")
                }
                for channel in ["tv", "mobile"] {
                    let r = try await service.publish(.init(title: title, channel: channel), actor: actor)
                    if r.changed { print("demo: \(title) \(r.version ?? "") published on \(channel)") }
                }
            }
            try await seedAds(store: store, library: library, actor: actor)
            // Fresh editor and operator tokens each run (a secret is shown only once); earlier demo tokens are revoked.
            for t in try await store.tokens() where (t.name.hasPrefix("demo-editor-") || t.name.hasPrefix("demo-operator-")) && t.revokedAt == nil {
                try await service.revokeToken(name: t.name, actor: actor)
            }
            let stamp = SystemClock().now().milliseconds
            let token = try await service.createToken(name: "demo-editor-\(stamp)", role: .editor, secret: randomSecret(), actor: actor)
            let operatorToken = try await service.createToken(name: "demo-operator-\(stamp)", role: .operator, secret: randomSecret(),
                                                              actor: actor)
            if noServe {
                print("demo: seeded; editor token \(token), operator token \(operatorToken)")
                return
            }
            let logger = ServeCommand.logger()
            let host = self.host
            var configuration = ServerConfiguration(host: host, port: port, mediaRoot: root)
            configuration.bootKeyFile = dbPath + ".boot-key"
            configuration.urlSecretsFile = dbPath + ".url-secrets"
            let app = try await buildApplication(
                configuration: configuration,
                store: store, clock: SystemClock(), logger: logger,
                onRunning: { port in
                    let base = "http://\(host):\(port)"
                    print("""

                        Showrunner demo is running at \(base)/

                          What the TV channel shows:  \(base)/v1/channels/tv/titles
                          Play an episode (TV, signed URLs): \(base)/v1/play/tv/long-road-s01e01/master.m3u8?device=demo-tv
                          Play the branded film:      \(base)/v1/play/mobile/morning-ritual/master.m3u8?device=demo-phone
                          Boot screen for a 4K TV:    \(base)/v1/boot/tv?device=demo-tv&w=3840&h=2160
                          What that TV caches:        \(base)/v1/boot/tv/prefetch?device=demo-tv&w=3840&h=2160  (signed; an image and a video)
                          The boot video as HLS:      ffplay '\(base)/media/boot/tv/volt-boot-tv/3840x2160/master.m3u8'
                          The engine as VAST 4.2:     \(base)/v1/vast?channel=tv&device=demo-tv&break=mid&duration=30
                          Health / metrics:           \(base)/healthz   \(base)/metrics
                          Admin API (editor token):   curl -H 'Authorization: Bearer \(token)' \(base)/v1/admin/titles
                          Ops page (operator token):  \(base)/ops  — sign in with \(operatorToken)
                          Slot audit:                 curl -H 'Authorization: Bearer \(operatorToken)' '\(base)/v1/audit/slots?channel=tv'

                          Try it:  ffplay '\(base)/v1/play/tv/long-road-s01e01/master.m3u8?device=demo-tv'
                        Ctrl-C stops the server.
                        """)
                    Terminal.flush()
                })
            try await app.runService()
        } catch let e as ShowrunnerError {
            throw CLIError(e.message)
        }
    }

    /// Ads: two campaigns with creatives conditioned to the episode and film packages, a slate,
    /// and a policy per channel (TV: pre, mid and post with DATERANGE and CUE markers; mobile:
    /// pre and mid, DATERANGE with time_signal).
    func seedAds(store: SQLiteStore, library: MediaLibrary, actor: String) async throws {
        let now = SystemClock().now()
        let day = now.milliseconds - now.milliseconds % 86_400_000
        let from = Timestamp(milliseconds: day - 86_400_000), until = Timestamp(milliseconds: day + 30 * 86_400_000)
        let campaigns = [
            Campaign(id: "brew-winter", name: "Brew & Co. winter", brand: "brew-co", from: from, until: until, impressionGoal: 100_000,
                     priority: 1, pacing: .even, capPerDevice: 3),
            Campaign(id: "volt-launch", name: "Volt Motors launch", brand: "volt-motors", from: from, until: until, impressionGoal: 50_000,
                     priority: 2, pacing: .even, capPerHousehold: 5),
        ]
        for c in campaigns where try await store.campaigns().first(where: { $0.id == c.id }) == nil {
            _ = try await store.apply(.addCampaign(c), actor: actor, at: now)
        }
        let creatives: [(id: String, file: String, campaign: String?, slate: Bool, like: [String])] = [
            ("brew-15", "ad-15s.mp4", "brew-winter", false, ["long-road-s01e01", "morning-ritual"]),
            ("volt-10", "ad-10s.mp4", "volt-launch", false, ["long-road-s01e01"]),
            ("slate", "slate-5s.mp4", nil, true, ["long-road-s01e01", "morning-ritual"]),
        ]
        for c in creatives {
            for like in c.like {
                let made = try await CreativeCommand.conditionAndRegister(
                    store: store, library: library, id: c.id, file: media + "/" + c.file, campaign: c.campaign, slate: c.slate,
                    like: like, version: nil, name: nil)
                print("demo: creative \(made.id) ready for \(like) (\(made.packages.count) package(s))")
            }
        }
        let policies = [
            AdPolicy(channel: "tv", positions: [.pre, .mid, .post], preRollMS: 20_000, midRollMS: 30_000, postRollMS: 20_000,
                     markers: .both, cue: .spliceInsert, slate: "slate"),
            AdPolicy(channel: "mobile", positions: [.pre, .mid], preRollMS: 20_000, midRollMS: 20_000, markers: .daterange,
                     cue: .timeSignal, slate: "slate"),
        ]
        for p in policies { _ = try await store.apply(.putPolicy(p), actor: actor, at: now) }
        // Boot screens: Brew & Co.'s image on every phone boot and 60 % of TV boots, rendered for
        // each channel's screens; Volt Motors' 10 s video on the other 40 % of TV boots.
        let service = CatalogService(store: store, clock: SystemClock())
        for channel in ["tv", "mobile"] {
            let share = channel == "tv" ? 60 : 100
            if var image = try await store.snapshot().bootCreatives[channel]?.first(where: { $0.id == "brew-boot-" + channel }) {
                // A database seeded before the video: make room for it.
                if image.sharePercent != share {
                    image.sharePercent = share
                    _ = try await store.apply(.putBootCreative(image), actor: actor, at: now)
                }
                continue
            }
            let (c, _) = try await BootCommand.addImage(
                service: service, store: store, library: library, channel: channel, file: media + "/boot-1080p.jpg", brand: "brew-co",
                from: from, until: until, id: "brew-boot-" + channel, priority: 1, share: share, durationMS: 5000, skippableAfterMS: nil,
                isDefault: false)
            print("demo: boot creative \(c.id) rendered for \(c.variants.map(\.sizeText).joined(separator: ", "))")
        }
        // x264's ultrafast preset keeps the demo's extra wait short (about 16 s for 1080p + 4K on
        // two busy cores; `boot add` uses veryfast).
        if try await store.snapshot().bootCreatives["tv"]?.contains(where: { $0.id == "volt-boot-tv" }) != true {
            let started = ContinuousClock.now
            let (c, _) = try await BootCommand.addVideo(
                service: service, store: store, library: library, channel: "tv", file: media + "/ad-10s.mp4", brand: "volt-motors",
                from: from, until: until, id: "volt-boot-tv", priority: 1, share: 40, skippableAfterMS: 5000, isDefault: false,
                preset: "ultrafast")
            let took = (ContinuousClock.now - started).components
            print("demo: boot video \(c.id) (\(c.durationMS / 1000) s) rendered for \(c.variants.map(\.sizeText).joined(separator: ", ")) as MP4 + HLS in \(took.seconds) s")
        }
    }

    /// Packages `sample` into `<root>/<stem>/` unless a package is already there.
    func package(sample: String, root: String, cues: [MediaTime]) throws -> String {
        let stem = String(sample.split(separator: ".").first ?? Substring(sample))
        let out = root + "/" + stem
        if FileManager.default.fileExists(atPath: out + "/master.m3u8") { return out }
        let input = media + "/" + sample
        guard FileManager.default.fileExists(atPath: input) else {
            throw CLIError("\(input): sample not found (run the demo from the repository root, or pass --media)")
        }
        do {
            let report = try HLSPackager.package(PackageRequest(input: input, output: out, format: .ts, cues: cues))
            print("demo: packaged \(input) -> \(out) (\(report.segmentCount) segments)")
        } catch {
            throw CLIError(error.description)
        }
        return out
    }
}
