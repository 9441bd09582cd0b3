public import MediaCore
import Synchronization

/// The segment container of a package.
public enum SegmentFormat: String, Sendable, Hashable, Codable, CaseIterable {
    /// MPEG-2 transport stream segments (`.ts`).
    case ts
    /// Fragmented MP4 segments (`.m4s`) with an `init.mp4` per rendition (EXT-X-MAP).
    case fmp4
}

/// How a package's segments are encrypted.
public enum PackageEncryption: Sendable, Hashable {
    /// RFC 8216bis `METHOD=AES-128`: every segment (and every I-frame file) encrypted whole with
    /// AES-128-CBC and PKCS#7 padding. A random key, key id and IV per key period: the whole
    /// version (`rotation` nil), or a new one every `rotation` segments (on the segment grid, so
    /// every rendition changes key at the same time). Init sections stay in the clear.
    case aes128(rotation: Int?)

    /// "aes-128".
    public var method: String {
        switch self {
        case .aes128: return "aes-128"
        }
    }

    /// Segments per key (nil: one key for the whole package).
    public var rotation: Int? {
        switch self {
        case .aes128(let rotation): return rotation
        }
    }
}

/// What to package, and how.
public struct PackageRequest: Sendable, Hashable {
    /// The input media file.
    public var input: String
    /// The package folder to create or replace (atomically, at the end).
    public var output: String
    public var format: SegmentFormat
    /// Target segment duration; segments are cut at the first keyframe at least this long after
    /// the segment start.
    public var segmentDuration: MediaTime
    /// Times (from the start of the program) where a segment must start: the first keyframe at or
    /// after each becomes a boundary (ad breaks).
    public var cues: [MediaTime]
    /// Transcode to this ladder (nil: remux the input's own streams, no re-encode).
    public var ladder: Ladder?
    /// When transcoding to TS, also give the first audio track its own audio-only rendition
    /// (it is muxed into every video rung as well), so an ad made this way has audio to stitch
    /// into a content package's audio-only renditions. fMP4 always has audio-only renditions.
    public var audioOnlyCopy = false
    /// Encrypt the segments (nil: in the clear). The keys come back in `PackageReport.keys`;
    /// they are never written into the package.
    public var encryption: PackageEncryption? = nil

    public init(
        input: String, output: String, format: SegmentFormat = .ts,
        segmentDuration: MediaTime = MediaTime(seconds: 6), cues: [MediaTime] = [], ladder: Ladder? = nil,
        encryption: PackageEncryption? = nil
    ) {
        self.input = input
        self.output = output
        self.format = format
        self.segmentDuration = segmentDuration
        self.cues = cues
        self.ladder = ladder
        self.encryption = encryption
    }
}

/// How far a packaging job has got.
public struct PackageProgress: Sendable, Hashable {
    /// Media time read so far (from the start of the program).
    public var processed: MediaTime
    /// The input's duration, when the container states it.
    public var total: MediaTime?
    /// Input bytes read so far.
    public var bytesRead: Int64
    /// Input size in bytes.
    public var bytesTotal: Int64
    /// Per-rendition detail when transcoding, e.g. "v1080p 41 fps · v720p 88 fps".
    public var detail: String?

    public init(processed: MediaTime, total: MediaTime?, bytesRead: Int64, bytesTotal: Int64, detail: String? = nil) {
        self.processed = processed
        self.total = total
        self.bytesRead = bytesRead
        self.bytesTotal = bytesTotal
        self.detail = detail
    }

    /// 0...1, from media time when the duration is known, else from bytes.
    public var fraction: Double {
        if let total, total.value > 0 {
            return min(1, max(0, Double(processed.ticks(at: 1000)) / Double(max(1, total.ticks(at: 1000)))))
        }
        return bytesTotal > 0 ? min(1, Double(bytesRead) / Double(bytesTotal)) : 0
    }
}

/// Set from another thread (a signal handler's task) to stop a job; the job then removes its
/// partial output and throws `PackageError.Code.cancelled`.
public final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    public init() {}
    public func cancel() { flag.store(true, ordering: .relaxed) }
    public var isCancelled: Bool { flag.load(ordering: .relaxed) }
}

/// A time printed for people and scripts: seconds (exact decimal, milliseconds) and 90 kHz ticks.
public struct ReportTime: Sendable, Hashable, Codable {
    /// Seconds as an exact decimal string, e.g. "12.012".
    public var seconds: String
    /// 90 kHz ticks.
    public var ticks: Int64

    public init(_ t: MediaTime) {
        seconds = t.decimalString(fractionDigits: 3)
        ticks = t.ticks(at: MediaTime.mpegTimescale)
    }
}

/// One rendition of a finished package.
public struct RenditionReport: Sendable, Hashable, Codable {
    /// Folder name inside the package, e.g. "v720p" or "audio-eng".
    public var id: String
    /// "video" (video, possibly with muxed audio) or "audio".
    public var kind: String
    /// Media playlist path relative to the package.
    public var playlist: String
    /// I-frame playlist path relative to the package (video renditions).
    public var iFramePlaylist: String?
    /// RFC 6381 codec strings of what the rendition carries.
    public var codecs: [String]
    public var resolution: String?
    public var frameRate: String?
    public var language: String?
    public var name: String?
    public var segments: Int
    public var duration: ReportTime
    /// Peak segment bit rate (RFC 8216bis definition), bits/s.
    public var peakBitrate: Int64
    /// Average segment bit rate, bits/s.
    public var averageBitrate: Int64
    public var bytes: Int64
}

/// What became of one `--cue`.
public struct CueReport: Sendable, Hashable, Codable {
    public var asked: ReportTime
    /// The cut actually made (first keyframe at or after `asked`); nil if the input ended first.
    public var actual: ReportTime?
    /// `actual - asked`.
    public var drift: ReportTime?
    /// Index of the segment that starts at the cut.
    public var segment: Int?
}

/// The summary of a finished package (also what `--json` prints).
public struct PackageReport: Sendable, Hashable, Codable {
    public var input: String
    public var output: String
    public var format: SegmentFormat
    /// The multivariant playlist, relative to `output`.
    public var master: String
    public var duration: ReportTime
    public var targetDuration: Int
    public var segmentCount: Int
    public var renditions: [RenditionReport]
    public var cues: [CueReport]
    /// Things the user should know (skipped streams, dropped leading frames, ...).
    public var warnings: [String]
    /// How the segments are encrypted (nil: in the clear).
    public var encryption: EncryptionReport? = nil
    /// The content keys of an encrypted package, in segment order: secret. Not in the package,
    /// not encoded (`--json` leaves them out): the caller stores them.
    public var keys: [ContentKey] = []

    enum CodingKeys: String, CodingKey {
        case input, output, format, master, duration, targetDuration, segmentCount, renditions, cues, warnings, encryption
    }
}

/// How a package is encrypted: what `--json` shows (key ids, never keys).
public struct EncryptionReport: Sendable, Hashable, Codable {
    /// "aes-128".
    public var method: String
    /// Key ids in segment order; each key is named `URI="/v1/keys/<id>"` in the playlists.
    public var keyIDs: [String]
    /// Segments per key (nil: one key for the whole package).
    public var rotation: Int?

    public init(method: String, keyIDs: [String], rotation: Int?) {
        self.method = method
        self.keyIDs = keyIDs
        self.rotation = rotation
    }
}
