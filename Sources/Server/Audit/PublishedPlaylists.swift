import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif
public import MediaCore
public import Showrunner

/// The marked playlists of every live publication on a channel with ads: each media rendition
/// of the live version with the channel's breaks marked (DATERANGE SCTE-35 and/or CUE tags) but
/// not filled — what a downstream SSAI or client-side ad player reads, and what the slot and
/// marker audits re-parse from disk (they never trust the database for what was marked).
///
/// Layout: `<media root>/.published/<channel>/<title>/` with `master.m3u8`, one
/// `<rendition>.m3u8` per media rendition (segment URIs `/media/<version path>/...`) and
/// `publication.json` (version and plan, for people; the audit reads the plan from the catalog).
public struct PublishedPlaylists: Sendable {
    public let mediaRoot: String
    public var root: String { mediaRoot + "/.published" }

    public init(mediaRoot: String) { self.mediaRoot = mediaRoot }

    /// What `sync` did.
    public struct SyncResult: Sendable, Hashable, Encodable {
        public var written: [String] = []
        public var unchanged = 0
        public var removed: [String] = []
        public var problems: [String] = []
    }

    /// The publication's record written beside its playlists.
    struct Record: Codable {
        var channel: String
        var title: String
        var version: String
        var plan: [PlannedBreak]
    }

    /// The plan of `title` on `channel` as the catalog has it now (empty without a policy or
    /// without a live version).
    public static func plan(_ snap: CatalogSnapshot, title: String, channel: String) throws(ShowrunnerError) -> [PlannedBreak] {
        guard let policy = snap.policies[channel], !policy.positions.isEmpty,
              let version = snap.liveVersion(title: title, channel: channel) else { return [] }
        let plans = try AdDecisionEngine.plan(version: version, breaks: snap.breaks[title], policy: policy)
        return plans.indices.map { i in
            let b = plans[i]
            let at = b.position == .post ? version.durationMS : b.position == .pre ? 0 : b.atMS
            return PlannedBreak(id: AdDecisionEngine.breakID(plans, index: i), position: b.position, atMS: at, plannedMS: b.plannedMS)
        }
    }

    /// Brings `.published` in line with the catalog: writes what changed, removes publications
    /// that are no longer live (or whose channel has no ads). Files are replaced atomically.
    public func sync(_ snap: CatalogSnapshot) -> SyncResult {
        let playlists = PlaylistFiles(root: mediaRoot)
        var result = SyncResult()
        var wanted = Set<String>()
        for (pair, versionID) in snap.live.sorted(by: { $0.key < $1.key }) {
            let parts = pair.split(separator: "\u{0}", omittingEmptySubsequences: false)
            guard parts.count == 2 else { continue }
            let title = String(parts[0]), channel = String(parts[1])
            guard let policy = snap.policies[channel], !policy.positions.isEmpty,
                  let version = snap.versions[title]?[versionID] else { continue }
            let folder = channel + "/" + title
            wanted.insert(folder)
            do {
                let files = try render(snap, title: title, channel: channel, version: version, policy: policy, playlists: playlists)
                for (name, text) in files {
                    let path = root + "/" + folder + "/" + name
                    if (try? String(contentsOfFile: path, encoding: .utf8)) == text {
                        result.unchanged += 1
                        continue
                    }
                    try Self.write(text, to: path)
                    result.written.append(folder + "/" + name)
                }
            } catch {
                result.problems.append("\(folder): \(error)")
            }
        }
        for channel in Self.list(root) {
            for title in Self.list(root + "/" + channel) where !wanted.contains(channel + "/" + title) {
                try? FileManager.default.removeItem(atPath: root + "/" + channel + "/" + title)
                result.removed.append(channel + "/" + title)
            }
        }
        return result
    }

