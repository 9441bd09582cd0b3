import FoundationEssentials
public import MediaCore

/// Transcodes an ad creative to a content package's template — the same rungs (sizes, codec,
/// profile, level), frame rate, audio (AAC-LC, sample rate, channels), segment container,
/// duration and fMP4 timescale — so it can be stitched into any rendition, then checks the result
/// with `StitchPreflight` and refuses it if anything still differs.
public enum AdConditioner {
    /// What conditioning made.
    public struct Result: Sendable {
        public var report: PackageReport
        /// The content's template the ad was made to match.
        public var content: SpliceTemplate
        /// Preflight of the content against the conditioned ad: warnings only (errors throw).
        public var warnings: [Mismatch]
    }

    /// The ladder that reproduces `content`: one rung per content video rendition, in its order.
    /// Bitrates come from the content's multivariant playlist (AVERAGE-BANDWIDTH, less audio).
    public static func ladder(for content: SpliceTemplate, bandwidths: [String: Int64]) throws(PackageError) -> Ladder {
        guard !content.video.isEmpty else {
            throw PackageError(.invalidRequest, "--like", "the content package has no video rendition to match")
        }
        if let a = content.audio, a.codecString != "mp4a.40.2" {
            throw PackageError(.invalidRequest, "--like",
                "the content's audio is \(a.codecString) (\(a.profile ?? a.codecName)); ads can be conditioned to AAC-LC (mp4a.40.2) content only here")
        }
        var rungs: [LadderRung] = []
        for v in content.video {
            let codec: LadderCodec = v.codecName == "hevc" ? .hevc : .h264
            var profile: String? = nil
            if codec == .h264 {
                let pp = v.codecString.split(separator: ".").dropFirst().first.map { String($0.prefix(2)).lowercased() }
                profile = ["42": "baseline", "4d": "main", "64": "high"][pp ?? ""]
            } else {
                profile = v.profile?.lowercased().contains("10") == true ? "main10" : "main"
            }
            let audioBits = Int64(128_000)
            let total = bandwidths[v.id] ?? 2_000_000
            let bitrate = Int(max(200_000, min(50_000_000, total - audioBits)))
            rungs.append(LadderRung(width: v.width, height: v.height, bitrate: bitrate, profile: profile,
                                    level: v.levelText, fps: v.frameRate, codec: codec))
        }
        let gop = MediaTime.min(MediaTime(seconds: 2), MediaTime(seconds: Int64(max(1, content.targetDuration))))
        let audio = LadderAudio(bitrate: 128_000, sampleRate: content.audio?.sampleRate, channels: content.audio?.channels)
        let timescale = content.format == .fmp4 ? content.video.first?.timescale : nil
        return Ladder(name: "content template", rungs: rungs, gop: gop, fit: .pad, preset: "veryfast", audio: audio,
                      videoTimescale: timescale)
    }

    /// Conditions `ad` to the package in `like`, writing the ad package to `output`.
    public static func condition(
        ad: String, like: String, output: String, progress: (@Sendable (PackageProgress) -> Void)? = nil,
        cancel: CancellationFlag? = nil
    ) throws(PackageError) -> Result {
        let content = try PackageTemplate.read(folder: like).splice
        var bandwidths: [String: Int64] = [:]
        var audioOnly = false
        if let data = FileManager.default.contents(atPath: like + "/master.m3u8"),
           let master = try? MultivariantPlaylist.parse(String(decoding: data, as: UTF8.self)) {
            for v in master.variants {
                let id = String(v.uri.split(separator: "/").first ?? "")
                bandwidths[id] = v.averageBandwidth ?? v.bandwidth
            }
            audioOnly = master.items.contains { item in
                if case .media(let a) = item { return a.string("TYPE") == "AUDIO" && a.string("URI") != nil }
                return false
            }
        }
        let ladder = try ladder(for: content, bandwidths: bandwidths)
        var request = PackageRequest(
            input: ad, output: output, format: content.format == .fmp4 ? .fmp4 : .ts,
            segmentDuration: MediaTime(seconds: Int64(max(1, content.targetDuration))), ladder: ladder)
        // Content with audio-only renditions (other languages) needs the ad's audio on its own too.
        request.audioOnlyCopy = audioOnly
        let report = try HLSPackager.package(request, progress: progress, cancel: cancel)
        let made = try PackageTemplate.read(folder: output).splice
        let mismatches = StitchPreflight.check(content: content, ad: made)
        let errors = mismatches.filter { $0.severity == .error }
        if !errors.isEmpty {
            PackageFolder.remove(output)
            throw PackageError(.invalidOutput, ad,
                "the conditioned ad still differs from \(like): " + errors.map(\.message).joined(separator: "; "))
        }
        return Result(report: report, content: content, warnings: mismatches)
    }
}
