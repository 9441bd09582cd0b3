import FoundationEssentials
import Logging
import NIOCore
import Store
public import MediaCore
public import Showrunner

/// The operator audit: slots reconciled from plan to beacons, markers checked in the files on
/// disk, sessions replayed. Shared by `showrunner audit` and the audit routes.
public struct Auditor: Sendable {
    public let store: any CatalogStore & AdLedger & AuditSource
    public let published: PublishedPlaylists

    public init(store: any CatalogStore & AdLedger & AuditSource, mediaRoot: String) {
        self.store = store
        self.published = PublishedPlaylists(mediaRoot: mediaRoot)
    }

    // MARK: Slots

    /// The slot audit of the sessions `filter` covers, against the catalog's current plans and
    /// the marked playlists on disk.
    public func slots(_ filter: AuditFilter, snapshot snap: CatalogSnapshot) async throws(ShowrunnerError) -> SlotAuditReport {
        let ledger = try await store.auditLedger(filter)
        var pairs = Set(ledger.sessions.keys)
        for pair in snap.live.keys {
            let parts = pair.split(separator: "\u{0}", omittingEmptySubsequences: false)
            guard parts.count == 2, !(snap.policies[String(parts[1])]?.positions.isEmpty ?? true) else { continue }
            pairs.insert(TitleOnChannel(title: String(parts[0]), channel: String(parts[1])))
        }
        let planned = pairs.filter { filter.covers(title: $0.title, channel: $0.channel) }.sorted().map { p in
            PlannedTitle(title: p.title, channel: p.channel, breaks: (try? PublishedPlaylists.plan(snap, title: p.title, channel: p.channel)) ?? [])
        }
        let marked = markers(title: filter.title, channel: filter.channel, snapshot: snap).map(\.marked)
        return SlotAudit.reconcile(planned: planned, marked: marked, ledger: ledger, filter: filter)
    }

    // MARK: Markers

    /// The marker audit of one publication on disk.
    public struct MarkerResult: Sendable, Encodable {
        public var channel: String
        public var title: String
        public var files: [String]
        public var planned: [PlannedBreak]
        public var findings: [MarkerAudit.Finding]
        public var breaks: [MarkerAudit.FoundBreak]
        /// The audit's summary for the slot table.
        public var marked: MarkedTitle

        enum CodingKeys: String, CodingKey { case channel, title, files, planned, findings, breaks }
    }

    /// Every published playlist re-read from disk and checked against the current plan.
    public func markers(title: String? = nil, channel: String? = nil, snapshot snap: CatalogSnapshot) -> [MarkerResult] {
        published.read(title: title, channel: channel).map { pub in
            let planned = (try? PublishedPlaylists.plan(snap, title: pub.title, channel: pub.channel)) ?? []
            let report = MarkerAudit.audit(pub.files, planned: planned.map { b in
                MarkerAudit.Planned(id: b.id, position: b.position, at: MediaTime(milliseconds: b.atMS),
                                    plannedDuration: MediaTime(milliseconds: b.plannedMS))
            })
            var renditions: [String: Set<String>] = [:]
            for b in report.breaks { renditions[b.breakID, default: []].insert(b.rendition) }
            var findings: [String: [String]] = [:]
            for f in report.findings { if let id = f.breakID { findings[id, default: []].append("\(f.file):\(f.line) \(f.message)") } }
            let ids = Set(renditions.keys).union(findings.keys).union(planned.map(\.id))
            let marked = MarkedTitle(title: pub.title, channel: pub.channel, renditions: pub.files.count, breaks: ids.sorted().map { id in
                MarkedBreakCount(breakID: id, renditions: renditions[id]?.count ?? 0, findings: findings[id] ?? [])
            })
            return MarkerResult(channel: pub.channel, title: pub.title, files: pub.files.map(\.path), planned: planned,
                                findings: report.findings, breaks: report.breaks, marked: marked)
        }
    }

    // MARK: Session replay

    /// A session's playlists rebuilt from its recorded decisions.
    public struct Replay: Sendable, Encodable {
        public struct Playlist: Sendable, Encodable {
            public var rendition: String
            public var text: String
        }
        public var session: PlaybackSession
        public var breaks: [BreakDecision]
        public var events: [LedgerEvent]
        public var master: String
        public var playlists: [Playlist]
        /// Marker findings in the rebuilt playlists (each break checked against what it was filled with).
        public var findings: [MarkerAudit.Finding]
    }

    /// Rebuilds the exact playlists session `id` was served: the recorded decisions, the
    /// version's packages and the creatives' packages (all immutable once registered), and the
    /// markers the session was made with.
    public func replay(_ id: String) async throws(ShowrunnerError) -> Replay {
        let catalog = PlaybackCatalog(store: store)
        _ = try await catalog.refresh(force: true)
        let logger = Logger(label: "showrunner.replay")
        let sessions = AdSessions(catalog: catalog, ledger: store, clock: SystemClock(), mediaRoot: published.mediaRoot,
                                  logger: logger, offers: ExternalOffers(logger: logger))
        return try await replay(id, sessions: sessions)
    }

    func replay(_ id: String, sessions: AdSessions) async throws(ShowrunnerError) -> Replay {
        guard PlaybackSession.isWellFormed(id), let record = try await store.session(id: id) else {
            throw ShowrunnerError.notFound("session", String(id.prefix(40)))
        }
        let master = String(buffer: try sessions.master(record))
        var renditions: [String] = []
        let prefix = "/v1/sessions/\(id)/"
        func add(_ uri: String?) {
            guard let uri, uri.hasPrefix(prefix), uri.hasSuffix(".m3u8") else { return }
            let name = String(uri.dropFirst(prefix.count).dropLast(5))
            if !renditions.contains(name) { renditions.append(name) }
        }
        if let parsed = try? MultivariantPlaylist.parse(master) {
            for item in parsed.items {
                switch item {
                case .streamInf(_, let uri): add(uri)
                case .media(let a): add(a.string("URI"))
                default: break
                }
            }
        }
        var playlists: [Replay.Playlist] = []
        var files: [MarkerAudit.File] = []
        var planned: [MarkerAudit.Planned] = []
        for r in renditions {
            let request = try sessions.stitchRequest(record, rendition: r)
            let text: String
            do {
                text = try Stitcher.stitch(request).text
                if planned.isEmpty, request.mode == .stitched {
                    planned = try Stitcher.timeline(request).breaks.map {
                        MarkerAudit.Planned(id: $0.id, position: $0.position, at: $0.contentTime, plannedDuration: $0.duration)
                    }
                }
            } catch {
                throw ShowrunnerError(.media, "cannot rebuild \(r) of session \(id): \(error)")
            }
            playlists.append(.init(rendition: r, text: text))
            files.append(MarkerAudit.File(path: "/v1/sessions/\(id)/\(r).m3u8", rendition: r, text: text))
        }
        let findings = record.session.interstitials ? [] : MarkerAudit.audit(files, planned: planned).findings
        return Replay(session: record.session, breaks: record.breaks, events: try await store.events(session: id),
                      master: master, playlists: playlists, findings: findings)
    }
}
