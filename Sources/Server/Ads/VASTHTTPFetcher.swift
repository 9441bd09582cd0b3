#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Foundation
public import Showrunner

/// Fetches VAST documents over HTTP(S) with URLSession, for `VASTResolver`.
///
/// - The whole request (connect, headers, body) must finish within `timeout`; otherwise the
///   URLSession task is cancelled and `VASTFetchError(.timeout)` thrown (VAST 301).
/// - Only `http` and `https` URLs are fetched, and redirects only to `http`/`https` (at most 5).
/// - A non-2xx status throws `VASTFetchError(.httpStatus(code))`; a body (or Content-Length)
///   over `maxBytes` throws `.tooLarge` as soon as it is known; connection errors `.transport`.
/// - No cookies, no cache: each request uses a fresh ephemeral session.
///
/// Use it as the resolver's fetch: `VASTResolver(fetch: VASTHTTPFetcher().fetch)`.
public struct VASTHTTPFetcher: Sendable {
    /// Time limit for one request, start to end of body.
    public var timeout: Duration
    /// Largest accepted body.
    public var maxBytes: Int
    /// Extra request headers (e.g. `User-Agent`).
    public var headers: [String: String]

    /// A fetcher; defaults: 1.5 s per request, 1 MiB bodies.
    public init(timeout: Duration = .milliseconds(1500), maxBytes: Int = 1 << 20, headers: [String: String] = ["User-Agent": "Showrunner-VAST/1"]) {
        self.timeout = timeout
        self.maxBytes = maxBytes
        self.headers = headers
    }

    /// This fetcher as a `VASTResolver.Fetch`.
    public var fetch: VASTResolver.Fetch {
        let copy = self
        return { url in try await copy.callAsFunction(url) }
    }

    /// Fetches `url` and returns the body.
    /// - Throws: `VASTFetchError` (`.invalidURL`, `.timeout`, `.httpStatus`, `.tooLarge`, `.transport`),
    ///   or `CancellationError` when the calling task is cancelled.
    public func callAsFunction(_ url: String) async throws -> [UInt8] {
        guard VASTResolver.isFetchable(url), let u = URL(string: url), let scheme = u.scheme?.lowercased(),
              scheme == "http" || scheme == "https"
        else {
            throw VASTFetchError(.invalidURL, "not an http(s) URL: \(url)")
        }
        let limit = timeout
        let max = maxBytes
        let headers = headers
        return try await withThrowingTaskGroup(of: [UInt8].self) { group in
            group.addTask {
                var request = URLRequest(url: u)
                // URLSession's own timeout is an idle timeout; the total limit is the sleeping task.
                request.timeoutInterval = Double(limit.components.seconds) + 1
                for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
                return try await Self.download(request, maxBytes: max)
            }
            group.addTask {
                try await Task.sleep(for: limit)
                throw VASTFetchError(.timeout, "no complete response within \(limit) from \(url)")
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw CancellationError() }
            return first
        }
    }

    /// One request on its own ephemeral session; cancelling the calling task cancels it.
    static func download(_ request: URLRequest, maxBytes: Int) async throws -> [UInt8] {
        let delegate = Download(maxBytes: maxBytes, url: request.url?.absoluteString ?? "")
        let config = URLSessionConfiguration.ephemeral
        config.httpCookieStorage = nil
        config.urlCache = nil
        config.requestCachePolicy = .reloadIgnoringLocalCacheData
        let session = URLSession(configuration: config, delegate: delegate, delegateQueue: nil)
        defer { session.invalidateAndCancel() }
        let task = session.dataTask(with: request)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<[UInt8], any Error>) in
                if delegate.start(c) { task.resume() }
            }
        } onCancel: {
            delegate.finish(.failure(CancellationError()))
            task.cancel()
        }
    }
}

/// Collects one response; resumes its continuation exactly once.
private final class Download: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let maxBytes: Int
    let url: String
    private let lock = NSLock()
    private var continuation: CheckedContinuation<[UInt8], any Error>?
    private var result: Result<[UInt8], any Error>?
    private var body: [UInt8] = []

    init(maxBytes: Int, url: String) {
        self.maxBytes = maxBytes
        self.url = url
    }

    /// Stores the continuation; false (and resumed) when already finished (cancelled early).
    func start(_ c: CheckedContinuation<[UInt8], any Error>) -> Bool {
        lock.lock()
        if let result {
            lock.unlock()
            c.resume(with: result)
            return false
        }
        continuation = c
        lock.unlock()
        return true
    }

    func finish(_ r: Result<[UInt8], any Error>) {
        lock.lock()
        guard result == nil else {
            lock.unlock()
            return
        }
        result = r
        let c = continuation
        continuation = nil
        lock.unlock()
        c?.resume(with: r)
    }

    var isFinished: Bool {
        lock.lock()
        defer { lock.unlock() }
        return result != nil
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void) {
        guard let http = response as? HTTPURLResponse else {
            finish(.failure(VASTFetchError(.transport, "not an HTTP response from \(url)")))
            completionHandler(.cancel)
            return
        }
        guard (200..<300).contains(http.statusCode) else {
            finish(.failure(VASTFetchError(.httpStatus(http.statusCode), "HTTP \(http.statusCode) from \(url)")))
            completionHandler(.cancel)
            return
        }
        if http.expectedContentLength > Int64(maxBytes) {
            finish(.failure(VASTFetchError(.tooLarge(limit: maxBytes), "Content-Length \(http.expectedContentLength) over the limit of \(maxBytes) bytes from \(url)")))
            completionHandler(.cancel)
            return
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.lock()
        body.append(contentsOf: data)
        let over = body.count > maxBytes
        lock.unlock()
        if over {
            finish(.failure(VASTFetchError(.tooLarge(limit: maxBytes), "body over the limit of \(maxBytes) bytes from \(url)")))
            dataTask.cancel()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        let scheme = request.url?.scheme?.lowercased()
        lock.lock()
        redirects += 1
        let count = redirects
        lock.unlock()
        guard scheme == "http" || scheme == "https", count <= 5 else {
            finish(.failure(VASTFetchError(.invalidURL, "refusing redirect \(count) to \(request.url?.absoluteString ?? "?") from \(url)")))
            completionHandler(nil)
            task.cancel()
            return
        }
        completionHandler(request)
    }

    private var redirects = 0

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        if let error {
            finish(.failure(VASTFetchError(.transport, "\(url): \(error.localizedDescription)")))
        } else {
            lock.lock()
            let b = body
            lock.unlock()
            finish(.success(b))
        }
    }
}