    /// The files of one publication: name → text.
    func render(_ snap: CatalogSnapshot, title: String, channel: String, version: TitleVersion, policy: AdPolicy,
                playlists: PlaylistFiles) throws -> [(String, String)] {
        let planned = try Self.plan(snap, title: title, channel: channel)
        // The published form is the standard one, EXT-X-DATERANGE with SCTE-35, whatever the
        // channel's player-facing markers: CUE-OUT/-IN describe filled breaks, and a
        // zero-length pair has no agreed meaning (the lint rejects it).
        let markers: MarkerStyle = .dateRange
        let cueStyle: BreakCueStyle = policy.cue == .spliceInsert ? .spliceInsert : .providerPlacementOpportunity
        var master = try playlists.master(version.path)
        let prefix = "/media/" + version.path + "/"
        var renditions: [String] = []
        func local(_ uri: String) -> String {
            guard !uri.hasPrefix("/"), !uri.contains("://"), let r = uri.split(separator: "/").first else { return uri }
            if !renditions.contains(String(r)) { renditions.append(String(r)) }
            return String(r) + ".m3u8"
        }
        master.items = master.items.map { item in
            switch item {
            case .streamInf(let a, let uri): return .streamInf(a, uri: local(uri))
            case .media(var a):
                if let uri = a.string("URI") { a["URI"] = .quoted(local(uri)) }
                return .media(a)
            case .iFrameStreamInf(var a):
                if let uri = a.string("URI"), !uri.hasPrefix("/") { a["URI"] = .quoted(prefix + uri) }
                return .iFrameStreamInf(a)
            default: return item
            }
        }
        var files: [(String, String)] = [("master.m3u8", master.text)]
        for r in renditions {
            let content = try playlists.media(version.path + "/" + r, uriPrefix: prefix + r + "/")
            let breaks = planned.map { b in
                MarkedBreak(id: b.id, eventID: AdDecisionEngine.eventID(session: channel + "/" + title, breakID: b.id),
                            position: b.position, at: b.position == .post ? content.totalDuration : MediaTime(milliseconds: b.atMS),
                            plannedDuration: MediaTime(milliseconds: b.plannedMS), upid: .none)
            }
            let marked = try BreakMarker.mark(content, breaks: breaks, markers: markers, cueStyle: cueStyle,
                                              programDateTime: version.createdAt.milliseconds)
            files.append((r + ".m3u8", marked.text))
        }
        let record = Record(channel: channel, title: title, version: version.id, plan: planned)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        files.append(("publication.json", String(decoding: try encoder.encode(record), as: UTF8.self) + "\n"))
        return files
    }

    // MARK: Reading back (the audit)

    /// One publication as found on disk.
    public struct OnDisk: Sendable {
        public var channel: String
        public var title: String
        public var files: [MarkerAudit.File]
    }

    /// Every publication on disk, optionally of one title or channel.
    public func read(title: String? = nil, channel: String? = nil) -> [OnDisk] {
        var out: [OnDisk] = []
        for c in Self.list(root) where channel == nil || channel == c {
            for t in Self.list(root + "/" + c) where title == nil || title == t {
                let folder = root + "/" + c + "/" + t
                var files: [MarkerAudit.File] = []
                for name in Self.list(folder) where name.hasSuffix(".m3u8") && name != "master.m3u8" {
                    let text = (try? String(contentsOfFile: folder + "/" + name, encoding: .utf8)) ?? ""
                    files.append(MarkerAudit.File(path: ".published/\(c)/\(t)/\(name)", rendition: String(name.dropLast(5)), text: text))
                }
                out.append(OnDisk(channel: c, title: t, files: files))
            }
        }
        return out
    }

    static func list(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    static func write(_ text: String, to path: String) throws {
        let dir = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let tmp = path + ".tmp"
        try Data(text.utf8).write(to: URL(fileURLWithPath: tmp))
        guard rename(tmp, path) == 0 else {
            try? FileManager.default.removeItem(atPath: tmp)
            throw ShowrunnerError(.storage, "cannot write \(path) (errno \(errno))")
        }
    }
}
