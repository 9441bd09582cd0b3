import Showrunner

/// What the ops pages show: plain data the `/ops` routes fill from the store, the slot audit and
/// the reports, and `OpsPage` / `OpsCSV` render. Nothing here reads a clock or the store.

/// The ops dashboard of one channel and one day (`GET /ops?channel=C&day=D`), and the body of
/// the self-contained daily report (`audit report --day D --out report.html`).
struct OpsDashboard: Sendable, Hashable {
    /// Channel ids for the selector, in display order.
    var channels: [String]
    /// The channel shown (one of `channels`, or any id when the list is empty).
    var channel: String
    /// The day shown, `YYYY-MM-DD` (the channel-local day the figures cover).
    var day: String
    /// When the figures were read (printed in the header; injected so output is deterministic).
    var generatedAt: Timestamp
    /// The signed-in operator's name (the token's actor), printed in the header.
    var actor: String
    /// The reconciled slots of the channel's titles over the day, in `SlotKey` order.
    var slots: [SlotAuditRow]
    /// One timeline per title with breaks on the channel.
    var timelines: [OpsTimeline]
    /// The channel's boot plan for the day (`BootSchedule.day`), in plan order.
    var boot: [OpsBootRow]
    /// Campaigns live on the channel that day.
    var pacing: [OpsPacing]
    /// Cross-screen reach per campaign over the day.
    var reach: [ReachRow]
    /// The day's sessions on the channel, newest first (the route decides how many).
    var sessions: [OpsSessionLink]
    /// The change log's state (`verifyChangeLog`).
    var changeLog: OpsChangeLogStatus
    /// Encrypted titles, their keys' ages and fetches, refused key requests (nil: the store keeps no keys).
    var keys: KeyReport? = nil
}

/// One title's breaks on the channel, drawn as an SVG timeline.
struct OpsTimeline: Sendable, Hashable {
    /// `Title.id`.
    var title: String
    /// The content's length in milliseconds (the post-roll sits at this time); 0 draws every
    /// marker at the start.
    var contentMS: Int64
    /// In play order (`pre`, `mid-1`, ..., `post`).
    var breaks: [OpsTimelineBreak]
}

extension OpsTimeline {
    /// The timeline of `title` from its audited slots: one break per break id with an `atMS`
    /// (breaks no longer in the plan are left out), in `SlotKey.breakRank` order; the fill
    /// rate is the sum of `filled` over the sum of `planned` of the break's slots, the
    /// rendition counts those of its first slot, and the flags every flag of its slots once,
    /// in first-seen order. Rows of other titles are ignored.
    init(title: String, contentMS: Int64, slots: [SlotAuditRow]) {
        var order: [String] = []
        var byBreak: [String: [SlotAuditRow]] = [:]
        for row in slots where row.title == title && row.atMS != nil {
            if byBreak[row.breakID] == nil { order.append(row.breakID) }
            byBreak[row.breakID, default: []].append(row)
        }
        let breaks = order.sorted { SlotKey.breakRank($0) < SlotKey.breakRank($1) }.map { id -> OpsTimelineBreak in
            let rows = byBreak[id] ?? []
            let planned = rows.reduce(0) { $0 + $1.planned }, filled = rows.reduce(0) { $0 + $1.filled }
            var flags: [String] = []
            for f in rows.flatMap(\.flags) where !flags.contains(f) { flags.append(f) }
            return OpsTimelineBreak(id: id, atMS: rows[0].atMS ?? 0, plannedMS: rows[0].plannedMS, markedRenditions: rows[0].marked,
                                    renditions: rows[0].renditions,
                                    fillRate: planned > 0 ? Double(filled) / Double(planned) : nil, flags: flags)
        }
        self.init(title: title, contentMS: contentMS, breaks: breaks)
    }
}

