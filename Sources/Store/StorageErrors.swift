import GRDB
import Showrunner

#if canImport(Glibc)
import Glibc
#endif

/// Turns whatever a database access threw into a `ShowrunnerError`: domain errors pass through,
/// SQLite errors become `.storage` (or `.conflict` / `.notFound` for constraint violations that
/// slipped past the checks).
enum StorageErrors {
    static func map(_ error: any Error, path: String) -> ShowrunnerError {
        if let error = error as? ShowrunnerError { return error }
        if let error = error as? DatabaseError { return map(error, path: path) }
        if let error = error as? DamagedRow { return damaged(path: path, detail: error.description) }
        if error is CancellationError {
            return ShowrunnerError(.storage, "the database operation was cancelled: \(path)")
        }
        if error is DecodingError || error is RowDecodingError {
            return damaged(path: path, detail: String(describing: error))
        }
        return ShowrunnerError(.storage, "database error: \(error): \(path)")
    }

    static func map(_ error: DatabaseError, path: String) -> ShowrunnerError {
        let detail = error.message ?? "\(error.extendedResultCode)"
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return ShowrunnerError(.storage, "database is locked (another process is writing): \(path)")
        case .SQLITE_READONLY:
            return ShowrunnerError(.storage, "database is read-only: \(path)")
        case .SQLITE_FULL:
            return ShowrunnerError(.storage, "disk full: cannot write the database \(path)")
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return ShowrunnerError(.storage, "not a Showrunner database or damaged: \(path)")
        case .SQLITE_CANTOPEN:
            return ShowrunnerError(.storage, "cannot open the database (does its folder exist, may it be written?): \(path)")
        case .SQLITE_IOERR:
            // SQLite reports a full disk while growing the WAL or its index as an I/O error.
            if let free = freeBytes(near: path), free < 64 * 1024 {
                return ShowrunnerError(.storage, "disk full (\(free) bytes free): cannot write the database \(path)")
            }
            return ShowrunnerError(.storage, "I/O error on the database (\(detail)): \(path)")
        case .SQLITE_PERM, .SQLITE_AUTH:
            return ShowrunnerError(.storage, "permission denied on the database: \(path)")
        case .SQLITE_MISUSE where detail.lowercased().contains("closed"):
            return ShowrunnerError(.storage, "database is closed: \(path)")
        case .SQLITE_CONSTRAINT:
            switch error.extendedResultCode {
            case .SQLITE_CONSTRAINT_FOREIGNKEY:
                return ShowrunnerError(.notFound, "a record this change refers to does not exist, or another record still refers to it (\(detail))")
            case .SQLITE_CONSTRAINT_UNIQUE, .SQLITE_CONSTRAINT_PRIMARYKEY, .SQLITE_CONSTRAINT_ROWID:
                return ShowrunnerError(.conflict, "a record with this id already exists (\(detail))")
            case .SQLITE_CONSTRAINT_TRIGGER:
                return ShowrunnerError(.conflict, "refused by the database: \(detail)")
            default:
                return ShowrunnerError(.invalid, "refused by the database: \(detail)")
            }
        default:
            return ShowrunnerError(.storage, "database error (\(detail)): \(path)")
        }
    }

    /// Bytes available to us on the filesystem holding `path` (its folder), if statvfs works.
    static func freeBytes(near path: String) -> Int64? {
        let folder = path.contains("/") ? String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)]) : "."
        var s = statvfs()
        guard statvfs(folder.isEmpty ? "/" : folder, &s) == 0 else { return nil }
        return Int64(s.f_bavail) * Int64(s.f_frsize)
    }

    static func damaged(path: String, detail: String) -> ShowrunnerError {
        ShowrunnerError(.storage, "not a Showrunner database or damaged (\(detail)): \(path)")
    }
}

/// A row that does not decode into its model (a value the schema allows but the model does not).
struct DamagedRow: Error, CustomStringConvertible {
    var table: String
    var detail: String
    var description: String { "table \(table): \(detail)" }
}
