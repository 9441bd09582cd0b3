import ArgumentParser
import Foundation
import MediaCore
import Packager
import Showrunner
import Store

// Ad subcommands: policy, breaks, campaign, creative. Each is one change-logged catalog change.

/// Splits `a,b,c` (and repeated options) into trimmed, non-empty items.
func listOption(_ values: [String]) -> [String] {
    values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}

/// Seconds as decimal text (`15`, `7.5`) to milliseconds, naming the option on error.
func parseSeconds(_ text: String, option: String) throws -> Int64 {
    guard let t = MediaTime(decimal: text), t >= .zero else { throw ValidationError("\(option) '\(text)' is not a number of seconds") }
    return t.milliseconds
}

func applyChange(_ store: SQLiteStore, _ change: CatalogChange) async throws -> ChangeOutcome {
    try await store.apply(change, actor: cliActor, at: SystemClock().now())
}

struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "policy", abstract: "Per-channel ad policy.",
                                                    subcommands: [Set.self, Show.self])

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or change a channel's ad policy (options not given keep their current value).")
        @Argument var channel: String
        @Option(help: "Break positions with ads: pre,mid,post (or none).") var positions: String?
        @Option(name: .customLong("pre-roll"), help: "Default pre-roll length, seconds.") var preRoll: String?
        @Option(name: .customLong("mid-roll"), help: "Default mid-roll length, seconds.") var midRoll: String?
        @Option(name: .customLong("post-roll"), help: "Default post-roll length, seconds.") var postRoll: String?
        @Option(name: .customLong("max-ad-seconds"), help: "Most ad seconds per break.") var maxAdSeconds: String?
        @Option(name: .customLong("max-ads"), help: "Most ads per break.") var maxAds: Int?
        @Option(help: "Endpoint kinds that get ads: tv,mobile,web,speaker (or all).") var endpoints: String?
        @Option(name: .customLong("exclude-category"), help: "Brand categories never shown (comma list; 'none' clears).") var excludeCategory: [String] = []
        @Option(name: .customLong("model-tiers"), help: "MODEL=tier[+tier] (MODEL may end in *), e.g. ES75=premium; 'none' clears.") var modelTiers: [String] = []
        @Option(help: "Markers: daterange, cue or both.") var markers: String?
        @Option(help: "SCTE-35 command: splice_insert or time_signal.") var cue: String?
        @Option(help: "An ad longer than the time left: drop or trim.") var overlong: String?
        @Option(help: "Slate creative id ('none' clears).") var slate: String?
        @Option(name: .customLong("vast-url"), help: "External VAST 4 ad server URL ('none' clears).") var vastURL: String?
        @Option(name: .customLong("vast-timeout-ms")) var vastTimeoutMS: Int?
        @Option(name: .customLong("session-ttl"), help: "Session lifetime, seconds.") var sessionTTL: Int?
        @Option(name: .customLong("utc-offset"), help: "The channel's UTC offset in minutes (time-of-day targeting).") var utcOffset: Int?
        @OptionGroup var media: MediaRootOptions
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let p = try await withService(store) { _, st in
                let existing = try await st.policies().first { $0.channel == channel }
                var p = existing ?? AdPolicy(channel: channel)
                if let positions {
                    p.positions = try positions == "none" ? [] : listOption([positions]).map { s in
                        guard let v = BreakPosition(rawValue: s) else { throw ValidationError("--positions '\(s)' is not pre, mid or post") }
                        return v
                    }
                }
                if let preRoll { p.preRollMS = try parseSeconds(preRoll, option: "--pre-roll") }
                if let midRoll { p.midRollMS = try parseSeconds(midRoll, option: "--mid-roll") }
                if let postRoll { p.postRollMS = try parseSeconds(postRoll, option: "--post-roll") }
                if let maxAdSeconds { p.maxAdMSPerBreak = try parseSeconds(maxAdSeconds, option: "--max-ad-seconds") }
                if let maxAds { p.maxAdsPerBreak = maxAds }
                if let endpoints {
                    p.endpoints = try endpoints == "all" ? [] : listOption([endpoints]).map { s in
                        guard let v = EndpointKind(rawValue: s) else { throw ValidationError("--endpoints '\(s)' is not tv, mobile, web or speaker") }
                        return v
                    }
                }
                if !excludeCategory.isEmpty { p.excludedCategories = excludeCategory == ["none"] ? [] : listOption(excludeCategory) }
                if !modelTiers.isEmpty {
                    if modelTiers == ["none"] {
                        p.modelTiers = [:]
                    } else {
                        for item in modelTiers {
                            let parts = item.split(separator: "=", maxSplits: 1)
                            guard parts.count == 2 else { throw ValidationError("--model-tiers '\(item)' is not MODEL=tier[+tier]") }
                            p.modelTiers[String(parts[0])] = try parts[1].split(separator: "+").map { t in
                                guard let tier = BrandTier(rawValue: String(t)) else { throw ValidationError("--model-tiers: '\(t)' is not premium, standard or basic") }
                                return tier
                            }
                        }
                    }
                }
                if let markers {
                    guard let m = MarkerSetting(rawValue: markers) else { throw ValidationError("--markers '\(markers)' is not daterange, cue or both") }
                    p.markers = m
                }
                if let cue {
                    guard let c = CueSetting(rawValue: cue) else { throw ValidationError("--cue '\(cue)' is not splice_insert or time_signal") }
                    p.cue = c
                }
                if let overlong {
                    guard let o = OverlongRule(rawValue: overlong) else { throw ValidationError("--overlong '\(overlong)' is not drop or trim") }
                    p.overlong = o
                }
                if let slate { p.slate = slate == "none" ? nil : slate }
                if let vastURL { p.vastURL = vastURL == "none" ? nil : vastURL }
                if let vastTimeoutMS { p.vastTimeoutMS = vastTimeoutMS }
                if let sessionTTL { p.sessionTTLSeconds = sessionTTL }
                if let utcOffset { p.utcOffsetMinutes = utcOffset }
                _ = try await applyChange(st, .putPolicy(p))
                await syncPublished(st, media)
                return p
            }
            try output.emit(p) { PolicyCommand.describe(p) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a channel's ad policy.")
        @Argument var channel: String
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let p = try await withService(store) { _, st in
                guard let p = try await st.policies().first(where: { $0.channel == channel }) else {
                    throw ShowrunnerError.notFound("policy for channel", channel)
                }
                return p
            }
            try output.emit(p) { PolicyCommand.describe(p) }
        }
    }

    static func describe(_ p: AdPolicy) -> String {
        func s(_ ms: Int64) -> String { MediaTime(milliseconds: ms).decimalString(fractionDigits: 3) }
        return """
            policy \(p.channel): positions \(p.positions.map(\.rawValue).joined(separator: ",").nonEmpty ?? "none"); \
            pre \(s(p.preRollMS)) s, mid \(s(p.midRollMS)) s, post \(s(p.postRollMS)) s; \
            at most \(p.maxAdsPerBreak) ads / \(s(p.maxAdMSPerBreak)) s per break; markers \(p.markers.rawValue) (\(p.cue.rawValue)); \
            overlong \(p.overlong.rawValue); slate \(p.slate ?? "none"); VAST \(p.vastURL ?? "none")
            """
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}

