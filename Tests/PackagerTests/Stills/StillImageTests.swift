import Foundation
import MediaCore
import Packager
import ShowrunnerTestSupport
import Testing

/// A single picture (JPEG, PNG) as a still's input — boot-screen images are rendered per screen
/// profile this way — while images stay refused as packaging input.
@Suite struct StillImageTests {
    @Test(arguments: [(1080, 2400, StillFit.crop), (3840, 2160, .crop), (800, 800, .pad), (1920, 1080, .pad)])
    func imageRenderedToEveryProfile(_ size: (Int, Int, StillFit)) throws {
        let dir = try TempDir("still-image")
        defer { dir.cleanup() }
        let out = dir.file("v.png")
        let report = try Stills.extract(StillRequest(input: TestEnv.media + "/boot-1080p.jpg", at: .zero, width: size.0, height: size.1,
                                                     fit: size.2, output: out))
        #expect(report.width == size.0 && report.height == size.1)
        let probe = try ffprobeJSON(["-show_entries", "stream=width,height,codec_name", out])
        let stream = try #require((probe["streams"] as? [[String: Any]])?.first)
        #expect(stream["width"] as? Int == size.0 && stream["height"] as? Int == size.1 && stream["codec_name"] as? String == "png")
    }

    @Test func notAPictureIsNamed() throws {
        let dir = try TempDir("still-image")
        defer { dir.cleanup() }
        try Data("not a picture".utf8).write(to: URL(fileURLWithPath: dir.file("fake.jpg")))
        #expect {
            _ = try Stills.extract(StillRequest(input: dir.file("fake.jpg"), at: .zero, width: 100, height: 100, output: dir.file("o.png")))
        } throws: { error in
            "\(error)".contains("fake.jpg") && "\(error)".contains("not a picture or media file")
        }
        // Packaging still refuses a picture.
        #expect(throws: PackageError.self) {
            _ = try HLSPackager.package(PackageRequest(input: TestEnv.media + "/boot-1080p.jpg", output: dir.file("pkg")))
        }
    }
}
