import Showrunner

/// The ops web pages as complete HTML5 documents: the dashboard (`GET /ops`), a session replay
/// (`GET /ops/sessions/<sid>`), the sign-in form (`GET /ops/sign-in`) and the self-contained
/// daily report (`audit report --day D --out report.html`).
///
/// Every dynamic string goes through `OpsFormat.escape`. The pages load nothing (no CDN, no
/// font, no favicon request), carry `OpsAssets.contentSecurityPolicy`, and read fully with
/// JavaScript off: the script only adds sorting and the slot filter.
///
/// Links the server must route: `/ops` (GET form `channel`, `day`), `/ops/sign-in` (POST
/// `token`, `next`), `/ops/sign-out` (POST), `/ops/sessions/<sid>`, the CSV exports
/// `/ops/export/{slots,boot,pacing,reach,sessions}.csv?channel=C&day=D` and
/// `/ops/sessions/<sid>/{decisions,events}.csv` (bodies from `OpsCSV`).
enum OpsPage {
    /// The dashboard of `d.channel` on `d.day`, with the channel/day picker, CSV links and
    /// replay links.
    static func dashboard(_ d: OpsDashboard) -> String { render(d, mode: .server) }

    /// The same content as `dashboard` for a file: no picker, no sign-out, no CSV or replay
    /// links (session ids are printed instead).
    static func dailyReport(_ d: OpsDashboard) -> String { render(d, mode: .report) }

    /// A session's decisions, events and rebuilt playlists.
    static func replay(_ r: OpsSessionReplay) -> String {
        let s = r.session
        let back = "/ops" + OpsFormat.query([("channel", s.channel), ("day", s.createdAt.day)])
        let sid = OpsFormat.urlComponent(s.id)
        var body = """
        <header class="top"><a class="brand" href="/ops">Showrunner<span>Ops</span></a>\
        <div class="who"><a class="ghost" href="\(e(back))">&larr; \(e(s.channel)) · \(e(s.createdAt.day))</a></div></header>
        <nav class="sections"><a href="#sec-decisions">Decisions</a><a href="#sec-events">Events</a>\
        <a href="#sec-playlists">Playlists</a></nav>
        <main>
        <h1>Session <code>\(e(s.id))</code></h1>
        <p class="sub">\(e(s.title)) on \(e(s.channel)) · created \(e(OpsFormat.time(s.createdAt))) UTC</p>
        <section class="card" id="sec-session"><div class="card-head"><h2>Session</h2></div>
        <dl class="facts">
        <dt>Channel</dt><dd>\(e(s.channel))</dd><dt>Title</dt><dd>\(e(s.title))</dd>
        <dt>Version</dt><dd><code>\(e(s.version))</code></dd><dt>Endpoint</dt><dd>\(e(s.endpoint.rawValue))</dd>
        <dt>Device</dt><dd><code>\(e(s.device))</code></dd><dt>Household</dt><dd><code>\(e(s.household))</code></dd>
        <dt>Model</dt><dd>\(e(s.model ?? "—"))</dd><dt>Delivery</dt><dd>\(s.interstitials ? "HLS Interstitials" : "stitched")</dd>
        <dt>Created</dt><dd>\(e(OpsFormat.time(s.createdAt))) UTC</dd><dt>Expires</dt><dd>\(e(OpsFormat.time(s.expiresAt))) UTC</dd>
        </dl></section>

        """
        let decisionRows = r.breaks.flatMap { b in
            b.slots.map { slot in
                row([cell(e(b.id)), cell(slot.slot >= 0 ? String(slot.slot) : "—", num: true, sort: String(slot.slot)),
                     cell(e(slot.creative ?? "—")), cell(e(slot.campaign ?? "—")), cell(reasonBadge(slot.reason)),
                     cell(e(slot.detail), wrap: true),
                     cell(OpsFormat.seconds(slot.durationMS) + (slot.trimmed ? " <span class=\"badge amber\">trimmed</span>" : ""),
                          num: true, sort: String(slot.durationMS)),
                     cell(e(slot.source.rawValue))],
                    cls: slot.placed ? nil : "refused")
            }
        }
        let breaksNote = r.breaks.map { b in
            "\(b.id) at \(OpsFormat.clock(b.plan.atMS)): \(OpsFormat.seconds(b.filledMS)) of \(OpsFormat.seconds(b.plan.plannedMS))"
        }.joined(separator: " · ")
        body += section(id: "decisions", title: "Decisions", note: breaksNote, csv: "/ops/sessions/\(sid)/decisions.csv",
                        content: table(id: "decisions",
                                       headers: [("Break", false), ("Slot", true), ("Creative", false), ("Campaign", false),
                                                 ("Reason", false), ("Detail", false), ("Duration", true), ("Source", false)],
                                       rows: decisionRows, empty: "No breaks were decided for this session."))
        let eventRows = r.events.map { ev in
            row([cell(e(OpsFormat.time(ev.ts)), sort: String(ev.ts.milliseconds)), cell(e(ev.source.rawValue)), cell(e(ev.type)),
                 cell("<code>" + e(ev.slotID ?? "—") + "</code>"), cell(e(ev.creativeID ?? "—")),
                 cell(ev.positionMS.map { OpsFormat.clock($0) } ?? "—", num: true, sort: ev.positionMS.map { String($0) } ?? ""),
                 cell(ev.flags.map { "<span class=\"badge red\">\(e($0))</span>" }.joined())],
                cls: ev.flags.isEmpty ? nil : "bad")
        }
        body += section(id: "events", title: "Events", note: "\(r.events.count) in the ledger, oldest first",
                        csv: "/ops/sessions/\(sid)/events.csv",
                        content: table(id: "events",
                                       headers: [("Time (UTC)", false), ("Source", false), ("Type", false), ("Slot", false),
                                                 ("Creative", false), ("Position", true), ("Flags", false)],
                                       rows: eventRows, empty: "No events reported for this session."))
        let playlists = r.playlists.map { p in
            "<details><summary>\(e(p.rendition))</summary><pre>\(e(p.text))</pre></details>"
        }.joined(separator: "\n")
        body += section(id: "playlists", title: "Rebuilt playlists", note: "media playlists from the recorded decisions",
                        csv: nil, content: r.playlists.isEmpty ? "<p class=\"empty\">No playlists rebuilt.</p>" : playlists)
        body += "</main>\n"
        return document(title: "Session \(s.id) · Showrunner Ops", body: body)
    }