struct BreaksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "breaks", abstract: "Ad breaks of titles.",
                                                    subcommands: [Set.self, Show.self])

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a title's break plan (mid-rolls at its packaged cut points).",
            discussion: "Example: showrunner breaks set ep1 --pre 15 --mid 10:30 --mid 20:30 --post 10  (mid AT:LENGTH, seconds)")
        @Argument var title: String
        @Option(help: "Pre-roll length, seconds.") var pre: String?
        @Option(help: "A mid-roll AT:LENGTH in seconds (AT must be a cut point made by packaging).") var mid: [String] = []
        @Option(help: "Post-roll length, seconds.") var post: String?
        @Flag(help: "Remove the plan (breaks then follow the cut points and channel defaults).") var clear = false
        @OptionGroup var media: MediaRootOptions
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let plan = try await withService(store) { svc, st in
                var breaks: [BreakPlan] = []
                if !clear {
                    let versions = try await st.versions(title: title)
                    _ = try await svc.title(title)
                    let duration = versions.last?.durationMS ?? 0
                    if let pre { breaks.append(BreakPlan(position: .pre, atMS: 0, plannedMS: try parseSeconds(pre, option: "--pre"))) }
                    for m in mid {
                        let parts = m.split(separator: ":")
                        guard parts.count == 2 else { throw ValidationError("--mid '\(m)' is not AT:LENGTH (seconds)") }
                        breaks.append(BreakPlan(position: .mid, atMS: try parseSeconds(String(parts[0]), option: "--mid"),
                                                plannedMS: try parseSeconds(String(parts[1]), option: "--mid")))
                    }
                    if let post { breaks.append(BreakPlan(position: .post, atMS: duration, plannedMS: try parseSeconds(post, option: "--post"))) }
                    guard !breaks.isEmpty else { throw ValidationError("give --pre, --mid or --post (or --clear)") }
                    breaks.sort { ($0.atMS, $0.position) < ($1.atMS, $1.position) }
                }
                let plan = TitleBreaks(title: title, breaks: breaks)
                _ = try await applyChange(st, .putBreaks(plan))
                await syncPublished(st, media)
                return plan
            }
            try output.emit(plan) { plan.breaks.isEmpty ? "breaks of \(title) cleared" : BreaksCommand.describe(plan.breaks, title: title) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the breaks a title plays with on a channel.")
        @Argument var title: String
        @Option(help: "Channel whose policy applies.") var channel: String
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let plans = try await withService(store) { svc, st in
                let snap = try await st.snapshot()
                let newest = try await st.versions(title: title).last
                guard let version = snap.liveVersion(title: title, channel: channel) ?? newest else {
                    throw ShowrunnerError(.notFound, "title '\(title)' has no version", field: "title")
                }
                _ = try await svc.channel(channel)
                let policy = snap.policies[channel] ?? AdPolicy(channel: channel, positions: [])
                return try AdDecisionEngine.plan(version: version, breaks: snap.breaks[title], policy: policy)
            }
            try output.emit(["breaks": plans]) { BreaksCommand.describe(plans, title: title) }
        }
    }

    static func describe(_ breaks: [BreakPlan], title: String) -> String {
        guard !breaks.isEmpty else { return "\(title): no breaks" }
        return breaks.map { b in
            "\(title)\t\(b.position.rawValue)\tat \(MediaTime(milliseconds: b.atMS).decimalString(fractionDigits: 3)) s\t\(MediaTime(milliseconds: b.plannedMS).decimalString(fractionDigits: 3)) s"
        }.joined(separator: "\n")
    }
}

