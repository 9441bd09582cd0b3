import Foundation
import MediaCore
import Packager
import Server
import Showrunner
import ShowrunnerTestSupport
import Store
import Testing

/// An encrypted package made once per test process (its keys exist only in memory, as the
/// packager hands them over): episode.mp4 as TS, AES-128, a new key every 2 segments.
enum EncryptedFixture {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var made: (folder: String, keys: [ContentKey])?

    static func episode() throws -> (folder: String, keys: [ContentKey]) {
        lock.lock()
        defer { lock.unlock() }
        if let made { return made }
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("showrunner-tests").path
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        let out = parent + "/enc-episode-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.removeItem(atPath: out)
        var request = PackageRequest(input: TestEnv.media + "/episode.mp4", output: out, format: .ts, cues: [])
        request.encryption = .aes128(rotation: 2)
        let report = try HLSPackager.package(request)
        made = (out, report.keys)
        return (out, report.keys)
    }
}

/// The conformance kit's `check.sh` run on a Dispatch thread, not on a Swift concurrency pool
/// thread: the players it starts fetch from the in-process server, which needs the (2-thread)
/// pool to answer. Nil when the kit is not set up (a skip, or an issue in CI).
func conformanceRun(_ arguments: [String]) async throws -> ProcessResult? {
    guard let kit = TestEnv.conformanceKit, TestEnv.conformanceReady else {
        if TestEnv.conformanceRequired { Issue.record("conformance kit not set up (run ../shared/conformance/setup.sh --minimal)") }
        return nil
    }
    return try await withCheckedThrowingContinuation { (c: CheckedContinuation<ProcessResult, any Error>) in
        DispatchQueue.global().async { c.resume(with: Result { try runProcess([kit + "/check.sh"] + arguments) }) }
    }
}

/// `conformanceCheck` without blocking the concurrency pool: expects every checker to pass.
@discardableResult
func conformancePlays(_ url: String, kinds: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
    guard var r = try await conformanceRun([kinds, url]) else { return "SKIP conformance kit not set up" }
    if r.status != 0, onlyGStreamerFailed(r.stdout), let again = try await conformanceRun(["gst", url]) {
        print("GStreamer failed once; a second run:\n\(r.stdout)")
        r = again
    }
    #expect(r.status == 0, "conformance \(kinds) failed on \(url):\n\(r.stdout)\(r.stderr)", sourceLocation: sourceLocation)
    print(r.stdout)
    return r.stdout
}

/// Keys at rest (the vault), the key service behind sessions, and the operator view.
@Suite(.serialized) struct KeyServiceTests {
    static let master = try! MasterKey(bytes: Array(repeating: 7, count: 32))

    /// A seeded server with `film1` v1 = the encrypted episode (keys wrapped by `master`),
    /// published on tv (no ad policy) from 2026-01-01.
    static func server(master: MasterKey? = KeyServiceTests.master, start: Bool = true) async throws -> (TestServer, TitleVersion, [ContentKey]) {
        let s = try TestServer()
        s.masterKey = master
        try await s.seed()
        let (folder, keys) = try EncryptedFixture.episode()
        let v = try await s.library.register(package: folder, title: "film1", service: s.service, actor: "test")
        let vault = KeyVault(master: KeyServiceTests.master)
        try await s.store.storeKeys(try keys.map {
            StoredContentKey(id: $0.id, title: "film1", version: v.id, firstSegment: $0.firstSegment, segmentCount: $0.segmentCount,
                             wrapped: try vault.wrap($0.key, id: $0.id), createdAt: s.clock.now())
        })
        _ = try await s.service.publish(.init(title: "film1", channel: "tv", version: v.id, from: Timestamp(iso8601: "2026-01-01")), actor: "test")
        if start { try await s.start() }
        return (s, v, keys)
    }

