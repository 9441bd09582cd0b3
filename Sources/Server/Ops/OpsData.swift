import MediaCore
public import Showrunner

/// Fills the ops pages' view models from the audit, the reports and the catalog (the `/ops`
/// routes and `showrunner audit report`).
public struct OpsData: Sendable {
    public let auditor: Auditor
    public let reports: (any ReportSource)?
    public let keys: (any KeyStore)?

    public init(auditor: Auditor, reports: (any ReportSource)?, keys: (any KeyStore)? = nil) {
        self.auditor = auditor
        self.reports = reports
        self.keys = keys
    }

    /// `YYYY-MM-DD` → the UTC day's start, nil when malformed.
    static func dayStart(_ text: String) -> Timestamp? {
        guard text.count == 10, let t = Timestamp(iso8601: text) else { return nil }
        return t
    }

    /// The channel shown when none is asked for: the first with an ad policy, else the first.
    static func defaultChannel(_ snap: CatalogSnapshot) -> String {
        snap.policies.keys.sorted().first ?? snap.channels.keys.sorted().first ?? ""
    }

    func dashboard(channel askedChannel: String?, day askedDay: String?, snapshot snap: CatalogSnapshot, now: Timestamp,
                   actor: String, sessionLimit: Int = 50) async throws(ShowrunnerError) -> OpsDashboard {
        let channel = askedChannel ?? Self.defaultChannel(snap)
        guard snap.channels[channel] != nil else { throw ShowrunnerError.notFound("channel", channel) }
        let todayStart = now.milliseconds - ((now.milliseconds % 86_400_000) + 86_400_000) % 86_400_000
        let dayText = askedDay ?? Timestamp(milliseconds: todayStart).iso8601.prefix(10).description
        guard let day = Self.dayStart(dayText) else { throw ShowrunnerError.invalid("day", "'\(dayText.prefix(20))' is not a YYYY-MM-DD date") }
        let filter = AuditFilter(from: day, until: day.adding(seconds: 86_400), channel: channel)
        let slots = try await auditor.slots(filter, snapshot: snap).slots

        var titles: [String] = []
        for r in slots where r.atMS != nil && !titles.contains(r.title) { titles.append(r.title) }
        let timelines = titles.map { t in
            OpsTimeline(title: t, contentMS: snap.liveVersion(title: t, channel: channel)?.durationMS
                            ?? slots.filter { $0.title == t }.compactMap(\.atMS).max() ?? 0, slots: slots)
        }
        var boot: [OpsBootRow] = []
        if let rules = snap.bootRules[channel] {
            boot = BootSchedule.day(rules: rules, creatives: snap.bootCreatives[channel] ?? [], day: rules.localMidnight(of: day))
                .map(OpsBootRow.init)
        }
        let byHour = try await auditor.store.filledByHour(filter)
        let pacing = snap.campaigns.values.sorted { $0.id < $1.id }.compactMap { c -> OpsPacing? in
            let live = c.from < filter.until && c.until > filter.from && !c.paused
                && (c.targeting.channels.isEmpty || c.targeting.channels.contains(channel))
            guard live || byHour[c.id] != nil else { return nil }
            let flightDays = max(1, (c.until.milliseconds - c.from.milliseconds + 86_399_999) / 86_400_000)
            let daily = (c.impressionGoal + flightDays - 1) / flightDays
            var delivered = 0
            let points = (0...24).map { h -> OpsPacingPoint in
                if h > 0 { delivered += byHour[c.id]?[h - 1] ?? 0 }
                return OpsPacingPoint(hour: h, delivered: delivered, planned: Int(daily * Int64(h) / 24))
            }
            return OpsPacing(campaign: c.id, goal: c.impressionGoal, points: points)
        }
        let reach = try await reports?.reachReport(ReportPeriod(from: filter.from, until: filter.until), includeFlagged: false).rows ?? []
        let sessions = try await auditor.store.recentSessions(filter, limit: sessionLimit).map { s in
            OpsSessionLink(id: s.id, title: s.title, channel: s.channel, device: s.device, created: s.createdAt,
                           filledSlots: s.filled, totalSlots: s.slots)
        }
        let problems = try await auditor.store.verifyChangeLog()
        var keyReport: KeyReport?
        if let keys {
            keyReport = KeyReport.build(snapshot: snap, keys: try await keys.contentKeys(), counts: try await keys.keyFetchCounts(),
                                        refused: try await keys.refusedKeyFetches(limit: 50), now: now)
        }
        return OpsDashboard(
            channels: snap.channels.keys.sorted(), channel: channel, day: dayText, generatedAt: now, actor: actor, slots: slots,
            timelines: timelines, boot: boot, pacing: pacing, reach: reach, sessions: sessions,
            changeLog: OpsChangeLogStatus(entries: try await auditor.store.changeLogCount(), problems: problems), keys: keyReport)
    }

    /// The self-contained daily report of one channel (`showrunner audit report`).
    public func dailyReport(channel: String?, day: String, snapshot: CatalogSnapshot, now: Timestamp,
                            actor: String) async throws(ShowrunnerError) -> String {
        OpsPage.dailyReport(try await dashboard(channel: channel, day: day, snapshot: snapshot, now: now, actor: actor, sessionLimit: 200))
    }
}