struct CampaignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "campaign", abstract: "Advertisers' campaigns.",
                                                    subcommands: [Add.self, Update.self, List.self])

    struct Fields: ParsableArguments {
        @Option var name: String?
        @Option var brand: String?
        @Option(help: "Flight start (ISO 8601, a date, or now).") var from: String?
        @Option(help: "Flight end (exclusive).") var until: String?
        @Option(help: "Impression goal over the flight.") var goal: Int64?
        @Option(help: "1 (first) ... 10 (last).") var priority: Int?
        @Option(help: "even or asap.") var pacing: String?
        @Option(help: "Target channels (comma list; 'any' clears).") var channels: String?
        @Option(help: "Target endpoint kinds (comma list; 'any').") var endpoints: String?
        @Option(help: "Target device models, * suffix for a prefix (comma list; 'any').") var models: String?
        @Option(help: "Target hours of the channel's day, e.g. 18-23,7 ('any').") var hours: String?
        @Option(help: "Target series (comma list; 'any').") var series: String?
        @Option(help: "Target titles (comma list; 'any').") var titles: String?
        @Option(name: .customLong("cap-device"), help: "Most ads of this campaign per device per day (0: none).") var capDevice: Int?
        @Option(name: .customLong("cap-household"), help: "Most per household per day (0: none).") var capHousehold: Int?

        func apply(to c: inout Campaign) throws {
            if let name { c.name = name }
            if let brand { c.brand = brand }
            if let t = try parseTime(from, option: "--from") { c.from = t }
            if let t = try parseTime(until, option: "--until") { c.until = t }
            if let goal { c.impressionGoal = goal }
            if let priority { c.priority = priority }
            if let pacing {
                guard let p = Pacing(rawValue: pacing) else { throw ValidationError("--pacing '\(pacing)' is not even or asap") }
                c.pacing = p
            }
            func list(_ v: String?) -> [String]? { v.map { $0 == "any" ? [] : listOption([$0]) } }
            if let v = list(channels) { c.targeting.channels = v }
            if let v = list(endpoints) {
                c.targeting.endpoints = try v.map { s in
                    guard let e = EndpointKind(rawValue: s) else { throw ValidationError("--endpoints '\(s)' is not tv, mobile, web or speaker") }
                    return e
                }
            }
            if let v = list(models) { c.targeting.models = v }
            if let v = list(hours) {
                c.targeting.hours = try v.flatMap { s -> [Int] in
                    let r = s.split(separator: "-").map { Int($0) }
                    if r.count == 1, let h = r[0] { return [h] }
                    if r.count == 2, let a = r[0], let b = r[1], a <= b { return Array(a...b) }
                    throw ValidationError("--hours '\(s)' is not an hour or a range like 18-23")
                }
            }
            if let v = list(series) { c.targeting.series = v }
            if let v = list(titles) { c.targeting.titles = v }
            if let capDevice { c.capPerDevice = capDevice == 0 ? nil : capDevice }
            if let capHousehold { c.capPerHousehold = capHousehold == 0 ? nil : capHousehold }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a campaign (--name, --brand, --from, --until, --goal required).")
        @Argument var id: String
        @OptionGroup var fields: Fields
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            guard let name = fields.name, let brand = fields.brand, fields.from != nil, fields.until != nil, let goal = fields.goal else {
                throw ValidationError("campaign add needs --name, --brand, --from, --until and --goal")
            }
            var c = Campaign(id: id, name: name, brand: brand, from: Timestamp(milliseconds: 0), until: Timestamp(milliseconds: 1), impressionGoal: goal)
            try fields.apply(to: &c)
            let made = c
            _ = try await withService(store) { _, st in try await applyChange(st, .addCampaign(made)) }
            try output.emit(made) { CampaignCommand.line(made) }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a campaign (options not given keep their value).")
        @Argument var id: String
        @OptionGroup var fields: Fields
        @Flag(help: "Pause it.") var pause = false
        @Flag(help: "Resume it.") var resume = false
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let c = try await withService(store) { _, st in
                guard var c = try await st.campaigns().first(where: { $0.id == id }) else { throw ShowrunnerError.notFound("campaign", id) }
                try fields.apply(to: &c)
                if pause { c.paused = true }
                if resume { c.paused = false }
                _ = try await applyChange(st, .putCampaign(c))
                return c
            }
            try output.emit(c) { CampaignCommand.line(c) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List campaigns with today's delivery.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let (all, totals) = try await withService(store) { _, st in
                let now = SystemClock().now()
                let day = Timestamp(milliseconds: now.milliseconds - now.milliseconds % 86_400_000)
                return (try await st.campaigns(), try await st.deliveryTotals(dayStart: day))
            }
            try output.emit(["campaigns": all]) {
                all.map { c in
                    let today = totals.campaignToday[c.id] ?? 0
                    let total = today + (totals.campaignBeforeToday[c.id] ?? 0)
                    return CampaignCommand.line(c) + "\tdelivered \(total)/\(c.impressionGoal) (today \(today))"
                }.joined(separator: "\n")
            }
        }
    }

    static func line(_ c: Campaign) -> String {
        "\(c.id)\t\(c.name)\tbrand \(c.brand)\t\(c.from)...\(c.until)\tgoal \(c.impressionGoal)\tpriority \(c.priority)\t\(c.pacing.rawValue)\(c.paused ? "\tpaused" : "")"
    }
}

