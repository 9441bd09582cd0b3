import MediaCore

import Testing


/// 2026-11-29T10:00:00.000Z.
let sessionStart: Int64 = 1_795_946_400_000

func t(_ decimal: String) -> MediaTime { MediaTime(decimal: decimal)! }

enum Container: String, CaseIterable, CustomTestStringConvertible {
    case ts, fmp4
    var testDescription: String { rawValue }
}

/// VOD content of `durations`: `<prefix><i>.ts|m4s` (fMP4: MAP `<prefix>init.mp4` on the first).
func content(_ container: Container, _ durations: [String] = Array(repeating: "6.000", count: 10),
             prefix: String = "c") -> MediaPlaylist {
    var p = MediaPlaylist(targetDuration: 6, version: container == .ts ? 3 : 6, playlistType: .vod, independentSegments: true)
    for (i, d) in durations.enumerated() {
        var s = MediaSegment(duration: t(d), uri: "\(prefix)\(i).\(container == .ts ? "ts" : "m4s")")
        if container == .fmp4 && i == 0 { s.map = AttributeList([Attribute(name: "URI", value: .quoted("\(prefix)init.mp4"))]) }
        p.append(s)
    }
    p.endList = true
    return p
}

/// Pre-roll, mid-rolls at 18 s and 42 s, post-roll at 60 s: the plan for `content(_:)`.
let fourBreaks = [
    MarkedBreak(id: "pre", eventID: 1, position: .pre, at: .zero, plannedDuration: t("15")),
    MarkedBreak(id: "mid-1", eventID: 2, position: .mid, at: t("18"), plannedDuration: t("30")),
    MarkedBreak(id: "mid-2", eventID: 3, position: .mid, at: t("42"), plannedDuration: t("20.5")),
    MarkedBreak(id: "post", eventID: 4, position: .post, at: t("60"), plannedDuration: t("10")),
]

func marked(_ container: Container, _ markers: MarkerStyle = .both, breaks: [MarkedBreak] = fourBreaks,
            cueStyle: BreakCueStyle = .spliceInsert) throws -> MediaPlaylist {
    try BreakMarker.mark(content(container), breaks: breaks, markers: markers, cueStyle: cueStyle,
                         programDateTime: sessionStart)
}

/// The 1-based number of the first line of `text` that starts with `prefix` at or after line `from`.
func line(_ prefix: String, in text: String, from: Int = 1) throws -> Int {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let k = try #require(lines.indices.first { $0 + 1 >= from && lines[$0].hasPrefix(prefix) }, "no line \(prefix)")
    return k + 1
}

/// `text` with line `n` (1-based) replaced by `replacement` lines (none = deleted).
func replacing(line n: Int, in text: String, with replacement: [String]) -> String {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    lines.replaceSubrange((n - 1)...(n - 1), with: replacement)
    return lines.joined(separator: "\n")
}

/// Codes and lines of a report's findings, for exact comparison.
func located(_ report: MarkerAudit.Report) -> [String] {
    report.findings.map { "\($0.file):\($0.line) \($0.code.rawValue) \($0.breakID ?? "-")" }
}
