import Foundation
import Logging

/// Runs `worker migrate`, which owns the schema and the database code, and waits for it.
///
/// The worker applies migrations under a PostgreSQL advisory lock, so two gateways starting
/// together on one database cannot apply a migration twice.
enum Migrations {
    static func run(workerPath: String, conninfo: String, workers: Int, benchRoutes: Bool = false, logger: Logger)
        throws
    {
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = conninfo
        // The worker checks the connection budget: workers × 1 must fit in max_connections.
        environment["ROOKERY_WORKERS"] = String(workers)
        // The TechEmpower tables are only created when the bench routes are on.
        environment["ROOKERY_BENCH_ROUTES"] = benchRoutes ? "1" : "0"
        let processes = SystemProcessControl()
        let pid: pid_t
        do {
            pid = try processes.spawn(
                SpawnRequest(executablePath: workerPath, arguments: ["migrate"], environment: environment)
            )
        } catch {
            throw GatewayConfigurationError("cannot run migrations: \(error)")
        }
        guard let status = processes.waitForExit(pid: pid, timeout: .seconds(300)) else {
            try? processes.sendSignal(SIGKILL, to: pid)
            _ = processes.waitForExit(pid: pid, timeout: .seconds(5))
            throw GatewayConfigurationError("migrations did not finish within 300 s")
        }
        guard status == .exited(0) else {
            throw GatewayConfigurationError("migrations failed (\(status)); the worker's log above says why")
        }
        logger.info("database schema is up to date")
    }
}
