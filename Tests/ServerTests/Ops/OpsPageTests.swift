import Foundation
import MediaCore
@testable import Server
import Showrunner
import Testing

/// The text between the first `start` and the next `end` after it ("" when absent).
func slice(_ html: String, from start: String, to end: String) -> String {
    guard let a = html.range(of: start), let b = html.range(of: end, range: a.upperBound..<html.endIndex) else { return "" }
    return String(html[a.lowerBound..<b.upperBound])
}

func occurrences(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

/// The `<tbody>` of the table with `id`.
func tableBody(_ html: String, id: String) -> String {
    slice(slice(html, from: "<table id=\"\(id)\"", to: "</table>"), from: "<tbody>", to: "</tbody>")
}

@Suite struct OpsPageTests {
    @Test func escapesTextAndAttributes() {
        #expect(OpsFormat.escape("<script>alert(\"x\") & 'y'</script>")
            == "&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;")
        #expect(OpsFormat.escape("plain – ünïcode 🎬") == "plain – ünïcode 🎬")
        #expect(OpsFormat.escape("") == "")
    }

    @Test func hostileStringsAreEscapedEverywhere() {
        var d = OpsFixture.dashboard
        let evil = "<script>alert(\"pwn\")</script>'\""
        d.actor = evil
        d.channel = evil
        d.channels = [evil]
        d.slots[0].title = evil
        d.slots[0].findings = [evil]
        d.timelines[0] = OpsTimeline(title: evil, contentMS: 1000, breaks: [OpsTimelineBreak(
            id: evil, atMS: 500, plannedMS: 1, markedRenditions: 1, renditions: 1, fillRate: 1, flags: [evil])])
        d.boot[0].creative = evil
        d.pacing[0].campaign = evil
        d.reach[0] = ReachRow(campaign: evil, impressions: 1, devices: 1, households: 1, devicesByEndpoint: [evil: 1])
        d.sessions[0].title = evil
        d.sessions[0].id = evil
        d.changeLog.problems = [evil]
        for page in [OpsPage.dashboard(d), OpsPage.dailyReport(d)] {
            #expect(!page.contains("<script>alert"))
            #expect(!page.contains("\"pwn\""))
            #expect(occurrences("<script", in: page) == 1)
            #expect(page.contains("&lt;script&gt;alert(&quot;pwn&quot;)&lt;/script&gt;&#39;&quot;"))
        }
        var r = OpsFixture.replay
        r.session.title = evil
        r.events[0].type = evil
        r.playlists[0].text = evil
        let replay = OpsPage.replay(r)
        #expect(!replay.contains("<script>alert") && occurrences("<script", in: replay) == 1)
        // The fixture's detail "<coffee>" is text, not a tag.
        #expect(replay.contains("brew-co already in the break &lt;coffee&gt;"))
    }

    @Test func everySectionHasItsRows() {
        let d = OpsFixture.dashboard
        let html = OpsPage.dashboard(d)
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"))
        for (id, rows) in [("slots", d.slots.count), ("boot", 4), ("pacing", 3), ("reach", 3), ("sessions", 6)] {
            #expect(occurrences("<tr", in: tableBody(html, id: id)) == rows, "table \(id)")
            #expect(html.contains("<section class=\"card\" id=\"sec-\(id)\">"))
            #expect(html.contains("href=\"/ops/export/\(id).csv?channel=tv-one&amp;day=2026-11-29\""), "CSV link of \(id)")
        }
        #expect(occurrences("<svg class=\"timeline\"", in: html) == 2)
        #expect(occurrences("<svg class=\"chart\"", in: html) == 3)
        #expect(occurrences("<polyline", in: html) == 6)
        for s in d.sessions { #expect(html.contains("<a href=\"/ops/sessions/\(s.id)\"")) }
        // The boots showing nothing, and the reach table's endpoint columns.
        #expect(tableBody(html, id: "boot").contains("(none)"))
        #expect(slice(html, from: "<table id=\"reach\"", to: "</thead>").contains("Devices · mobile</th><th scope=\"col\" class=\"num\">Devices · tv"))
    }

    @Test func pickerIsAPlainGetForm() {
        let html = OpsPage.dashboard(OpsFixture.dashboard)
        let form = slice(html, from: "<form class=\"pick\"", to: "</form>")
        #expect(form.contains("method=\"get\" action=\"/ops\""))
        #expect(form.contains("<option value=\"tv-one\" selected>tv-one</option><option value=\"tv-two\">"))
        #expect(form.contains("<input type=\"date\" name=\"day\" value=\"2026-11-29\" required>"))
        #expect(html.contains("Signed in as <b>ops-alice</b>"))
        #expect(html.contains("<form method=\"post\" action=\"/ops/sign-out\">"))
    }

    @Test func flagsAreBadgesByTone() {
        let html = OpsPage.dashboard(OpsFixture.dashboard)
        let slots = tableBody(html, id: "slots")
        for flag in ["discrepancy", "not_marked", "marker_error"] { #expect(slots.contains("<span class=\"badge red\">\(flag)</span>")) }
        for flag in ["unfilled", "partly_marked"] { #expect(slots.contains("<span class=\"badge amber\">\(flag)</span>")) }
        for flag in ["not_served", "unplanned"] { #expect(slots.contains("<span class=\"badge gray\">\(flag)</span>")) }
        let rows = slots.components(separatedBy: "\n").filter { $0.hasPrefix("<tr") }
        #expect(rows.count == OpsFixture.slots.count)
        for (row, slot) in zip(rows, OpsFixture.slots) {
            let red = slot.flags.contains { ["discrepancy", "not_marked", "marker_error"].contains($0) }
            let prefix = red ? "<tr class=\"bad\"" : slot.flags.isEmpty ? "<tr data-flags=\"\"" : "<tr class=\"warn\""
            #expect(row.hasPrefix(prefix), "\(slot.title) \(slot.breakID) \(slot.slot)")
        }
        #expect(slots.contains("<li>film-noir/v1080p.m3u8:412 no CUE-OUT before mid-2</li>"))
        // 80 seen of 109 served: 26.6 % over the 10 % tolerance.
        #expect(slots.contains("<b class=\"badge red\">26.6%</b>"))
        #expect(!html.contains("class=\"alert\""))
    }

    @Test func brokenChangeLogIsAnAlert() {
        var d = OpsFixture.dashboard
        d.changeLog.problems = ["seq 17: hash mismatch", "gap after seq 40"]
        let html = OpsPage.dashboard(d)
        #expect(html.contains("<div class=\"alert\" role=\"alert\"><b>The change log does not verify.</b><ul><li>seq 17: hash mismatch</li>"))
        #expect(html.contains("<div class=\"kpi bad\"><div class=\"k\">Change log</div>"))
    }

    @Test(arguments: [
        (Int64(0), Int64(5_400_000), Int64(0)), (1_350_000, 5_400_000, 2500), (2_700_000, 5_400_000, 5000),
        (5_400_000, 5_400_000, 10_000), (1_000_000, 5_400_000, 1852), (6_000_000, 5_400_000, 10_000), (-5, 5_400_000, 0),
        (300, 0, 0),
    ])
    func timelineX(at: Int64, length: Int64, tenths: Int64) {
        #expect(OpsPage.timelineX(atMS: at, contentMS: length) == tenths)
    }

    @Test func timelineMarkersSitAtTheirBreakTimes() {
        let html = OpsPage.dashboard(OpsFixture.dashboard)
        let film = slice(html, from: "<div class=\"tile\" id=\"timeline-0\">", to: "</svg>")
        let markers = film.components(separatedBy: "<g class=\"brk\"").dropFirst()
        #expect(markers.count == 4)
        let expected = [("pre", "0.0", "#d4a72c"), ("mid-1", "250.0", "#d4a72c"), ("mid-2", "500.0", "#d4a72c"), ("post", "1000.0", "#b42318")]
        for (marker, (id, x, color)) in zip(markers, expected) {
            #expect(marker.hasPrefix(" data-break=\"\(id)\"><title>\(id) at "))
            #expect(marker.contains("<circle cx=\"\(x)\" cy=\"42\" r=\"11\" fill=\"\(color)\""), "\(id)")
        }
        // pre: 214 of 240 filled (amber under 90 %); post is under half filled (red) and has a red flag (ringed).
        #expect(markers.first?.contains("<title>pre at 0:00 · planned 15 s · marked 4/4 renditions · fill 89.2% · unfilled</title>") == true)
        #expect(markers.last?.contains("stroke=\"#b42318\" stroke-width=\"4\"") == true)
        let episode = slice(html, from: "<div class=\"tile\" id=\"timeline-1\">", to: "</svg>")
        #expect(episode.contains("marked 0/4 renditions · fill 0.0% · not_marked, unfilled, not_served</title>"))
        #expect(!episode.contains("mid-9"))
    }

    @Test func pacingChartScalesToANiceMaximum() {
        let p = OpsPacing(campaign: "c", goal: 100, points: [OpsPacingPoint(hour: 0, delivered: 0, planned: 0),
                                                              OpsPacingPoint(hour: 12, delivered: 40, planned: 65),
                                                              OpsPacingPoint(hour: 24, delivered: 90, planned: 130)])
        let svg = OpsPage.pacingSVG(p, id: "p")
        // 130 → steps of 50 up to 150; x 64...620 over 24 h, y 200...16.
        #expect(svg.contains("<polyline class=\"planned\" points=\"64.0,200.0 342.0,120.3 620.0,40.5\""))
        #expect(svg.contains("<polyline class=\"delivered\" points=\"64.0,200.0 342.0,150.9 620.0,89.6\""))
        #expect(svg.contains(">150</text>") && !svg.contains(">200</text>"))
        for h in ["00:00", "06:00", "12:00", "18:00", "24:00"] { #expect(svg.contains(">\(h)</text>")) }
        #expect(OpsPage.niceStep(0) == 1 && OpsPage.niceStep(32.5) == 50 && OpsPage.niceStep(3000) == 5000)
        let pace = tableBody(OpsPage.dashboard(OpsFixture.dashboard), id: "pacing")
        #expect(pace.contains("<span class=\"badge green\">on pace</span>") && pace.contains("<span class=\"badge amber\">behind</span>")
            && pace.contains("<span class=\"badge amber\">ahead</span>"))
    }

    @Test func dailyReportNeedsNoServer() {
        let d = OpsFixture.dashboard
        let html = OpsPage.dailyReport(d)
        #expect(!html.contains("<form") && !html.contains("/ops/export/") && !html.contains("href=\"/ops"))
        #expect(occurrences("<tr", in: tableBody(html, id: "slots")) == d.slots.count)
        for s in d.sessions { #expect(html.contains("<code>\(s.id)</code>")) }
        #expect(html.contains("<title>Daily report tv-one 2026-11-29 · Showrunner</title>"))
    }

    @Test func pagesAreSelfContained() {
        let pages = [OpsPage.dashboard(OpsFixture.dashboard), OpsPage.dailyReport(OpsFixture.dashboard),
                     OpsPage.replay(OpsFixture.replay), OpsPage.signIn(error: "bad token", next: "/ops")]
        let csp = OpsAssets.contentSecurityPolicy
        #expect(csp.hasPrefix("default-src 'none'; style-src 'sha256-") && csp.contains("script-src 'sha256-"))
        for page in pages {
            #expect(!page.contains("http://") && !page.contains("https://") && !page.contains(" src=") && !page.contains(" style="))
            #expect(page.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"\(OpsFormat.escape(csp))\">"))
            #expect(page.contains("<style>\(OpsAssets.style)</style>") && page.contains("<script>\(OpsAssets.script)</script>"))
        }
    }

    @Test func base64AndCSPHash() {
        #expect(["", "f", "fo", "foo", "foob", "fooba", "foobar"].map { OpsFormat.base64(Array($0.utf8)) }
            == ["", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"])
        #expect(OpsAssets.hash("abc") == "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=")
    }

    @Test func signInPostsTokenAndNext() {
        let html = OpsPage.signIn(error: "Unknown or revoked token <x>", next: "/ops?channel=tv-one&day=2026-11-29")
        let form = slice(html, from: "<form class=\"signin\"", to: "</form>")
        #expect(form.contains("method=\"post\" action=\"/ops/sign-in\""))
        #expect(form.contains("<input type=\"hidden\" name=\"next\" value=\"/ops?channel=tv-one&amp;day=2026-11-29\">"))
        #expect(form.contains("<input type=\"password\" id=\"token\" name=\"token\" autocomplete=\"current-password\" required autofocus>"))
        #expect(form.contains("<button class=\"btn\" type=\"submit\">Sign in</button>"))
        #expect(occurrences(" name=\"", in: form) == 2)
        #expect(form.contains("<div class=\"alert\" role=\"alert\">Unknown or revoked token &lt;x&gt;</div>"))
        #expect(!OpsPage.signIn(error: nil, next: "/ops").contains("class=\"alert\""))
    }

    @Test(arguments: [
        ("/ops", "/ops"), ("/ops/sessions/abc", "/ops/sessions/abc"), ("/ops?day=2026-11-29", "/ops?day=2026-11-29"),
        ("https://evil.example/", "/ops"), ("//evil.example/ops", "/ops"), ("/opsx", "/ops"), ("/ops/\\evil", "/ops"),
        ("/ops/\r\nSet-Cookie:x", "/ops"), ("", "/ops"), ("/admin", "/ops"),
    ])
    func nextIsAlwaysAnOpsPath(next: String, safe: String) {
        #expect(OpsPage.safeNext(next) == safe)
    }

    @Test func replayShowsDecisionsEventsAndPlaylists() {
        let r = OpsFixture.replay
        let html = OpsPage.replay(r)
        #expect(occurrences("<tr", in: tableBody(html, id: "decisions")) == 5)
        #expect(occurrences("<tr", in: tableBody(html, id: "events")) == 4)
        #expect(tableBody(html, id: "decisions").contains("<tr class=\"refused\"><td>mid-1</td><td class=\"num\" data-v=\"-1\">—</td>"))
        #expect(html.contains("<span class=\"badge amber\">trimmed</span>"))
        #expect(html.contains("<tr class=\"bad\">") && html.contains("<span class=\"badge red\">datacenter_ip</span>"))
        #expect(html.contains("href=\"/ops/sessions/\(r.session.id)/decisions.csv\"")
            && html.contains("href=\"/ops/sessions/\(r.session.id)/events.csv\""))
        #expect(html.contains("href=\"/ops?channel=tv-one&amp;day=2026-11-29\""))
        #expect(html.contains("<details><summary>v720p</summary><pre>#EXTM3U\n#EXT-X-VERSION:6\n"))
        #expect(html.contains("pre at 0:00: 30 s of 30 s · mid-1 at 22:30: 60 s of 60 s"))
    }

    @Test func viewModelBuilders() {
        let film = OpsTimeline(title: "film-noir", contentMS: OpsFixture.filmMS, slots: OpsFixture.slots)
        #expect(film.breaks.map(\.id) == ["pre", "mid-1", "mid-2", "post"])
        #expect(film.breaks[1] == OpsTimelineBreak(id: "mid-1", atMS: 1_350_000, plannedMS: 60_000, markedRenditions: 4, renditions: 4,
                                                   fillRate: 294.0 / 360.0, flags: ["discrepancy", "unfilled"]))
        let episode = OpsTimeline(title: "ep-s01e02", contentMS: OpsFixture.episodeMS, slots: OpsFixture.slots)
        #expect(episode.breaks.map(\.id) == ["pre", "mid-1", "post"])
        let link = OpsSessionLink(SessionRecord(session: OpsFixture.replay.session, breaks: OpsFixture.replay.breaks))
        #expect(link.filledSlots == 3 && link.totalSlots == 4 && link.id == OpsFixture.replay.session.id)
        let creative = BootCreative(id: "brew-60", channel: "tv-one", brand: "brew-co", kind: .image, from: OpsFixture.generatedAt,
                                    until: OpsFixture.generatedAt, priority: 2)
        #expect(OpsBootRow(BootPlanEntry(creative: creative, expectedPermille: 600))
            == OpsBootRow(creative: "brew-60", brand: "brew-co", expectedPermille: 600, priority: 2, isDefault: false))
        #expect(OpsBootRow(BootPlanEntry(creative: nil, expectedPermille: 400))
            == OpsBootRow(creative: nil, brand: nil, expectedPermille: 400, priority: nil, isDefault: false))
    }

    /// `OPS_SAMPLE_DIR=/tmp swift test --filter writeSamples` writes the sample pages for the
    /// browser check (`ops_page_check.py`); without the variable it only renders them.
    @Test func writeSamples() throws {
        let pages = [("ops-sample.html", OpsPage.dashboard(OpsFixture.dashboard)),
                     ("ops-report.html", OpsPage.dailyReport(OpsFixture.dashboard)),
                     ("ops-replay.html", OpsPage.replay(OpsFixture.replay)),
                     ("ops-sign-in.html", OpsPage.signIn(error: nil, next: "/ops"))]
        guard let dir = ProcessInfo.processInfo.environment["OPS_SAMPLE_DIR"] else { return }
        for (name, html) in pages { try html.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8) }
    }
}

