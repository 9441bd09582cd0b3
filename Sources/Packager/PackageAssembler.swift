import FoundationEssentials
import MediaCore

#if canImport(Glibc)
import Glibc
#endif

/// Turns what the remux wrote (segment records per rendition) into playlists: one media playlist
/// and (for video) one I-frame playlist per rendition, the multivariant playlist, `breaks.json`;
/// checks them with `PlaylistValidator` before anything is published; and summarizes.
///
/// Segment durations sit on one grid for every rendition: segment k spans cut k to cut k+1 (the
/// last one ends where its media ends), rounded to milliseconds from the program start so the
/// durations add up exactly and breaks fall at the same time in every rendition.
struct PackageAssembler {
    let request: PackageRequest
    let result: RemuxResult
    let directory: String

    /// Milliseconds from the program start, the grid every EXTINF is measured on. Media before
    /// the start (frames an edit list hides) counts as the start.
    private func ms(_ t: MediaTime) -> Int64 { max(0, (t - result.origin).ticks(at: 1000)) }

    struct Built {
        var plan: RenditionPlan
        /// The segments as written (in the clear).
        var records: [SegmentRecord]
        var media: MediaPlaylist
        var sizes: [Int64]
        var iframes: MediaPlaylist?
        var iframeSizes: [Int64]
        var bytes: Int64
        var duration: MediaTime
    }

