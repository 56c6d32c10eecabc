import Foundation
import Logging

extension EmbeddedPostgres {
    /// Everything `start()` does once it knows no server of ours is running.
    func launch() throws -> pid_t {
        guard layout.socketPathFits else {
            throw EmbeddedPostgresError.socketPathTooLong(path: layout.socketFile)
        }
        let clusterVersion = (try? String(contentsOfFile: layout.versionFile, encoding: .utf8))
            .flatMap(PostgresVersion.major(fromVersionFile:))
        let binaries = try PostgresBinaryLocator(processControl: processControl, environment: environment)
            .locate(clusterVersion: clusterVersion)
        let runAs = try PostgresRunAs.current(
            isRoot: geteuid() == 0,
            setprivAvailable: FileManager.default.isExecutableFile(atPath: PostgresRunAs.setprivPath)
        )
        try EmbeddedDataDirectory(layout: layout, runAs: runAs, logger: logger).prepare()
        try StaleServerCleaner(
            layout: layout,
            processControl: processControl,
            inspector: ProcessInspector(),
            logger: logger
        )
        .clean()
        PostgresLogRotation(path: layout.logFile).rotateIfNeeded()
        if !FileManager.default.fileExists(atPath: layout.versionFile) {
            try initializeCluster(binaries: binaries, runAs: runAs)
        }
        return try startServer(binaries: binaries, runAs: runAs)
    }

    private func initializeCluster(binaries: PostgresBinaries, runAs: PostgresRunAs) throws {
        logger.info("initializing PostgreSQL cluster in \(layout.clusterDirectory) (output in \(layout.logFile))")
        let arguments = PostgresCommandLine.initdb(
            clusterDirectory: layout.clusterDirectory,
            locale: Self.hasUTF8CLocale ? "C.UTF-8" : nil
        )
        let offset = LogFileTail.size(of: layout.logFile)
        let pid = try processControl.spawn(request(binaries.initdb, arguments, runAs: runAs))
        guard let status = processControl.waitForExit(pid: pid, timeout: .seconds(300)) else {
            try? processControl.sendSignal(SIGKILL, to: pid)
            _ = processControl.waitForExit(pid: pid, timeout: .seconds(5))
            throw EmbeddedPostgresError.initdbFailed(
                status: "did not finish within 300 s",
                logFile: layout.logFile,
                logTail: LogFileTail.lines(of: layout.logFile, since: offset)
            )
        }
        guard status.isSuccess else {
            throw EmbeddedPostgresError.initdbFailed(
                status: status.description,
                logFile: layout.logFile,
                logTail: LogFileTail.lines(of: layout.logFile, since: offset)
            )
        }
    }

    private func startServer(binaries: PostgresBinaries, runAs: PostgresRunAs) throws -> pid_t {
        let fast = environment["ROOKERY_EMBEDDED_FAST"] == "1"
        let arguments = PostgresCommandLine.server(
            clusterDirectory: layout.clusterDirectory,
            socketDirectory: layout.socketDirectory,
            fast: fast
        )
        let offset = LogFileTail.size(of: layout.logFile)
        let pid = try processControl.spawn(request(binaries.postgres, arguments, runAs: runAs))
        let readiness = PostgresReadiness(
            processControl: processControl,
            conninfo: PostgresConnInfo.make([
                "host": layout.socketDirectory, "port": String(EmbeddedPostgresLayout.port),
                "dbname": "postgres", "user": Self.userName, "connect_timeout": "2",
            ])
        )
        do {
            try readiness.wait(for: pid)
        } catch .exited(let status) {
            throw EmbeddedPostgresError.exitedDuringStartup(
                status: status.description,
                logFile: layout.logFile,
                logTail: LogFileTail.lines(of: layout.logFile, since: offset)
            )
        } catch .timedOut {
            for signal in [SIGQUIT, SIGKILL] {
                try? processControl.sendSignal(signal, to: pid)
                if processControl.waitForExit(pid: pid, timeout: .seconds(5)) != nil { break }
            }
            throw EmbeddedPostgresError.startupTimedOut(
                seconds: Int(readiness.timeout.components.seconds),
                logFile: layout.logFile,
                logTail: LogFileTail.lines(of: layout.logFile, since: offset)
            )
        }
        logger.info("embedded PostgreSQL ready (pid \(pid), socket directory \(layout.socketDirectory), fast: \(fast))")
        return pid
    }

    /// A spawn request for a PostgreSQL program: own process group (a terminal's Ctrl-C must
    /// not stop the database before the gateway has drained its workers), clean signals, a
    /// minimal environment (a stray PGPORT or PGDATA must not change what the server does),
    /// output appended to the logger.
    private func request(_ program: String, _ arguments: [String], runAs: PostgresRunAs) -> SpawnRequest {
        let command = runAs.command(program, arguments)
        var childEnvironment = ["PATH": environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"]
        childEnvironment["TZ"] = environment["TZ"]
        return SpawnRequest(
            executablePath: command.executable,
            arguments: command.arguments,
            environment: childEnvironment,
            newProcessGroup: true,
            resetSignals: true,
            standardOutput: .appendToFile(layout.logFile),
            standardError: .appendToFile(layout.logFile)
        )
    }

    /// Whether this system has the C.UTF-8 locale (built into glibc >= 2.35; a separate
    /// locale elsewhere). Without it, initdb gets `--no-locale`.
    static var hasUTF8CLocale: Bool {
        guard let locale = newlocale(CInt(1) << LC_CTYPE, "C.UTF-8", nil) else { return false }
        freelocale(locale)
        return true
    }
}
