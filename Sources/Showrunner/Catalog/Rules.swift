/// The catalog's rules as pure functions: field checks, rights windows, and what publishing,
/// unpublishing and rolling back do. Stores call these inside their write transactions, so every
/// store (SQLite now, PostgreSQL later) applies the same rules to consistent state.
public enum CatalogRules {
    /// Ids are slugs: 1-64 characters of `a-z 0-9 . _ -`, starting with a letter or digit.
    public static func checkID(_ value: String, field: String) throws(ShowrunnerError) {
        let bytes = Array(value.utf8)
        guard !bytes.isEmpty else { throw .invalid(field, "must not be empty") }
        guard bytes.count <= 64 else { throw .invalid(field, "'\(value.prefix(70))' is longer than 64 characters") }
        guard let first = bytes.first, (first >= 0x61 && first <= 0x7A) || (first >= 0x30 && first <= 0x39) else {
            throw .invalid(field, "'\(value)' must start with a lowercase letter or a digit")
        }
        for b in bytes {
            let ok = (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x5F || b == 0x2E
            guard ok else { throw .invalid(field, "'\(value)' may contain only a-z, 0-9, '.', '_' and '-'") }
        }
    }

    /// A display name: 1-200 characters, no control characters.
    public static func checkName(_ value: String, field: String) throws(ShowrunnerError) {
        let trimmed = value.trimmingSpaces
        guard !trimmed.isEmpty else { throw .invalid(field, "must not be empty") }
        guard value.count <= 200 else { throw .invalid(field, "is longer than 200 characters") }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .invalid(field, "must not contain control characters")
        }
    }

    /// A positive number no larger than `max`.
    public static func checkPositive(_ value: Int, field: String, max: Int = 100_000) throws(ShowrunnerError) {
        guard value >= 1, value <= max else { throw .invalid(field, "\(value) is not between 1 and \(max)") }
    }

    /// A window's own fields: until after from, regions as two-letter codes.
    public static func checkWindow(_ w: RightsWindow) throws(ShowrunnerError) {
        try checkID(w.title, field: "title")
        try checkID(w.channel, field: "channel")
        if let until = w.until, until <= w.from {
            throw .invalid("until", "\(until) is not after from (\(w.from))")
        }
        for r in w.regions {
            guard r.utf8.count == 2, r.utf8.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else {
                throw .invalid("regions", "'\(r)' is not a two-letter uppercase region code (ISO 3166-1, e.g. US)")
            }
        }
    }

    /// A new window must not overlap the title's other windows on the same channel.
    public static func checkNoOverlap(_ new: RightsWindow, existing: [RightsWindow]) throws(ShowrunnerError) {
        for w in existing where w.title == new.title && w.channel == new.channel && w.id != new.id && w.overlaps(new) {
            let until = w.until.map { "until \($0)" } ?? "open-ended"
            throw .invalid("from", "the window overlaps window #\(w.id) of '\(new.title)' on '\(new.channel)' (from \(w.from), \(until))")
        }
    }

    // MARK: Publishing

    /// What a publish does to the state of one title × channel.
    public struct PublishPlan: Sendable, Hashable {
        /// A window to create (when the request names one that does not exist yet, or none exists).
        public var newWindow: RightsWindow?
        /// The publication to append, nil when the version is already live (nothing to do).
        public var publication: Publication?
        /// The version that is live afterwards.
        public var version: String
    }

