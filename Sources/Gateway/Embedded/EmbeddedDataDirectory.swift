import Foundation
import Logging

/// Creates and checks the data directory layout before `initdb` or `postgres` run.
struct EmbeddedDataDirectory {
    let layout: EmbeddedPostgresLayout
    let runAs: PostgresRunAs
    let logger: Logger

    /// Creates missing directories, checks that we can write, sets 0700 on the cluster and
    /// socket directories and, as root, hands them to the `postgres` account.
    func prepare() throws {
        let root = layout.dataDirectory
        do throws(FileSystemOperations.Failure) {
            try FileSystemOperations.makeDirectories(root, mode: 0o755)
            try FileSystemOperations.probeWritable(root)
            try FileSystemOperations.touch(layout.logFile)
            for directory in [layout.clusterDirectory, layout.socketDirectory] {
                try FileSystemOperations.makeDirectories(directory, mode: 0o700)
                // PostgreSQL refuses a data directory readable by others, and the socket
                // directory's mode is what keeps other users away from trust auth.
                try FileSystemOperations.setMode(directory, 0o700)
                if let account = runAs.account {
                    try FileSystemOperations.changeOwnerRecursively(directory, uid: account.uid, gid: account.gid)
                }
            }
        } catch {
            throw EmbeddedPostgresError.dataDirectoryNotWritable(path: root, reason: error.description)
        }
        if let account = runAs.account,
            let blocked = FileSystemOperations.firstUnsearchableAncestor(
                of: layout.clusterDirectory,
                uid: account.uid,
                gid: account.gid
            )
        {
            let uid = account.uid
            logger.warning("the postgres user (uid \(uid)) may not be able to enter \(blocked); PostgreSQL may fail")
        }
    }
}
