import ArgumentParser
import Showrunner
import Store

// Catalog subcommands: each maps its flags onto one `CatalogService` call, the same call the
// admin API makes for the matching route.

struct BrandCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "brand", abstract: "Advertisers and sponsors.",
                                                    subcommands: [Add.self, List.self, Delete.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a brand (repeating an identical add is a no-op).")
        @Argument(help: "Brand id (a slug, e.g. brew-co).") var id: String
        @Option(help: "Display name.") var name: String
        @Option(help: "Category for competitive separation (e.g. beverages).") var category: String
        @Option(help: "Tier: premium, standard or basic.") var tier: String = "standard"
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            guard let t = BrandTier(rawValue: tier) else { throw ValidationError("--tier '\(tier)' is not premium, standard or basic") }
            let b = try await withService(store) { s, _ in try await s.addBrand(Brand(id: id, name: name, category: category, tier: t), actor: cliActor) }
            try output.emit(b) { "brand \(b.id): \(b.name) (\(b.category), \(b.tier.rawValue))" }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List brands.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let all = try await withService(store) { s, _ in try await s.store.brands() }
            try output.emit(["brands": all]) { all.map { "\($0.id)\t\($0.name)\t\($0.category)\t\($0.tier.rawValue)" }.joined(separator: "\n") }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a brand nothing refers to.")
        @Argument var id: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await withService(store) { s, _ in try await s.deleteBrand(id, actor: cliActor) }
            print("deleted brand \(id)")
        }
    }
}

struct SeriesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "series", abstract: "Series and their seasons.",
                                                    subcommands: [Add.self, List.self, AddSeason.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a series.")
        @Argument var id: String
        @Option var name: String
        @Option(help: "Sponsoring brand.") var brand: String?
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let s = try await withService(store) { svc, _ in try await svc.addSeries(Series(id: id, name: name, brand: brand), actor: cliActor) }
            try output.emit(s) { "series \(s.id): \(s.name)" }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List series.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let all = try await withService(store) { s, _ in try await s.store.series() }
            try output.emit(["series": all]) { all.map { "\($0.id)\t\($0.name)\t\($0.brand ?? "-")" }.joined(separator: "\n") }
        }
    }

    struct AddSeason: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "season", abstract: "Add a season to a series.")
        @Argument var series: String
        @Option var number: Int
        @Option var name: String?
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let s = try await withService(store) { svc, _ in try await svc.addSeason(Season(series: series, number: number, name: name), actor: cliActor) }
            try output.emit(s) { "season \(s.number) of \(s.series)" }
        }
    }
}

struct EpisodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "episode", abstract: "Episodes.", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an episode (its season is created if missing).")
        @Argument var id: String
        @Option var name: String
        @Option var series: String
        @Option var season: Int
        @Option var episode: Int
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let t = try await withService(store) { s, _ in
                try await s.addEpisode(.init(id: id, name: name, series: series, season: season, episode: episode), actor: cliActor)
            }
            try output.emit(t) { "episode \(t.id): \(t.name) (\(series) S\(season)E\(episode))" }
        }
    }
}

struct FilmCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "film", abstract: "Films and branded short films.", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a film; --brand makes it a branded film.")
        @Argument var id: String
        @Option var name: String
        @Option var brand: String?
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let t = try await withService(store) { s, _ in try await s.addFilm(.init(id: id, name: name, brand: brand), actor: cliActor) }
            try output.emit(t) { "film \(t.id): \(t.name)" + (brand.map { " (sponsored by \($0))" } ?? "") }
        }
    }
}

struct TitlesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "titles", abstract: "List titles (episodes and films).")
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let all = try await withService(store) { s, _ in try await s.store.titles() }
        try output.emit(["titles": all]) {
            all.map { t in
                switch t.kind {
                case .episode(let s, let season, let n): return "\(t.id)\tepisode\t\(t.name)\t\(s) S\(season)E\(n)"
                case .film(let b): return "\(t.id)\tfilm\t\(t.name)\t\(b ?? "-")"
                }
            }.joined(separator: "\n")
        }
    }
}