    /// The sign-in form: a password field `token` and a hidden `next` (made safe with
    /// `safeNext`) posted to `/ops/sign-in`; `error` is shown above the form when set. (The
    /// unnamed hidden username field is not posted: it keeps password managers and Chromium's
    /// form checks content.)
    static func signIn(error: String?, next: String) -> String {
        let alert = error.map { "<div class=\"alert\" role=\"alert\">\(e($0))</div>\n" } ?? ""
        let body = """
        <main><form class="signin" method="post" action="/ops/sign-in">
        <h1>Showrunner Ops</h1>
        <p class="sub">Sign in with an operator token (<code>showrunner token create --role operator</code>).</p>
        \(alert)<input type="hidden" name="next" value="\(e(safeNext(next)))">
        <input type="text" autocomplete="username" value="operator" hidden aria-hidden="true">
        <label for="token">Token</label>
        <input type="password" id="token" name="token" autocomplete="current-password" required autofocus>
        <button class="btn" type="submit">Sign in</button>
        </form></main>

        """
        return document(title: "Sign in · Showrunner Ops", body: body)
    }

    /// Where to go after signing in: `next` when it is a path on the ops pages (`/ops`,
    /// `/ops/...`, `/ops?...`) without a backslash or control character, else `/ops`. The
    /// sign-in route must pass the posted `next` through this too (no open redirect).
    static func safeNext(_ next: String) -> String {
        let ok = (next == "/ops" || next.hasPrefix("/ops/") || next.hasPrefix("/ops?"))
            && !next.unicodeScalars.contains { $0 == "\\" || $0.value < 0x20 || $0.value == 0x7F }
        return ok ? next : "/ops"
    }

    // MARK: The dashboard

    /// Served page or file: files get no forms and no links that need the server.
    enum Mode { case server, report }

    /// The dashboard document in either mode.
    static func render(_ d: OpsDashboard, mode: Mode) -> String {
        let exportQuery = OpsFormat.query([("channel", d.channel), ("day", d.day)])
        func csv(_ name: String) -> String? { mode == .server ? "/ops/export/\(name).csv" + exportQuery : nil }
        var body = header(d, mode: mode)
        body += """
        <nav class="sections"><a href="#sec-slots">Slots</a><a href="#sec-timelines">Timelines</a><a href="#sec-boot">Boot schedule</a>\
        <a href="#sec-pacing">Pacing</a><a href="#sec-reach">Reach</a><a href="#sec-sessions">Sessions</a>\
        \(d.keys == nil ? "" : "<a href=\"#sec-keys\">Keys</a>")</nav>
        <main>
        <h1>\(e(d.channel)) · \(e(d.day))</h1>
        <p class="sub">\(mode == .report ? "Daily report" : "Operations") generated \(e(OpsFormat.time(d.generatedAt))) UTC \
        for \(e(d.actor))</p>

        """
        body += summary(d)
        body += section(id: "slots", title: "Slot audit", note: "planned → marked → decided → served → seen", csv: csv("slots"),
                        content: slotFilter + slotTable(d.slots))
        body += section(id: "timelines", title: "Break timelines", note: "markers at break times, coloured by fill", csv: nil,
                        content: timelines(d.timelines))
        body += section(id: "boot", title: "Boot schedule", note: "expected share of the day's boots", csv: csv("boot"),
                        content: bootTable(d.boot))
        body += section(id: "pacing", title: "Campaign pacing", note: "cumulative over the day, delivered vs planned",
                        csv: csv("pacing"), content: pacing(d.pacing))
        body += section(id: "reach", title: "Cross-screen reach", note: "unique devices and households per campaign",
                        csv: csv("reach"), content: reachTable(d.reach))
        body += section(id: "sessions", title: "Sessions", note: mode == .server ? "open one to replay it" : "\(d.sessions.count) listed",
                        csv: csv("sessions"), content: sessionTable(d.sessions, linked: mode == .server))
        if let keys = d.keys {
            body += section(id: "keys", title: "Content protection", note: "encrypted titles, key ages and fetches; refused key requests",
                            csv: nil, content: keyTable(keys) + refusedKeyTable(keys, linked: mode == .server))
        }
        body += "</main>\n<footer>Showrunner · \(e(d.channel)) · \(e(d.day)) · generated \(e(d.generatedAt.iso8601))</footer>\n"
        let title = (mode == .report ? "Daily report " : "Ops ") + "\(d.channel) \(d.day) · Showrunner"
        return document(title: title, body: body)
    }

