import Foundation
import Showrunner
import Testing
@testable import Store

/// `MediaLibrary.describe` reads a package's EXT-X-KEY lines into `TitleVersion.encryption`.
@Suite struct EncryptedVersionTests {
    static let k1 = String(repeating: "a1", count: 16)
    static let k2 = String(repeating: "b2", count: 16)

    func package(keyLines: [String]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("showrunner-tests/enc-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir + "/v360p", withIntermediateDirectories: true)
        try """
            #EXTM3U
            #EXT-X-VERSION:3
            #EXT-X-STREAM-INF:BANDWIDTH=500000,CODECS="avc1.64001e,mp4a.40.2",RESOLUTION=640x360
            v360p/index.m3u8

            """.write(toFile: dir + "/master.m3u8", atomically: true, encoding: .utf8)
        var media = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:6\n"
        for (i, k) in keyLines.enumerated() { media += k + "\n#EXTINF:6.000,\nseg_0000\(i).ts\n" }
        media += "#EXT-X-ENDLIST\n"
        try media.write(toFile: dir + "/v360p/index.m3u8", atomically: true, encoding: .utf8)
        return dir
    }

    @Test func keysAreRecordedInOrder() throws {
        let dir = try package(keyLines: [
            "#EXT-X-KEY:METHOD=AES-128,URI=\"/v1/keys/\(Self.k1)\",IV=0x00000000000000000000000000000001", "",
            "#EXT-X-KEY:METHOD=AES-128,URI=\"/v1/keys/\(Self.k2)\",IV=0x00000000000000000000000000000002",
        ])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let v = try MediaLibrary(root: "/tmp").describe(folder: dir, title: "t", version: "v1", at: Timestamp(milliseconds: 0))
        #expect(v.encryption == VersionEncryption(method: "aes-128", keyIDs: [Self.k1, Self.k2]))
        let clear = try package(keyLines: ["", ""])
        defer { try? FileManager.default.removeItem(atPath: clear) }
        #expect(try MediaLibrary(root: "/tmp").describe(folder: clear, title: "t", version: "v1", at: Timestamp(milliseconds: 0)).encryption == nil)
    }

    @Test(arguments: ["#EXT-X-KEY:METHOD=SAMPLE-AES,URI=\"/v1/keys/\(k1)\"", "#EXT-X-KEY:METHOD=AES-128,URI=\"https://elsewhere/k\""])
    func keysWeCannotServeAreRefused(_ line: String) throws {
        let dir = try package(keyLines: [line])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: ShowrunnerError.self) {
            try MediaLibrary(root: "/tmp").describe(folder: dir, title: "t", version: "v1", at: Timestamp(milliseconds: 0))
        }
    }
}
