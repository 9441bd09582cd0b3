import MediaCore
import Testing

@Suite("HLS builders and typed accessors")
struct HLSBuilderTests {
    @Test func mediaPlaylistWritesCanonicalText() throws {
        var p = MediaPlaylist(targetDuration: 6, version: 3, playlistType: .vod)
        p.append(MediaSegment(duration: MediaTime(value: 6006, timescale: 1000), uri: "s0.ts"))
        p.append(MediaSegment(duration: MediaTime(seconds: 6), uri: "s1.ts", title: "ad, part 1", discontinuity: true))
        p.append(MediaSegment(duration: MediaTime(value: 1_500_000, timescale: 1_000_000), uri: "s2.ts",
                              byteRange: ByteRange(length: 1000, offset: 0)))
        p.append(MediaSegment(duration: MediaTime(value: 90_090, timescale: 90_000), uri: "s3.ts",
                              byteRange: ByteRange(length: 500)))
        p.endList = true
        let expected = """
            #EXTM3U
            #EXT-X-VERSION:3
            #EXT-X-TARGETDURATION:6
            #EXT-X-MEDIA-SEQUENCE:0
            #EXT-X-PLAYLIST-TYPE:VOD
            #EXTINF:6.006,
            s0.ts
            #EXT-X-DISCONTINUITY
            #EXTINF:6,ad, part 1
            s1.ts
            #EXTINF:1.500000,
            #EXT-X-BYTERANGE:1000@0
            s2.ts
            #EXTINF:1.001000,
            #EXT-X-BYTERANGE:500
            s3.ts
            #EXT-X-ENDLIST

            """
        #expect(p.text == expected)
        let reparsed = try MediaPlaylist.parse(p.text)
        #expect(reparsed == p)
        #expect(reparsed.text == expected)
    }