    /// The top bar: the picker and the signed-in operator when served, a plain title in a file.
    static func header(_ d: OpsDashboard, mode: Mode) -> String {
        guard mode == .server else {
            return "<header class=\"top\"><span class=\"brand\">Showrunner<span>Daily report</span></span></header>\n"
        }
        var channels = d.channels
        if !channels.contains(d.channel) { channels.insert(d.channel, at: 0) }
        let options = channels.map { c in
            "<option value=\"\(e(c))\"\(c == d.channel ? " selected" : "")>\(e(c))</option>"
        }.joined()
        return """
        <header class="top"><a class="brand" href="/ops">Showrunner<span>Ops</span></a>
        <form class="pick" method="get" action="/ops">\
        <label>Channel <select name="channel">\(options)</select></label>\
        <label>Day <input type="date" name="day" value="\(e(d.day))" required></label>\
        <button class="btn" type="submit">Show</button></form>
        <div class="who"><span>Signed in as <b>\(e(d.actor))</b></span>\
        <form method="post" action="/ops/sign-out"><button class="ghost" type="submit">Sign out</button></form></div>
        </header>

        """
    }

    /// The headline figures and, when the change log is broken, what is wrong with it.
    static func summary(_ d: OpsDashboard) -> String {
        let planned = d.slots.reduce(0) { $0 + $1.planned }, filled = d.slots.reduce(0) { $0 + $1.filled }
        let fill: Double? = planned > 0 ? Double(filled) / Double(planned) : nil
        let flagged = d.slots.filter { !$0.flags.isEmpty }.count
        let red = d.slots.filter { $0.flags.contains { flagTone($0) == "red" } }.count
        let served = d.slots.reduce(0) { $0 + $1.served }, seen = d.slots.reduce(0) { $0 + $1.seen }
        func kpi(_ label: String, _ value: String, _ note: String, tone: String?) -> String {
            "<div class=\"kpi\(tone.map { " " + $0 } ?? "")\"><div class=\"k\">\(label)</div><div class=\"v\">\(value)</div>"
                + "<div class=\"n\">\(note)</div></div>"
        }
        let fillTone = fill.map { $0 >= 0.9 ? "good" : $0 >= 0.5 ? "warn" : "bad" }
        var out = "<section class=\"kpis\" aria-label=\"Summary\">"
        out += kpi("Fill rate", OpsFormat.percent(fill), "\(OpsFormat.count(filled)) of \(OpsFormat.count(planned)) opportunities",
                   tone: fillTone)
        out += kpi("Slots", OpsFormat.count(d.slots.count), "\(d.timelines.count) titles", tone: nil)
        out += kpi("Flagged slots", OpsFormat.count(flagged), "\(red) with a red flag",
                   tone: red > 0 ? "bad" : flagged > 0 ? "warn" : "good")
        out += kpi("Impressions", OpsFormat.count(served), "server · \(OpsFormat.count(seen)) client", tone: nil)
        out += kpi("Sessions", OpsFormat.count(d.sessions.count), "listed below", tone: nil)
        let log = d.changeLog
        out += kpi("Change log", OpsFormat.count(log.entries),
                   log.problems.isEmpty ? "entries · chain intact" : "entries · \(log.problems.count) problem(s)",
                   tone: log.problems.isEmpty ? "good" : "bad")
        out += "</section>\n"
        if !log.problems.isEmpty {
            out += "<div class=\"alert\" role=\"alert\"><b>The change log does not verify.</b><ul>"
                + log.problems.map { "<li>\(e($0))</li>" }.joined() + "</ul></div>\n"
        }
        return out
    }

    // MARK: Slots

    /// Hidden until the script shows it (it does nothing without the script).
    static let slotFilter = """
    <div class="filter" id="slot-filter" hidden><input type="search" placeholder="Filter slots (title, break, flag…)" \
    aria-label="Filter slots"><label><input type="checkbox"> Flagged only</label><output></output></div>

    """

