import Foundation
import MediaCore
import Showrunner
import ShowrunnerTestSupport
import Testing

/// The ad commands through the real binary: policy, breaks, campaign, creative (a real
/// conditioning), stitch preview; bad input gets one clear line and changes nothing.
@Suite(.serialized) struct AdCLITests {
    @Test func adsFromTheCommandLine() throws {
        let w = try CLIServeTests.Workdir()
        defer { w.cleanup() }
        try w.seed()
        try w.cli(["brand", "add", "brew-co", "--name", "Brew", "--category", "beverages"])

        // Policy: bad values name the option or field; good ones are shown back.
        var r = try w.cli(["policy", "set", "tv", "--markers", "both-ish"], expectSuccess: false)
        #expect(r.status != 0 && r.stderr.contains("--markers 'both-ish'"), "\(r.stderr)")
        r = try w.cli(["policy", "set", "tv", "--vast-url", "ftp://ads.example/vast"], expectSuccess: false)
        #expect(r.status != 0 && r.stderr.contains("vast_url"), "\(r.stderr)")
        r = try w.cli(["policy", "set", "radio"], expectSuccess: false)
        #expect(r.status != 0 && r.stderr.contains("'radio'"), "\(r.stderr)")
        r = try w.cli(["policy", "set", "tv", "--positions", "pre,mid", "--pre-roll", "20", "--mid-roll", "20", "--markers", "daterange"])
        #expect(r.stdout.contains("positions pre,mid") && r.stdout.contains("markers daterange"), "\(r.stdout)")

        // Breaks: a mid-roll must sit on a packaged cut point (4 s here).
        r = try w.cli(["breaks", "set", "ep1", "--mid", "5:10"], expectSuccess: false)
        #expect(r.status != 0 && r.stderr.contains("nearest cut point: 4000 ms"), "\(r.stderr)")
        r = try w.cli(["breaks", "set", "ep1", "--mid", "4:2000"], expectSuccess: false)
        #expect(r.status != 0 && r.stderr.contains("planned_ms"), "\(r.stderr)")
        try w.cli(["breaks", "set", "ep1", "--pre", "20", "--mid", "4:20"])
        r = try w.cli(["breaks", "show", "ep1", "--channel", "tv"])
        #expect(r.stdout.contains("pre\tat 0.000 s\t20.000 s") && r.stdout.contains("mid\tat 4.000 s\t20.000 s"), "\(r.stdout)")

        // Campaigns.
        r = try w.cli(["campaign", "add", "c1", "--name", "C1", "--brand", "nobody", "--from", "2026-01-01", "--until", "2027-01-01", "--goal", "100"], expectSuccess: false)
        #expect(r.status != 0 && r.stderr.contains("'nobody'"), "\(r.stderr)")
        r = try w.cli(["campaign", "add", "c1", "--name", "C1", "--brand", "brew-co", "--from", "2027-01-01", "--until", "2026-01-01", "--goal", "100"], expectSuccess: false)
        #expect(r.status != 0 && r.stderr.contains("until"), "\(r.stderr)")
        try w.cli(["campaign", "add", "c1", "--name", "C1", "--brand", "brew-co", "--from", "2026-01-01", "--until", "2027-01-01",
                   "--goal", "100", "--priority", "1", "--pacing", "asap", "--cap-device", "3", "--hours", "0-23"])
        try w.cli(["campaign", "update", "c1", "--pause"])
        r = try w.cli(["campaign", "list"])
        #expect(r.stdout.contains("c1\tC1\tbrand brew-co") && r.stdout.contains("paused"), "\(r.stdout)")
        try w.cli(["campaign", "update", "c1", "--resume"])

        // Creatives: a file that is not media fails with one line and registers nothing.
        let junk = w.dir.file("junk.mp4")
        try Data("not a video".utf8).write(to: URL(fileURLWithPath: junk))
        r = try w.cli(["creative", "add", "bad", junk, "--campaign", "c1", "--like", "ep1", "--media-root", w.media], expectSuccess: false)
        #expect(r.status != 0 && r.stderr.contains("junk.mp4"), "\(r.stderr)")
        r = try w.cli(["creative", "list"])
        #expect(!r.stdout.contains("bad"))
        // A real one: conditioned to ep1's package.
        r = try w.cli(["creative", "add", "slate", TestEnv.media + "/slate-5s.mp4", "--slate", "--like", "ep1", "--version", "v1", "--media-root", w.media])
        #expect(r.stdout.contains("slate\tslate"), "\(r.stdout)")
        r = try w.cli(["creative", "add", "brew-15", TestEnv.media + "/ad-15s.mp4", "--campaign", "c1", "--like", "ep1", "--version", "v1", "--media-root", w.media])
        #expect(r.stdout.contains("campaign c1"), "\(r.stdout)")
        try w.cli(["policy", "set", "tv", "--slate", "slate"])

        // Preview: the decisions and the stitched playlist, nothing recorded.
        r = try w.cli(["stitch", "preview", "ep1", "--channel", "tv", "--device", "tv-1", "--media-root", w.media])
        #expect(r.stdout.contains("# pre slot 0: filled brew-15 (c1)"), "\(r.stdout)")
        #expect(r.stdout.contains("#EXT-X-DISCONTINUITY") && r.stdout.contains("SCTE35-OUT=0x"), "\(r.stdout)")
        let playlist = try MediaPlaylist.parse(String(r.stdout.split(separator: "\n").filter { !$0.hasPrefix("# ") }.joined(separator: "\n")))
        #expect(playlist.segments.contains { $0.uri.contains("/slots/pre.0/") })
        r = try w.cli(["stitch", "preview", "ep1", "--channel", "tv", "--json", "--media-root", w.media])
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect((json?["breaks"] as? [Any])?.count == 2)
        // The change log holds every ad change.
        r = try w.cli(["changes", "--limit", "1000"])
        for action in ["policy.put", "breaks.put", "campaign.add", "campaign.put", "creative.add"] {
            #expect(r.stdout.contains(action), "\(action) missing from the change log")
        }
    }
}