struct VersionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Packaged versions of titles.", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a package folder as a new version of a title.",
            discussion: "The folder (made by `showrunner package`) is copied into the media root as <title>/<version>/.")
        @Argument(help: "Title id.") var title: String
        @Option(help: "The package folder.") var package: String
        @Option(help: "Version id (default: the next vN).") var version: String?
        @OptionGroup var store: StoreOptions
        @OptionGroup var media: MediaRootOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let library = MediaLibrary(root: media.path)
            let v = try await withService(store) { s, _ in
                try await library.register(package: package, title: title, version: version, service: s, actor: cliActor)
            }
            try output.emit(v) { "\(v.title) \(v.id): \(v.path) (\(v.format), \(v.renditions.count) renditions, \(v.durationMS) ms)" }
        }
    }
}

struct VersionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "versions", abstract: "A title's versions and where each is live.")
    @Argument var title: String
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let all = try await withService(store) { s, _ in try await s.versions(title: title) }
        try output.emit(["versions": all]) {
            all.map { "\($0.version.id)\t\($0.version.createdAt)\t\($0.version.path)\tlive on: \($0.liveOn.isEmpty ? "-" : $0.liveOn.joined(separator: ","))" }
                .joined(separator: "\n")
        }
    }
}

struct ChannelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "channel", abstract: "Distribution channels.", subcommands: [Add.self, List.self, Sign.self])

    struct Sign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Turn signed playback URLs on or off for a channel (change-logged).",
            discussion: "On: every playlist, segment, key and ad URL handed to the channel's players carries an expiry and an HMAC-SHA256 signature (secrets in <db>.url-secrets); requests without a valid one are refused. Off (the default) for trusted networks.")
        @Argument var channel: String
        @Argument(help: "on or off.") var state: String
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard state == "on" || state == "off" else { throw ValidationError("'\(state)' is not on or off") }
        }

        func run() async throws {
            let out = try await withService(store) { s, _ in
                var c = try await s.channel(channel)
                if state == "on" { c.settings[Channel.signedURLsSetting] = "on" } else { c.settings[Channel.signedURLsSetting] = nil }
                return try await s.putChannel(c, actor: cliActor)
            }
            try output.emit(out) { "channel \(out.id): signed URLs \(out.signsURLs ? "on" : "off")" }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a channel.")
        @Argument var id: String
        @Option var name: String
        @Option(help: "Endpoint kind: tv, mobile, web or speaker.") var endpoint: String
        @Option(name: .customLong("screen"), help: "A screen profile WIDTHxHEIGHT (repeatable).") var screens: [String] = []
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard EndpointKind(rawValue: endpoint) != nil else { throw ValidationError("--endpoint '\(endpoint)' is not tv, mobile, web or speaker") }
            for s in screens where ScreenProfile(s) == nil { throw ValidationError("--screen '\(s)' is not WIDTHxHEIGHT") }
        }

        func run() async throws {
            let c = Channel(id: id, name: name, endpoint: EndpointKind(rawValue: endpoint) ?? .tv, screens: screens.compactMap(ScreenProfile.init))
            let out = try await withService(store) { s, _ in try await s.addChannel(c, actor: cliActor) }
            try output.emit(out) { "channel \(out.id): \(out.name) (\(out.endpoint.rawValue), \(out.screens.map(\.description).joined(separator: ", ")))" }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List channels.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let all = try await withService(store) { s, _ in try await s.store.channels() }
            try output.emit(["channels": all]) {
                all.map { c in
                    let signed = c.signsURLs ? "\tsigned URLs" : ""
                    return "\(c.id)\t\(c.name)\t\(c.endpoint.rawValue)\t\(c.screens.map(\.description).joined(separator: ","))" + signed
                }.joined(separator: "\n")
            }
        }
    }
}

struct WindowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "window", abstract: "Rights windows (title × channel × from/until).",
                                                    subcommands: [Add.self, List.self, Delete.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a rights window.")
        @Argument var title: String
        @Option var channel: String
        @Option(help: "Start (ISO 8601, or now).") var from: String
        @Option(help: "End, exclusive (ISO 8601); open-ended when omitted.") var until: String?
        @Option(name: .customLong("region"), help: "A region code where it is licensed (repeatable).") var regions: [String] = []
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            guard let f = try parseTime(from, option: "--from") else { return }
            let u = try parseTime(until, option: "--until")
            let w = try await withService(store) { s, _ in
                try await s.addWindow(.init(title: title, channel: channel, from: f, until: u, regions: regions), actor: cliActor)
            }
            try output.emit(w) { "window #\(w.id): \(w.title) on \(w.channel) from \(w.from) \(w.until.map { "until \($0)" } ?? "(open-ended)")" }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List rights windows.")
        @Option var title: String?
        @Option var channel: String?
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let all = try await withService(store) { s, _ in try await s.store.windows(title: title, channel: channel) }
            try output.emit(["windows": all]) {
                all.map { "#\($0.id)\t\($0.title)\t\($0.channel)\t\($0.from)\t\($0.until?.description ?? "-")\t\($0.regions.joined(separator: ","))" }
                    .joined(separator: "\n")
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a rights window.")
        @Argument var id: Int64
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await withService(store) { s, _ in try await s.deleteWindow(id, actor: cliActor) }
            print("deleted window #\(id)")
        }
    }
}

