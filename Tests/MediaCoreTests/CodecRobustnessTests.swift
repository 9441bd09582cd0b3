import Testing

@testable import MediaCore

/// Untrusted extradata must never crash: every byte prefix and many seeded random corruptions of
/// every vector either return a string / facts or throw a `CodecStringError` with a message.
@Suite struct CodecRobustnessTests {
    /// Every entry point, on any bytes; returns how many calls threw.
    @discardableResult
    static func exerciseAll(_ bytes: [UInt8]) -> Int {
        var failures = 0
        func check<T>(_ body: () throws(CodecStringError) -> T) {
            do {
                _ = try body()
            } catch {
                failures += 1
                #expect(!error.message.isEmpty)
            }
        }
        check { () throws(CodecStringError) in try CodecString.avc(extradata: bytes) }
        check { () throws(CodecStringError) in try ParameterSets.avcFacts(extradata: bytes) }
        check { () throws(CodecStringError) in try CodecString.hevc(extradata: bytes) }
        check { () throws(CodecStringError) in try ParameterSets.hevcFacts(extradata: bytes) }
        check { () throws(CodecStringError) in try CodecString.aac(audioSpecificConfig: bytes) }
        return failures
    }

    static let inputs: [(String, [UInt8])] =
        (CodecVectors.h264 + CodecVectors.hevc).flatMap {
            [("\($0.name) config", $0.configBytes), ("\($0.name) Annex B", $0.annexBBytes)]
        } + AACVectors.all.map { ($0.name, $0.bytes) }

    @Test func everyPrefixOfEveryVector() {
        for (_, bytes) in Self.inputs {
            for length in 0..<bytes.count { Self.exerciseAll(Array(bytes.prefix(length))) }
        }
    }

    @Test("config-record prefixes cut before the last parameter set throw .truncated", arguments: CodecVectors.h264 + CodecVectors.hevc)
    func recordPrefixesThrowTruncated(_ vector: VideoVector) {
        let isHEVC = vector.codecString.hasPrefix("hvc1")
        let bytes = vector.configBytes
        // x264/FFmpeg avcC for High profiles carries 4 optional trailing bytes (chroma_format...),
        // which the parser ignores; any cut before them must be reported.
        let required = isHEVC || vector.profileIDC < 100 ? bytes.count : bytes.count - 4
        for length in 1..<required {
            let prefix = Array(bytes.prefix(length))
            let error = #expect(throws: CodecStringError.self) {
                if isHEVC { _ = try CodecString.hevc(extradata: prefix) } else { _ = try CodecString.avc(extradata: prefix) }
            }
            #expect(error?.code == .truncated, "prefix \(length) of \(vector.name)")
        }
    }

    @Test func seededSingleByteCorruptions() {
        var rng = SplitMix64(seed: 0x5EED_C0DE_C5)
        for (_, bytes) in Self.inputs where !bytes.isEmpty {
            for _ in 0..<150 {
                var corrupted = bytes
                let index = Int.random(in: 0..<bytes.count, using: &rng)
                corrupted[index] ^= UInt8.random(in: 1...255, using: &rng)
                Self.exerciseAll(corrupted)
            }
        }
    }

    @Test func seededRandomBytesAndStartCodes() {
        var rng = SplitMix64(seed: 42)
        for round in 0..<300 {
            let length = Int.random(in: 0...48, using: &rng)
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            // Half the inputs look like Annex B or a version-1 record so the parsers go deeper.
            if round % 3 == 0 { bytes = [0, 0, 0, 1, round % 2 == 0 ? 0x67 : 0x42, 0x01] + bytes }
            if round % 3 == 1 { bytes = [1] + bytes }
            Self.exerciseAll(bytes)
        }
    }

    @Test func hostileLengthsAndCounts() {
        // avcC declaring 31 SPS of 0xFFFF bytes, hvcC declaring 255 arrays of 0xFFFF units.
        #expect(Self.exerciseAll([1, 0x64, 0, 0x1F, 0xFF, 0xFF, 0xFF, 0xFF]) == 5)
        var hvcc = [UInt8](repeating: 0, count: 23)
        hvcc[0] = 1
        hvcc[22] = 0xFF
        Self.exerciseAll(hvcc + [0x21, 0xFF, 0xFF, 0xFF, 0xFF])
        // Long runs of zeros and of emulation-prevention patterns.
        Self.exerciseAll([UInt8](repeating: 0, count: 64))
        Self.exerciseAll([0, 0, 1] + [UInt8](repeating: 0, count: 2) + [3, 0, 0, 3, 0, 0, 3])
        Self.exerciseAll([0, 0, 1, 0x67] + [UInt8](repeating: 0xFF, count: 40))
        Self.exerciseAll([0, 0, 1, 0x42, 0x01] + [UInt8](repeating: 0xFF, count: 40))
    }
}
