import Foundation
import MediaCore

import Testing

/// The conformance kit's playlist lint (`check.sh lint`: m3u8 + threefive + its own rules) for
/// the MediaCore tests. The lint only sniffs the first bytes of each segment, so placeholder
/// files stand in for media. Skipped when the kit is not set up (an issue when CI requires it).
enum PlaylistLint {
    static let kit: String? = {
        let env = ProcessInfo.processInfo.environment
        for c in [env["SHOWRUNNER_CONFORMANCE"], "/work/shared/conformance"].compactMap({ $0 })
        where FileManager.default.fileExists(atPath: c + "/check.sh") {
            let home = env["CONFORMANCE_HOME"] ?? "/tmp/showrunner-conformance"
            return FileManager.default.isExecutableFile(atPath: home + "/venv/bin/python") ? c : nil
        }
        return nil
    }()

    /// True (after saying so) when the kit is missing.
    static func skipped(_ suite: String) -> Bool {
        guard kit == nil else { return false }
        if ProcessInfo.processInfo.environment["SHOWRUNNER_REQUIRE_CONFORMANCE"] == "1" {
            Issue.record("conformance kit not set up (run /work/shared/conformance/setup.sh --minimal)")
        } else {
            print("\(suite): SKIP, the conformance kit is not set up (sudo /work/shared/conformance/setup.sh --minimal)")
        }
        return true
    }

    /// Writes the playlist and a placeholder for every segment and MAP it names; runs the lint.
    static func lint(_ text: String, fmp4: Bool) throws -> (status: Int32, output: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lint-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // TS: a sync byte; fMP4: a 'moof' box header; init: an 'ftyp' box header.
        let ts = Data([0x47] + [UInt8](repeating: 0xFF, count: 187))
        let moof = Data([0, 0, 0, 16] + Array("moof".utf8) + [UInt8](repeating: 0, count: 8))
        let ftyp = Data([0, 0, 0, 16] + Array("ftyp".utf8) + Array("iso6".utf8) + [0, 0, 0, 0])
        for s in try MediaPlaylist.parse(text).segments {
            try (fmp4 ? moof : ts).write(to: dir.appendingPathComponent(s.uri))
            if let map = s.map?.string("URI") { try ftyp.write(to: dir.appendingPathComponent(map)) }
        }
        let file = dir.appendingPathComponent("playlist.m3u8")
        try Data(text.utf8).write(to: file)

        let p = Process()
        p.executableURL = URL(fileURLWithPath: kit! + "/check.sh")
        p.arguments = ["lint", file.path]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