    /// `#slots`: one row per audited slot, flags as badges with the marker findings under them,
    /// the row's left edge red (red flag) or amber (any other flag).
    static func slotTable(_ rows: [SlotAuditRow]) -> String {
        let headers: [(String, Bool)] = [
            ("Title", false), ("Break", false), ("Slot", true), ("At", true), ("Length", true), ("Opportunities", true),
            ("Marked", true), ("Decided", true), ("Filled", true), ("Fill", true), ("Served", true), ("Seen", true),
            ("Discrepancy", true), ("Flags", false), ("Reasons", false),
        ]
        let body = rows.map { r -> String in
            let tones = r.flags.map(flagTone)
            let cls = tones.contains("red") ? "bad" : r.flags.isEmpty ? nil : "warn"
            let findings = r.findings.isEmpty ? "" : "<ul class=\"findings\">" + r.findings.map { "<li>\(e($0))</li>" }.joined() + "</ul>"
            let reasons = r.reasons.sorted { $0.key < $1.key }.map { "\(e($0.key)) \($0.value)" }.joined(separator: " · ")
            let discrepancy = r.discrepancy.map { d in
                d > discrepancyTolerance ? "<b class=\"badge red\">\(OpsFormat.percent(d))</b>" : OpsFormat.percent(d)
            } ?? "—"
            return row([
                cell("<code>\(e(r.title))</code>"), cell(e(r.breakID), sort: String(SlotKey.breakRank(r.breakID))),
                cell(String(r.slot), num: true, sort: String(r.slot)),
                cell(r.atMS.map { OpsFormat.clock($0) } ?? "—", num: true, sort: r.atMS.map { String($0) } ?? ""),
                cell(OpsFormat.seconds(r.plannedMS), num: true, sort: String(r.plannedMS)),
                cell(OpsFormat.count(r.planned), num: true, sort: String(r.planned)),
                cell("\(r.marked)/\(r.renditions)", num: true, sort: String(r.marked)),
                cell(OpsFormat.count(r.decided), num: true, sort: String(r.decided)),
                cell(OpsFormat.count(r.filled), num: true, sort: String(r.filled)),
                cell(OpsFormat.percent(r.fillRate), num: true, sort: r.fillRate.map { String($0) } ?? ""),
                cell(OpsFormat.count(r.served), num: true, sort: String(r.served)),
                cell(OpsFormat.count(r.seen), num: true, sort: String(r.seen)),
                cell(discrepancy, num: true, sort: r.discrepancy.map { String($0) } ?? ""),
                cell(r.flags.map(flagBadge).joined() + findings, wrap: true),
                cell(reasons.isEmpty ? "—" : reasons, wrap: true),
            ], cls: cls, attributes: " data-flags=\"\(e(r.flags.joined(separator: " ")))\"")
        }
        return table(id: "slots", headers: headers, rows: body, empty: "No slots audited for this channel and day.")
    }

    /// `red` for discrepancy, not_marked and marker_error; `amber` for unfilled and
    /// partly_marked; `gray` for the other flags.
    static func flagTone(_ flag: String) -> String {
        switch flag {
        case "discrepancy", "not_marked", "marker_error": "red"
        case "unfilled", "partly_marked": "amber"
        default: "gray"
        }
    }

    /// A flag as a badge of its tone.
    static func flagBadge(_ flag: String) -> String { "<span class=\"badge \(flagTone(flag))\">\(e(flag))</span>" }

    /// A decision reason as a badge: green filled, red unfilled, amber VAST error, gray the rest.
    static func reasonBadge(_ reason: SlotReason) -> String {
        let tone = switch reason {
        case .filled: "green"
        case .slate, .capped, .separated, .paced, .policy: "gray"
        case .vastError: "amber"
        case .unfilled: "red"
        }
        return "<span class=\"badge \(tone)\">\(e(reason.rawValue))</span>"
    }

    // MARK: Timelines

    /// Width of a timeline's content bar in SVG user units: a break at `atMS` sits at
    /// `x = atMS / contentMS × timelineWidth`.
    static let timelineWidth: Int64 = 1000

    /// One tile per title with its timeline, then the colour legend.
    static func timelines(_ list: [OpsTimeline]) -> String {
        guard !list.isEmpty else { return "<p class=\"empty\">No title with breaks on this channel.</p>" }
        let tiles = list.enumerated().map { i, t in
            let marked = t.breaks.filter { $0.renditions > 0 && $0.markedRenditions == $0.renditions }.count
            return """
            <div class="tile" id="timeline-\(i)"><h3><code>\(e(t.title))</code></h3>\
            <div class="note">length \(OpsFormat.clock(t.contentMS)) · \(t.breaks.count) break(s) · \
            \(marked) marked in every rendition</div>
            \(timelineSVG(t, id: "timeline-\(i)-t"))</div>
            """
        }.joined(separator: "\n")
        let legend = """
        <div class="legend"><span><i class="sw good"></i>fill ≥ 90%</span><span><i class="sw mid"></i>50–90%</span>\
        <span><i class="sw low"></i>&lt; 50%</span><span><i class="sw none"></i>nothing planned</span>\
        <span><i class="sw ring"></i>red flag (not marked, marker error, discrepancy)</span><span>hover a marker for details</span></div>
        """
        return "<div class=\"grid\">\n" + tiles + "\n</div>\n" + legend
    }

