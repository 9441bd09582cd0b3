import Foundation
import Testing

@testable import MediaCore

/// Cross-check against a real third-party decoder: every built sample is encoded here and decoded
/// by threefive 3.1.5 (Python, from the conformance kit's venv) in one batch; the command type,
/// PTS, out_of_network_indicator, break duration, segmentation types, durations, UPIDs and the
/// CRC (`threefive.crc.crc32(section) == 0`) must agree. Skipped (with an issue only when
/// `SHOWRUNNER_REQUIRE_CONFORMANCE=1`) when the venv is missing.
@Suite struct SCTE35ConformanceTests {
    static var python: String {
        let home = ProcessInfo.processInfo.environment["CONFORMANCE_HOME"] ?? "/tmp/showrunner-conformance"
        return home + "/venv/bin/python"
    }

    /// Decodes each hex argument with threefive and prints one `RESULT {json}` line per cue.
    static let script = #"""
        import sys, json
        from threefive import Cue
        from threefive.crc import crc32

        def ticks(x):
            return None if x is None else int(round(float(x) * 90000))

        def upid(t, v):
            if t is None or t == 0 or v is None:
                return ""
            if t == 8:
                return str(int(v, 16))
            if t == 0x0C:
                pd = v["private_data"]
                return v["format_identifier"] + ":" + (format(int(pd, 16), "x") if len(pd) > 2 else "")
            if t == 0x0D:
                return "|".join(f'{u["upid_type"]}={upid(u["upid_type"], u["segmentation_upid"])}' for u in v)
            return str(v)

