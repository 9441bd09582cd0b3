/// The command of a `splice_info_section` (SCTE 35 §9.7, `splice_command_type`).
///
/// `splice_null`, `splice_insert` and `time_signal` are decoded field by field;
/// `bandwidth_reservation` has no fields, `private_command` is an identifier plus opaque bytes,
/// and `splice_schedule` is checked for structure and kept verbatim. Any other command type is a
/// decode error (`.unknownCommand`).
public enum SpliceCommand: Sendable, Hashable {
    /// `splice_null()` (0x00): a heartbeat, or a carrier for descriptors.
    case spliceNull
    /// `splice_schedule()` (0x04), its bytes kept verbatim (checked to be well formed on decode).
    case spliceSchedule(bytes: [UInt8])
    /// `splice_insert()` (0x05).
    case spliceInsert(SpliceInsert)
    /// `time_signal()` (0x06) with its `splice_time()`: the PTS in 90 kHz ticks, or nil when
    /// `time_specified_flag` is 0 (immediate).
    case timeSignal(pts: Int64?)
    /// `bandwidth_reservation()` (0x07): no fields.
    case bandwidthReservation
    /// `private_command()` (0xFF): a 32-bit registered identifier and opaque bytes.
    case privateCommand(identifier: UInt32, bytes: [UInt8])

    /// The `splice_command_type` this command is written with.
    public var type: UInt8 {
        switch self {
        case .spliceNull: 0x00
        case .spliceSchedule: 0x04
        case .spliceInsert: 0x05
        case .timeSignal: 0x06
        case .bandwidthReservation: 0x07
        case .privateCommand: 0xFF
        }
    }

    /// The command's splice time in 90 kHz ticks (before `pts_adjustment`), when it has one:
    /// the `time_signal` PTS or the program `splice_insert`'s `splice_time`.
    public var pts: Int64? {
        switch self {
        case .timeSignal(let pts): pts
        case .spliceInsert(let insert): insert.spliceTime
        default: nil
        }
    }
}

/// `splice_insert()` (SCTE 35 §9.7.3): the classic avail out/in cue.
///
/// When `cancel` is true only `eventID` is on the wire; the other fields must then keep their
/// defaults (as `init(eventID:cancel:)` leaves them) for the value to encode exactly.
public struct SpliceInsert: Sendable, Hashable {
    /// `splice_event_id`.
    public var eventID: UInt32
    /// `splice_event_cancel_indicator`: cancels the earlier event with this ID.
    public var cancel: Bool
    /// `out_of_network_indicator`: true for a cue out (into the break), false for a cue in.
    public var outOfNetwork: Bool
    /// `program_splice_flag`: true splices the whole program at `spliceTime`; false splices the
    /// listed `components` (component mode, mostly legacy).
    public var programSplice: Bool
    /// The program splice point, 90 kHz PTS (before `pts_adjustment`); nil writes
    /// `splice_immediate_flag` 1. Must be nil in component mode.
    public var spliceTime: Int64?
    /// `break_duration()`, when `duration_flag` is 1.
    public var breakDuration: BreakDuration?
    /// Component mode only (`programSplice` false): the elementary streams and their splice times.
    /// `splice_immediate_flag` is written as 1 when every component's time is nil.
    public var components: [Component]
    /// `unique_program_id`.
    public var uniqueProgramID: UInt16
    /// `avail_num`.
    public var availNum: UInt8
    /// `avails_expected`.
    public var availsExpected: UInt8
    /// `event_id_compliance_flag` as found (reserved, hence 1, before SCTE 35 2020).
    public var eventIDComplianceFlag: Bool

    /// One component of a component-mode splice.
    public struct Component: Sendable, Hashable {
        /// `component_tag` (the PMT stream_identifier_descriptor's tag).
        public var tag: UInt8
        /// The component's splice time, 90 kHz PTS; nil = `time_specified_flag` 0 (or, when all
        /// components have none, `splice_immediate_flag` 1).
        public var spliceTime: Int64?

        /// A component with the given tag and splice time.
        public init(tag: UInt8, spliceTime: Int64? = nil) {
            self.tag = tag
            self.spliceTime = spliceTime
        }
    }

    /// A splice_insert; by default a program splice, immediate, without break duration.
    public init(
        eventID: UInt32, cancel: Bool = false, outOfNetwork: Bool = false, programSplice: Bool = true,
        spliceTime: Int64? = nil, breakDuration: BreakDuration? = nil, components: [Component] = [],
        uniqueProgramID: UInt16 = 0, availNum: UInt8 = 0, availsExpected: UInt8 = 0,
        eventIDComplianceFlag: Bool = true
    ) {
        self.eventID = eventID
        self.cancel = cancel
        self.outOfNetwork = outOfNetwork
        self.programSplice = programSplice
        self.spliceTime = spliceTime
        self.breakDuration = breakDuration
        self.components = components
        self.uniqueProgramID = uniqueProgramID
        self.availNum = availNum
        self.availsExpected = availsExpected
        self.eventIDComplianceFlag = eventIDComplianceFlag
    }

    /// True when `splice_immediate_flag` is written as 1.
    public var spliceImmediate: Bool {
        programSplice ? spliceTime == nil : components.allSatisfy { $0.spliceTime == nil }
    }
}

/// `break_duration()` (SCTE 35 §9.8.2).
public struct BreakDuration: Sendable, Hashable {
    /// `auto_return`: the splicer returns to the network when `duration` has elapsed.
    public var autoReturn: Bool
    /// The break length in 90 kHz ticks (33 bits).
    public var duration: Int64

    /// A break duration in 90 kHz ticks.
    public init(autoReturn: Bool = true, duration: Int64) {
        self.autoReturn = autoReturn
        self.duration = duration
    }

    /// A break duration from a `MediaTime`, rounded to the nearest 90 kHz tick.
    public init(autoReturn: Bool = true, duration: MediaTime) {
        self.init(autoReturn: autoReturn, duration: duration.ticks(at: MediaTime.mpegTimescale))
    }

    /// `duration` as a `MediaTime` at 90 kHz.
    public var mediaTime: MediaTime { MediaTime(ticks90k: duration) }
}