    /// x of a content time on a timeline, in tenths of a user unit (clamped to the bar).
    static func timelineX(atMS: Int64, contentMS: Int64) -> Int64 {
        guard contentMS > 0 else { return 0 }
        let clamped = min(max(atMS, 0), contentMS)
        return (clamped * timelineWidth * 20 / contentMS + 1) / 2
    }

    /// Marker colour: green from 90 % filled, amber from 50 %, red below, gray with nothing planned.
    static func fillColor(_ rate: Double?) -> String {
        guard let rate else { return "#8c959f" }
        return rate >= 0.9 ? "#1a7f37" : rate >= 0.5 ? "#d4a72c" : "#b42318"
    }

    /// The timeline: quarter ticks with content times, the content bar (x 0...`timelineWidth`),
    /// and per break a marker (line, dot ringed red on a red flag, id below) whose `<title>`
    /// says break, time, planned length, marked renditions, fill and flags.
    static func timelineSVG(_ t: OpsTimeline, id: String) -> String {
        var s = "<svg class=\"timeline\" viewBox=\"-32 0 1064 100\" role=\"img\" aria-labelledby=\"\(e(id))\">"
        s += "<title id=\"\(e(id))\">Breaks of \(e(t.title)) over \(OpsFormat.clock(t.contentMS))</title>"
        for q in 0...4 {
            let x = timelineWidth * Int64(q) / 4
            let anchor = q == 0 ? "start" : q == 4 ? "end" : "middle"
            s += "<line x1=\"\(x)\" y1=\"26\" x2=\"\(x)\" y2=\"58\" stroke=\"#c3ccd6\"/>"
            s += "<text x=\"\(x)\" y=\"17\" font-size=\"15\" fill=\"#5b6571\" text-anchor=\"\(anchor)\">"
                + "\(OpsFormat.clock(t.contentMS * Int64(q) / 4))</text>"
        }
        s += "<rect x=\"0\" y=\"34\" width=\"\(timelineWidth)\" height=\"16\" rx=\"8\" fill=\"#dbe4ee\"/>"
        for b in t.breaks {
            let x = OpsFormat.tenths(timelineX(atMS: b.atMS, contentMS: t.contentMS))
            let color = fillColor(b.fillRate)
            let red = b.flags.contains { flagTone($0) == "red" }
            let tip = "\(b.id) at \(OpsFormat.clock(b.atMS)) · planned \(OpsFormat.seconds(b.plannedMS)) · marked "
                + "\(b.markedRenditions)/\(b.renditions) renditions · fill \(OpsFormat.percent(b.fillRate))"
                + (b.flags.isEmpty ? "" : " · " + b.flags.joined(separator: ", "))
            s += "<g class=\"brk\" data-break=\"\(e(b.id))\"><title>\(e(tip))</title>"
            s += "<line x1=\"\(x)\" y1=\"24\" x2=\"\(x)\" y2=\"60\" stroke=\"\(color)\" stroke-width=\"3\"/>"
            s += "<circle cx=\"\(x)\" cy=\"42\" r=\"11\" fill=\"\(color)\" stroke=\"\(red ? "#b42318" : "#fff")\" "
                + "stroke-width=\"\(red ? 4 : 3)\"/>"
            s += "<text x=\"\(x)\" y=\"84\" font-size=\"15\" fill=\"#1f2328\" text-anchor=\"middle\">\(e(b.id))</text></g>"
        }
        return s + "</svg>"
    }

    // MARK: Boot schedule

    /// `#boot`: the plan's lines with their share as a number and a bar.
    static func bootTable(_ rows: [OpsBootRow]) -> String {
        let body = rows.map { r in
            let share = OpsFormat.tenths(Int64(r.expectedPermille))
            let bar = "<svg class=\"share\" viewBox=\"0 0 1000 10\" preserveAspectRatio=\"none\" aria-hidden=\"true\">"
                + "<rect width=\"1000\" height=\"10\" fill=\"#e8edf2\"/><rect width=\"\(max(0, min(1000, r.expectedPermille)))\" "
                + "height=\"10\" fill=\"\(r.creative == nil ? "#8c959f" : "#0b5cad")\"/></svg>"
            return row([
                cell(r.creative.map { "<code>\(e($0))</code>" } ?? "<span class=\"muted\">(none)</span>"),
                cell(e(r.brand ?? "—")),
                cell(r.priority.map { String($0) } ?? "—", num: true, sort: r.priority.map { String($0) } ?? ""),
                cell(r.isDefault ? "<span class=\"badge\">default</span>" : ""),
                cell("\(share)%" + bar, num: true, sort: String(r.expectedPermille)),
            ], cls: nil)
        }
        return table(id: "boot", headers: [("Creative", false), ("Brand", false), ("Priority", true), ("Default", false),
                                           ("Expected share", true)],
                     rows: body, empty: "No boot plan for this channel and day.")
    }