struct PublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish", abstract: "Make a packaged version live on a channel.",
        discussion: "Default version: the latest. With --from/--until a rights window is added; without, an open window from now is added when the pair has none. Players that already fetched a master keep the old version; new sessions get the new one.")
    @Argument var title: String
    @Option var channel: String
    @Option var version: String?
    @Option(help: "Window start (ISO 8601, or now).") var from: String?
    @Option(help: "Window end, exclusive (ISO 8601).") var until: String?
    @OptionGroup var media: MediaRootOptions
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let f = try parseTime(from, option: "--from"), u = try parseTime(until, option: "--until")
        CrashPoint.hit("publish.start")
        let r = try await withService(store) { s, st in
            let r = try await s.publish(.init(title: title, channel: channel, version: version, from: f, until: u), actor: cliActor)
            await syncPublished(st, media)
            return r
        }
        CrashPoint.hit("publish.done")
        try output.emit(r) { r.changed ? "\(title) \(r.version ?? "") is live on \(channel)" : "\(title) \(r.version ?? "") was already live on \(channel)" }
    }
}

struct UnpublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unpublish", abstract: "Take a title off a channel.")
    @Argument var title: String
    @Option var channel: String
    @OptionGroup var media: MediaRootOptions
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let r = try await withService(store) { s, st in
            let r = try await s.unpublish(.init(title: title, channel: channel), actor: cliActor)
            await syncPublished(st, media)
            return r
        }
        try output.emit(r) { r.changed ? "\(title) is no longer published on \(channel)" : "\(title) was not published on \(channel)" }
    }
}

struct RollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rollback", abstract: "Republish the version that was live before the current one.")
    @Argument var title: String
    @Option var channel: String
    @OptionGroup var media: MediaRootOptions
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let r = try await withService(store) { s, st in
            let r = try await s.rollback(.init(title: title, channel: channel), actor: cliActor)
            await syncPublished(st, media)
            return r
        }
        try output.emit(r) { "\(title) \(r.version ?? "") is live on \(channel) again" }
    }
}

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "API tokens (bearer tokens for /v1/admin).",
                                                    subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token; it is printed once, only its hash is stored.")
        @Option(help: "editor, operator or viewer.") var role: String
        @Option(help: "A name for the token (a slug).") var name: String
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            guard let r = Role(rawValue: role) else { throw ValidationError("--role '\(role)' is not editor, operator or viewer") }
            let token = try await withService(store) { s, _ in try await s.createToken(name: name, role: r, secret: randomSecret(), actor: cliActor) }
            try output.emit(["name": name, "role": r.rawValue, "token": token]) { token }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (names and roles, never secrets).")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            struct Row: Encodable { var name: String; var role: String; var created_at: Timestamp; var revoked_at: Timestamp? }
            let all = try await withService(store) { s, _ in try await s.store.tokens() }
            let rows = all.map { Row(name: $0.name, role: $0.role.rawValue, created_at: $0.createdAt, revoked_at: $0.revokedAt) }
            try output.emit(["tokens": rows]) { rows.map { "\($0.name)\t\($0.role)\t\($0.created_at)\t\($0.revoked_at.map { "revoked \($0)" } ?? "active")" }.joined(separator: "\n") }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by name.")
        @Argument var name: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await withService(store) { s, _ in try await s.revokeToken(name: name, actor: cliActor) }
            print("revoked token \(name)")
        }
    }
}

struct ChangesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "changes", abstract: "The change log (append-only, hash-chained).")
    @Option(help: "Only entries after this sequence number.") var after: Int64 = 0
    @Option var limit: Int = 100
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let all = try await withService(store) { s, _ in try await s.store.changes(after: after, limit: limit) }
        try output.emit(["changes": all]) { all.map { "\($0.seq)\t\($0.at)\t\($0.actor)\t\($0.action)\t\($0.entity) \($0.entityID)" }.joined(separator: "\n") }
    }
}

#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
