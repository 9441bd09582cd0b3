
import Showrunner
import Testing

@Suite struct BootFitTests {
    typealias F = BootFixture
    static let variants = F.variants("c") + [F.variant(1080, 1920, id: "c")]

    struct Case: Sendable, CustomStringConvertible {
        var screen: String
        var expected: String
        var match: BootFit.Match
        var reason: String
        var description: String { screen }
    }

    static let cases: [Case] = [
        Case(screen: "1920x1080", expected: "1920x1080", match: .exact, reason: "exact profile 1920x1080"),
        Case(screen: "3840x2160", expected: "3840x2160", match: .exact, reason: "exact profile 3840x2160"),
        Case(screen: "2560x1440", expected: "1920x1080", match: .sameAspect,
             reason: "nearest profile 1920x1080 for 2560x1440 (same aspect ratio)"),
        Case(screen: "3200x1800", expected: "3840x2160", match: .sameAspect,
             reason: "nearest profile 3840x2160 for 3200x1800 (same aspect ratio)"),
        Case(screen: "1280x720", expected: "1920x1080", match: .sameAspect,
             reason: "nearest profile 1920x1080 for 1280x720 (same aspect ratio)"),
        Case(screen: "1170x2532", expected: "1080x2400", match: .nearest,
             reason: "nearest profile 1080x2400 for 1170x2532 (closest aspect ratio)"),
        Case(screen: "720x1280", expected: "1080x1920", match: .sameAspect,
             reason: "nearest profile 1080x1920 for 720x1280 (same aspect ratio)"),
        Case(screen: "1024x768", expected: "1920x1080", match: .nearest,
             reason: "nearest profile 1920x1080 for 1024x768 (closest aspect ratio)"),
        Case(screen: "3440x1440", expected: "1920x1080", match: .nearest,
             reason: "nearest profile 1920x1080 for 3440x1440 (closest aspect ratio)"),
    ]

    @Test(arguments: cases) func bestFit(_ c: Case) throws {
        let fit = try #require(BootDecision.fit(variants: Self.variants, screen: ScreenProfile(c.screen)!))
        #expect(fit.variant.sizeText == c.expected)
        #expect(fit.match == c.match)
        #expect(fit.reason == c.reason)
    }

    @Test func edgeCases() throws {
        #expect(BootDecision.fit(variants: [], screen: F.hd) == nil)
        let none = try #require(BootDecision.fit(variants: Self.variants, screen: ScreenProfile(width: 0, height: 0)))
        #expect(none.variant.sizeText == "3840x2160" && none.match == .largest)
        // 25:18 lies exactly between 16:9 and 1:1, and both variants have the same area: the smaller width wins.
        let tie = [F.variant(1600, 900), F.variant(1200, 1200)]
        let screen = ScreenProfile(width: 1250, height: 900)
        let fit = try #require(BootDecision.fit(variants: tie, screen: screen))
        #expect(fit.match == .nearest)
        #expect(fit.variant.sizeText == "1200x1200")
        #expect(fit == BootDecision.fit(variants: tie.reversed(), screen: screen))
        // Same aspect, equal area distance: the larger (downscale) wins.
        let around = [F.variant(384, 216), F.variant(2688, 1512)]
        #expect(BootDecision.fit(variants: around, screen: ScreenProfile(width: 1920, height: 1080))?.variant.sizeText == "2688x1512")
    }

    @Test func decisionReasonNamesTheNearestProfile() throws {
        let c = try #require(F.decide([F.creative("brew", share: 100)], screen: ScreenProfile(width: 2560, height: 1440)))
        #expect(c.variant.sizeText == "1920x1080")
        #expect(c.reason.hasSuffix("; nearest profile 1920x1080 for 2560x1440 (same aspect ratio)"))
        let phone = try #require(F.decide([F.creative("brew", share: 100)], screen: ScreenProfile(width: 1170, height: 2532)))
        #expect(phone.variant.path == "boot/tv/brew/1080x2400.jpg")
    }
}