    // MARK: Pacing

    /// `#pacing`: per campaign the last point's delivered vs planned and a status (behind under
    /// 90 %, red under 75 %; ahead over 110 %), then one chart per campaign.
    static func pacing(_ list: [OpsPacing]) -> String {
        let rows = list.map { p -> String in
            let last = p.points.last
            let pace: Double? = last.flatMap { $0.planned > 0 ? Double($0.delivered) / Double($0.planned) : nil }
            let status: String = switch pace {
            case nil: "<span class=\"badge\">no plan</span>"
            case let r? where r < 0.75: "<span class=\"badge red\">behind</span>"
            case let r? where r < 0.9: "<span class=\"badge amber\">behind</span>"
            case let r? where r > 1.1: "<span class=\"badge amber\">ahead</span>"
            default: "<span class=\"badge green\">on pace</span>"
            }
            return row([
                cell("<code>\(e(p.campaign))</code>"), cell(OpsFormat.count(p.goal), num: true, sort: String(p.goal)),
                cell(last.map { OpsFormat.count($0.delivered) } ?? "—", num: true, sort: last.map { String($0.delivered) } ?? ""),
                cell(last.map { OpsFormat.count($0.planned) } ?? "—", num: true, sort: last.map { String($0.planned) } ?? ""),
                cell(OpsFormat.percent(pace), num: true, sort: pace.map { String($0) } ?? ""), cell(status),
            ], cls: nil)
        }
        let charts = list.isEmpty ? "" : "<div class=\"grid\">\n" + list.enumerated().map { i, p in
            "<div class=\"tile\"><h3><code>\(e(p.campaign))</code></h3>"
                + "<div class=\"note\">goal \(OpsFormat.count(p.goal)) over the flight</div>"
                + pacingSVG(p, id: "pacing-\(i)-t") + "</div>"
        }.joined(separator: "\n") + "\n</div>\n<div class=\"legend\"><span><i class=\"sw line\"></i>delivered</span>"
            + "<span><i class=\"sw dash\"></i>planned</span></div>\n"
        return table(id: "pacing", headers: [("Campaign", false), ("Goal", true), ("Delivered", true), ("Planned", true),
                                             ("Pace", true), ("Status", false)],
                     rows: rows, empty: "No campaign live on this channel and day.") + charts
    }

    /// The smallest of 1, 2, 5 × 10ⁿ at least `v` (1 for anything below).
    static func niceStep(_ v: Double) -> Int {
        var p = 1
        while true {
            for m in [1, 2, 5] where Double(m * p) >= v { return m * p }
            p *= 10
        }
    }

    /// Plot area of a pacing chart (SVG user units).
    static let plot = (left: 64, right: 620, top: 16, bottom: 200)

