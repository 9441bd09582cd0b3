/// The operator's view of content protection: which titles are encrypted, with which keys, how
/// old those keys are, how often each was fetched, and the refused fetches (with the session and
/// the reason). Built from the catalog and the key store; never holds key bytes.
public struct KeyReport: Sendable, Hashable, Codable {
    public struct Key: Sendable, Hashable, Codable {
        public var id: String
        public var firstSegment: Int?
        public var segmentCount: Int?
        public var createdAt: Timestamp?
        /// Seconds since the key was made (nil when the store has no such key: it cannot play).
        public var ageSeconds: Int64?
        public var stored: Bool
        public var fetches: Int
        public var refused: Int

        enum CodingKeys: String, CodingKey {
            case id, stored, fetches, refused
            case firstSegment = "first_segment", segmentCount = "segment_count", createdAt = "created_at", ageSeconds = "age_s"
        }
    }

    public struct Version: Sendable, Hashable, Codable {
        public var version: String
        public var method: String
        /// Channels it is live on now.
        public var liveOn: [String]
        public var keys: [Key]

        enum CodingKeys: String, CodingKey {
            case version, method, keys
            case liveOn = "live_on"
        }
    }

    public struct EncryptedTitle: Sendable, Hashable, Codable {
        public var title: String
        public var name: String
        public var versions: [Version]
    }

    public var at: Timestamp
    public var titles: [EncryptedTitle]
    /// Stored keys no registered version names (packaged with `--out`, not registered yet).
    public var unassignedKeys: [Key]
    /// The newest refused fetches, newest first.
    public var refusedFetches: [KeyFetch]

    enum CodingKeys: String, CodingKey {
        case at, titles
        case unassignedKeys = "unassigned_keys", refusedFetches = "refused_fetches"
    }

    /// Builds the view.
    public static func build(snapshot: CatalogSnapshot, keys: [StoredContentKey], counts: [String: KeyFetchCounts],
                             refused: [KeyFetch], now: Timestamp) -> KeyReport {
        let stored = Dictionary(keys.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var named = Set<String>()
        func key(_ id: String) -> Key {
            let s = stored[id]
            let c = counts[id] ?? KeyFetchCounts()
            return Key(id: id, firstSegment: s?.firstSegment, segmentCount: s?.segmentCount, createdAt: s?.createdAt,
                       ageSeconds: s.map { max(0, (now.milliseconds - $0.createdAt.milliseconds) / 1000) }, stored: s != nil,
                       fetches: c.ok, refused: c.refused)
        }
        var titles: [EncryptedTitle] = []
        for titleID in snapshot.versions.keys.sorted() {
            var versions: [Version] = []
            for v in (snapshot.versions[titleID] ?? [:]).values.sorted(by: { $0.createdAt < $1.createdAt || ($0.createdAt == $1.createdAt && $0.id < $1.id) }) {
                guard let e = v.encryption else { continue }
                named.formUnion(e.keyIDs)
                let live = snapshot.channels.keys.sorted().filter { snapshot.live[CatalogSnapshot.pair(titleID, $0)] == v.id }
                versions.append(Version(version: v.id, method: e.method, liveOn: live, keys: e.keyIDs.map(key)))
            }
            if !versions.isEmpty {
                titles.append(EncryptedTitle(title: titleID, name: snapshot.titles[titleID]?.name ?? titleID, versions: versions))
            }
        }
        let unassigned = keys.filter { !named.contains($0.id) }.map { key($0.id) }
        return KeyReport(at: now, titles: titles, unassignedKeys: unassigned, refusedFetches: refused)
    }

    /// Plain text for the terminal: one line per key, then the refused fetches.
    public var text: String {
        var lines: [String] = []
        if titles.isEmpty { lines.append("no encrypted titles") }
        for t in titles {
            for v in t.versions {
                lines.append("\(t.title) \(v.version) \(v.method) live on: \(v.liveOn.isEmpty ? "-" : v.liveOn.joined(separator: ","))")
                for k in v.keys {
                    let age = k.ageSeconds.map { Self.age($0) } ?? "MISSING"
                    let range = k.firstSegment.map { f in "segments \(f)-\(f + (k.segmentCount ?? 1) - 1)" } ?? "not stored"
                    lines.append("  key \(k.id)  \(range)  age \(age)  fetches \(k.fetches)  refused \(k.refused)")
                }
            }
        }
        for k in unassignedKeys {
            lines.append("unassigned key \(k.id)  age \(k.ageSeconds.map { Self.age($0) } ?? "-")")
        }
        if !refusedFetches.isEmpty {
            lines.append("refused key fetches (newest first):")
            for f in refusedFetches {
                lines.append("  \(f.at)  key \(f.keyID)  session \(f.session.isEmpty ? "-" : f.session)  \(f.reason?.rawValue ?? "-")")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// `3d 4h`, `5h 12m`, `7m 3s`, `42s`.
    static func age(_ s: Int64) -> String {
        if s >= 86_400 { return "\(s / 86_400)d \(s % 86_400 / 3600)h" }
        if s >= 3600 { return "\(s / 3600)h \(s % 3600 / 60)m" }
        if s >= 60 { return "\(s / 60)m \(s % 60)s" }
        return "\(s)s"
    }
}
