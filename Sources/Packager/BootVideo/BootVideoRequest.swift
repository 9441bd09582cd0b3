public import MediaCore

/// One screen size a boot video is rendered for, in pixels (even numbers).
public struct BootVideoSize: Sendable, Hashable, Codable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// `1920x1080`: also the name of the size's files (`1920x1080.mp4`, `1920x1080/master.m3u8`).
    public var description: String { "\(width)x\(height)" }
}

/// What to render a boot-screen video into: one progressive MP4 per screen size (what a TV
/// caches) and, from the same encode, a short HLS per size (what a streaming player plays).
public struct BootVideoRequest: Sendable, Hashable {
    /// The input file: anything `showrunner package` reads that has a video stream (audio optional).
    public var input: String
    /// The screen sizes, each even, 16...8192 on a side, no duplicates.
    public var sizes: [BootVideoSize]
    /// How the picture fills a size whose aspect ratio differs: the still's rule (`crop` fills the
    /// screen and cuts the overflow, centred; `pad` letterboxes or pillarboxes in black).
    public var fit: StillFit
    /// An existing folder; per size it gets `<W>x<H>.mp4` and the HLS folder `<W>x<H>/`
    /// (`master.m3u8`, one rendition, TS segments). Files of the same names are replaced.
    public var outputDirectory: String
    /// Inputs longer than this are refused before anything is decoded (nil: any length).
    public var maxDuration: MediaTime?
    /// HLS segment length, also the IDR interval of the encode (2 s).
    public var segmentDuration: MediaTime
    /// x264 speed preset (`veryfast` unless told).
    public var preset: String

    public init(input: String, sizes: [BootVideoSize], fit: StillFit = .crop, outputDirectory: String,
                maxDuration: MediaTime? = nil, segmentDuration: MediaTime = MediaTime(seconds: 2), preset: String = "veryfast") {
        self.input = input
        self.sizes = sizes
        self.fit = fit
        self.outputDirectory = outputDirectory
        self.maxDuration = maxDuration
        self.segmentDuration = segmentDuration
        self.preset = preset
    }

    /// The H.264 average bit rate of a size: about 0.083 bits per pixel per frame, at least
    /// 1 Mb/s and at most 10 Mb/s (so a 30 s 4K creative, about 40 MB, stays under the default
    /// 50 MiB file limit). Bits/s. 1920x1080 at 25 fps: 4.3 Mb/s.
    public static func bitrate(for size: BootVideoSize, frameRate: FrameRate) -> Int {
        let fps = max(1, frameRate.numerator) * 1000 / max(1, frameRate.denominator)
        let bits = Int64(size.width) * Int64(size.height) * fps / 12_000
        return Int(min(10_000_000, max(1_000_000, bits)))
    }

    /// Checks the request without touching the input. Throws `.invalidRequest` naming the field.
    public func validate() throws(PackageError) {
        guard !sizes.isEmpty else { throw PackageError(.invalidRequest, "sizes", "no screen size to render for") }
        var seen = Set<BootVideoSize>()
        for s in sizes {
            guard (16...8192).contains(s.width), (16...8192).contains(s.height), s.width % 2 == 0, s.height % 2 == 0 else {
                throw PackageError(.invalidRequest, "sizes", "\(s): width and height must be even numbers of pixels from 16 to 8192")
            }
            guard seen.insert(s).inserted else { throw PackageError(.invalidRequest, "sizes", "\(s) appears twice") }
        }
        guard segmentDuration >= MediaTime(seconds: 1), segmentDuration <= MediaTime(seconds: 10) else {
            throw PackageError(.invalidRequest, "segment-duration", "\(segmentDuration.decimalSeconds) s is not 1...10 s")
        }
        let presets = ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow"]
        guard presets.contains(preset) else {
            throw PackageError(.invalidRequest, "preset", "'\(preset)' is not one of \(presets.joined(separator: ", "))")
        }
    }
}

/// What a boot video's input holds, read from its streams (nothing decoded).
public struct BootVideoProbe: Sendable, Hashable {
    public var input: String
    /// The coded picture size of the video stream.
    public var width: Int
    public var height: Int
    /// The video stream's length (its own duration, else the container's).
    public var duration: MediaTime
    /// The source frame rate (average, else the stream's base rate; 25 when it states none).
    public var frameRate: FrameRate
    /// FFmpeg's codec name, e.g. `h264`.
    public var videoCodec: String
    /// Whether an audio stream goes into the variants.
    public var hasAudio: Bool

    /// The duration in whole milliseconds (rounded to nearest).
    public var durationMS: Int64 { duration.milliseconds }
}

/// One rendered size of a boot video.
public struct BootVideoVariant: Sendable, Hashable {
    public var size: BootVideoSize
    /// The progressive MP4 (H.264 High, AAC-LC when the input has audio, `moov` before `mdat`),
    /// relative to the output folder: `1920x1080.mp4`.
    public var mp4: String
    /// The HLS multivariant playlist, relative to the output folder: `1920x1080/master.m3u8`.
    public var hlsMaster: String
    /// The MP4's video track length, read back from the written file.
    public var duration: MediaTime
    /// Size of the MP4 in bytes.
    public var bytes: Int64
    /// The encoder's target average bit rate, bits/s.
    public var bitrate: Int
    /// Segments in the HLS rendition.
    public var hlsSegments: Int
    /// Whether the source picture is narrower or shorter than this size (so it is scaled up) —
    /// the rule boot images follow; a crop to another aspect ratio alone does not count.
    public var upscaled: Bool

    /// Whole milliseconds (rounded to nearest).
    public var durationMS: Int64 { duration.milliseconds }
}

/// What `BootVideo.render` wrote.
public struct BootVideoReport: Sendable, Hashable {
    public var probe: BootVideoProbe
    /// In the order of `BootVideoRequest.sizes`.
    public var variants: [BootVideoVariant]
    /// Things to tell the user: upscaled sizes, streams left out.
    public var warnings: [String]
}
