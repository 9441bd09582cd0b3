// Bit-level reading and writing of the splice commands (SCTE 35 §9.7) and splice_time() /
// break_duration() (§9.8).

extension SpliceInfoSection {
    /// The syntax name of a command type, for messages.
    static func commandName(_ type: UInt8) -> String {
        switch type {
        case 0x00: "splice_null()"
        case 0x04: "splice_schedule()"
        case 0x05: "splice_insert()"
        case 0x06: "time_signal()"
        case 0x07: "bandwidth_reservation()"
        case 0xFF: "private_command()"
        default: "splice_command_type \(SCTE35Hex.literal(type, width: 2))"
        }
    }

    // MARK: Encoding

    /// The command's bytes (without type and length).
    static func encodeCommand(_ command: SpliceCommand) -> [UInt8] {
        var writer = SCTE35Writer()
        switch command {
        case .spliceNull, .bandwidthReservation:
            break
        case .spliceSchedule(let bytes):
            writer.append(bytes)
        case .spliceInsert(let insert):
            encodeSpliceInsert(insert, into: &writer)
        case .timeSignal(let pts):
            encodeSpliceTime(pts, into: &writer)
        case .privateCommand(let identifier, let bytes):
            writer.put(UInt64(identifier), 32)
            writer.append(bytes)
        }
        return writer.bytes
    }

    /// `splice_time()`: `time_specified_flag`, then 6 reserved bits and a 33-bit PTS, or 7
    /// reserved bits.
    static func encodeSpliceTime(_ pts: Int64?, into writer: inout SCTE35Writer) {
        if let pts {
            writer.flag(true)
            writer.reserved(6)
            writer.put(signed: pts, 33)
        } else {
            writer.flag(false)
            writer.reserved(7)
        }
    }

    static func encodeSpliceInsert(_ insert: SpliceInsert, into writer: inout SCTE35Writer) {
        writer.put(UInt64(insert.eventID), 32)
        writer.flag(insert.cancel)
        writer.reserved(7)
        guard !insert.cancel else { return }
        let immediate = insert.spliceImmediate
        writer.flag(insert.outOfNetwork)
        writer.flag(insert.programSplice)
        writer.flag(insert.breakDuration != nil)
        writer.flag(immediate)
        writer.flag(insert.eventIDComplianceFlag)
        writer.reserved(3)
        if insert.programSplice {
            if !immediate { encodeSpliceTime(insert.spliceTime, into: &writer) }
        } else {
            writer.put(UInt64(insert.components.count), 8)
            for component in insert.components {
                writer.put(UInt64(component.tag), 8)
                if !immediate { encodeSpliceTime(component.spliceTime, into: &writer) }
            }
        }
        if let breakDuration = insert.breakDuration {
            writer.flag(breakDuration.autoReturn)
            writer.reserved(6)
            writer.put(signed: breakDuration.duration, 33)
        }
        writer.put(UInt64(insert.uniqueProgramID), 16)
        writer.put(UInt64(insert.availNum), 8)
        writer.put(UInt64(insert.availsExpected), 8)
    }

    // MARK: Decoding

    /// Reads the command of type `type`. With `knownLength` false (`splice_command_length`
    /// 0xFFF) the command's own syntax delimits it; commands without one then throw.
    static func decodeCommand(
        type: UInt8, reader: inout SCTE35Reader, knownLength: Bool
    ) throws(SCTE35Error) -> SpliceCommand {
        switch type {
        case 0x00:
            return .spliceNull
        case 0x04:
            let start = reader.byte
            var probe = reader
            try skipSpliceSchedule(&probe)
            let bytes = try reader.bytes(probe.byte - start, "splice_schedule() bytes")
            return .spliceSchedule(bytes: bytes)
        case 0x05:
            return .spliceInsert(try decodeSpliceInsert(&reader))
        case 0x06:
            return .timeSignal(pts: try decodeSpliceTime(&reader, "splice_time()"))
        case 0x07:
            return .bandwidthReservation
        case 0xFF:
            guard knownLength else {
                throw .malformed(
                    "private_command() with splice_command_length 0xFFF (unknown) cannot be delimited (byte 11)",
                    byte: 11)
            }
            let identifier = try reader.u32("identifier")
            let bytes = try reader.bytes(reader.bytesRemaining, "private_byte")
            return .privateCommand(identifier: identifier, bytes: bytes)
        default:
            throw SCTE35Error(
                code: .unknownCommand, byte: 13,
                message: "splice_command_type \(SCTE35Hex.literal(type, width: 2)) is not defined by SCTE 35 "
                    + "(0x00, 0x04, 0x05, 0x06, 0x07, 0xFF) (byte 13)")
        }
    }