    /// Plans a publish: the version (default the latest), a window (the one asked for, or an
    /// open one from now when the pair has none), and the publication.
    ///
    /// - Parameters:
    ///   - versions: the title's versions, oldest first.
    ///   - windows: the title's windows on this channel.
    ///   - history: the pair's publications, oldest first.
    public static func planPublish(
        title: String, channel: String, version: String?, from: Timestamp?, until: Timestamp?,
        versions: [TitleVersion], windows: [RightsWindow], history: [Publication],
        now: Timestamp, actor: String
    ) throws(ShowrunnerError) -> PublishPlan {
        guard let latest = versions.last else {
            throw ShowrunnerError(.conflict, "title '\(title)' has no packaged version yet (showrunner package INPUT --title \(title))", field: "version")
        }
        let chosen: String
        if let version {
            guard versions.contains(where: { $0.id == version }) else {
                throw ShowrunnerError(.notFound, "version '\(version)' of title '\(title)' does not exist (versions: \(versions.map(\.id).joined(separator: ", ")))", field: "version")
            }
            chosen = version
        } else {
            chosen = latest.id
        }
        var newWindow: RightsWindow? = nil
        if from != nil || until != nil {
            let w = RightsWindow(title: title, channel: channel, from: from ?? now, until: until)
            try checkWindow(w)
            if !windows.contains(where: { $0.from == w.from && $0.until == w.until }) {
                try checkNoOverlap(w, existing: windows)
                newWindow = w
            }
        } else if windows.isEmpty {
            newWindow = RightsWindow(title: title, channel: channel, from: now, until: nil)
        }
        let current = history.last?.version
        let publication = current == chosen && newWindow == nil
            ? nil : Publication(title: title, channel: channel, version: chosen, at: now, actor: actor)
        return PublishPlan(newWindow: newWindow, publication: publication, version: chosen)
    }

    /// Plans an unpublish: a publication with no version, nil when not published.
    public static func planUnpublish(title: String, channel: String, history: [Publication], now: Timestamp, actor: String) -> Publication? {
        guard history.last?.version != nil else { return nil }
        return Publication(title: title, channel: channel, version: nil, at: now, actor: actor)
    }

    /// Plans a rollback: republish the version that was live before the current one.
    public static func planRollback(title: String, channel: String, history: [Publication], now: Timestamp, actor: String) throws(ShowrunnerError) -> Publication {
        let current = history.last?.version
        guard let previous = history.dropLast().reversed().first(where: { $0.version != nil && $0.version != current })?.version else {
            throw ShowrunnerError(.conflict, "'\(title)' on '\(channel)' has no earlier version to roll back to", field: "title")
        }
        return Publication(title: title, channel: channel, version: previous, at: now, actor: actor)
    }

    // MARK: Availability

    /// Why a title can or cannot be played on a channel at `now`.
    public enum Availability: Sendable, Hashable {
        case playable(TitleVersion)
        case notPublished
        case noWindow
        case windowNotOpen(opens: Timestamp)
        case windowClosed(closed: Timestamp)
        case region(String)

        /// The sentence a 403 carries.
        public func reason(title: String, channel: String) -> String {
            switch self {
            case .playable: return "playable"
            case .notPublished: return "'\(title)' is not published on channel '\(channel)'"
            case .noWindow: return "'\(title)' has no rights window on channel '\(channel)'"
            case .windowNotOpen(let t): return "'\(title)' is not available on channel '\(channel)' until \(t)"
            case .windowClosed(let t): return "'\(title)' stopped being available on channel '\(channel)' at \(t)"
            case .region(let r): return "'\(title)' is not licensed for region \(r) on channel '\(channel)'"
            }
        }
    }

    /// Decides availability from the pair's current version and windows.
    public static func availability(version: TitleVersion?, windows: [RightsWindow], now: Timestamp, region: String?) -> Availability {
        guard let version else { return .notPublished }
        guard !windows.isEmpty else { return .noWindow }
        let open = windows.filter { $0.contains(now) }
        guard !open.isEmpty else {
            if let next = windows.filter({ $0.from > now }).map(\.from).min() { return .windowNotOpen(opens: next) }
            let closed = windows.compactMap(\.until).filter { $0 <= now }.max() ?? now
            return .windowClosed(closed: closed)
        }
        if let region, !open.contains(where: { $0.regions.isEmpty || $0.regions.contains(region) }) {
            return .region(region)
        }
        return .playable(version)
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: Substring {
        var s = self[...]
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}