    static func session(_ s: TestServer) async throws -> (sid: String, master: String) {
        let r = try await HTTP.get(s.base + "/v1/play/tv/film1/master.m3u8?device=tv-1")
        #expect(r.status == 200, "\(r.text)")
        return (try #require(r.headers["x-showrunner-session"]), r.text)
    }

    // MARK: The vault

    @Test func vaultRoundTripTamperAndWrongMaster() throws {
        let vault = KeyVault(master: Self.master)
        let key: [UInt8] = Array(0..<16)
        let id = String(repeating: "ab", count: 16)
        let wrapped = try vault.wrap(key, id: id)
        #expect(wrapped.hasPrefix("v1:"))
        #expect(!wrapped.contains(Hex.encode(key)))
        #expect(try vault.unwrap(wrapped, id: id) == key)
        #expect(try vault.wrap(key, id: id) != wrapped, "a fresh nonce each time")
        // Any flipped byte (nonce, ciphertext or GCM tag) fails.
        let raw = [UInt8](Data(base64Encoded: String(wrapped.dropFirst(3)))!)
        for i in [0, 12, raw.count - 1] {
            var t = raw
            t[i] ^= 0x01
            #expect(throws: ShowrunnerError.self) { try vault.unwrap("v1:" + Data(t).base64EncodedString(), id: id) }
        }
        // Another id (the associated data), another master key, or garbage: refused.
        #expect(throws: ShowrunnerError.self) { try vault.unwrap(wrapped, id: String(repeating: "cd", count: 16)) }
        let other = KeyVault(master: try MasterKey(bytes: Array(repeating: 8, count: 32)))
        #expect(throws: ShowrunnerError.self) { try other.unwrap(wrapped, id: id) }
        #expect(throws: ShowrunnerError.self) { try vault.unwrap("v1:!!!", id: id) }
        #expect(throws: ShowrunnerError.self) { try vault.wrap([1, 2, 3], id: id) }
    }

    @Test func masterKeyFiles() throws {
        let dir = try TempDir("master")
        defer { dir.cleanup() }
        let made = dir.file("master.key")
        try MasterKey.create(path: made)
        let attributes = try FileManager.default.attributesOfItem(atPath: made)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let text = try String(contentsOfFile: made, encoding: .utf8)
        #expect(text.count == 65 && text.hasSuffix("\n"))
        _ = try MasterKey.load(path: made)
        // Never overwritten.
        #expect(throws: ShowrunnerError.self) { try MasterKey.create(path: made) }
        #expect(try String(contentsOfFile: made, encoding: .utf8) == text)
        // 32 raw bytes work too; a key wrapped under the hex file opens under the same bytes raw.
        let raw = dir.file("raw.key")
        try Data(Hex.decode(String(text.dropLast()))!).write(to: URL(fileURLWithPath: raw))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: raw)
        let id = String(repeating: "0f", count: 16)
        let w = try KeyVault(master: try MasterKey.load(path: made)).wrap(Array(repeating: 1, count: 16), id: id)
        #expect(try KeyVault(master: try MasterKey.load(path: raw)).unwrap(w, id: id) == Array(repeating: 1, count: 16))
        // Readable by the group or the world: refused with the fix in the message.
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: made)
        #expect { try MasterKey.load(path: made) } throws: { ($0 as? ShowrunnerError)?.message.contains("chmod 600") == true }
        // Wrong length or not hex; missing.
        let bad = dir.file("bad.key")
        try "abcd\n".write(toFile: bad, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: bad)
        #expect { try MasterKey.load(path: bad) } throws: { ($0 as? ShowrunnerError)?.message.contains("64 hex digits") == true }
        #expect(throws: ShowrunnerError.self) { try MasterKey.load(path: dir.file("missing.key")) }
    }

    // MARK: Starting

    @Test func serverRefusesToStartWithoutOrWithTheWrongMasterKey() async throws {
        let (s, _, _) = try await Self.server(master: nil, start: false)
        defer { Task { await s.stop() } }
        await #expect { try await s.start() } throws: { e in
            let m = (e as? ShowrunnerError)?.message ?? ""
            return m.contains("SHOWRUNNER_MASTER_KEY_FILE") && m.contains("no master key")
        }
        s.masterKey = try MasterKey(bytes: Array(repeating: 9, count: 32))
        await #expect { try await s.start() } throws: { e in (e as? ShowrunnerError)?.message.contains("does not open") == true }
    }

    // MARK: Playing

    /// The encrypted episode through a session (channel tv has no ad policy): key URIs name the
    /// session, I-frame playlists go through it, every rotated key is fetched, and ffmpeg,
    /// GStreamer and hls.js play it to the end; without a session each of them fails.
    @Test func encryptedTitlePlaysThroughSessionWithRotatedKeys() async throws {
        let (s, v, keys) = try await Self.server()
        defer { Task { await s.stop() } }
        #expect(keys.count == 3)  // 5 segments, a new key every 2
        let (sid, masterText) = try await Self.session(s)
        let master = try MultivariantPlaylist.parse(masterText)
        #expect(master.variants.first?.uri == "/v1/sessions/\(sid)/v360p.m3u8")
        #expect(masterText.contains("URI=\"/v1/sessions/\(sid)/v360p.iframes.m3u8\""))
        let media = try await HTTP.get(s.base + "/v1/sessions/\(sid)/v360p.m3u8").text
        for k in keys { #expect(media.contains("URI=\"/v1/keys/\(k.id)?session=\(sid)\""), "\(media)") }
        let iframes = try await HTTP.get(s.base + "/v1/sessions/\(sid)/v360p.iframes.m3u8")
        #expect(iframes.status == 200)
        #expect(iframes.text.contains("#EXT-X-I-FRAMES-ONLY") && iframes.text.contains("/media/film1/\(v.id)/v360p/iframe_00000.ts"))
        #expect(iframes.text.contains("?session=\(sid)\""))
        // The key itself: 16 bytes, never cached.
        let r = try await HTTP.get(s.base + "/v1/keys/\(keys[0].id)?session=\(sid)")
        #expect(r.status == 200 && [UInt8](r.body) == keys[0].key)
        #expect(r.headers["cache-control"] == "no-store" && r.headers["content-type"] == "application/octet-stream")
        // Real clients, through the server: lint (decrypts a block with each key), ffmpeg, GStreamer, hls.js.
        try await conformancePlays(s.base + "/v1/sessions/\(sid)/master.m3u8", kinds: "all")
        let fetched = try await s.store.keyFetches(session: sid)
        #expect(Set(fetched.filter(\.ok).map(\.keyID)) == Set(keys.map(\.id)), "every rotated key fetched: \(fetched)")
        #expect(fetched.allSatisfy { $0.ok })
        // Without a session (the version's own playlists name /v1/keys/<id> bare): all fail.
        if let bare = try await conformanceRun(["ffmpeg,gst,hlsjs", s.base + "/media/film1/\(v.id)/master.m3u8", "--timeout", "60"]) {
            print(bare.stdout)
            #expect(bare.status != 0)
            let lines = bare.stdout.split(separator: "\n").filter { !$0.hasPrefix(" ") }
            for kind in ["ffmpeg", "gst", "hlsjs"] {
                #expect(lines.contains { $0.hasPrefix("FAIL") && $0.contains(kind) }, "\(kind) should fail without a session:\n\(bare.stdout)")
            }
        }
    }

    // MARK: Refusals

    @Test func everyRefusalHasItsStatusAndIsRecorded() async throws {
        let (s, v, keys) = try await Self.server()
        defer { Task { await s.stop() } }
        let (sid, _) = try await Self.session(s)
        let key = keys[1].id
        func get(_ path: String) async throws -> HTTPResult { try await HTTP.get(s.base + path) }

        // Unknown or malformed key, no session, unknown session: 404.
        let unknown = String(repeating: "0", count: 32)
        #expect(try await get("/v1/keys/\(unknown)?session=\(sid)").status == 404)
        #expect(try await get("/v1/keys/not-a-key?session=\(sid)").status == 404)
        let noSession = try await get("/v1/keys/\(key)")
        #expect(noSession.status == 404 && noSession.errorField == "session")
        #expect(try await get("/v1/keys/\(key)?session=\(String(repeating: "e", count: 32))").status == 404)
        #expect(try await get("/v1/keys/\(key)?session=x%0Ay").status == 404)

        // A live session of another title (ep1) asking for film1's key: 403, recorded and flagged.
        let now = s.clock.now()
        let otherSID = String(repeating: "5", count: 32)
        try await s.store.record(SessionRecord(session: PlaybackSession(
            id: otherSID, channel: "tv", title: "ep1", version: "v1", device: "tv-2", household: "tv-2", model: nil, endpoint: .tv,
            createdAt: now, expiresAt: now.adding(seconds: 3600), programDateTime: now.milliseconds, interstitials: false), breaks: []))
        let other = try await get("/v1/keys/\(key)?session=\(otherSID)")
        #expect(other.status == 403 && other.errorCode == "forbidden")
        let flagged = try await s.store.keyFetches(session: otherSID)
        #expect(flagged.map(\.reason) == [.otherTitle] && flagged.first?.keyID == key && flagged.first?.ok == false)

        // The real session still gets it.
        #expect(try await get("/v1/keys/\(key)?session=\(sid)").status == 200)

        // Expired: 410 (and again after the clock moves back, it is served).
        s.clock.set(now.adding(seconds: 5 * 3600))
        let expired = try await get("/v1/keys/\(key)?session=\(sid)")
        #expect(expired.status == 410 && expired.errorCode == "expired")
        s.clock.set(now)

        // Rights closed (unpublished from the channel): 403.
        _ = try await s.service.unpublish(.init(title: "film1", channel: "tv"), actor: "test")
        try await s.caughtUp()
        let rights = try await get("/v1/keys/\(key)?session=\(sid)")
        #expect(rights.status == 403)

        // All recorded with their reasons.
        let refused = try await s.store.refusedKeyFetches(limit: 100)
        #expect(Set(refused.compactMap(\.reason)) == [.unknownKey, .noSession, .otherTitle, .expiredSession, .rights])
        #expect(refused.count == 8)
        let counts = try await s.store.keyFetchCounts()
        #expect(counts[key]?.ok == 1)

        // The operator view: viewer and operator may read it, editor may not.
        #expect(try await HTTP.get(s.base + "/v1/admin/keys", token: s.tokens[.editor]).status == 403)
        #expect(try await HTTP.get(s.base + "/v1/admin/keys").status == 401)
        let view = try await HTTP.get(s.base + "/v1/admin/keys", token: s.tokens[.viewer])
        #expect(view.status == 200, "\(view.text)")
        let json = try view.json()
        let titles = try #require(json["titles"] as? [[String: Any]])
        #expect(titles.map { $0["title"] as? String } == ["film1"])
        let versions = try #require(titles.first?["versions"] as? [[String: Any]])
        #expect(versions.first?["version"] as? String == v.id)
        let listed = try #require(versions.first?["keys"] as? [[String: Any]])
        #expect(listed.map { $0["id"] as? String } == keys.map(\.id))
        #expect(listed[1]["fetches"] as? Int == 1 && listed[1]["age_s"] as? Int == 0 && listed[1]["stored"] as? Bool == true)
        let refusedJSON = try #require(json["refused_fetches"] as? [[String: Any]])
        #expect(refusedJSON.contains { $0["reason"] as? String == "other_title" && $0["session"] as? String == otherSID })
        #expect(!view.text.contains(Hex.encode(keys[1].key)))
        #expect(try await HTTP.get(s.base + "/v1/admin/keys", token: s.tokens[.operator]).status == 200)
    }
}
