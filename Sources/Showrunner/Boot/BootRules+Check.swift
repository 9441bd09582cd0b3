
/// The ingest rules of boot creatives.
extension BootRules {
    /// Refuses a boot creative that breaks the channel's rules, with a `ShowrunnerError` whose
    /// `field` names what to fix. Checked in this order:
    ///
    /// - `id` not empty; `channel` is this channel;
    /// - `brand` given (`invalid`) and in `brands` (`notFound`, field `brand`);
    /// - the flight: `from` before `until` (field `until`);
    /// - `priority` 1...10; `share_percent` 1...100, and none on a default creative;
    /// - `duration_ms` positive (a video needs its length) and at most `maxDurationMS` (a 40 s
    ///   video is refused); `skippable_after_ms` within the duration; `close_prompt_ms` at most
    ///   the channel's;
    /// - each variant: width and height 1...16384, a relative path without `..`, a 64-hex sha256,
    ///   `0 < size ≤ maxFileBytes`, one variant per pixel size; a video's variants are
    ///   `video/mp4` with a `duration_ms` in 1...`maxDurationMS` and an `hls_master` path (relative,
    ///   without `..`); an image's are `image/…` without either;
    /// - share of voice: at every instant of the flight, the shares of this channel's
    ///   non-default creatives of the same priority that are live then (this one included) add
    ///   up to at most 100 % (`conflict`, field `share_percent`, naming the creatives). Equal
    ///   priorities with overlapping flights are otherwise allowed: `BootDecision` splits them
    ///   by share in id order.
    ///
    /// `existing` is the channel's other creatives; one with the same id is the creative being
    /// replaced and is ignored. Variants may still be empty (checking before rendering); a
    /// creative without variants is never chosen.
    public func check(creative c: BootCreative, brands: [Brand], existing: [BootCreative]) throws {
        guard !c.id.isEmpty else { throw ShowrunnerError.invalid("id", "a boot creative needs an id") }
        guard c.channel == channel else {
            throw ShowrunnerError.invalid("channel", "creative '\(c.id)' is for channel '\(c.channel)', these rules are for '\(channel)'")
        }
        guard !c.brand.isEmpty else { throw ShowrunnerError.invalid("brand", "a boot creative needs a brand") }
        guard brands.contains(where: { $0.id == c.brand }) else { throw ShowrunnerError.notFound("brand", c.brand) }
        guard c.from < c.until else {
            throw ShowrunnerError.invalid("until", "the flight must end after it starts (from \(c.from) until \(c.until))")
        }
        guard (1...10).contains(c.priority) else {
            throw ShowrunnerError.invalid("priority", "\(c.priority) is not 1 (first) ... 10 (last)")
        }
        if let share = c.sharePercent {
            guard !c.isDefault else {
                throw ShowrunnerError.invalid("share_percent", "a default creative takes what the others leave; it has no share")
            }
            guard (1...100).contains(share) else { throw ShowrunnerError.invalid("share_percent", "\(share) % is not 1...100 %") }
        }
        guard c.durationMS > 0 else {
            throw ShowrunnerError.invalid("duration_ms", c.kind == .video ? "a video needs its duration" : "must be positive")
        }
        guard c.durationMS <= maxDurationMS else {
            throw ShowrunnerError.invalid("duration_ms", "\(bootSeconds(c.durationMS)) is longer than the channel's maximum of \(bootSeconds(maxDurationMS))")
        }
        if let skip = c.skippableAfterMS, skip < 0 || skip > c.durationMS {
            throw ShowrunnerError.invalid("skippable_after_ms", "\(bootSeconds(skip)) is not within the creative's \(bootSeconds(c.durationMS))")
        }
        if let prompt = c.closePromptMS, prompt < 0 || prompt > closePromptMS {
            throw ShowrunnerError.invalid("close_prompt_ms", "\(bootSeconds(prompt)) is not within the channel's \(bootSeconds(closePromptMS))")
        }
        var sizes = Set<String>()
        for v in c.variants {
            let name = "variant \(v.sizeText)"
            guard (1...16384).contains(v.width), (1...16384).contains(v.height) else {
                throw ShowrunnerError.invalid("variants", "\(name): width and height must be 1...16384")
            }
            guard sizes.insert(v.sizeText).inserted else { throw ShowrunnerError.invalid("variants", "\(name) appears twice") }
            guard !v.path.isEmpty, !v.path.hasPrefix("/"), !v.path.split(separator: "/").contains("..") else {
                throw ShowrunnerError.invalid("variants", "\(name): path '\(v.path)' must be relative to the media root, without '..'")
            }
            guard v.sha256.utf8.count == 64, v.sha256.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
                throw ShowrunnerError.invalid("variants", "\(name): sha256 '\(v.sha256)' is not 64 lowercase hex digits")
            }
            guard v.size > 0 else { throw ShowrunnerError.invalid("variants", "\(name): size must be positive") }
            guard v.size <= maxFileBytes else {
                throw ShowrunnerError.invalid("variants", "\(name) is \(v.size) bytes, over the channel's maximum of \(maxFileBytes) bytes")
            }
            switch c.kind {
            case .video:
                guard v.mime == "video/mp4" else {
                    throw ShowrunnerError.invalid("variants", "\(name): a video variant is video/mp4, not \(v.mime)")
                }
                guard let ms = v.durationMS, ms > 0 else {
                    throw ShowrunnerError.invalid("variants", "\(name): a video variant needs its duration")
                }
                guard ms <= maxDurationMS else {
                    throw ShowrunnerError.invalid("variants", "\(name) is \(bootSeconds(ms)) long, over the channel's maximum of \(bootSeconds(maxDurationMS))")
                }
                guard let hls = v.hlsMaster, !hls.isEmpty, !hls.hasPrefix("/"), !hls.split(separator: "/").contains("..") else {
                    throw ShowrunnerError.invalid("variants", "\(name): a video variant needs its HLS master playlist, relative to the media root, without '..'")
                }
            case .image:
                guard v.mime.hasPrefix("image/") else {
                    throw ShowrunnerError.invalid("variants", "\(name): an image variant is image/jpeg or image/png, not \(v.mime)")
                }
                guard v.durationMS == nil, v.hlsMaster == nil else {
                    throw ShowrunnerError.invalid("variants", "\(name): an image variant has no duration or HLS of its own")
                }
            }
        }
        try checkShareOfVoice(c, existing: existing)
    }

    /// The share-of-voice sum, swept over the instants where a peer's flight starts inside the
    /// new creative's flight (the sum can only rise there).
    private func checkShareOfVoice(_ c: BootCreative, existing: [BootCreative]) throws {
        guard let share = c.sharePercent, !c.isDefault else { return }
        let peers = existing.filter {
            $0.id != c.id && $0.channel == c.channel && !$0.isDefault && $0.priority == c.priority
                && $0.sharePercent != nil && $0.overlaps(c)
        }
        guard !peers.isEmpty else { return }
        var instants = [c.from] + peers.map(\.from).filter { $0 > c.from && $0 < c.until }
        instants.sort()
        for t in instants {
            let live = peers.filter { $0.isLive(at: t) }.sorted { bootIDPrecedes($0.id, $1.id) }
            let total = live.reduce(share) { $0 + ($1.sharePercent ?? 0) }
            guard total > 100 else { continue }
            let named = (live + [c]).map { "\($0.id) \($0.sharePercent ?? 0) %" }
            let list = named.dropLast().joined(separator: ", ") + " and " + named.last!
            throw ShowrunnerError(.conflict,
                                  "share_percent: share of voice over 100 % at priority \(c.priority) from \(t): \(list) make \(total) %",
                                  field: "share_percent")
        }
    }
}
