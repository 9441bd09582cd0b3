import Foundation
import Showrunner
import ShowrunnerTestSupport
import Testing

/// `showrunner keys init|list`, `package --encrypt` storing wrapped keys, and `serve` refusing to
/// start without the master key, through the real binary.
@Suite(.serialized) struct KeysCLITests {
    @Test func encryptStoreListAndServeNeedsTheMasterKey() throws {
        let w = try CLIServeTests.Workdir()
        defer { w.cleanup() }
        try w.seed()
        let key = w.dir.file("master.key")
        #expect(try runProcess([TestEnv.showrunner, "keys", "init", "--out", key]).status == 0)
        let again = try runProcess([TestEnv.showrunner, "keys", "init", "--out", key])
        #expect(again.status != 0 && again.stderr.contains("never overwritten"))
        let env = ["SHOWRUNNER_MASTER_KEY_FILE": key]

        // --encrypt without the master key: one clear line, before any work (no version folder).
        let missing = try w.cli(["package", TestEnv.media + "/ad-10s.mp4", "--title", "ep1", "--media-root", w.media, "--encrypt", "aes-128"],
                                expectSuccess: false)
        #expect(missing.status != 0 && missing.stderr.contains("SHOWRUNNER_MASTER_KEY_FILE"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: w.media + "/ep1/v3"))

        // With it: packaged, registered, keys stored wrapped (not in the package folder).
        let ok = try w.cli(["package", TestEnv.media + "/ad-10s.mp4", "--title", "ep1", "--media-root", w.media, "--encrypt", "aes-128",
                            "--key-rotation", "1"], env: env)
        #expect(ok.stdout.contains("stored 2 content key(s)"), "\(ok.stdout)")
        let files = try FileManager.default.subpathsOfDirectory(atPath: w.media + "/ep1/v3")
        #expect(!files.contains { $0.hasSuffix(".key") })

        // A group-readable key file is refused.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: key)
        let open = try w.cli(["serve", "--media-root", w.media, "--port", "0"], env: env, expectSuccess: false)
        #expect(open.status != 0 && open.stderr.contains("chmod 600"), "\(open.stderr)")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key)

        // serve without the master key: refuses to start, one line naming the variable.
        let r = try runProcess(["timeout", "30", TestEnv.showrunner, "serve", "--db", w.db, "--media-root", w.media, "--port", "0"])
        #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains("SHOWRUNNER_MASTER_KEY_FILE"), "\(r.stderr)")

        // keys list: the encrypted version with its two keys, none fetched yet.
        let list = try w.cli(["keys", "list", "--json"])
        let json = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any]
        let titles = json?["titles"] as? [[String: Any]] ?? []
        #expect(titles.first?["title"] as? String == "ep1")
        let v = (titles.first?["versions"] as? [[String: Any]])?.first
        #expect(v?["version"] as? String == "v3")
        #expect((v?["keys"] as? [[String: Any]])?.count == 2)
        let text = try w.cli(["keys", "list"]).stdout
        #expect(text.contains("ep1 v3 aes-128") && text.contains("fetches 0"), "\(text)")
    }
}
