import Testing

@testable import MediaCore

@Suite struct CodecBitstreamTests {
    @Test func bitReaderReadsAcrossBytesAndReportsTruncation() throws {
        var r = BitReader([0b1010_1100, 0b0101_0011], context: "test")
        #expect(try r.bits(3, "a") == 0b101)
        #expect(try r.bits(10, "b") == 0b01100_01010)
        #expect(r.bitsRemaining == 3)
        #expect(try r.bits(0, "nothing") == 0)
        let error = #expect(throws: CodecStringError.self) { try r.bits(4, "field_x") }
        #expect(error?.code == .truncated)
        #expect(error?.message == "test: field_x needs 4 bits at bit 13, only 3 remain")
        #expect(try r.bits(3, "c") == 0b011)
        #expect(throws: CodecStringError.self) { try r.flag("past end") }
    }

    @Test func bitReaderReads64Bits() throws {
        var r = BitReader([0xFF, 1, 2, 3, 4, 5, 6, 7, 0x80], context: "test")
        try r.skip(1, "skip")
        #expect(try r.bits(64, "wide") == 0xFE02_0406_080A_0C0F)
        #expect(throws: CodecStringError.self) { try r.bits(65, "too wide") }
    }

    @Test func expGolomb() throws {
        // 1 | 010 | 011 | 00100 | 00101 → ue 0, 1, 2; se +2 (code 3), -2 (code 4), Table 9-3.
        var r = BitReader([0b1010_0110, 0b0100_0010, 0b1000_0000], context: "test")
        #expect(try r.ue("a") == 0)
        #expect(try r.ue("b") == 1)
        #expect(try r.ue("c") == 2)
        #expect(try r.se("d") == 2)
        #expect(try r.se("e") == -2)
    }

    @Test func expGolombLimits() {
        var tooLong = BitReader([0, 0, 0, 0, 0x80], context: "test")
        let error = #expect(throws: CodecStringError.self) { try tooLong.ue("huge") }
        #expect(error?.code == .malformed)
        var cut = BitReader([0x00, 0x01], context: "test")  // 15 zeros, a 1, no suffix
        #expect(throws: CodecStringError.self) { try cut.ue("cut") }
        var outOfRange = BitReader([0b0001_0000], context: "test")  // ue = 7
        #expect(throws: CodecStringError.self) { try outOfRange.ue("id", in: 0...3) }
    }

    @Test func splitHandlesThreeAndFourByteStartCodesAndTrailingZeros() throws {
        let stream: [UInt8] = [0, 0, 0, 1, 0x67, 0xAA, 0, 0, 1, 0x68, 0xBB, 0, 0, 0, 0, 1, 0x06, 0xCC, 0, 0]
        let units = try AnnexB.split(stream)
        #expect(units.map(Array.init) == [[0x67, 0xAA], [0x68, 0xBB], [0x06, 0xCC]])
    }

    @Test func splitSkipsEmptyUnitsAndRejectsMissingStartCode() throws {
        #expect(try AnnexB.split([0, 0, 1, 0, 0, 1, 0x09, 0xF0]).map(Array.init) == [[0x09, 0xF0]])
        #expect(try AnnexB.split([0, 0, 1]).isEmpty)
        let error = #expect(throws: CodecStringError.self) { try AnnexB.split([0x01, 0x00, 0x00, 0x01]) }
        #expect(error?.code == .malformed)
        #expect(throws: CodecStringError.self) { try AnnexB.split([]) }
        #expect(throws: CodecStringError.self) { try AnnexB.split([0, 1, 0x67]) }
    }

    @Test func emulationPreventionRemoval() throws {
        // The trailing 00 00 03 is a cabac_zero_word: its 03 goes too.
        let nal: [UInt8] = [0x67, 0, 0, 3, 0, 0, 3, 1, 0, 0, 3]
        #expect(try AnnexB.rbsp(nal[...], context: "t") == [0x67, 0, 0, 0, 0, 1, 0, 0])
        // 00 00 03 03: the first 03 is emulation prevention, the second is data.
        #expect(try AnnexB.rbsp([0, 0, 3, 3][...], context: "t") == [0, 0, 3])
        let error = #expect(throws: CodecStringError.self) { try AnnexB.rbsp([0x67, 0, 0, 2][...], context: "t") }
        #expect(error?.code == .malformed)
        #expect(error?.message == "t: forbidden sequence 00 00 02 at byte 1 of the NAL unit")
        #expect(throws: CodecStringError.self) { try AnnexB.rbsp([0x67, 0, 0, 3, 0, 0, 0][...], context: "t") }
    }

    @Test func errorDescriptionAndStableCodes() {
        let error = CodecStringError(code: .noParameterSet, message: "x")
        #expect(error.description == "noParameterSet: x")
        #expect(CodecStringError.Code.allCases.map(\.rawValue) == ["empty", "truncated", "noParameterSet", "unsupported", "malformed"])
    }
}
