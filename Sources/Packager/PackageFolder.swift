internal import CShowrunnerAV
import FoundationEssentials

#if canImport(Glibc)
import Glibc
#endif

/// The package is built in a hidden folder beside its target and moved into place at the end, in
/// one rename (or an atomic exchange when the target exists), so a player never sees a
/// half-written package. A crash or kill leaves only the hidden folder, which the next run for
/// the same target removes.
struct PackageFolder {
    /// Where the finished package goes.
    let target: String
    /// The folder being written.
    let work: String

    /// Creates the work folder (and the target's parent folders). Throws `outputNotWritable`
    /// naming the folder that could not be made.
    init(target rawTarget: String) throws(PackageError) {
        var target = rawTarget
        while target.count > 1, target.hasSuffix("/") { target.removeLast() }
        guard !target.isEmpty else { throw PackageError(.invalidRequest, rawTarget, "empty output folder") }
        self.target = target
        let parent = Self.parent(of: target)
        let name = Self.baseName(of: target)
        guard name != "." && name != ".." else {
            throw PackageError(.invalidRequest, rawTarget, "the output must name a folder, not '\(name)'")
        }
        try Self.makeDirectories(parent)
        var st = stat()
        if lstat(target, &st) == 0, (st.st_mode & S_IFMT) != S_IFDIR {
            throw PackageError(.outputNotWritable, target, "exists and is not a folder")
        }
        Self.removeStalePartials(parent: parent, name: name)
        let pid = getpid()
        var work = ""
        for attempt in 0..<100 {
            let candidate = "\(parent)/.\(name).partial-\(pid)-\(attempt)"
            if mkdir(candidate, 0o755) == 0 {
                work = candidate
                break
            }
            if errno != EEXIST {
                throw PackageError(.outputNotWritable, parent, "cannot create a folder here: \(String(cString: strerror(errno)))")
            }
        }
        guard !work.isEmpty else { throw PackageError(.outputNotWritable, parent, "cannot create a work folder") }
        self.work = work
    }

    /// Moves the finished work folder into place. An existing package at the target is swapped
    /// out atomically and then deleted.
    func commit() throws(PackageError) {
        if rename(work, target) == 0 { return }
        let e = errno
        guard e == EEXIST || e == ENOTEMPTY else {
            throw PackageError(.outputNotWritable, target, "cannot move the package into place: \(String(cString: strerror(e)))")
        }
        // renameat2(RENAME_EXCHANGE): both names stay valid at every instant.
        let exchanged = sr_rename_exchange(work, target)
        if exchanged != 0 {
            // Filesystems without RENAME_EXCHANGE: move the old one aside, then the new one in.
            let aside = work + ".old"
            guard rename(target, aside) == 0 else {
                throw PackageError(.outputNotWritable, target, "cannot replace the existing package: \(String(cString: strerror(errno)))")
            }
            guard rename(work, target) == 0 else {
                let err = errno
                _ = rename(aside, target)
                throw PackageError(.outputNotWritable, target, "cannot move the package into place: \(String(cString: strerror(err)))")
            }
            Self.remove(aside)
            return
        }
        Self.remove(work)  // now holds the previous package
    }

    /// Deletes the work folder (after a failure or cancellation).
    func discard() { Self.remove(work) }

    static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let p = String(path[..<slash])
        return p.isEmpty ? "/" : p
    }

    static func baseName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// mkdir -p, with an error naming the first folder that could not be made.
    static func makeDirectories(_ path: String) throws(PackageError) {
        var st = stat()
        if stat(path, &st) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFDIR else {
                throw PackageError(.outputNotWritable, path, "exists and is not a folder")
            }
            guard access(path, W_OK | X_OK) == 0 else {
                throw PackageError(.outputNotWritable, path, "folder is not writable: \(String(cString: strerror(errno)))")
            }
            return
        }
        let e = errno
        if e != ENOENT {
            throw PackageError(.outputNotWritable, path, String(cString: strerror(e)))
        }
        let parent = parent(of: path)
        if parent != path { try makeDirectories(parent) }
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw PackageError(.outputNotWritable, path, "cannot create folder: \(String(cString: strerror(errno)))")
        }
    }

    /// Removes `.<name>.partial-<pid>-*` folders left by runs that are no longer alive.
    static func removeStalePartials(parent: String, name: String) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return }
        let prefix = ".\(name).partial-"
        for entry in entries where entry.hasPrefix(prefix) {
            let rest = entry.dropFirst(prefix.count)
            guard let pidText = rest.split(separator: "-").first, let pid = Int32(pidText) else { continue }
            if pid != getpid(), kill(pid, 0) != 0, errno == ESRCH {
                remove(parent + "/" + entry)
            }
        }
    }
}