/// The content-protection section: encrypted versions with their keys, refused key requests.
@Suite struct OpsKeySectionTests {
    @Test func encryptedTitlesAndRefusedRequests() {
        let now = Timestamp(iso8601: "2026-11-29T10:00:00Z")!
        let ids = [String(repeating: "a", count: 32), String(repeating: "b", count: 32)]
        var snap = CatalogSnapshot()
        snap.versions = ["ep1": ["v1": TitleVersion(id: "v1", title: "ep1", path: "ep1/v1", format: "ts", durationMS: 30_000, renditions: [],
                                                    cutsMS: [], createdAt: now, source: nil,
                                                    encryption: VersionEncryption(method: "aes-128", keyIDs: ids))]]
        snap.live = [CatalogSnapshot.pair("ep1", "tv"): "v1"]
        snap.channels = ["tv": Channel(id: "tv", name: "TV", endpoint: .tv)]
        let keys = [StoredContentKey(id: ids[0], title: "ep1", version: "v1", firstSegment: 0, segmentCount: 2, wrapped: "v1:x",
                                     createdAt: now.adding(seconds: -3 * 86_400 - 7200))]
        let refused = [KeyFetch(session: String(repeating: "c", count: 32), keyID: ids[1], at: now, ok: false, reason: .otherTitle)]
        let report = KeyReport.build(snapshot: snap, keys: keys, counts: [ids[0]: KeyFetchCounts(ok: 5, refused: 1)], refused: refused, now: now)
        var d = OpsFixture.dashboard
        d.keys = report
        let html = OpsPage.dashboard(d)
        #expect(html.contains("id=\"sec-keys\"") && html.contains("href=\"#sec-keys\""))
        #expect(html.contains("3 d 2 h") && html.contains("1 key(s) not stored") && html.contains("other_title"), "\(html.suffix(3000))")
        #expect(html.contains("/ops/sessions/\(String(repeating: "c", count: 32))"))
        // Without a key store the section is left out.
        #expect(!OpsPage.dashboard(OpsFixture.dashboard).contains("sec-keys"))
    }
}