    func write() throws(PackageError) -> PackageReport {
        let cutsMS = result.cuts.map(ms)
        // The program ends where its video ends: audio running a frame or two past it (AAC
        // priming and padding) does not lengthen the last segment, in any rendition, so every
        // rendition has the same duration and an ad is as long as its picture.
        let videoEnd = result.segments.joined().compactMap(\.videoEnd).max()
        var built: [Built] = []
        var target = 1
        for (r, plan) in result.plans.enumerated() {
            let records = result.segments[r]
            guard !records.isEmpty else { continue }
            var durations: [Int64] = []
            for (i, rec) in records.enumerated() {
                let start = rec.index < cutsMS.count ? cutsMS[rec.index] : ms(rec.start)
                let end: Int64
                if i + 1 < records.count {
                    let next = records[i + 1].index
                    end = next < cutsMS.count ? cutsMS[next] : ms(records[i + 1].start)
                } else {
                    end = max(ms(videoEnd ?? rec.end), start + 1)
                }
                durations.append(max(1, end - start))
            }
            for d in durations { target = max(target, Int((d + 500) / 1000)) }
            var media = MediaPlaylist(targetDuration: 0)
            for (i, rec) in records.enumerated() {
                var seg = MediaSegment(duration: MediaTime(value: durations[i], timescale: 1000), uri: rec.fileName)
                if i == 0, let initFile = result.initFiles[r] {
                    var map = AttributeList()
                    map["URI"] = .quoted(initFile)
                    seg.map = map
                }
                media.segments.append(seg)
            }
            var iframes: MediaPlaylist? = nil
            var iframeSizes: [Int64] = []
            if plan.video != nil {
                (iframes, iframeSizes) = iFramePlaylist(records, initFile: result.initFiles[r])
            }
            let total = durations.reduce(0, +)
            built.append(Built(plan: plan, records: records, media: media, sizes: records.map(\.size), iframes: iframes,
                               iframeSizes: iframeSizes, bytes: records.reduce(0) { $0 + $1.size },
                               duration: MediaTime(value: total, timescale: 1000)))
        }
        guard !built.isEmpty else {
            throw PackageError(.noStreams, request.input, "no segments were written (no packets in the selected streams)")
        }
        // One target duration for every media playlist of the package.
        let fmp4 = request.format == .fmp4
        for i in built.indices {
            built[i].media.targetDuration = target
            built[i].media.playlistType = .vod
            built[i].media.independentSegments = true
            built[i].media.endList = true
            built[i].media.version = fmp4 ? 6 : 3
        }

        // Encryption rewrites the segment files (and moves I-frames into files of their own), so
        // it comes before anything measures their sizes.
        var keys: [ContentKey] = []
        if let encryption = request.encryption {
            keys = try encrypt(&built, encryption)
        }

        // Multivariant playlist.
        var master = MultivariantPlaylist(version: fmp4 ? 6 : 3, independentSegments: true)
        let rates = built.map { PlaylistValidator.bitrates(of: $0.media, sizes: $0.sizes) ?? (peak: 0, average: 0) }
        // Variant streams: every video rendition (with its muxed audio in TS), or for audio-only
        // input the first (default) audio rendition. Every audio-only rendition (other than that
        // one) is an alternate track in group "aud"; audio carried inside the variants is listed
        // there without a URI.
        var mains = built.indices.filter { built[$0].plan.video != nil }
        if mains.isEmpty { mains = [0] }
        let alternates = built.indices.filter { !mains.contains($0) }
        var audioGroup: String? = nil
        if !alternates.isEmpty {
            audioGroup = "aud"
            var names: Set<String> = []
            func rendition(_ s: SelectedStream, isDefault: Bool, uri: String?) -> Rendition {
                var name = s.title ?? LanguageTag.displayName(s.language) ?? "Audio \(names.count + 1)"
                let base = name
                var k = 2
                while names.contains(name) { name = "\(base) (\(k))"; k += 1 }
                names.insert(name)
                return Rendition(type: .audio, groupID: "aud", name: name, language: LanguageTag.bcp47(s.language),
                                 isDefault: isDefault, autoselect: true, channels: String(s.channels), uri: uri)
            }
            let inBand = built[mains[0]].plan.audio
            if let inBand { master.append(rendition(inBand, isDefault: true, uri: nil)) }
            for (n, a) in alternates.enumerated() {
                guard let s = built[a].plan.audio else { continue }
                master.append(rendition(s, isDefault: n == 0 && inBand == nil, uri: built[a].plan.id + "/index.m3u8"))
            }
        }
        // BANDWIDTH: the variant plus the heaviest alternate a player might add (RFC 8216bis 4.4.6.2).
        let altPeak = alternates.map { rates[$0].peak }.max() ?? 0
        let altAverage = alternates.map { rates[$0].average }.max() ?? 0
        for m in mains {
            var codecs = built[m].plan.streams.map(\.codecString)
            for a in alternates { if let s = built[a].plan.audio, !codecs.contains(s.codecString) { codecs.append(s.codecString) } }
            let v = built[m].plan.video
            master.append(Variant(bandwidth: rates[m].peak + altPeak, averageBandwidth: rates[m].average + altAverage, codecs: codecs,
                                  resolution: v.map { Resolution(width: $0.width, height: $0.height) },
                                  frameRate: v?.frameRate, audioGroup: audioGroup, uri: built[m].plan.id + "/index.m3u8"))
        }
        for b in built {
            guard let ifr = b.iframes, let v = b.plan.video,
                  let r = PlaylistValidator.bitrates(of: ifr, sizes: b.iframeSizes) else { continue }
            master.append(IFrameVariant(bandwidth: r.peak, averageBandwidth: r.average, codecs: [v.codecString],
                                        resolution: Resolution(width: v.width, height: v.height),
                                        uri: b.plan.id + "/iframes.m3u8"))
        }

        // Self-check before anything is written.
        var media: [String: MediaPlaylist] = [:]
        var sizes: [String: [Int64]] = [:]
        for b in built {
            media[b.plan.id + "/index.m3u8"] = b.media
            sizes[b.plan.id + "/index.m3u8"] = b.sizes
            if let ifr = b.iframes {
                media[b.plan.id + "/iframes.m3u8"] = ifr
                sizes[b.plan.id + "/iframes.m3u8"] = b.iframeSizes
            }
        }
        var findings = PlaylistValidator.validate(multivariant: master, name: "master.m3u8", media: media, sizes: sizes)
        for (uri, pl) in media.sorted(by: { $0.key < $1.key }) {
            findings += PlaylistValidator.validate(media: pl, name: uri)
        }
        if let bad = findings.first(where: { $0.severity == .error }) {
            throw PackageError(.invalidOutput, request.output, "generated playlists fail a check (a bug): \(bad)")
        }

        // Files.
        try writeText(directory + "/master.m3u8", master.text)
        for b in built {
            try writeText(directory + "/" + b.plan.id + "/index.m3u8", b.media.text)
            if let ifr = b.iframes { try writeText(directory + "/" + b.plan.id + "/iframes.m3u8", ifr.text) }
        }
        let cues = result.cueResults.map { c in
            CueReport(asked: ReportTime(c.asked), actual: c.actual.map(ReportTime.init),
                      drift: c.drift.map(ReportTime.init), segment: c.segmentIndex)
        }
        try writeJSON(directory + "/breaks.json", BreaksFile(
            input: request.input, segmentDuration: ReportTime(request.segmentDuration), timescale: MediaTime.mpegTimescale,
            cues: cues))

        let renditions = built.enumerated().map { i, b in
            let v = b.plan.video
            let a = b.plan.audio
            return RenditionReport(
                id: b.plan.id, kind: v != nil ? "video" : "audio", playlist: b.plan.id + "/index.m3u8",
                iFramePlaylist: b.iframes != nil ? b.plan.id + "/iframes.m3u8" : nil,
                codecs: b.plan.streams.map(\.codecString),
                resolution: v.map { "\($0.width)x\($0.height)" },
                frameRate: v?.frameRate.map(Self.fps),
                language: LanguageTag.bcp47(a?.language), name: a?.title,
                segments: b.media.segments.count, duration: ReportTime(b.duration),
                peakBitrate: rates[i].peak, averageBitrate: rates[i].average, bytes: b.bytes)
        }
        var warnings = result.warnings
        for f in findings where f.severity != .error { warnings.append("check: \(f)") }
        return PackageReport(
            input: request.input, output: request.output, format: request.format, master: "master.m3u8",
            duration: ReportTime(built.map(\.duration).max() ?? .zero), targetDuration: target,
            segmentCount: built.map { $0.media.segments.count }.max() ?? 0,
            renditions: renditions, cues: cues, warnings: warnings,
            encryption: request.encryption.map { EncryptionReport(method: $0.method, keyIDs: keys.map(\.id), rotation: $0.rotation) },
            keys: keys)
    }

