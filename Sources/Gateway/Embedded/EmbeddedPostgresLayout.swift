import Foundation

/// Where the embedded cluster keeps its files, all as absolute paths.
///
/// ```
/// <data-dir>/postgres        the cluster (PGDATA)
/// <data-dir>/run             the UNIX socket directory (0700)
/// <data-dir>/postgres.log    initdb and server output (appended)
/// ```
struct EmbeddedPostgresLayout: Equatable, Sendable {
    /// PostgreSQL's fixed port number; it only names the socket file here.
    static let port = 5432
    /// `sun_path` holds 108 bytes including the terminating NUL.
    static let maximumSocketPathLength = 107

    let dataDirectory: String
    let clusterDirectory: String
    let socketDirectory: String
    let logFile: String

    /// Resolves `dataDirectory` against `currentDirectory` when it is relative.
    init(dataDirectory: String, currentDirectory: String = FileManager.default.currentDirectoryPath) {
        let absolute = dataDirectory.hasPrefix("/") ? dataDirectory : "\(currentDirectory)/\(dataDirectory)"
        let root = URL(fileURLWithPath: absolute).standardizedFileURL.path
        self.dataDirectory = root
        self.clusterDirectory = "\(root)/postgres"
        self.socketDirectory = "\(root)/run"
        self.logFile = "\(root)/postgres.log"
    }

    /// PostgreSQL's lock file for the cluster; its first line is the postmaster's pid.
    var postmasterPidFile: String { "\(clusterDirectory)/postmaster.pid" }
    /// Present once `initdb` has completed.
    var versionFile: String { "\(clusterDirectory)/PG_VERSION" }
    var socketFile: String { "\(socketDirectory)/.s.PGSQL.\(Self.port)" }
    /// PostgreSQL's lock file for the socket; its first line is the postmaster's pid too.
    var socketLockFile: String { "\(socketFile).lock" }

    /// True when the socket path fits in `sockaddr_un`.
    var socketPathFits: Bool {
        socketFile.utf8.count <= Self.maximumSocketPathLength
    }
}
