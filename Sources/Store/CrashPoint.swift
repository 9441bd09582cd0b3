#if canImport(Glibc)
import Glibc
#endif

/// Test hook: with `SHOWRUNNER_CRASH_AT=<name>` in the environment, the process kills itself
/// with SIGKILL when it reaches the point `<name>`, so tests can show that a crash at any step
/// (in the middle of a write transaction included) leaves the catalog consistent. Costs one
/// getenv per point otherwise.
public enum CrashPoint {
    public static func hit(_ name: String) {
        guard let v = getenv("SHOWRUNNER_CRASH_AT") else { return }
        if String(cString: v) == name { kill(getpid(), SIGKILL) }
    }
}
