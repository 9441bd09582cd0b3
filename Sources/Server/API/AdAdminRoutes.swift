import FoundationEssentials
import Hummingbird
import Showrunner

/// `/v1/admin/...` for ads: policies, campaigns, break plans (changes need the `operator` role,
/// reads any role), creatives (read; they are made by `showrunner creative add`, which transcodes),
/// and a session's decisions and events.
struct AdAdminRoutes {
    let service: CatalogService
    let catalog: PlaybackCatalog
    let ledger: (any AdLedger)?

    func register(on router: Router<ServerContext>) {
        let admin = router.group("/v1/admin").add(middleware: AuthMiddleware(service: service))
        let store = service.store

        admin.get("policies") { _, c in try c.require(.read); return try JSON.response(["policies": try await store.policies()]) }
        admin.get("policies/:channel") { _, c in
            try c.require(.read)
            let channel = try c.parameters.require("channel")
            guard let p = try await store.policies().first(where: { $0.channel == channel }) else {
                throw ShowrunnerError.notFound("policy for channel", channel)
            }
            return try JSON.response(p)
        }
        admin.put("policies/:channel") { r, c in
            try c.require(.operateAds)
            var p = try await JSON.decode(AdPolicy.self, from: r, context: c)
            p.channel = try c.parameters.require("channel")
            _ = try await store.apply(.putPolicy(p), actor: c.actor, at: service.clock.now())
            return try JSON.response(p)
        }

        admin.get("campaigns") { _, c in try c.require(.read); return try JSON.response(["campaigns": try await store.campaigns()]) }
        admin.post("campaigns") { r, c in
            try c.require(.operateAds)
            let campaign = try await JSON.decode(Campaign.self, from: r, context: c)
            _ = try await store.apply(.addCampaign(campaign), actor: c.actor, at: service.clock.now())
            return try JSON.response(campaign, status: .created)
        }
        admin.put("campaigns/:id") { r, c in
            try c.require(.operateAds)
            var campaign = try await JSON.decode(Campaign.self, from: r, context: c)
            campaign.id = try c.parameters.require("id")
            _ = try await store.apply(.putCampaign(campaign), actor: c.actor, at: service.clock.now())
            return try JSON.response(campaign)
        }

        admin.get("creatives") { _, c in try c.require(.read); return try JSON.response(["creatives": try await store.creatives()]) }

        admin.get("titles/:id/breaks") { r, c in
            try c.require(.read)
            let title = try c.parameters.require("id")
            let snap = catalog.snapshot.value
            guard snap.titles[title] != nil else { throw ShowrunnerError.notFound("title", title) }
            let explicit = snap.breaks[title]
            guard let channel = r.uri.queryParameters["channel"].map(String.init) else {
                return try JSON.response(explicit ?? TitleBreaks(title: title, breaks: []))
            }
            guard snap.channels[channel] != nil else { throw ShowrunnerError.notFound("channel", channel) }
            guard let version = snap.liveVersion(title: title, channel: channel) ?? snap.versions[title]?.values.max(by: { $0.createdAt < $1.createdAt }) else {
                throw ShowrunnerError(.notFound, "title '\(title)' has no version", field: "title")
            }
            let policy = snap.policies[channel] ?? AdPolicy(channel: channel, positions: [])
            let report = try AdDecisionEngine.planReport(version: version, breaks: explicit, policy: policy)
            struct Body: Encodable {
                var title: String
                var channel: String
                var version: String
                var breaks: [BreakPlan]
                var notes: [String]
            }
            return try JSON.response(Body(title: title, channel: channel, version: version.id, breaks: report.plans, notes: report.notes))
        }
        admin.put("titles/:id/breaks") { r, c in
            try c.require(.operateAds)
            struct Body: Decodable { var breaks: [BreakPlan] }
            let b = try await JSON.decode(Body.self, from: r, context: c)
            let plan = TitleBreaks(title: try c.parameters.require("id"), breaks: b.breaks)
            _ = try await store.apply(.putBreaks(plan), actor: c.actor, at: service.clock.now())
            return try JSON.response(plan)
        }

        admin.get("sessions/:sid") { _, c in
            try c.require(.read)
            let sid = try c.parameters.require("sid")
            guard let ledger, PlaybackSession.isWellFormed(sid), let record = try await ledger.session(id: sid) else {
                throw ShowrunnerError.notFound("session", String(sid.prefix(40)))
            }
            struct Body: Encodable {
                var session: PlaybackSession
                var breaks: [BreakDecision]
                var events: [LedgerEvent]
            }
            return try JSON.response(Body(session: record.session, breaks: record.breaks, events: try await ledger.events(session: sid)))
        }
    }
}