        for h in sys.argv[1:]:
            b = bytes.fromhex(h)
            out = {"crc": crc32(b)}
            try:
                c = Cue(b)
                c.decode()
                d = c.get()
                cmd, info = d["command"], d["info_section"]
                out.update(
                    type=info["splice_command_type"], adj=ticks(info.get("pts_adjustment")), tier=int(info["tier"], 16),
                    pts=ticks(cmd.get("pts_time")), out=cmd.get("out_of_network_indicator"),
                    immediate=cmd.get("splice_immediate_flag"), duration=ticks(cmd.get("break_duration")),
                    auto=cmd.get("break_auto_return"), event=cmd.get("splice_event_id"),
                    cancel=cmd.get("splice_event_cancel_indicator"), identifier=cmd.get("identifier"))
                ds = []
                for x in d["descriptors"]:
                    e = {"tag": x["tag"]}
                    if x["tag"] == 2:
                        t = x.get("segmentation_upid_type")
                        e.update(
                            seg_type=x.get("segmentation_type_id"), seg_duration=ticks(x.get("segmentation_duration")),
                            upid_type=t, upid=upid(t, x.get("segmentation_upid")),
                            event=int(x["segmentation_event_id"], 16), cancel=x.get("segmentation_event_cancel_indicator"),
                            num=x.get("segment_num"), expected=x.get("segments_expected"),
                            sub_num=x.get("sub_segment_num"), sub_expected=x.get("sub_segments_expected"),
                            not_restricted=x.get("delivery_not_restricted_flag"))
                    ds.append(e)
                out["descriptors"] = ds
            except Exception as ex:
                out["error"] = repr(ex)
            print("RESULT " + json.dumps(out), flush=True)
        """#

    /// Runs threefive on the hex strings; nil when the venv is missing.
    static func threefive(_ hexes: [String]) throws -> [[String: Any]]? {
        guard FileManager.default.isExecutableFile(atPath: python) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script] + hexes
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw SCTE35TestFailure("threefive exited \(process.terminationStatus): \(String(decoding: errors, as: UTF8.self))")
        }
        return try String(decoding: output, as: UTF8.self).split(separator: "\n").compactMap { line in
            guard line.hasPrefix("RESULT ") else { return nil }
            let json = try JSONSerialization.jsonObject(with: Data(line.dropFirst(7).utf8))
            return json as? [String: Any]
        }
    }

    /// The UPID in the normalized form the script prints ("" when threefive's form is not compared).
    static func normalized(_ upid: SegmentationUPID) -> String? {
        switch upid {
        case .none: return ""
        case .adID(let text), .uri(let text): return text
        case .ti(let value): return String(value)
        case .mpu(let format, let bytes):
            let name = String(decoding: (0..<4).map { UInt8(truncatingIfNeeded: format >> UInt32(24 - 8 * $0)) }, as: UTF8.self)
            var digits = SCTE35Hex.string(bytes).lowercased()
            while digits.hasPrefix("0") { digits.removeFirst() }
            return name + ":" + (bytes.isEmpty ? "" : digits.isEmpty ? "0" : digits)
        case .mid(let list):
            let parts = list.map { "\($0.type)=\(normalized($0) ?? "?")" }
            return parts.joined(separator: "|")
        case .other: return nil
        }
    }

    static func int(_ value: Any?) -> Int64? {
        switch value {
        case let value as Int: Int64(value)
        case let value as Int64: value
        case let value as Bool: value ? 1 : 0
        case let value as NSNumber: value.int64Value
        default: nil
        }
    }

    static func bool(_ value: Any?) -> Bool? {
        switch value {
        case let value as Bool: value
        case let value as NSNumber: value.boolValue
        default: nil
        }
    }

    @Test func threefiveDecodesWhatWeEncode() throws {
        let samples = SCTE35Samples.all.filter(\.threefive) + SCTE35Vectors.all.compactMap { vector in
            (try? SpliceInfoSection.decode(hex: vector.hex)).map { SCTE35Samples.Sample(name: vector.name, section: $0) }
        }
        guard let results = try Self.threefive(samples.map { SCTE35Hex.string($0.section.encode()) }) else {
            if ProcessInfo.processInfo.environment["SHOWRUNNER_REQUIRE_CONFORMANCE"] == "1" {
                Issue.record("threefive venv missing at \(Self.python) (run /work/shared/conformance/setup.sh --minimal)")
            }
            return
        }
        try #require(results.count == samples.count)
        for (sample, result) in zip(samples, results) {
            let name = sample.name
            let section = sample.section
            #expect(result["error"] == nil, "\(name): \(result["error"] ?? "")")
            #expect(Self.int(result["crc"]) == 0, "\(name): threefive CRC over the section is not 0")
            #expect(Self.int(result["type"]) == Int64(section.command.type), "\(name)")
            #expect(Self.int(result["adj"]) ?? 0 == section.ptsAdjustment, "\(name)")
            #expect(Self.int(result["tier"]) == Int64(section.tier), "\(name)")
            switch section.command {
            case .timeSignal(let pts):
                #expect(Self.int(result["pts"]) == pts, "\(name) pts")
            case .spliceInsert(let insert):
                #expect(Self.int(result["event"]) == Int64(insert.eventID), "\(name)")
                #expect(Self.bool(result["cancel"]) == insert.cancel, "\(name)")
                if !insert.cancel {
                    #expect(Self.int(result["pts"]) == insert.spliceTime, "\(name) splice_time")
                    #expect(Self.bool(result["out"]) == insert.outOfNetwork, "\(name) out_of_network_indicator")
                    #expect(Self.bool(result["immediate"]) == insert.spliceImmediate, "\(name)")
                    #expect(Self.int(result["duration"]) == insert.breakDuration?.duration, "\(name) break_duration")
                    if let breakDuration = insert.breakDuration {
                        #expect(Self.bool(result["auto"]) == breakDuration.autoReturn, "\(name) auto_return")
                    }
                }
            case .privateCommand(let identifier, _):
                #expect(Self.int(result["identifier"]) == Int64(identifier), "\(name)")
            default:
                break
            }
            let descriptors = result["descriptors"] as? [[String: Any]] ?? []
            #expect(descriptors.count == section.descriptors.count, "\(name)")
            for (descriptor, found) in zip(section.descriptors, descriptors) {
                #expect(Self.int(found["tag"]) == Int64(descriptor.tag), "\(name)")
                guard let segmentation = descriptor.segmentation else { continue }
                #expect(Self.int(found["event"]) == Int64(segmentation.eventID), "\(name)")
                #expect(Self.bool(found["cancel"]) == segmentation.cancel, "\(name)")
                guard !segmentation.cancel else { continue }
                #expect(Self.int(found["seg_type"]) == Int64(segmentation.type.rawValue), "\(name) segmentation_type_id")
                #expect(Self.int(found["seg_duration"]) == segmentation.duration, "\(name) segmentation_duration")
                #expect(Self.int(found["upid_type"]) == Int64(segmentation.upid.type), "\(name) upid type")
                if let upid = Self.normalized(segmentation.upid) {
                    #expect(found["upid"] as? String == upid, "\(name) upid")
                }
                #expect(Self.int(found["num"]) == Int64(segmentation.segmentNum), "\(name)")
                #expect(Self.int(found["expected"]) == Int64(segmentation.segmentsExpected), "\(name)")
                #expect(Self.int(found["sub_num"]) == segmentation.subSegmentNum.map(Int64.init), "\(name) sub_segment_num")
                #expect(
                    Self.int(found["sub_expected"]) == segmentation.subSegmentsExpected.map(Int64.init), "\(name) sub_segments_expected")
                #expect(Self.bool(found["not_restricted"]) == (segmentation.deliveryRestrictions == nil), "\(name)")
            }
        }
    }
}
