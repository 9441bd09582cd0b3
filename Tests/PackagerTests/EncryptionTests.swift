import Foundation
import ShowrunnerTestSupport
import MediaCore
import Packager
import Testing

/// AES-128 packages (`--encrypt aes-128 --key-rotation N`): the cipher against known vectors and
/// openssl; an encrypted episode in TS and fMP4 whose playlists declare the keys, whose segments
/// are ciphertext that decrypts back to valid segments, that ffmpeg plays to the last frame with
/// the right keys and not with wrong ones, and whose folder holds no key.
@Suite(.serialized) struct EncryptionTests {
    // MARK: The cipher

    /// NIST SP 800-38A F.2.1 (CBC-AES128.Encrypt), first two blocks; PKCS#7 adds a whole block.
    @Test func cipherMatchesNISTVector() throws {
        let key = Hex.decode("2b7e151628aed2a6abf7158809cf4f3c")!
        let iv = Hex.decode("000102030405060708090a0b0c0d0e0f")!
        let plain = Hex.decode("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51")!
        let sealed = try SegmentCipher.encrypt(plain, key: key, iv: iv)
        #expect(sealed.count == 48)
        #expect(Hex.encode(sealed.prefix(32)) == "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2")
        #expect(try SegmentCipher.decrypt(sealed, key: key, iv: iv) == plain)
    }