    /// `splice_time()`: the PTS, or nil when `time_specified_flag` is 0.
    static func decodeSpliceTime(_ reader: inout SCTE35Reader, _ name: String) throws(SCTE35Error) -> Int64? {
        if try reader.flag("\(name) time_specified_flag") {
            try reader.skip(6, "\(name) reserved")
            return try reader.i64(33, "\(name) pts_time")
        }
        try reader.skip(7, "\(name) reserved")
        return nil
    }

    static func decodeSpliceInsert(_ reader: inout SCTE35Reader) throws(SCTE35Error) -> SpliceInsert {
        var insert = SpliceInsert(eventID: try reader.u32("splice_event_id"))
        insert.cancel = try reader.flag("splice_event_cancel_indicator")
        try reader.skip(7, "reserved")
        guard !insert.cancel else { return insert }
        insert.outOfNetwork = try reader.flag("out_of_network_indicator")
        insert.programSplice = try reader.flag("program_splice_flag")
        let hasDuration = try reader.flag("duration_flag")
        let immediate = try reader.flag("splice_immediate_flag")
        insert.eventIDComplianceFlag = try reader.flag("event_id_compliance_flag")
        try reader.skip(3, "reserved")
        if insert.programSplice {
            // A splice_time() with time_specified_flag 0 reads as immediate (nil).
            if !immediate { insert.spliceTime = try decodeSpliceTime(&reader, "splice_time()") }
        } else {
            let count = Int(try reader.u8("component_count"))
            for index in 0..<count {
                var component = SpliceInsert.Component(tag: try reader.u8("component_tag[\(index)]"))
                if !immediate { component.spliceTime = try decodeSpliceTime(&reader, "component[\(index)] splice_time()") }
                insert.components.append(component)
            }
        }
        if hasDuration {
            let autoReturn = try reader.flag("break_duration() auto_return")
            try reader.skip(6, "break_duration() reserved")
            insert.breakDuration = BreakDuration(autoReturn: autoReturn, duration: try reader.i64(33, "break_duration() duration"))
        }
        insert.uniqueProgramID = try reader.u16("unique_program_id")
        insert.availNum = try reader.u8("avail_num")
        insert.availsExpected = try reader.u8("avails_expected")
        return insert
    }

    /// Walks a `splice_schedule()` (SCTE 35 §9.7.2) to find its end, checking its structure.
    static func skipSpliceSchedule(_ reader: inout SCTE35Reader) throws(SCTE35Error) {
        let count = Int(try reader.u8("splice_count"))
        for index in 0..<count {
            _ = try reader.u32("splice[\(index)] splice_event_id")
            let cancel = try reader.flag("splice[\(index)] splice_event_cancel_indicator")
            try reader.skip(7, "splice[\(index)] flags")
            guard !cancel else { continue }
            try reader.skip(1, "splice[\(index)] out_of_network_indicator")
            let program = try reader.flag("splice[\(index)] program_splice_flag")
            let hasDuration = try reader.flag("splice[\(index)] duration_flag")
            try reader.skip(5, "splice[\(index)] reserved")
            if program {
                try reader.skip(32, "splice[\(index)] utc_splice_time")
            } else {
                let components = Int(try reader.u8("splice[\(index)] component_count"))
                try reader.skip(components * 40, "splice[\(index)] components")
            }
            if hasDuration { try reader.skip(40, "splice[\(index)] break_duration()") }
            try reader.skip(32, "splice[\(index)] unique_program_id, avail_num, avails_expected")
        }
    }
}
