import FoundationEssentials
import MediaCore
import NIOCore
import Showrunner
import Synchronization

/// Multivariant playlists as players get them from `/v1/play/...`: the version's `master.m3u8`
/// with every rendition URI made absolute and pinned to that version's folder
/// (`/media/<title>/<version>/...`). A player that fetched a master keeps getting that version's
/// playlists and segments after a republish; new sessions get the new version.
///
/// Version folders are immutable, so each rewritten master is built once and kept (bounded).
final class MasterPlaylists: Sendable {
    let mediaRoot: String
    /// URL prefix under which the media root is served.
    let mediaPrefix: String
    private let cache = Mutex<[String: ByteBuffer]>([:])
    private static let maxEntries = 512

    init(mediaRoot: String, mediaPrefix: String = "/media/") {
        self.mediaRoot = mediaRoot
        self.mediaPrefix = mediaPrefix
    }

    /// The rewritten master playlist of `version` (a shared buffer: no copy per request).
    func master(for version: TitleVersion) throws(ShowrunnerError) -> ByteBuffer {
        if let hit = cache.withLock({ $0[version.path] }) { return hit }
        let path = mediaRoot + "/" + version.path + "/master.m3u8"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ShowrunnerError(.media, "the master playlist of '\(version.title)' \(version.id) is missing (\(version.path)/master.m3u8)")
        }
        let text = String(decoding: data, as: UTF8.self)
        let playlist: MultivariantPlaylist
        do {
            playlist = try MultivariantPlaylist.parse(text)
        } catch {
            throw ShowrunnerError(.media, "the master playlist of '\(version.title)' \(version.id) does not parse: \(error)")
        }
        let bytes = ByteBuffer(string: Self.pin(playlist, prefix: mediaPrefix + version.path + "/").text)
        cache.withLock { c in
            if c.count >= Self.maxEntries { c.removeAll() }
            c[version.path] = bytes
        }
        return bytes
    }

    /// Prefixes every relative URI (variant URIs and URI attributes of EXT-X-MEDIA and
    /// EXT-X-I-FRAME-STREAM-INF) with `prefix`.
    static func pin(_ playlist: MultivariantPlaylist, prefix: String) -> MultivariantPlaylist {
        var p = playlist
        func fix(_ uri: String) -> String {
            if uri.hasPrefix("/") || uri.contains("://") { return uri }
            return prefix + uri
        }
        func fixAttribute(_ a: AttributeList) -> AttributeList {
            var a = a
            if let uri = a.string("URI") { a["URI"] = .quoted(fix(uri)) }
            return a
        }
        p.items = p.items.map { item in
            switch item {
            case .streamInf(let a, let uri): return .streamInf(a, uri: fix(uri))
            case .media(let a): return .media(fixAttribute(a))
            case .iFrameStreamInf(let a): return .iFrameStreamInf(fixAttribute(a))
            default: return item
            }
        }
        return p
    }
}