    @Test func mediaHeaderSettersKeepCanonicalOrder() {
        var p = MediaPlaylist(targetDuration: 4)
        p.independentSegments = true
        p.version = 7
        p.discontinuitySequence = 2
        p.playlistType = .event
        p.iFramesOnly = true
        p.mediaSequence = 9
        p.start = AttributeList([Attribute(name: "TIME-OFFSET", value: .token("-12.5"))])
        #expect(p.header == [
            .version(7), .targetDuration(4), .mediaSequence(9), .discontinuitySequence(2), .playlistType(.event),
            .iFramesOnly, .independentSegments, .start(AttributeList([Attribute(name: "TIME-OFFSET", value: .token("-12.5"))])),
        ])
        p.version = nil
        p.iFramesOnly = false
        p.playlistType = nil
        p.targetDuration = 6
        #expect(p.header.prefix(2) == [.targetDuration(6), .mediaSequence(9)])
        var q = MediaPlaylist(header: [.comment(" hi")], segments: [], trailer: [])
        q.discontinuitySequence = 0
        #expect(q.header == [.comment(" hi")])
        q.mediaSequence = 3
        #expect(q.header == [.comment(" hi"), .mediaSequence(3)])
    }

    @Test func segmentSettersReplaceOrInsertCanonically() {
        var s = MediaSegment(items: [.other(Tag(name: "EXT-X-CUE-IN")), .inf(duration: MediaTime(seconds: 4), title: "x")],
                             uri: "a.ts")
        s.discontinuity = true
        s.programDateTime = "2024-01-01T00:00:00Z"
        s.key = AttributeList([Attribute(name: "METHOD", value: .token("NONE"))])
        s.byteRange = ByteRange(length: 10)
        s.gap = true
        s.bitrate = 800
        s.duration = MediaTime(value: 3500, timescale: 1000)
        s.title = "y"
        #expect(s.items == [
            .other(Tag(name: "EXT-X-CUE-IN")), .discontinuity, .key(AttributeList([Attribute(name: "METHOD", value: .token("NONE"))])),
            .programDateTime("2024-01-01T00:00:00Z"), .gap, .bitrate(800),
            .inf(duration: MediaTime(value: 3500, timescale: 1000), title: "y"), .byteRange(ByteRange(length: 10)),
        ])
        s.discontinuity = false
        s.key = nil
        s.byteRange = nil
        s.gap = false
        s.bitrate = nil
        s.programDateTime = nil
        #expect(s.items == [.other(Tag(name: "EXT-X-CUE-IN")), .inf(duration: MediaTime(value: 3500, timescale: 1000), title: "y")])
        var empty = MediaSegment(items: [], uri: "b.ts")
        #expect(empty.duration == .zero)
        empty.map = AttributeList([Attribute(name: "URI", value: .quoted("init.mp4"))])
        empty.duration = MediaTime(seconds: 2)
        #expect(empty.items == [.map(AttributeList([Attribute(name: "URI", value: .quoted("init.mp4"))])),
                                .inf(duration: MediaTime(seconds: 2), title: "")])
    }

    @Test func segmentEqualityIgnoresLine() throws {
        let p = try MediaPlaylist.parse(HLSFixtures.ffmpegVOD)
        var built = p.segments[0]
        built.line = nil
        #expect(built == p.segments[0])
        #expect(built.hashValue == p.segments[0].hashValue)
    }

    @Test func multivariantPlaylistWritesCanonicalText() throws {
        var p = MultivariantPlaylist(version: 6, independentSegments: true)
        p.append(Variant(bandwidth: 2_000_000, averageBandwidth: 1_500_000, codecs: ["avc1.64001f", "mp4a.40.2"],
                         resolution: Resolution(width: 1280, height: 720),
                         frameRate: FrameRate(numerator: 30000, denominator: 1001), audioGroup: "aud",
                         closedCaptions: "NONE", uri: "720p.m3u8"))
        p.append(IFrameVariant(bandwidth: 150_000, codecs: ["avc1.64001f"], resolution: Resolution(width: 1280, height: 720),
                               uri: "720p-iframes.m3u8"))
        p.append(Rendition(type: .audio, groupID: "aud", name: "English", language: "en", isDefault: true,
                           autoselect: true, channels: "2", uri: "en.m3u8"))
        p.append(Variant(bandwidth: 800_000, codecs: ["avc1.4d401e", "mp4a.40.2"], audioGroup: "aud",
                         hdcpLevel: "NONE", videoRange: "SDR", uri: "360p.m3u8"))
        var cc = Rendition(type: .closedCaptions, groupID: "cc", name: "CC1")
        cc.instreamID = "CC1"
        p.append(cc)
        let expected = """
            #EXTM3U
            #EXT-X-VERSION:6
            #EXT-X-INDEPENDENT-SEGMENTS
            #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",LANGUAGE="en",NAME="English",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="en.m3u8"
            #EXT-X-MEDIA:TYPE=CLOSED-CAPTIONS,GROUP-ID="cc",NAME="CC1",DEFAULT=NO,AUTOSELECT=NO,INSTREAM-ID="CC1"
            #EXT-X-STREAM-INF:BANDWIDTH=2000000,AVERAGE-BANDWIDTH=1500000,CODECS="avc1.64001f,mp4a.40.2",RESOLUTION=1280x720,FRAME-RATE=29.970,AUDIO="aud",CLOSED-CAPTIONS=NONE
            720p.m3u8
            #EXT-X-STREAM-INF:BANDWIDTH=800000,CODECS="avc1.4d401e,mp4a.40.2",HDCP-LEVEL=NONE,VIDEO-RANGE=SDR,AUDIO="aud"
            360p.m3u8
            #EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=150000,CODECS="avc1.64001f",RESOLUTION=1280x720,URI="720p-iframes.m3u8"

            """
        #expect(p.text == expected)
        let reparsed = try MultivariantPlaylist.parse(p.text)
        #expect(reparsed == p)
        #expect(reparsed.variants == p.variants)
        #expect(reparsed.renditions == p.renditions)
        #expect(reparsed.iFrameVariants == p.iFrameVariants)
        #expect(p.itemLines.count == p.items.count)
    }

    @Test func multivariantSettersAndInterludeShift() throws {
        var p = try MultivariantPlaylist.parse(HLSFixtures.multivariant)
        let before = p.text
        p.append(Rendition(type: .audio, groupID: "aac", name: "Français", language: "fr", uri: "audio/fr/prog.m3u8"))
        // The comment between the second STREAM-INF and its URI must stay with it.
        #expect(p.text.contains("VIDEO-RANGE=SDR,SCORE=2.0\n# the 1080p rendition\nv1080/prog.m3u8\n"))
        #expect(p.itemLines.count == p.items.count)
        #expect(p.text.count > before.count)
        p.version = nil
        #expect(p.version == nil)
        #expect(p.text.contains("VIDEO-RANGE=SDR,SCORE=2.0\n# the 1080p rendition\nv1080/prog.m3u8\n"))
        p.version = 7
        #expect(p.items.first == .version(7))
        p.independentSegments = false
        #expect(!p.independentSegments)
        p.independentSegments = true
        #expect(p.items[1] == .independentSegments)
        #expect(try MultivariantPlaylist.parse(p.text) == p)
    }

    @Test func variantAccessorsEditAttributesInPlace() throws {
        let a = try AttributeList.parse(#"BANDWIDTH=100,SCORE=1.5,CODECS="a, b",X-FOO="bar""#)
        var v = try Variant(attributes: a, uri: "v.m3u8")
        #expect(v.codecs == ["a", "b"])
        #expect(v.extra.attributes.map(\.name) == ["SCORE", "X-FOO"])
        v.bandwidth = 200
        v.codecs = []
        v.closedCaptions = "cc1"
        v.extra = AttributeList([Attribute(name: "SCORE", value: .token("2")), Attribute(name: "BANDWIDTH", value: .token("9"))])
        #expect(v.attributes.text == #"BANDWIDTH=200,CLOSED-CAPTIONS="cc1",SCORE=2"#)
        v.frameRate = FrameRate(numerator: 25)
        #expect(v.attributes.string("FRAME-RATE") == "25.000")

        var r = Rendition(type: .subtitles, groupID: "s", name: "English", uri: "s.m3u8")
        r.forced = false
        #expect(!r.attributes.contains("FORCED"))
        r.isDefault = false
        #expect(r.attributes["DEFAULT"] == .token("NO"))
        r.forced = true
        #expect(r.attributes["FORCED"] == .token("YES"))
        r.characteristics = "public.accessibility.describes-music-and-sound"
        #expect(try Rendition(attributes: r.attributes) == r)

        var i = IFrameVariant(bandwidth: 1, uri: "i.m3u8")
        i.uri = "j.m3u8"
        i.videoRange = "PQ"
        #expect(i.attributes.text == #"BANDWIDTH=1,URI="j.m3u8",VIDEO-RANGE=PQ"#)
    }

    @Test func valueTypes() {
        #expect(FrameRate(numerator: 30000, denominator: 1001).text == "29.970")
        #expect(FrameRate("29.970") == FrameRate(numerator: 29970, denominator: 1000))
        #expect(FrameRate("29.97") == FrameRate(numerator: 29970, denominator: 1000))
        #expect(FrameRate("-1") == nil)
        #expect(FrameRate(numerator: 1, denominator: 0).text == "0.000")
        #expect(Set([FrameRate(numerator: 30), FrameRate(numerator: 60, denominator: 2)]).count == 1)
        #expect(Resolution("1920x1080") == Resolution(width: 1920, height: 1080))
        #expect(Resolution("1920X1080") == nil)
        #expect(Resolution("x1080") == nil)
        #expect(Resolution("1920x1080x2") == nil)
        #expect(ByteRange("100@0") == ByteRange(length: 100, offset: 0))
        #expect(ByteRange("100") == ByteRange(length: 100))
        #expect(ByteRange("100@") == nil)
        #expect(ByteRange("@5") == nil)
        #expect(ByteRange("1234567890123456789") == nil)
        #expect(Tag(name: "EXT-X-A").text == "#EXT-X-A")
        #expect(Tag(name: "EXT-X-A", value: "").text == "#EXT-X-A:")
        let error = PlaylistError(line: 12, code: .invalidValue, message: #"EXTINF duration "abc" is not a decimal number"#)
        #expect(error.description == #"line 12: EXTINF duration "abc" is not a decimal number"#)
        #expect(PlaylistError(line: 0, code: .tooLarge, message: "m").description == "m")
    }

    @Test func attributeListAccessors() throws {
        var a = try AttributeList.parse(#"A=1,B="x,y",C=0x1F,D=-2.5,E=1280x720,F=0012,G="""#)
        #expect(a.text == #"A=1,B="x,y",C=0x1F,D=-2.5,E=1280x720,F=0012,G="""#)
        #expect(a.integer("A") == 1)
        #expect(a.integer("B") == nil)
        #expect(a.integer("F") == 12)
        #expect(a.string("B") == "x,y")
        #expect(a.string("C") == "0x1F")
        #expect(a.decimal("D") == MediaTime(value: -25, timescale: 10))
        #expect(a.resolution("E") == Resolution(width: 1280, height: 720))
        #expect(a.string("G") == "")
        #expect(a["Z"] == nil)
        a["A"] = .integer(2)
        a["Z"] = .quoted("z")
        a["C"] = nil
        #expect(a.text == #"A=2,B="x,y",D=-2.5,E=1280x720,F=0012,G="",Z="z""#)
        #expect(try AttributeList.parse("") == AttributeList())
        #expect(AttributeValue.decimal(MediaTime(value: 2002, timescale: 1000)) == .token("2.002"))
    }
}
