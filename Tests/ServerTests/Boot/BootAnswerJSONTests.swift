import Foundation
@testable import Server
import Testing

/// The boot decision's hand-written JSON is byte for byte what Foundation's encoder writes.
@Suite struct BootAnswerJSONTests {
    static func encoder(_ a: BootRoutes.Answer) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try e.encode(a), as: UTF8.self)
    }

    @Test(arguments: [(nil, false), (Int64(5000), false), (nil, true), (Int64(3000), true)])
    func matchesTheEncoder(skippable: Int64?, video: Bool) throws {
        let odd = "q\"uo\\te / <tag> \n\t\r\u{1}\u{8}\u{C}\u{1F} é 中 😀"
        let a = BootRoutes.Answer(
            creative: "brew-boot", brand: odd, kind: "image",
            variant: .init(url: "/media/boot/tv/brew-boot/1920x1080.jpg", sha256: String(repeating: "ab", count: 32), size: 123_456,
                           width: 1920, height: 1080, mime: video ? "video/mp4" : "image/jpeg", durationMS: video ? 10_000 : nil,
                           hlsURL: video ? "/media/boot/tv/v/1920x1080/master.m3u8" : nil),
            durationMS: 5000, closePromptMS: 1000, closeWithinMS: 3000, skippableAfterMS: skippable,
            tracking: ["impression": "/v1/boot/tv/beacon?creative=b&device=d&event=impression", "close": "/x?a=1&b=\(odd)"],
            reason: odd)
        #expect(String(decoding: a.jsonBytes, as: UTF8.self) == (try Self.encoder(a)))
    }
}
