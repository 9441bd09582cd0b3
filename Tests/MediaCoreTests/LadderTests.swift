import MediaCore
import Testing

@Suite struct LadderTests {
    @Test func parsesACustomLadder() throws {
        let json = """
            {"name": "small", "gop": "1.5", "fit": "pad", "preset": "ultrafast", "audio": {"bitrate": "96k", "sample_rate": 48000, "channels": 2},
             "rungs": [{"resolution": "640x360", "bitrate": "800k", "maxrate": "1.2M", "profile": "main", "level": 3.1, "fps": "30000/1001"},
                       {"width": 320, "height": 180, "bitrate": 250000, "codec": "hevc", "profile": "main"}]}
            """
        let l = try Ladder.parse(Array(json.utf8))
        #expect(l.name == "small")
        #expect(l.gop == MediaTime(value: 15, timescale: 10))
        #expect(l.fit == .pad)
        #expect(l.audio.bitrate == 96_000)
        #expect(l.rungs[0].bitrate == 800_000)
        #expect(l.rungs[0].maxrate == 1_200_000)
        #expect(l.rungs[0].level == "3.1")
        #expect(l.rungs[0].fps == FrameRate(numerator: 30000, denominator: 1001))
        #expect(l.rungs[1].codec == .hevc)
        #expect(l.rungs[1].effectiveBufsize == 500_000)
    }

    @Test(arguments: [
        (#"{"rungs": [{"resolution": "640x360", "bitrate": "fast"}]}"#, "rungs[0].bitrate"),
        (#"{"rungs": [{"resolution": "640x360", "bitrate": "1M"}, {"resolution": "64", "bitrate": "1M"}]}"#, "rungs[1].resolution"),
        (#"{"rungs": [{"width": 640, "bitrate": "1M"}]}"#, "rungs[0].height"),
        (#"{"rungs": [{"width": 9000, "height": 360, "bitrate": "1M"}]}"#, "rungs[0].width"),
        (#"{"rungs": [{"resolution": "640x360"}]}"#, "rungs[0].bitrate"),
        (#"{"rungs": [{"resolution": "640x360", "bitrate": "1M", "profile": "extreme"}]}"#, "rungs[0].profile"),
        (#"{"rungs": [{"resolution": "640x360", "bitrate": "1M", "maxrate": "500k"}]}"#, "rungs[0].maxrate"),
        (#"{"rungs": [{"resolution": "640x360", "bitrate": "1M", "level": "forty"}]}"#, "rungs[0].level"),
        (#"{"rungs": [{"resolution": "640x360", "bitrate": "1M", "fps": "fast"}]}"#, "rungs[0].fps"),
        (#"{"rungs": [{"resolution": "640x360", "bitrate": "1M", "codec": "vp9"}]}"#, "rungs[0].codec"),
        (#"{"rungs": []}"#, "rungs"),
        (#"{"gop": 20, "rungs": [{"resolution": "640x360", "bitrate": "1M"}]}"#, "gop"),
        (#"{"preset": "warp", "rungs": [{"resolution": "640x360", "bitrate": "1M"}]}"#, "preset"),
        (#"{"audio": {"sample_rate": 12345}, "rungs": [{"resolution": "640x360", "bitrate": "1M"}]}"#, "audio.sample_rate"),
        (#"{"rungs": [{"resolution": "640x360", "bitrate": "1M"}"#, "ladder"),
    ])
    func badFieldsAreNamed(json: String, field: String) {
        #expect { try Ladder.parse(Array(json.utf8)) } throws: { ($0 as? LadderError)?.field == field }
    }

    @Test func tvLadderOnSources() {
        // 16:9 1080p: every rung.
        var (rungs, skipped) = Ladder.tv.plan(sourceWidth: 1920, sourceHeight: 1080)
        #expect(rungs.map { "\($0.width)x\($0.height)" } == ["1920x1080", "1280x720", "960x540"])
        #expect(skipped.isEmpty)
        // 720p source: the 1080p rung would upscale.
        (rungs, skipped) = Ladder.tv.plan(sourceWidth: 1280, sourceHeight: 720)
        #expect(rungs.map(\.height) == [720, 540])
        #expect(skipped.count == 1)
        // 4:3: fit keeps the aspect ratio, pad letterboxes to the box.
        (rungs, _) = Ladder.tv.plan(sourceWidth: 1440, sourceHeight: 1080)
        #expect(rungs.map { "\($0.width)x\($0.height)" } == ["1440x1080", "960x720", "720x540"])
        var padded = Ladder.tv
        padded.fit = .pad
        (rungs, _) = padded.plan(sourceWidth: 1440, sourceHeight: 1080)
        #expect(rungs[0].width == 1920 && rungs[0].pictureWidth == 1440 && rungs[0].padX == 240 && rungs[0].padY == 0)
        // A vertical 9:16 source in the tv ladder: the height limits it; sizes stay even.
        (rungs, _) = Ladder.tv.plan(sourceWidth: 1080, sourceHeight: 1920)
        #expect(rungs.map { "\($0.width)x\($0.height)" } == ["608x1080", "404x720", "304x540"])
        #expect(rungs.allSatisfy { $0.width % 2 == 0 && $0.height % 2 == 0 })
        // The mobile ladder fits it exactly.
        (rungs, _) = Ladder.mobile.plan(sourceWidth: 1080, sourceHeight: 1920)
        #expect(rungs.map { "\($0.width)x\($0.height)" } == ["1080x1920", "720x1280", "540x960"])
    }

    @Test func keyframeScheduleKeepsAGridAndHitsCues() {
        var s = KeyframeSchedule(gop: MediaTime(seconds: 2), cues: [MediaTime(value: 5, timescale: 1)], tolerance: MediaTime(value: 1, timescale: 50))
        // 25 fps from t = 10 s (the origin).
        var keys: [Int64] = []
        for i in 0..<250 {
            let t = MediaTime(value: 10 * 25 + Int64(i), timescale: 25)
            if s.isKeyframe(at: t) { keys.append(Int64(i)) }
        }
        // Frames 0, 50 (2 s), 100 (4 s), 125 (cue at 5 s), then every 2 s from the cue: 175, 225.
        #expect(keys == [0, 50, 100, 125, 175, 225])
    }
}
