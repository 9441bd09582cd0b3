import Foundation
import Testing
import Showrunner

/// A feature-rich VAST 4.2 InLine response: XML declaration, comment, PI, namespace prefix on
/// an extension, entities, numeric references, CDATA URLs with surrounding newlines.
let inlineVAST = """
<?xml version="1.0" encoding="UTF-8"?>
<!-- served by test -->
<VAST version="4.2" xmlns="http://www.iab.com/VAST" xmlns:sr="urn:showrunner">
  <Ad id="ad-1" sequence="1">
    <InLine>
      <AdSystem version="1.0">Test &amp; Co</AdSystem>
      <AdServingId>serving-&#x41;&#66;</AdServingId>
      <AdTitle>Bars &lt;10s&gt;</AdTitle>
      <Advertiser>ACME 'Widgets'</Advertiser>
      <Category authority="https://iabtechlab.com/taxonomy">IAB1-1</Category>
      <Impression id="i1"><![CDATA[
          https://ads.example.com/imp?id=1&x=2
      ]]></Impression>
      <Impression id="i2"><![CDATA[]]></Impression>
      <Impression><![CDATA[https://ads.example.com/imp2]]></Impression>
      <Error><![CDATA[https://ads.example.com/err?code=[ERRORCODE]]]></Error>
      <Creatives>
        <Creative id="cr-1" adId="ad-1" sequence="1">
          <UniversalAdId idRegistry='ad-id.org'>TEST0001000H</UniversalAdId>
          <Linear skipoffset="00:00:05">
            <Duration>00:00:15.250</Duration>
            <?vendor something?>
            <TrackingEvents>
              <Tracking event="start"><![CDATA[https://t.example.com/start]]></Tracking>
              <Tracking event="firstQuartile"><![CDATA[https://t.example.com/q1]]></Tracking>
              <Tracking event="midpoint"><![CDATA[https://t.example.com/mid]]></Tracking>
              <Tracking event="thirdQuartile"><![CDATA[https://t.example.com/q3]]></Tracking>
              <Tracking event="complete"><![CDATA[https://t.example.com/complete]]></Tracking>
              <Tracking event="complete"><![CDATA[https://t2.example.com/complete]]></Tracking>
              <Tracking event="skip"><![CDATA[https://t.example.com/skip]]></Tracking>
              <Tracking event="close"><![CDATA[https://t.example.com/close]]></Tracking>
              <Tracking event="progress" offset="00:00:05.000"><![CDATA[https://t.example.com/p5]]></Tracking>
              <Tracking event="progress" offset="25%"><![CDATA[https://t.example.com/p25]]></Tracking>
              <Tracking event="progress"><![CDATA[https://t.example.com/no-offset]]></Tracking>
              <Tracking event="vendorThing"><![CDATA[https://t.example.com/vendor]]></Tracking>
            </TrackingEvents>
            <VideoClicks>
              <ClickThrough id="ct"><![CDATA[ https://advertiser.example.com/?a=1&b=2 ]]></ClickThrough>
              <ClickTracking><![CDATA[https://t.example.com/click]]></ClickTracking>
            </VideoClicks>
            <MediaFiles>
              <MediaFile id="m1" delivery="progressive" type="video/mp4" width="640" height="360" bitrate="800"><![CDATA[https://cdn.example.com/360.mp4]]></MediaFile>
              <MediaFile id="m2" delivery="progressive" type="video/mp4" width="1920" height="1080" bitrate="5000" codec="avc1.640028"><![CDATA[https://cdn.example.com/1080.mp4]]></MediaFile>
              <MediaFile id="m3" delivery="streaming" type="application/x-mpegURL" width="1280" height="720" minBitrate="1000" maxBitrate="3000"><![CDATA[https://cdn.example.com/index.m3u8]]></MediaFile>
              <MediaFile id="m4" delivery="progressive" type="video/webm" width="1280" height="720" bitrate="9000"><![CDATA[https://cdn.example.com/720.webm]]></MediaFile>
              <MediaFile id="m5" delivery="progressive" type="video/mp4" width="1280" height="720" bitrate="2500"><![CDATA[https://cdn.example.com/720.mp4]]></MediaFile>
            </MediaFiles>
          </Linear>
        </Creative>
        <Creative id="cr-companion">
          <CompanionAds/>
        </Creative>
      </Creatives>
      <Extensions><sr:Note kind="x">hello</sr:Note></Extensions>
    </InLine>
  </Ad>
</VAST>

"""