    /// The chart: y from 0 to a nice ceiling of the largest value with a grid line per step,
    /// x over hours 0...24 labelled every 6 h, planned dashed, delivered solid with a dot and a
    /// `<title>` per point.
    static func pacingSVG(_ p: OpsPacing, id: String) -> String {
        let top = p.points.map { max($0.delivered, $0.planned) }.max() ?? 0
        let step = niceStep(Double(max(top, 1)) / 4)
        let ticks = max(1, (top + step - 1) / step)
        let yMax = step * ticks
        let width = plot.right - plot.left, height = plot.bottom - plot.top
        func x(_ hour: Int) -> String { OpsFormat.tenths(Int64(plot.left * 10 + hour * width * 10 / 24)) }
        func y(_ v: Int) -> String { OpsFormat.tenths(Int64(plot.bottom * 10 - (v * height * 20 / yMax + 1) / 2)) }
        var s = "<svg class=\"chart\" viewBox=\"0 0 640 240\" role=\"img\" aria-labelledby=\"\(e(id))\">"
        s += "<title id=\"\(e(id))\">Pacing of \(e(p.campaign)): delivered vs planned, cumulative by hour</title>"
        for t in 0...ticks {
            let v = step * t
            s += "<line x1=\"\(plot.left)\" y1=\"\(y(v))\" x2=\"\(plot.right)\" y2=\"\(y(v))\" "
                + "stroke=\"\(t == 0 ? "#8c959f" : "#e8edf2")\"/>"
            s += "<text x=\"\(plot.left - 6)\" y=\"\(y(v))\" dy=\"4\" font-size=\"11\" fill=\"#5b6571\" text-anchor=\"end\">"
                + "\(OpsFormat.count(v))</text>"
        }
        for h in stride(from: 0, through: 24, by: 6) {
            s += "<line x1=\"\(x(h))\" y1=\"\(plot.bottom)\" x2=\"\(x(h))\" y2=\"\(plot.bottom + 4)\" stroke=\"#8c959f\"/>"
            s += "<text x=\"\(x(h))\" y=\"\(plot.bottom + 17)\" font-size=\"11\" fill=\"#5b6571\" text-anchor=\"middle\">"
                + "\(h < 10 ? "0" : "")\(h):00</text>"
        }
        s += "<text x=\"\((plot.left + plot.right) / 2)\" y=\"236\" font-size=\"11\" fill=\"#5b6571\" text-anchor=\"middle\">"
            + "hour of the day (channel time)</text>"
        s += "<text x=\"14\" y=\"\((plot.top + plot.bottom) / 2)\" font-size=\"11\" fill=\"#5b6571\" text-anchor=\"middle\" "
            + "transform=\"rotate(-90 14 \((plot.top + plot.bottom) / 2))\">impressions</text>"
        let planned = p.points.map { "\(x($0.hour)),\(y($0.planned))" }.joined(separator: " ")
        let delivered = p.points.map { "\(x($0.hour)),\(y($0.delivered))" }.joined(separator: " ")
        s += "<polyline class=\"planned\" points=\"\(planned)\" fill=\"none\" stroke=\"#6e7781\" stroke-width=\"2\" "
            + "stroke-dasharray=\"6 4\"/>"
        s += "<polyline class=\"delivered\" points=\"\(delivered)\" fill=\"none\" stroke=\"#0b5cad\" stroke-width=\"2.5\"/>"
        for pt in p.points {
            s += "<circle cx=\"\(x(pt.hour))\" cy=\"\(y(pt.delivered))\" r=\"2.5\" fill=\"#0b5cad\"><title>"
                + "\(pt.hour < 10 ? "0" : "")\(pt.hour):00 · delivered \(OpsFormat.count(pt.delivered)) · planned "
                + "\(OpsFormat.count(pt.planned))</title></circle>"
        }
        return s + "</svg>"
    }

    // MARK: Reach and sessions

    /// `#reach`: one column of devices per endpoint kind seen in any row.
    static func reachTable(_ rows: [ReachRow]) -> String {
        let endpoints = Set(rows.flatMap { $0.devicesByEndpoint.keys }).sorted()
        let headers = [("Campaign", false), ("Impressions", true), ("Devices", true), ("Households", true), ("Avg frequency", true)]
            + endpoints.map { ("Devices · \($0)", true) }
        let body = rows.map { r in
            row([cell("<code>\(e(r.campaign))</code>"), cell(OpsFormat.count(r.impressions), num: true, sort: String(r.impressions)),
                 cell(OpsFormat.count(r.devices), num: true, sort: String(r.devices)),
                 cell(OpsFormat.count(r.households), num: true, sort: String(r.households)),
                 cell(OpsFormat.ratio(r.averageFrequency), num: true, sort: String(r.averageFrequency))]
                + endpoints.map { k in
                    let v = r.devicesByEndpoint[k] ?? 0
                    return cell(OpsFormat.count(v), num: true, sort: String(v))
                }, cls: nil)
        }
        return table(id: "reach", headers: headers, rows: body, empty: "No campaign reached anyone on this day.")
    }

    /// `#sessions`: ids link to the replay when `linked`, else are printed whole.
    static func sessionTable(_ rows: [OpsSessionLink], linked: Bool) -> String {
        let body = rows.map { s in
            let short = "<code>\(e(String(s.id.prefix(12))))…</code>"
            let id = linked ? "<a href=\"/ops/sessions/\(e(OpsFormat.urlComponent(s.id)))\" title=\"\(e(s.id))\">\(short)</a>"
                : "<code>\(e(s.id))</code>"
            let ratio = s.totalSlots > 0 ? String(Double(s.filledSlots) / Double(s.totalSlots)) : ""
            return row([cell(id), cell("<code>\(e(s.title))</code>"), cell("<code>\(e(s.device))</code>"),
                        cell(e(OpsFormat.time(s.created)), sort: String(s.created.milliseconds)),
                        cell("\(s.filledSlots)/\(s.totalSlots)", num: true, sort: ratio)],
                       cls: s.totalSlots > s.filledSlots ? "warn" : nil)
        }
        return table(id: "sessions", headers: [("Session", false), ("Title", false), ("Device", false), ("Created (UTC)", false),
                                               ("Ads filled", true)],
                     rows: body, empty: "No sessions on this channel and day.")
    }

    // MARK: Content protection

