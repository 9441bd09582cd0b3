import FoundationEssentials
import MediaCore

/// AES-128 encryption of a package in its work folder, after the remux and before any sizes,
/// bit rates or playlists are computed from the files (so BANDWIDTH and the reported bytes are
/// those of the encrypted files).
///
/// - Keys: `ContentKey.plan` on the package's segment grid, so every rendition changes key at
///   the same segment; one random key, id and IV per period, shared by all renditions.
/// - Segments: each file encrypted whole (CBC from the period's IV, PKCS#7 padding), in place.
/// - Init sections (fMP4 `init.mp4`) stay in the clear: the EXT-X-KEY comes after the EXT-X-MAP.
/// - I-frame playlists: a byte range into a CBC-encrypted segment is not decryptable on its own
///   (it needs the preceding cipher block as IV, and a player strips "padding" from its end), so
///   each I-frame range (PAT/PMT + keyframe in TS, the keyframe's own moof+mdat in fMP4) is
///   copied into a file of its own, `iframe_NNNNN.ts|m4s`, encrypted whole like a segment, and
///   the I-frame playlist names those files without EXT-X-BYTERANGE.
extension PackageAssembler {
    func encrypt(_ built: inout [Built], _ encryption: PackageEncryption) throws(PackageError) -> [ContentKey] {
        let gridCount = built.flatMap { $0.records.map { $0.index + 1 } }.max() ?? 0
        var random = SystemRandomNumberGenerator()
        let keys = ContentKey.plan(segmentCount: gridCount, rotation: encryption.rotation, using: &random)
        guard !keys.isEmpty else { return [] }
        func key(_ gridIndex: Int) -> ContentKey { keys.first { $0.segments.contains(gridIndex) } ?? keys[keys.count - 1] }
        let ext = request.format == .fmp4 ? ".m4s" : ".ts"

        for b in built.indices {
            let dir = directory + "/" + built[b].plan.id + "/"
            let records = built[b].records
            var iframeSources: [Int] = []  // grid index of each I-frame entry's segment
            var iframeSizes: [Int64] = []
            var segmentSizes: [Int64] = []
            for rec in records {
                let path = dir + rec.fileName
                let plain = try read(path)
                let k = key(rec.index)
                // The I-frames first, from the clear bytes.
                for kf in rec.keyframes where built[b].iframes != nil {
                    let j = iframeSources.count
                    guard kf.offset >= 0, kf.length > 0, kf.offset + kf.length <= Int64(plain.count) else {
                        throw PackageError(.invalidOutput, path, "keyframe range \(kf.length)@\(kf.offset) is outside the segment (a bug)")
                    }
                    let name = Self.iFrameName(j, ext)
                    let bytes = try seal(plain[Int(kf.offset)..<Int(kf.offset + kf.length)], k, dir + name)
                    try write(dir + name, bytes)
                    built[b].iframes!.segments[j].uri = name
                    built[b].iframes!.segments[j].byteRange = nil
                    iframeSources.append(rec.index)
                    iframeSizes.append(Int64(bytes.count))
                }
                let bytes = try seal(plain[...], k, path)
                try write(path, bytes)
                segmentSizes.append(Int64(bytes.count))
            }
            built[b].media.setKeys { key(records[$0].index).keyAttributes() }
            built[b].sizes = segmentSizes
            built[b].bytes = segmentSizes.reduce(0, +)
            if built[b].iframes != nil {
                guard iframeSources.count == built[b].iframes!.segments.count else {
                    throw PackageError(.invalidOutput, dir, "I-frame playlist and keyframes disagree (a bug)")
                }
                built[b].iframes!.setKeys { key(iframeSources[$0]).keyAttributes() }
                built[b].iframeSizes = iframeSizes
            }
        }
        return keys
    }

    /// `iframe_00012.ts`.
    static func iFrameName(_ n: Int, _ ext: String) -> String {
        let s = String(n)
        return "iframe_" + String(repeating: "0", count: max(0, 5 - s.count)) + s + ext
    }

    private func seal(_ plain: ArraySlice<UInt8>, _ key: ContentKey, _ path: String) throws(PackageError) -> [UInt8] {
        do {
            return try SegmentCipher.encrypt(plain, key: key.key, iv: key.iv)
        } catch {
            throw PackageError(.invalidOutput, path, "cannot encrypt: \(error)")
        }
    }

    private func read(_ path: String) throws(PackageError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PackageError(.invalidOutput, path, "cannot read the segment back to encrypt it")
        }
        return [UInt8](data)
    }

    private func write(_ path: String, _ bytes: [UInt8]) throws(PackageError) {
        do {
            try SegmentSink.writeFile(path, bytes[...])
        } catch {
            throw PackageError(.outputNotWritable, path, "\(error)")
        }
    }
}