/// A wrapper document pointing at `target`, with impression/error/tracking URLs tagged `tag`.
func wrapperVAST(_ tag: String, to target: String, attributes: String = "", sequence: Int? = nil) -> String {
    """
    <VAST version="4.2">
      <Ad id="\(tag)"\(sequence.map { " sequence=\"\($0)\"" } ?? "")>
        <Wrapper\(attributes.isEmpty ? "" : " " + attributes)>
          <AdSystem>W-\(tag)</AdSystem>
          <VASTAdTagURI><![CDATA[
            \(target)
          ]]></VASTAdTagURI>
          <Impression><![CDATA[https://w.example.com/imp/\(tag)]]></Impression>
          <Error><![CDATA[https://w.example.com/err/\(tag)]]></Error>
          <Creatives><Creative><Linear><TrackingEvents>
            <Tracking event="start"><![CDATA[https://w.example.com/start/\(tag)]]></Tracking>
          </TrackingEvents><VideoClicks><ClickTracking><![CDATA[https://w.example.com/click/\(tag)]]></ClickTracking></VideoClicks></Linear></Creative></Creatives>
        </Wrapper>
      </Ad>
    </VAST>
    """
}

/// A minimal InLine ad element with one MP4.
func inlineAd(_ id: String, sequence: Int? = nil, type: String = "video/mp4", linear: Bool = true) -> String {
    let creative = linear ? """
        <Creative id="cr-\(id)"><Linear><Duration>00:00:10</Duration><MediaFiles>
          <MediaFile delivery="progressive" type="\(type)" width="1280" height="720"><![CDATA[https://cdn.example.com/\(id).mp4]]></MediaFile>
        </MediaFiles></Linear></Creative>
        """ : "<Creative><CompanionAds/></Creative>"
    return """
    <Ad id="\(id)"\(sequence.map { " sequence=\"\($0)\"" } ?? "")><InLine><AdSystem>S</AdSystem><AdTitle>T</AdTitle>
      <Impression><![CDATA[https://i.example.com/\(id)]]></Impression>
      <Creatives>\(creative)</Creatives></InLine></Ad>
    """
}

func vast(_ ads: String...) -> String { "<VAST version=\"4.2\">\(ads.joined())</VAST>" }

/// Records fetched URLs; serves from a map (missing URL → error).
actor FetchRecorder {
    var calls: [String] = []
    let pages: [String: String]

    init(_ pages: [String: String]) { self.pages = pages }

    func serve(_ url: String) throws -> [UInt8] {
        calls.append(url)
        guard let page = pages[url] else { throw VASTFetchError(.httpStatus(404), "HTTP 404 from \(url)") }
        return Array(page.utf8)
    }

    nonisolated var fetch: VASTResolver.Fetch { { try await self.serve($0) } }
}

/// Deterministic PRNG (VASTSplitMix64) for fuzzing.
struct VASTSplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// This test folder (for Fixtures/).
let vastTestsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path

/// The result of running a program.
struct VASTProcessResult {
    var status: Int32
    var output: String
}

/// Runs a program (path or PATH name), waits, returns exit status and stdout+stderr.
func vastRunProcess(_ arguments: [String]) throws -> VASTProcessResult {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = arguments
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    p.standardInput = FileHandle.nullDevice
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return VASTProcessResult(status: p.terminationStatus, output: String(decoding: data, as: UTF8.self))
}

/// The conformance kit's check.sh, if the kit and its vastlint are installed; else why not.
func vastlintKit() -> (checkSh: String?, reason: String) {
    let env = ProcessInfo.processInfo.environment
    let kit = env["SHOWRUNNER_CONFORMANCE"] ?? "/work/shared/conformance"
    let home = env["CONFORMANCE_HOME"] ?? "/tmp/showrunner-conformance"
    guard FileManager.default.isExecutableFile(atPath: kit + "/check.sh") else { return (nil, "no conformance kit at \(kit)") }
    let py = home + "/venv/bin/python"
    guard FileManager.default.isExecutableFile(atPath: py),
          let r = try? vastRunProcess([py, "-c", "import vastlint"]), r.status == 0
    else { return (nil, "vastlint not installed (run \(kit)/setup.sh --minimal --with vast)") }
    return (kit + "/check.sh", "")
}
