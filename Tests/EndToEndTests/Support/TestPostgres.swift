import Foundation
import Glibc

/// A throwaway PostgreSQL server the test controls (stop, start), for running the gateway
/// against an external DATABASE_URL. Listens only on a UNIX socket in its directory; as root
/// it runs as the `postgres` user.
final class TestPostgres {
    let directory: String
    let port = 5433

    static var binaries: String {
        let candidates = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        let version = candidates.sorted().last ?? "15"
        return "/usr/lib/postgresql/\(version)/bin"
    }

    /// Settings passed to every start (`-c name=value`).
    private let settings: [String]

    /// A fresh cluster; `settings` (`name=value`) are passed to every start.
    init(settings: [String] = []) throws {
        self.directory = try Self.makeDirectory()
        self.settings = settings
        _ = try self.runAsOwner(
            Self.binaries + "/initdb",
            ["-D", self.directory + "/data", "-U", "postgres", "--auth=trust", "--no-sync"]
        )
        try self.start()
    }

    /// A streaming standby of `primary` (pg_basebackup -R), replaying `applyDelay` behind it
    /// (`recovery_min_apply_delay`, e.g. "1s") when given.
    init(standbyOf primary: TestPostgres, applyDelay: String? = nil) throws {
        self.directory = try Self.makeDirectory()
        self.settings = applyDelay.map { ["recovery_min_apply_delay=\($0)"] } ?? []
        _ = try self.runAsOwner(
            Self.binaries + "/pg_basebackup",
            [
                "-h", primary.directory, "-p", String(primary.port), "-U", "postgres", "-D", self.directory + "/data",
                "-R", "-X", "stream", "--no-sync", "--checkpoint=fast",
            ]
        )
        try self.start()
    }

    private static func makeDirectory() throws -> String {
        let directory = try TestGateway.makeTemporaryDirectory() + "-pg"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if getuid() == 0 {
            _ = try TestGateway.run("/bin/chown", ["postgres:postgres", directory])
        }
        return directory
    }

    /// Turns a standby into a primary (`pg_ctl promote`, waiting until it accepts writes).
    func promote() throws {
        _ = try self.runAsOwner(Self.binaries + "/pg_ctl", ["promote", "-w", "-D", self.directory + "/data"])
    }

    /// Runs SQL on this server's `rookery` database (or `postgres`) and returns psql's output.
    func psql(_ sql: String, database: String = "rookery") throws -> String {
        try TestGateway.run(
            TestGateway.psqlPath,
            ["-h", self.directory, "-p", String(self.port), "-U", "postgres", "-d", database, "-At", "-c", sql]
        )
    }

    deinit {
        if let server = self.server, server.isRunning {
            kill(server.processIdentifier, SIGQUIT)
            server.waitUntilExit()
        }
    }

    /// The running postmaster. Started directly, not with `pg_ctl start`: Foundation's Process
    /// notices a child's exit through a descriptor that a daemonized postmaster would inherit.
    private var server: Process?

    /// libpq conninfo for the `rookery` database on this server.
    var conninfo: String {
        "host=\(self.directory) port=\(self.port) dbname=rookery user=postgres"
    }

    func start() throws {
        let process = Process()
        let postgres = Self.binaries + "/postgres"
        let arguments =
            [
                "-D", self.directory + "/data", "-k", self.directory, "-p", String(self.port),
                "-c", "listen_addresses=", "-c", "fsync=off",
            ] + self.settings.flatMap { ["-c", $0] }
        if getuid() == 0 {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=postgres", "--regid=postgres", "--init-groups", postgres] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: postgres)
            process.arguments = arguments
        }
        let log = self.directory + "/server.log"
        if !FileManager.default.fileExists(atPath: log) {
            FileManager.default.createFile(atPath: log, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        self.server = process
        let ready = ProcessFacts.wait(timeout: 30) {
            (try? TestGateway.run(
                TestGateway.psqlPath,
                ["-h", self.directory, "-p", String(self.port), "-U", "postgres", "-d", "postgres", "-c", "SELECT 1"]
            )) != nil
        }
        guard ready else { throw TestGatewayError.timeout("test PostgreSQL did not start") }
    }

    /// Fast shutdown (SIGINT), as an operator's `pg_ctl stop -m fast`.
    func stop() throws {
        guard let server = self.server else { return }
        kill(server.processIdentifier, SIGINT)
        server.waitUntilExit()
        self.server = nil
    }

    private func runAsOwner(_ executable: String, _ arguments: [String]) throws -> String {
        if getuid() == 0 {
            return try TestGateway.run(
                "/usr/bin/setpriv",
                ["--reuid=postgres", "--regid=postgres", "--init-groups", executable] + arguments
            )
        }
        return try TestGateway.run(executable, arguments)
    }
}