    @Test func cipherRoundTripsEveryLengthAndAgreesWithOpenSSL() throws {
        let key = (0..<16).map { UInt8($0 * 7 + 1) }
        let iv = (0..<16).map { UInt8(255 - $0) }
        for n in 0...49 {
            let plain = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 5) }
            let sealed = try SegmentCipher.encrypt(plain, key: key, iv: iv)
            #expect(sealed.count == (n / 16 + 1) * 16)
            #expect(try SegmentCipher.decrypt(sealed, key: key, iv: iv) == plain)
        }
        let plain = [UInt8]((0..<1000).map { UInt8(truncatingIfNeeded: $0) })
        let sealed = try SegmentCipher.encrypt(plain, key: key, iv: iv)
        if let viaOpenSSL = try OpenSSL.decrypt(sealed, key: key, iv: iv) {
            #expect(viaOpenSSL == plain)
        }
        var wrong = key
        wrong[0] ^= 1
        let garbled = try? SegmentCipher.decrypt(sealed, key: wrong, iv: iv)
        #expect(garbled != plain)
        #expect(throws: SegmentCipher.Failure.self) { try SegmentCipher.decrypt(sealed.dropLast(), key: key, iv: iv) }
        #expect(throws: SegmentCipher.Failure.self) { try SegmentCipher.encrypt(plain, key: [1, 2], iv: iv) }
    }

    // MARK: Encrypted packages

    @Test(arguments: [SegmentFormat.ts, .fmp4])
    func encryptedEpisodePlays(_ format: SegmentFormat) throws {
        let tmp = try TempDir("crypt")
        defer { tmp.cleanup() }
        let out = tmp.file("pkg")
        var request = PackageRequest(input: TestEnv.media + "/episode.mp4", output: out, format: format,
                                     cues: [MediaTime(seconds: 10)])
        request.encryption = .aes128(rotation: 2)
        let report = try HLSPackager.package(request)
        #expect(report.warnings.isEmpty, "\(report.warnings)")

        // Keys: one per two segments of the grid, ids in the report, in segment order.
        let keys = report.keys
        #expect(keys.count == (report.segmentCount + 1) / 2)
        #expect(keys.map(\.segments) == stride(from: 0, to: report.segmentCount, by: 2).map { $0..<min($0 + 2, report.segmentCount) })
        #expect(report.encryption == EncryptionReport(method: "aes-128", keyIDs: keys.map(\.id), rotation: 2))
        #expect(keys.allSatisfy { ContentKey.isKeyID($0.id) && $0.key.count == 16 && $0.iv.count == 16 })
        #expect(Set(keys.map(\.key)).count == keys.count && Set(keys.map(\.iv)).count == keys.count)
        let byID = Dictionary(uniqueKeysWithValues: keys.map { ($0.id, $0) })
        // The JSON report names the keys, never holds them.
        let json = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
        #expect(json.contains(keys[0].id))
        #expect(!keys.contains { json.contains(Hex.encode($0.key)) })

        var playlists = report.renditions.map(\.playlist)
        playlists += report.renditions.compactMap(\.iFramePlaylist)
        #expect(report.renditions.contains { $0.iFramePlaylist != nil })
        var checkedFiles = 0
        for name in playlists {
            let dir = out + "/" + name.split(separator: "/").dropLast().joined(separator: "/") + "/"
            let pl = try MediaPlaylist.parse(String(contentsOfFile: out + "/" + name, encoding: .utf8))
            #expect(pl.segments.first?.key != nil, "\(name): no EXT-X-KEY before the first segment")
            if format == .fmp4 {
                // MAP first: the init section is not under the key, and is in the clear.
                let first = try #require(pl.segments.first)
                let mapAt = first.items.firstIndex { if case .map = $0 { true } else { false } }
                let keyAt = first.items.firstIndex { if case .key = $0 { true } else { false } }
                #expect(mapAt != nil && keyAt != nil && mapAt! < keyAt!, "\(name): EXT-X-KEY must follow EXT-X-MAP")
                let initBytes = try Self.bytes(dir + "init.mp4")
                #expect(Array(initBytes[4..<8]) == Array("ftyp".utf8))
            }
            var current: ContentKey? = nil
            for seg in pl.segments {
                #expect(seg.byteRange == nil, "\(name): \(seg.uri) is a byte range into an encrypted file")
                if let k = seg.key {
                    #expect(k.string("METHOD") == "AES-128")
                    #expect(k.string("KEYFORMAT") == nil)
                    let uri = try #require(k.string("URI"))
                    let id = try #require(ContentKey.id(fromURI: uri), "\(name): key URI \(uri)")
                    #expect(uri == "/v1/keys/" + id)
                    let found: ContentKey = try #require(byID[id], "\(name): unknown key id \(id)")
                    #expect(k["IV"]?.text == "0x" + Hex.encode(found.iv))
                    current = found
                }
                let key = try #require(current)
                let cipher = try Self.bytes(dir + seg.uri)
                #expect(cipher.count % 16 == 0)
                #expect(!Self.looksLikeSegment(cipher, format), "\(name): \(seg.uri) is in the clear")
                let plain = try SegmentCipher.decrypt(cipher, key: key.key, iv: key.iv)
                #expect(Self.looksLikeSegment(plain, format), "\(name): \(seg.uri) does not decrypt to a \(format) segment")
                if checkedFiles < 6, let viaOpenSSL = try OpenSSL.decrypt(cipher, key: key.key, iv: key.iv) {
                    #expect(viaOpenSSL == plain, "openssl disagrees on \(seg.uri)")
                }
                checkedFiles += 1
            }
        }
        // Segment k of every rendition is under key k / 2.
        let video = try #require(report.renditions.first { $0.kind == "video" })
        let media = try MediaPlaylist.parse(String(contentsOfFile: out + "/" + video.playlist, encoding: .utf8))
        #expect(media.segments.compactMap { $0.key?.string("URI") } == keys.map(\.uri))

        try Self.keysAbsent(keys, from: out)
        try Self.playsWithKeyFiles(out, keys: keys, report: report)
    }

    /// `showrunner package --encrypt aes-128 --key-rotation 1 --json`: the JSON names the keys by
    /// id; rotation without encryption, or another method, is refused.
    @Test func cliEncrypts() throws {
        let tmp = try TempDir("crypt-cli")
        defer { tmp.cleanup() }
        let out = tmp.file("pkg")
        // The keys go to the catalog wrapped by the master key, so both are needed.
        let key = tmp.file("master.key")
        #expect(try runProcess([TestEnv.showrunner, "keys", "init", "--out", key]).status == 0)
        let db = tmp.file("catalog.sqlite")
        let r = try runProcess([TestEnv.showrunner, "package", TestEnv.media + "/ad-10s.mp4", "--out", out,
                                "--encrypt", "aes-128", "--key-rotation", "1", "--json", "--db", db],
                               environment: ["SHOWRUNNER_MASTER_KEY_FILE": key])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let enc = json?["encryption"] as? [String: Any]
        #expect(enc?["method"] as? String == "aes-128")
        let ids = enc?["keyIDs"] as? [String] ?? []
        #expect(ids.count == json?["segmentCount"] as? Int)
        #expect(json?["keys"] == nil)
        let index = try String(contentsOfFile: out + "/v360p/index.m3u8", encoding: .utf8)
        #expect(ids.allSatisfy { index.contains("URI=\"/v1/keys/\($0)\"") })
        let list = try runProcess([TestEnv.showrunner, "keys", "list", "--json", "--db", db])
        let unassigned = (try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any])?["unassigned_keys"] as? [[String: Any]]
        #expect(Set(unassigned?.compactMap { $0["id"] as? String } ?? []) == Set(ids) && !ids.isEmpty, "\(list.stdout)")
        let noKey = try runProcess([TestEnv.showrunner, "package", TestEnv.media + "/ad-10s.mp4", "--out", tmp.file("d"),
                                    "--encrypt", "aes-128", "--db", db])
        #expect(noKey.status != 0 && noKey.stderr.contains("SHOWRUNNER_MASTER_KEY_FILE"))
        #expect(!FileManager.default.fileExists(atPath: tmp.file("d")))

        let bad = try runProcess([TestEnv.showrunner, "package", TestEnv.media + "/ad-10s.mp4", "--out", tmp.file("b"), "--key-rotation", "2"])
        #expect(bad.status != 0 && bad.stderr.contains("--key-rotation needs --encrypt"))
        let method = try runProcess([TestEnv.showrunner, "package", TestEnv.media + "/ad-10s.mp4", "--out", tmp.file("c"), "--encrypt", "sample-aes"])
        #expect(method.status != 0 && method.stderr.contains("aes-128"))
    }

    // MARK: Helpers

    /// TS: sync bytes every 188; fMP4 media segment: a moof box first.
    static func looksLikeSegment(_ b: [UInt8], _ format: SegmentFormat) -> Bool {
        switch format {
        case .ts:
            guard b.count >= 188, b.count % 188 == 0 else { return false }
            return stride(from: 0, to: b.count, by: 188).allSatisfy { b[$0] == 0x47 }
        case .fmp4:
            return b.count > 8 && Array(b[4..<8]) == Array("moof".utf8)
        }
    }

    /// No file of the package holds a key, raw or in hex.
    static func keysAbsent(_ keys: [ContentKey], from dir: String) throws {
        let files = (FileManager.default.enumerator(atPath: dir)?.allObjects as? [String] ?? [])
        var scanned = 0
        for f in files {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir + "/" + f, isDirectory: &isDir), !isDir.boolValue else { continue }
            let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + f))
            for k in keys {
                #expect(data.range(of: Data(k.key)) == nil, "key \(k.id) found in \(f)")
                #expect(data.range(of: Data(Hex.encode(k.key).utf8)) == nil, "key \(k.id) found in hex in \(f)")
            }
            scanned += 1
        }
        #expect(scanned > 10)
    }

    /// A real client: the package copied, the keys written as files and the key URIs pointed at
    /// them; ffmpeg decodes the multivariant playlist to the last frame without an error, and
    /// ffprobe reads every I-frame of the I-frame playlists. With wrong keys, ffmpeg fails.
    static func playsWithKeyFiles(_ out: String, keys: [ContentKey], report: PackageReport) throws {
        let tmp = try TempDir("crypt-play")
        defer { tmp.cleanup() }
        let copy = tmp.file("pkg")
        try FileManager.default.copyItem(atPath: out, toPath: copy)
        func writeKeys(_ bytes: (ContentKey) -> [UInt8]) throws {
            try FileManager.default.createDirectory(atPath: tmp.file("keys"), withIntermediateDirectories: true)
            for k in keys { try Data(bytes(k)).write(to: URL(fileURLWithPath: tmp.file("keys/\(k.id).key"))) }
        }
        try writeKeys(\.key)
        let playlists = (FileManager.default.enumerator(atPath: copy)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".m3u8") }
        for p in playlists {
            let text = try String(contentsOfFile: copy + "/" + p, encoding: .utf8)
                .replacingOccurrences(of: "URI=\"/v1/keys/", with: "URI=\"" + tmp.file("keys") + "/")
                .replacingOccurrences(of: "\",IV=", with: ".key\",IV=")
            try text.write(toFile: copy + "/" + p, atomically: true, encoding: .utf8)
        }
        let expectedFrames = 720  // episode.mp4: 30 s at 24 fps
        let play = ["ffmpeg", "-nostdin", "-v", "error", "-allowed_extensions", "ALL", "-i", copy + "/master.m3u8",
                    "-map", "0:v:0", "-map", "0:a:0", "-f", "null", "-progress", "pipe:1", "-"]
        let good = try runProcess(play)
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stderr.isEmpty, "ffmpeg reported: \(good.stderr.prefix(2000))")
        let frames = good.stdout.split(separator: "\n").last { $0.hasPrefix("frame=") }.flatMap { Int($0.dropFirst(6)) }
        #expect(frames == expectedFrames, "decoded \(frames ?? -1) video frames, not \(expectedFrames)")

        for r in report.renditions {
            guard let i = r.iFramePlaylist else { continue }
            let pl = try MediaPlaylist.parse(String(contentsOfFile: copy + "/" + i, encoding: .utf8))
            let probe = try runProcess(["ffprobe", "-v", "error", "-allowed_extensions", "ALL", "-count_frames",
                                        "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames,codec_name",
                                        "-of", "default=nw=1", copy + "/" + i])
            #expect(probe.status == 0 && probe.stderr.isEmpty, "ffprobe \(i): \(probe.stderr.prefix(2000))")
            #expect(probe.stdout.contains("nb_read_frames=\(pl.segments.count)\n"), "ffprobe \(i): \(probe.stdout)")
        }

        try writeKeys { k in k.key.map { $0 ^ 0x5a } }
        let bad = try runProcess(play)
        let badFrames = bad.stdout.split(separator: "\n").last { $0.hasPrefix("frame=") }.flatMap { Int($0.dropFirst(6)) }
        #expect(bad.status != 0 || !bad.stderr.isEmpty, "ffmpeg played with wrong keys")
        #expect(badFrames != expectedFrames)
    }

    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

/// `openssl enc -d -aes-128-cbc`, when openssl is installed (nil otherwise).
enum OpenSSL {
    static func decrypt(_ cipher: [UInt8], key: [UInt8], iv: [UInt8]) throws -> [UInt8]? {
        guard (try? runProcess(["openssl", "version"]))?.status == 0 else { return nil }
        let tmp = try TempDir("openssl")
        defer { tmp.cleanup() }
        try Data(cipher).write(to: URL(fileURLWithPath: tmp.file("in")))
        let r = try runProcess(["openssl", "enc", "-d", "-aes-128-cbc", "-K", Hex.encode(key), "-iv", Hex.encode(iv),
                                "-in", tmp.file("in"), "-out", tmp.file("out")])
        guard r.status == 0 else { throw TestFailure("openssl: \(r.stderr)") }
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: tmp.file("out"))))
    }
}
