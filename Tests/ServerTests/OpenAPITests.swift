import Foundation
import ShowrunnerTestSupport
import Testing

/// Keeps `openapi.yaml` honest: it must be a valid OpenAPI document, and its paths and methods
/// must be exactly the routes the server registers (read from the Swift sources, so a route added
/// or removed without touching the document fails here, by name).
@Suite struct OpenAPITests {
    static let documentPath = TestEnv.repoRoot + "/openapi.yaml"
    static let serverSources = TestEnv.repoRoot + "/Sources/Server"

    // MARK: - Validity

    @Test func documentIsValidOpenAPI() throws {
        let probe = try runProcess(["python3", "-c", "import openapi_spec_validator, yaml"])
        guard probe.status == 0 else {
            // No python3, openapi-spec-validator or PyYAML here: nothing to validate with. That is a
            // skip on a developer machine and a failure in CI (SHOWRUNNER_REQUIRE_CONFORMANCE=1).
            if TestEnv.conformanceRequired {
                Issue.record("python3 with openapi-spec-validator and PyYAML is required to validate openapi.yaml: \(probe.stderr)")
            }
            return
        }
        let validate = try runProcess([
            "python3", "-c",
            "import sys, openapi_spec_validator, yaml; openapi_spec_validator.validate(yaml.safe_load(open(sys.argv[1])))",
            Self.documentPath,
        ])
        #expect(validate.status == 0, "openapi.yaml is not a valid OpenAPI document:\n\(validate.stderr)")

        // The route check below reads the document with a small line parser; make sure it sees
        // what a real YAML parser sees.
        let dump = try runProcess([
            "python3", "-c",
            """
            import sys, yaml
            doc = yaml.safe_load(open(sys.argv[1]))
            methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
            for path, item in doc.get("paths", {}).items():
                for m in item:
                    if m in methods:
                        print(m.upper() + " " + path)
            """,
            Self.documentPath,
        ])
        #expect(dump.status == 0, "\(dump.stderr)")
        let fromYAML = Set(dump.stdout.split(separator: "\n").map(String.init))
        let fromLines = Set(try Self.documentedOperations().map(\.description))
        #expect(fromYAML == fromLines, "line parser and PyYAML disagree: \(fromYAML.symmetricDifference(fromLines).sorted())")
    }

    // MARK: - Routes

    @Test func documentMatchesRegisteredRoutes() throws {
        let registered = try Self.registeredRoutes()
        let documented = try Self.documentedOperations()
        // The source scan must find the routes at all (a regex that silently matches nothing
        // would make the comparison below vacuous).
        #expect(registered.contains(Route(method: "GET", path: "/healthz")), "no route found in \(Self.serverSources): \(registered)")
        #expect(registered.contains { $0.path.hasPrefix("/v1/admin/") }, "no admin route found: \(registered)")

        for route in registered.sorted() {
            let ok = documented.contains(route)
                || (route.method == "HEAD" && documented.contains(Route(method: "GET", path: route.path)))
            if !ok { Issue.record("route registered in code but missing from openapi.yaml: \(route)") }
        }
        for operation in documented.sorted() where !registered.contains(operation) {
            Issue.record("openapi.yaml documents a route the server does not register: \(operation)")
        }
    }

    @Test func routeNamesAreTranslated() {
        #expect(Self.openAPIPath(prefix: "/v1/admin", "titles/:id/versions") == "/v1/admin/titles/{id}/versions")
        #expect(Self.openAPIPath(prefix: "", "/media/**") == "/media/{path}")
        #expect(Self.openAPIPath(prefix: "/v1/admin/", "/brands/") == "/v1/admin/brands")
        #expect(Self.openAPIPath(prefix: "", "/v1/play/:channel/:title/master.m3u8") == "/v1/play/{channel}/{title}/master.m3u8")
    }

    // MARK: - Helpers

    struct Route: Hashable, Comparable, CustomStringConvertible {
        var method: String
        var path: String
        var description: String { "\(method) \(path)" }
        static func < (a: Route, b: Route) -> Bool { (a.path, a.method) < (b.path, b.method) }
    }

    /// A Hummingbird route path (relative to a group `prefix`) as an OpenAPI path: `:name` →
    /// `{name}`, the recursive wildcard `**` → `{path}`, `*` → `{wildcard}`, no empty segments.
    static func openAPIPath(prefix: String, _ path: String) -> String {
        let segments = (prefix + "/" + path).split(separator: "/").map { segment -> String in
            if segment == "**" { return "{path}" }
            if segment == "*" { return "{wildcard}" }
            if segment.hasPrefix(":") { return "{\(segment.dropFirst())}" }
            return String(segment)
        }
        return "/" + segments.joined(separator: "/")
    }

