import FoundationEssentials
import MediaCore
public import Showrunner

#if canImport(Glibc)
import Glibc
#endif

/// The media side of the catalog: packaged versions live in immutable folders
/// `<root>/<title>/<version>/` under the media root. Registering a package copies it there (or
/// finds it there, when `showrunner package --title` wrote it in place), checks its playlists,
/// reads its renditions and cut points, and records the version through `CatalogService`.
public struct MediaLibrary: Sendable {
    /// The media root (absolute).
    public let root: String

    public init(root: String) {
        self.root = Self.absolute(root)
    }

    /// `<root>/<title>/<version>`.
    public func folder(title: String, version: String) -> String { root + "/" + title + "/" + version }

    /// Registers the package in `source` as version `version` (default: the next free `vN`) of
    /// `title`: copies it into the library unless it is already there, checks it, and records it.
    /// Nothing is recorded when any check fails; a copy that fails leaves nothing behind.
    public func register(
        package source: String, title: String, version: String? = nil, service: CatalogService, actor: String
    ) async throws(ShowrunnerError) -> TitleVersion {
        _ = try await service.title(title)
        let id: String
        if let version { id = version } else { id = try await service.nextVersionID(title: title) }
        try CatalogRules.checkID(id, field: "version")
        let destination = folder(title: title, version: id)
        let src = Self.absolute(source)
        if src != destination {
            var st = stat()
            if lstat(destination, &st) == 0 {
                throw ShowrunnerError(.conflict, "version folder \(title)/\(id) already exists in the media root", field: "version")
            }
            _ = try describe(folder: src, title: title, version: id, at: service.clock.now())  // check before copying
            try copy(src, to: destination)
        }
        let v = try describe(folder: destination, title: title, version: id, at: service.clock.now())
        return try await service.addVersion(v, actor: actor)
    }

    /// Reads a package folder into a `TitleVersion`: its master playlist must parse and name
    /// media playlists that exist and parse. Renditions, duration and cut points come from the
    /// playlists and `breaks.json`.
    public func describe(folder: String, title: String, version: String, at: Timestamp) throws(ShowrunnerError) -> TitleVersion {
        let masterPath = folder + "/master.m3u8"
        guard let masterData = FileManager.default.contents(atPath: masterPath) else {
            throw ShowrunnerError.invalid("package", "\(folder) has no master.m3u8 (is it a folder made by showrunner package?)")
        }
        let master: MultivariantPlaylist
        do {
            master = try MultivariantPlaylist.parse(String(decoding: masterData, as: UTF8.self))
        } catch {
            throw ShowrunnerError.invalid("package", "\(masterPath): \(error)")
        }
        guard let first = master.variants.first else {
            throw ShowrunnerError.invalid("package", "\(masterPath) lists no variant stream")
        }
        var renditions: [VersionRendition] = []
        var durationMS: Int64 = 0
        var fmp4 = false
        func media(_ uri: String) throws(ShowrunnerError) -> MediaPlaylist {
            guard !uri.hasPrefix("/"), !uri.contains("://"), !uri.split(separator: "/").contains("..") else {
                throw ShowrunnerError.invalid("package", "\(masterPath) refers to \(uri), outside the package")
            }
            guard let data = FileManager.default.contents(atPath: folder + "/" + uri) else {
                throw ShowrunnerError.invalid("package", "\(folder)/\(uri) is missing")
            }
            do {
                return try MediaPlaylist.parse(String(decoding: data, as: UTF8.self))
            } catch {
                throw ShowrunnerError.invalid("package", "\(folder)/\(uri): \(error)")
            }
        }
        var keyIDs: [String] = []
        var encrypted = false
        /// EXT-X-KEY lines: AES-128 with a `/v1/keys/<id>` URI (what `showrunner package
        /// --encrypt` writes) or NONE; anything else is a package we cannot serve keys for.
        func collectKeys(_ p: MediaPlaylist, _ uri: String) throws(ShowrunnerError) {
            for seg in p.segments {
                for k in seg.keys {
                    switch k.string("METHOD") {
                    case "NONE":
                        continue
                    case "AES-128":
                        guard let id = k.string("URI").flatMap(ContentKey.id(fromURI:)) else {
                            throw ShowrunnerError.invalid("package", "\(folder)/\(uri): EXT-X-KEY URI \(k.string("URI") ?? "(none)") is not \(ContentKey.uriPrefix)<key id>")
                        }
                        encrypted = true
                        if !keyIDs.contains(id) { keyIDs.append(id) }
                    default:
                        throw ShowrunnerError.invalid("package", "\(folder)/\(uri): EXT-X-KEY METHOD \(k.string("METHOD") ?? "(none)") is not supported (AES-128 only)")
                    }
                }
            }
        }
        for v in master.variants {
            let p = try media(v.uri)
            try collectKeys(p, v.uri)
            if p.segments.contains(where: { $0.map != nil }) { fmp4 = true }
            if v.uri == first.uri { durationMS = p.totalDuration.ticks(at: 1000) }
            renditions.append(VersionRendition(
                id: Self.folderName(v.uri), kind: v.resolution != nil ? "video" : "audio", codecs: v.codecs,
                resolution: v.resolution.map { "\($0.width)x\($0.height)" }, bandwidth: v.bandwidth))
        }
        for r in master.renditions where r.type == .audio {
            guard let uri = r.uri else { continue }
            try collectKeys(try media(uri), uri)
            renditions.append(VersionRendition(id: Self.folderName(uri), kind: "audio", codecs: [], resolution: nil, bandwidth: 0))
        }
        var cuts: [Int64] = []
        var source: String? = nil
        if let data = FileManager.default.contents(atPath: folder + "/breaks.json") {
            struct Breaks: Decodable {
                struct Time: Decodable { var ticks: Int64 }
                struct Cue: Decodable { var actual: Time? }
                var input: String?
                var cues: [Cue]
            }
            guard let b = try? JSONDecoder().decode(Breaks.self, from: data) else {
                throw ShowrunnerError.invalid("package", "\(folder)/breaks.json is not a showrunner breaks file")
            }
            cuts = b.cues.compactMap { $0.actual.map { $0.ticks / 90 } }
            source = b.input
        }
        return TitleVersion(id: version, title: title, path: title + "/" + version, format: fmp4 ? "fmp4" : "ts",
                            durationMS: durationMS, renditions: renditions, cutsMS: cuts, createdAt: at, source: source,
                            encryption: encrypted ? VersionEncryption(method: "aes-128", keyIDs: keyIDs) : nil)
    }

