public import MediaCore

/// How a still fills the requested box when the picture's aspect ratio differs from it.
public enum StillFit: String, Sendable, Hashable, Codable, CaseIterable {
    /// Fill the whole box, cutting off what overflows (centred).
    case crop
    /// Show the whole picture, with black bars above and below (letterbox) or at the sides
    /// (pillarbox), centred.
    case pad
}

/// The image format of a still, chosen by the output file's extension.
public enum StillImageFormat: String, Sendable, Hashable, Codable, CaseIterable {
    /// Baseline JPEG (JFIF, full-range 4:2:0), for `.jpg` / `.jpeg`.
    case jpeg
    /// PNG, 8-bit RGB, for `.png`.
    case png

    /// The format for a path's extension (case-insensitive `.jpg`, `.jpeg`, `.png`); nil for any
    /// other extension or none.
    public init?(path: String) {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot > name.startIndex else { return nil }
        switch name[name.index(after: dot)...].lowercased() {
        case "jpg", "jpeg": self = .jpeg
        case "png": self = .png
        default: return nil
        }
    }
}

/// Which picture to grab from a video, at what size, into which file.
public struct StillRequest: Sendable, Hashable {
    /// The input media file (anything `showrunner package` reads).
    public var input: String
    /// The time of the picture, from the start of the program (the container's start time): the
    /// frame shown at that instant, i.e. the last frame whose presentation time is ≤ `at`.
    public var at: MediaTime
    /// Output width in pixels: even, 2...8192.
    public var width: Int
    /// Output height in pixels: even, 2...8192.
    public var height: Int
    /// How the picture fills `width`×`height` when the aspect ratios differ.
    public var fit: StillFit
    /// The image file to write (replaced atomically); its extension picks the format.
    public var output: String
    /// JPEG quantizer scale as ffmpeg's `-q:v`: 2 (best, the default) to 31 (smallest). Ignored
    /// for PNG.
    public var jpegQuality: Int

    /// A request with the given values.
    public init(input: String, at: MediaTime, width: Int, height: Int, fit: StillFit = .crop, output: String,
                jpegQuality: Int = 2) {
        self.input = input
        self.at = at
        self.width = width
        self.height = height
        self.fit = fit
        self.output = output
        self.jpegQuality = jpegQuality
    }

    /// The largest accepted width or height.
    public static let maxDimension = 8192

    /// Checks the request without touching the input: the size, the time and the output's
    /// extension. Returns the image format. Throws `.invalidRequest` whose subject is the field
    /// (`--size`, `--at`, `--out`, `--quality`).
    public func validate() throws(PackageError) -> StillImageFormat {
        for (name, value) in [("width", width), ("height", height)] {
            guard value > 0, value <= Self.maxDimension, value % 2 == 0 else {
                throw PackageError(.invalidRequest, "--size",
                    "\(width)x\(height): the \(name) must be an even number of pixels from 2 to \(Self.maxDimension)")
            }
        }
        guard !at.isNegative else {
            throw PackageError(.invalidRequest, "--at", "\(at.decimalString(fractionDigits: 3)) s is negative")
        }
        guard (2...31).contains(jpegQuality) else {
            throw PackageError(.invalidRequest, "--quality", "\(jpegQuality) is not a JPEG quality from 2 (best) to 31")
        }
        guard let format = StillImageFormat(path: output) else {
            throw PackageError(.invalidRequest, "--out",
                "'\(output)' does not end in .jpg, .jpeg or .png (the extension picks the image format)")
        }
        return format
    }
}

/// What `Stills.extract` wrote.
public struct StillReport: Sendable, Hashable, Codable {
    /// The input file.
    public var input: String
    /// The image file written.
    public var output: String
    /// JPEG or PNG.
    public var format: StillImageFormat
    /// Image width in pixels.
    public var width: Int
    /// Image height in pixels.
    public var height: Int
    /// How the picture was fitted.
    public var fit: StillFit
    /// The time asked for.
    public var requested: ReportTime
    /// The presentation time of the frame taken, from the start of the program (≤ `requested`,
    /// unless the video starts later than `requested`).
    public var frameTime: ReportTime
    /// The decoded picture's size in pixels.
    public var sourceWidth: Int
    /// The decoded picture's height in pixels.
    public var sourceHeight: Int
    /// Size of the image file in bytes.
    public var bytes: Int
}
