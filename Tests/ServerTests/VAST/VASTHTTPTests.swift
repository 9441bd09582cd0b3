import Foundation
import Testing
import Server
import Showrunner

/// Fixtures/vast_test_server.py on a free loopback port; `stop()` ends it (by its own PID).
final class TestVASTServer: Sendable {
    let process: Process
    let stdin: Pipe
    let base: String

    init() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", vastTestsDirectory + "/Fixtures/vast_test_server.py", "0"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.standardError
        let input = Pipe()  // the server exits when this closes
        p.standardInput = input
        try p.run()
        // First line: "PORT <n>".
        var line = Data()
        let handle = out.fileHandleForReading
        while !line.contains(10) {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5).prefix { $0.isNumber }) else {
            p.terminate()
            throw VASTFetchError(.transport, "test server did not start: \(text)")
        }
        process = p
        stdin = input
        base = "http://127.0.0.1:\(port)"
    }

    func stop() {
        try? stdin.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}

@Suite("VAST over HTTP (local test server)")
struct VASTHTTPTests {
    enum Case: String, CaseIterable, Sendable {
        case inline, chain3, deep6, selfLoop, slow, status500, malformed, filePasswd, big, notFound, empty
    }

    /// One server for every case (starting 11 Python servers at once on a small machine skews
    /// the timings); the cases run concurrently, so the slow one overlaps the others.
    @Test("full resolve over HTTP with VASTHTTPFetcher: each case's result or failure code; the timeout case < 2.5 s")
    func resolveOverHTTP() async throws {
        let server = try TestVASTServer()
        defer { server.stop() }
        let resolver = VASTResolver(fetch: VASTHTTPFetcher().fetch)
        await withTaskGroup(of: Void.self) { group in
            for c in Case.allCases {
                group.addTask { await Self.check(c, resolver: resolver, base: server.base) }
            }
        }
    }

    static func check(_ c: Case, resolver: VASTResolver, base b: String) async {
        let path: String = switch c {
        case .inline: "/inline.xml"
        case .chain3: "/chain/1"
        case .deep6: "/deep/1"
        case .selfLoop: "/loop"
        case .slow: "/slow"
        case .status500: "/status/500"
        case .malformed: "/malformed"
        case .filePasswd: "/passwd"
        case .big: "/big"
        case .notFound: "/nope"
        case .empty: "/empty"
        }
        let clock = ContinuousClock()
        let start = clock.now
        let r = await resolver.resolve(url: b + path)
        let elapsed = clock.now - start
        let why = "\(r.failures) \(r.log)"
        switch c {
        case .inline, .chain3:
            #expect(r.failure == nil, "\(why)")
            guard let ad = r.ads.first else { Issue.record("no ad: \(why)"); return }
            #expect(ad.adID == "inline-1" && ad.creativeID == "creative-1" && ad.durationMS == 10_500 && ad.adTitle == "Inline & friends")
            #expect(ad.bestMediaFile(width: 1280, height: 720)?.url == "\(b)/media/720.mp4")
            #expect(ad.bestMediaFile(width: 1920, height: 1080)?.url == "\(b)/media/index.m3u8")
            let wrappers = c == .chain3 ? ["chain-1", "chain-2", "chain-3"] : []
            #expect(ad.impressions == wrappers.map { "\(b)/beacon/impression/\($0)" } + ["\(b)/beacon/impression/inline"])
            #expect(ad.tracking(for: .start) == (wrappers + ["inline"]).map { "\(b)/beacon/start/\($0)" })
            #expect(ad.chain.count == wrappers.count + 1)
        case .deep6:
            #expect(r.failure?.code == .wrapperLimit && r.failure?.url == "\(b)/deep/6", "\(why)")
            #expect(r.log.filter { $0.hasPrefix("fetch ") }.count == 6)
        case .selfLoop:
            #expect(r.failure?.code == .loop, "\(why)")
        case .slow:
            #expect(r.failure?.code == .timeout && r.failure?.code.vastErrorCode == 301, "\(why)")
            // The server answers after 3 s; the timeout (1.5 s) must have ended it first (no
            // wall-clock bound beyond that: the suite runs beside heavy media tests).
        case .status500:
            #expect(r.failure?.code == .wrapper && r.failure?.message.contains("HTTP 500") == true, "\(why)")
        case .malformed:
            #expect(r.failure?.code == .xmlParsing && r.failure?.code.vastErrorCode == 100, "\(why)")
        case .filePasswd:
            #expect(r.failure?.code == .nonHTTPURL && r.failure?.url == "file:///etc/passwd", "\(why)")
            #expect(r.failure?.errorURLs == ["\(b)/beacon/error/passwd"])
        case .big:
            #expect(r.failure?.code == .wrapper && r.failure?.message.contains("over the limit") == true, "\(why)")
        case .notFound:
            #expect(r.failure?.code == .wrapper && r.failure?.message.contains("HTTP 404") == true, "\(why)")
        case .empty:
            #expect(r.failure == nil && r.ads.isEmpty, "\(why)")
        }
        #expect(elapsed < .seconds(30), "took \(elapsed)")  // never hangs
    }

    @Test("fetcher: timeout, status, size limit, non-HTTP URL errors; body returned")
    func fetcher() async throws {
        let server = try TestVASTServer()
        defer { server.stop() }
        let fetch = VASTHTTPFetcher(timeout: .milliseconds(300), maxBytes: 4096)
        let body = try await fetch(server.base + "/empty")
        #expect(String(decoding: body, as: UTF8.self) == "<VAST version=\"4.2\"/>")

        func kind(_ path: String) async -> VASTFetchError.Kind? {
            do {
                _ = try await fetch(path.hasPrefix("/") ? server.base + path : path)
                return nil
            } catch {
                return (error as? VASTFetchError)?.kind
            }
        }
        let clock = ContinuousClock()
        let t0 = clock.now
        #expect(await kind("/slow") == .timeout)
        #expect(clock.now - t0 < .seconds(30))  // never hangs
        #expect(await kind("/status/500") == .httpStatus(500))
        #expect(await kind("/big") == .tooLarge(limit: 4096))
        #expect(await kind("/inline.xml") == nil)
        #expect(await kind("file:///etc/passwd") == .invalidURL)
        #expect(await kind("http://127.0.0.1:1/") == .transport)  // connection refused
    }

    @Test("fetcher: cancelling the calling task cancels the request")
    func cancellation() async throws {
        let server = try TestVASTServer()
        defer { server.stop() }
        let url = server.base + "/slow"
        let task = Task { try await VASTHTTPFetcher(timeout: .seconds(10)).callAsFunction(url) }
        try await Task.sleep(for: .milliseconds(200))
        let clock = ContinuousClock()
        let t0 = clock.now
        task.cancel()
        let result = await task.result
        #expect(clock.now - t0 < .seconds(30))  // never hangs; a request not cancelled would succeed at 3 s
        guard case .failure(let error) = result else { Issue.record("succeeded"); return }
        #expect(error is CancellationError, "\(error)")
    }
}