    static func fps(_ f: FrameRate) -> String {
        MediaTime(value: f.numerator, timescale: Int32(clamping: f.denominator)).decimalString(fractionDigits: 3)
    }

    /// An I-frame playlist: one entry per keyframe, a byte range into its segment, lasting until
    /// the next keyframe.
    private func iFramePlaylist(_ records: [SegmentRecord], initFile: String?) -> (MediaPlaylist, [Int64]) {
        var frames: [(rec: SegmentRecord, k: KeyframeRecord)] = []
        for rec in records { for k in rec.keyframes { frames.append((rec, k)) } }
        var pl = MediaPlaylist(targetDuration: 1)
        var sizes: [Int64] = []
        var target = 1
        for (i, f) in frames.enumerated() {
            let start = ms(f.k.pts)
            let end = i + 1 < frames.count ? ms(frames[i + 1].k.pts) : max(ms(records.last!.end), start + 1)
            let d = max(1, end - start)
            target = max(target, Int((d + 500) / 1000))
            var seg = MediaSegment(duration: MediaTime(value: d, timescale: 1000), uri: f.rec.fileName,
                                   byteRange: ByteRange(length: f.k.length, offset: f.k.offset))
            if i == 0, let initFile {
                var map = AttributeList()
                map["URI"] = .quoted(initFile)
                seg.map = map
            }
            pl.segments.append(seg)
            sizes.append(f.k.length)
        }
        pl.targetDuration = target
        pl.version = initFile != nil ? 5 : 4
        pl.playlistType = .vod
        pl.iFramesOnly = true
        pl.independentSegments = true
        pl.endList = true
        return (pl, sizes)
    }

    private struct BreaksFile: Codable {
        var input: String
        var segmentDuration: ReportTime
        var timescale: Int32
        var cues: [CueReport]
    }

    private func writeText(_ path: String, _ text: String) throws(PackageError) {
        do {
            try SegmentSink.writeFile(path, Array(text.utf8)[...])
        } catch {
            throw PackageError(.outputNotWritable, path, "\(error)")
        }
    }

    private func writeJSON(_ path: String, _ value: some Encodable) throws(PackageError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else {
            throw PackageError(.invalidOutput, path, "cannot encode JSON")
        }
        try writeText(path, String(decoding: data, as: UTF8.self) + "\n")
    }
}