    /// `#keys`: one row per encrypted version.
    static func keyTable(_ r: KeyReport) -> String {
        var body: [String] = []
        for t in r.titles {
            for v in t.versions {
                let ages = v.keys.compactMap(\.ageSeconds)
                let fetches = v.keys.reduce(0) { $0 + $1.fetches }, refused = v.keys.reduce(0) { $0 + $1.refused }
                let missing = v.keys.filter { !$0.stored }.count
                body.append(row([
                    cell("<code>\(e(t.title))</code>"), cell("<code>\(e(v.version))</code>"), cell(e(v.method)),
                    cell(e(v.liveOn.joined(separator: ", "))), cell("\(v.keys.count)", num: true, sort: String(v.keys.count)),
                    cell(ages.max().map { e(OpsFormat.age(seconds: $0)) } ?? "—", num: true, sort: ages.max().map(String.init) ?? ""),
                    cell(OpsFormat.count(fetches), num: true, sort: String(fetches)),
                    cell(OpsFormat.count(refused), num: true, sort: String(refused)),
                    cell(missing > 0 ? flagBadge("\(missing) key(s) not stored") : ""),
                ], cls: missing > 0 ? "bad" : refused > 0 ? "warn" : nil))
            }
        }
        return table(id: "keys", headers: [("Title", false), ("Version", false), ("Method", false), ("Live on", false), ("Keys", true),
                                           ("Oldest key", true), ("Fetches", true), ("Refused", true), ("Flags", false)],
                     rows: body, empty: "No encrypted titles.")
    }

    /// `#refused-keys`: the newest refused key requests.
    static func refusedKeyTable(_ r: KeyReport, linked: Bool) -> String {
        let body = r.refusedFetches.map { f in
            let sid = linked ? "<a href=\"/ops/sessions/\(e(OpsFormat.urlComponent(f.session)))\"><code>\(e(String(f.session.prefix(12))))…</code></a>"
                : "<code>\(e(f.session))</code>"
            return row([cell(e(OpsFormat.time(f.at)), sort: String(f.at.milliseconds)), cell(sid), cell("<code>\(e(f.keyID))</code>"),
                        cell(flagBadge(f.reason?.rawValue ?? "refused"))], cls: "warn")
        }
        return table(id: "refused-keys", headers: [("At (UTC)", false), ("Session", false), ("Key", false), ("Reason", false)],
                     rows: body, empty: "No refused key requests.")
    }

    // MARK: Building blocks

    /// Short for `OpsFormat.escape`.
    static func e(_ text: String) -> String { OpsFormat.escape(text) }

    /// A `<td>`: `html` is markup (escape text before); `sort` becomes `data-v` (the script
    /// sorts by it, numerically when it is a number; empty sorts last).
    static func cell(_ html: String, num: Bool = false, sort: String? = nil, wrap: Bool = false) -> String {
        let classes = [num ? "num" : nil, wrap ? "wrap" : nil].compactMap { $0 }
        return "<td" + (classes.isEmpty ? "" : " class=\"\(classes.joined(separator: " "))\"")
            + (sort.map { " data-v=\"\(e($0))\"" } ?? "") + ">" + html + "</td>"
    }

    /// A `<tr>` with an optional class; `attributes` is markup (leading space, values escaped).
    static func row(_ cells: [String], cls: String?, attributes: String = "") -> String {
        "<tr" + (cls.map { " class=\"\($0)\"" } ?? "") + attributes + ">" + cells.joined() + "</tr>"
    }

    /// A sortable table in a scrolling box; `empty` is printed under the headers when there is
    /// no row (the body stays empty, so `tbody tr` counts rows).
    static func table(id: String, headers: [(String, Bool)], rows: [String], empty: String) -> String {
        let head = headers.map { "<th scope=\"col\"\($0.1 ? " class=\"num\"" : "")>\(e($0.0))</th>" }.joined()
        return "<div class=\"table-wrap\"><table id=\"\(id)\" class=\"sortable\"><thead><tr>\(head)</tr></thead>\n<tbody>\n"
            + rows.map { $0 + "\n" }.joined() + "</tbody></table></div>\n"
            + (rows.isEmpty ? "<p class=\"empty\">\(e(empty))</p>\n" : "")
    }

    /// A titled card; `csv` adds the export link.
    static func section(id: String, title: String, note: String, csv: String?, content: String) -> String {
        let link = csv.map { "<a class=\"csv\" href=\"\(e($0))\" download>CSV</a>" } ?? ""
        return "<section class=\"card\" id=\"sec-\(id)\"><div class=\"card-head\"><h2>\(e(title))</h2>"
            + "<span class=\"note\">\(e(note))</span>\(link)</div>\n\(content)</section>\n"
    }

    /// The HTML5 document around `body`: charset, viewport, the CSP, an empty favicon (no
    /// request), the style sheet, and the script at the end of the body.
    static func document(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="\(e(OpsAssets.contentSecurityPolicy))">
        <meta name="referrer" content="no-referrer">
        <title>\(e(title))</title>
        <link rel="icon" href="data:,">
        <style>\(OpsAssets.style)</style>
        </head>
        <body>
        \(body)<script>\(OpsAssets.script)</script>
        </body>
        </html>

        """
    }
}