/// One break of a title's timeline, with its marking and fill over the day.
struct OpsTimelineBreak: Sendable, Hashable {
    /// `pre`, `mid-1`, ..., `post`.
    var id: String
    /// Content time of the break in milliseconds (0 pre-roll, the content length post-roll).
    var atMS: Int64
    /// The break's planned length in milliseconds.
    var plannedMS: Int64
    /// Published renditions whose media playlist marks the break.
    var markedRenditions: Int
    /// Renditions published.
    var renditions: Int
    /// Filled / planned over the break's slots, 0...1; nil when nothing was planned.
    var fillRate: Double?
    /// The audit flags of the break's slots, each once (`SlotAuditRow.flags`).
    var flags: [String]
}

/// One line of the channel's boot plan for the day.
struct OpsBootRow: Sendable, Hashable {
    /// `BootCreative.id`; nil for the boots on which nothing is shown (printed `(none)`).
    var creative: String?
    /// `Brand.id`; nil with `creative`.
    var brand: String?
    /// Expected share of the day's boots in permille; a plan's rows add up to 1000.
    var expectedPermille: Int
    /// 1 (first) ... 10 (last); nil with `creative`.
    var priority: Int?
    /// Whether the creative is the channel's fallback.
    var isDefault: Bool
}

extension OpsBootRow {
    /// The row of a `BootSchedule.day` plan entry.
    init(_ entry: BootPlanEntry) {
        self.init(creative: entry.creative?.id, brand: entry.creative?.brand, expectedPermille: entry.expectedPermille,
                  priority: entry.creative?.priority, isDefault: entry.creative?.isDefault ?? false)
    }
}

/// A campaign's delivery over the day against its plan.
struct OpsPacing: Sendable, Hashable {
    /// `Campaign.id`.
    var campaign: String
    /// Impressions to deliver over the whole flight (`Campaign.impressionGoal`).
    var goal: Int64
    /// Cumulative counts at the channel-local hours 0...24 (25 points, the first at midnight
    /// normally 0). Hours not reached yet may be left out of the end.
    var points: [OpsPacingPoint]
}

/// Cumulative delivered and planned impressions at one hour of the day.
struct OpsPacingPoint: Sendable, Hashable {
    /// 0...24: the end of hour `hour - 1` (24 is the end of the day).
    var hour: Int
    /// Placed ads of the campaign since midnight.
    var delivered: Int
    /// What the campaign's pacing plans by then.
    var planned: Int
}

/// A session listed on the dashboard, linking to its replay.
struct OpsSessionLink: Sendable, Hashable {
    /// `PlaybackSession.id` (32 hex digits).
    var id: String
    var title: String
    var channel: String
    var device: String
    var created: Timestamp
    /// Slots that played an ad (`SlotDecision.placed` with reason `filled`).
    var filledSlots: Int
    /// Slots the session's breaks placed (ads and slate).
    var totalSlots: Int
}

extension OpsSessionLink {
    /// The link of a recorded session.
    init(_ record: SessionRecord) {
        let placed = record.breaks.flatMap(\.placed)
        self.init(id: record.session.id, title: record.session.title, channel: record.session.channel,
                  device: record.session.device, created: record.session.createdAt,
                  filledSlots: placed.filter { $0.reason == .filled }.count, totalSlots: placed.count)
    }
}

/// The state of the append-only change log.
struct OpsChangeLogStatus: Sendable, Hashable {
    /// Entries in the log.
    var entries: Int
    /// What `verifyChangeLog` found wrong; empty when the hash chain is intact.
    var problems: [String]
}

/// One session replayed (`GET /ops/sessions/<sid>`): what was decided, what was reported and
/// the playlists rebuilt from the recorded decisions.
struct OpsSessionReplay: Sendable, Hashable {
    /// The session as recorded (id, channel, title, version, device, household, endpoint, created).
    var session: PlaybackSession
    /// The recorded decisions, break by break (placed slots, then refused candidates).
    var breaks: [BreakDecision]
    /// The session's ledger events, oldest first.
    var events: [LedgerEvent]
    /// The media playlists rebuilt from the decisions, in master order.
    var playlists: [OpsPlaylist]
}

/// A rebuilt media playlist of a replayed session.
struct OpsPlaylist: Sendable, Hashable {
    /// The rendition's name, e.g. `v720p` or `audio-en`.
    var rendition: String
    /// The playlist text (`#EXTM3U` ...).
    var text: String
}
