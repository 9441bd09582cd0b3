/// Either kind of HLS playlist, for callers that do not know which one they fetched.
public enum Playlist: Sendable, Hashable {
    /// A media playlist (segments).
    case media(MediaPlaylist)
    /// A multivariant playlist (variants and renditions).
    case multivariant(MultivariantPlaylist)

    /// Parses either kind, deciding from the tags: media if there is any media-playlist tag
    /// (EXTINF, EXT-X-TARGETDURATION, EXT-X-MEDIA-SEQUENCE, EXT-X-ENDLIST, EXT-X-KEY, …), else
    /// multivariant if there is any multivariant tag (EXT-X-STREAM-INF, EXT-X-MEDIA,
    /// EXT-X-I-FRAME-STREAM-INF, EXT-X-SESSION-DATA, EXT-X-SESSION-KEY,
    /// EXT-X-CONTENT-STEERING), else media (e.g. `#EXTM3U` alone). Both kinds present:
    /// `.mixedPlaylistKinds` at the first line of the kind that appears second (reported before
    /// any tag-level error). Other rules as for `MediaPlaylist.parse`/`MultivariantPlaylist.parse`.
    public static func parse(_ text: String, limits: PlaylistLimits = .default) throws(PlaylistError) -> Playlist {
        let lexed = try LexedPlaylist.lex(text, limits: limits)
        if try lexed.decideKind() {
            return .media(try MediaPlaylistParser.build(lexed))
        }
        return .multivariant(try MultivariantPlaylistParser.build(lexed))
    }

    /// The playlist text (see `MediaPlaylist.text` / `MultivariantPlaylist.text`).
    public var text: String {
        switch self {
        case .media(let p): return p.text
        case .multivariant(let p): return p.text
        }
    }

    /// The media playlist, if this is one.
    public var media: MediaPlaylist? {
        if case .media(let p) = self { return p }
        return nil
    }

    /// The multivariant playlist, if this is one.
    public var multivariant: MultivariantPlaylist? {
        if case .multivariant(let p) = self { return p }
        return nil
    }
}