struct CreativeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "creative", abstract: "Ad creatives and slates.",
                                                    subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Condition an ad video to a title's package and register it as a creative (run again with another --like for more templates).",
            discussion: "The ad is transcoded to the rungs, codec, audio and segments of the title's newest version (or --version), checked by preflight, and put in the media root under ads/<id>/.")
        @Argument var id: String
        @Argument(help: "The ad video.") var file: String
        @Option(help: "Its campaign (not for a slate).") var campaign: String?
        @Flag(help: "It is a channel slate (filler), not an ad.") var slate = false
        @Option(help: "The title whose package it must match.") var like: String
        @Option(help: "That title's version (default: the newest).") var version: String?
        @Option(help: "Display name (default: the id).") var name: String?
        @OptionGroup var store: StoreOptions
        @OptionGroup var media: MediaRootOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let library = MediaLibrary(root: media.path)
            let creative = try await withService(store) { _, st in
                try await CreativeCommand.conditionAndRegister(
                    store: st, library: library, id: id, file: file, campaign: campaign, slate: slate, like: like, version: version, name: name)
            }
            try output.emit(creative) { CreativeCommand.line(creative) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List creatives.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let all = try await withService(store) { _, st in try await st.creatives() }
            try output.emit(["creatives": all]) { all.map(CreativeCommand.line).joined(separator: "\n") }
        }
    }

    /// Conditions `file` to the package of `like` (newest version unless `version`) into
    /// `ads/<id>/<template hash>/` under the media root and records it as (a package of) creative `id`.
    /// A package already made for that template is reused.
    static func conditionAndRegister(store st: SQLiteStore, library: MediaLibrary, id: String, file: String, campaign: String?,
                                     slate: Bool, like: String, version: String?, name: String?) async throws -> Creative {
        let versions = try await st.versions(title: like)
        guard let v = version.map({ id in versions.first { $0.id == id } }) ?? versions.last else {
            throw ShowrunnerError(.notFound, "title '\(like)' has no version\(version.map { " '\($0)'" } ?? "")", field: "like")
        }
        let template = AdTemplate.key(of: v)
        var existing = try await st.creatives().first { $0.id == id }
        if let e = existing, e.package(for: template) != nil, FileManager.default.fileExists(atPath: library.root + "/" + e.package(for: template)!.path + "/master.m3u8") {
            return e
        }
        try CatalogRules.checkID(id, field: "id")
        let folder = "ads/\(id)/" + String(SHA256.hex(Array(template.utf8)).prefix(12))
        let output = library.root + "/" + folder
        do throws(PackageError) {
            _ = try AdConditioner.condition(ad: file, like: library.root + "/" + v.path, output: output)
        } catch {
            throw CLIError(error.description, code: error.code == .cancelled ? 130 : 1)
        }
        let described = try library.describe(folder: output, title: id, version: "ad", at: SystemClock().now())
        let package = CreativePackage(template: template, path: folder, durationMS: described.durationMS, renditions: described.renditions)
        if existing == nil {
            existing = Creative(id: id, campaign: campaign, name: name ?? id, durationMS: described.durationMS, slate: slate, source: file)
        }
        var c = existing!
        c.packages.removeAll { $0.template == template }
        c.packages.append(package)
        _ = try await applyChange(st, .putCreative(c))
        return c
    }

    static func line(_ c: Creative) -> String {
        "\(c.id)\t\(c.slate ? "slate" : "campaign \(c.campaign ?? "-")")\t\(MediaTime(milliseconds: c.durationMS).decimalString(fractionDigits: 3)) s\t\(c.packages.count) package(s): \(c.packages.map(\.path).joined(separator: ", "))"
    }
}