    /// Copies a package folder to `destination` through a hidden work folder and one rename.
    func copy(_ source: String, to destination: String) throws(ShowrunnerError) {
        let parent = String(destination[..<(destination.lastIndex(of: "/") ?? destination.endIndex)])
        let work = parent + "/." + (destination.split(separator: "/").last.map(String.init) ?? "v") + ".partial-\(getpid())"
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: parent, withIntermediateDirectories: true)
            try? fm.removeItem(atPath: work)
            try fm.createDirectory(atPath: work, withIntermediateDirectories: false)
            guard let entries = try? fm.subpathsOfDirectory(atPath: source) else {
                throw ShowrunnerError.invalid("package", "cannot read \(source)")
            }
            for rel in entries.sorted() {
                if rel.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
                let from = source + "/" + rel, to = work + "/" + rel
                var st = stat()
                guard lstat(from, &st) == 0 else { continue }
                switch st.st_mode & S_IFMT {
                case S_IFDIR: try fm.createDirectory(atPath: to, withIntermediateDirectories: true)
                case S_IFREG: try fm.copyItem(atPath: from, toPath: to)
                default: continue  // symlinks and others are not part of a package
                }
            }
            guard rename(work, destination) == 0 else {
                throw ShowrunnerError(.storage, "cannot move the package into \(destination): \(String(cString: strerror(errno)))")
            }
        } catch let e as ShowrunnerError {
            try? fm.removeItem(atPath: work)
            throw e
        } catch {
            try? fm.removeItem(atPath: work)
            throw ShowrunnerError(.storage, "cannot copy the package into the media root: \(error)")
        }
    }

    static func folderName(_ uri: String) -> String {
        String(uri.split(separator: "/").first ?? Substring(uri))
    }

    /// An absolute, normalized path (no `.`/`..` components, no trailing slash).
    public static func absolute(_ path: String) -> String {
        var base: [Substring] = []
        if !path.hasPrefix("/") {
            var buf = [CChar](repeating: 0, count: 4096)
            if getcwd(&buf, buf.count) != nil {
                let end = buf.firstIndex(of: 0) ?? buf.count
                let cwd = String(decoding: buf[..<end].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                base = cwd.split(separator: "/")
            }
        }
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { _ = base.popLast(); continue }
            base.append(part)
        }
        return "/" + base.joined(separator: "/")
    }
}