    /// The routes registered in `Sources/Server/**/*.swift`: `router.get("...")`,
    /// `admin.post("...")` (any variable made by `let x = y.group("...")`, resolved to its
    /// prefix), `router.on("...", method: .get)` and `router.addMediaRoutes(..., at: "...")`.
    /// Files whose route type is never mounted by `Application+build.swift` are left out.
    static func registeredRoutes() throws -> Set<Route> {
        let build = try String(contentsOfFile: serverSources + "/Application+build.swift", encoding: .utf8)
        var routes = Set<Route>()
        guard let files = FileManager.default.enumerator(atPath: serverSources) else {
            throw TestFailure("cannot list \(serverSources)")
        }
        for case let relative as String in files where relative.hasSuffix(".swift") {
            let raw = try String(contentsOfFile: serverSources + "/" + relative, encoding: .utf8)
            // Drop whole-line comments (doc comments show example calls).
            let source = raw.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.drop(while: { $0 == " " || $0 == "\t" }).hasPrefix("//") }
                .joined(separator: "\n")

            // A type with `func register(on` that buildApplication never constructs adds no routes.
            let routeTypes = source.matches(of: #/(?:struct|final class|class|enum)\s+(\w+)[^{]*\{/#).map { String($0.output.1) }
            if source.contains("func register(on"), !routeTypes.isEmpty,
               !routeTypes.contains(where: { build.contains("\($0)(") }) {
                continue
            }

            // Receivers: `router` (the root) and group variables, resolved to their prefixes.
            var prefixes = ["router": ""]
            let groups = source.matches(of: #/\b(?:let|var)\s+(\w+)\s*=\s*(\w+)\s*\.\s*group\s*\(\s*"([^"]*)"/#)
            for _ in 0..<4 {  // nested groups, in any order
                for g in groups {
                    if let parent = prefixes[String(g.output.2)] {
                        prefixes[String(g.output.1)] = openAPIPath(prefix: parent, String(g.output.3))
                    }
                }
            }
            func add(_ receiver: Substring, _ method: Substring, _ path: String) {
                guard let prefix = prefixes[String(receiver)] else { return }
                routes.insert(Route(method: method.uppercased(), path: openAPIPath(prefix: prefix, path)))
            }
            for m in source.matches(of: #/\b(\w+)\s*\.\s*(get|head|post|put|patch|delete|options)\s*\(\s*"([^"]*)"/#) {
                add(m.output.1, m.output.2, String(m.output.3))
            }
            for m in source.matches(of: #/\b(\w+)\s*\.\s*on\s*\(\s*"([^"]*)"\s*,\s*method:\s*\.(\w+)/#) {
                add(m.output.1, m.output.3, String(m.output.2))
            }
            for m in source.matches(of: #/\b(\w+)\s*\.\s*addMediaRoutes\s*\(([^\n]*)/#) {
                let mount = m.output.2.firstMatch(of: #/at:\s*"([^"]*)"/#).map { String($0.output.1) } ?? "media"
                add(m.output.1, "get", mount + "/**")
                add(m.output.1, "head", mount + "/**")
            }
        }
        return routes
    }

    /// The operations under `paths:` in openapi.yaml, read line by line (block-style YAML: a
    /// path key at one indent, its method keys one level deeper).
    static func documentedOperations() throws -> Set<Route> {
        let text = try String(contentsOfFile: documentPath, encoding: .utf8)
        let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        var operations = Set<Route>()
        var inPaths = false
        var pathIndent: Int?
        var currentPath: String?
        var childIndent: Int?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let indent = line.prefix(while: { $0 == " " }).count
            let body = line.dropFirst(indent)
            if body.isEmpty || body.hasPrefix("#") { continue }
            if indent == 0 {
                inPaths = body.hasPrefix("paths:")
                continue
            }
            guard inPaths else { continue }
            guard let key = body.firstMatch(of: #/^("[^"]*"|'[^']*'|[^:#]+?)\s*:(\s|$)/#).map({ String($0.output.1) }) else { continue }
            if pathIndent == nil { pathIndent = indent }
            if indent == pathIndent {
                currentPath = key.trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
                childIndent = nil
            } else if let path = currentPath, let p = pathIndent, indent > p {
                if childIndent == nil { childIndent = indent }
                if indent == childIndent, methods.contains(key) {
                    operations.insert(Route(method: key.uppercased(), path: path))
                }
            }
        }
        return operations
    }
}
