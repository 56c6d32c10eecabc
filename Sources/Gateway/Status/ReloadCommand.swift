import ArgumentParser
import Foundation
import Glibc

/// `gateway reload --pid PID`: sends SIGHUP to a running gateway and waits until its rolling
/// reload has finished, for systemd's `ExecReload=`.
///
/// systemd before 253 has no `Type=notify-reload`; with plain `Type=notify` an
/// `ExecReload=kill -HUP` returns at once and `systemctl reload` would report success before
/// any worker was replaced. This command returns when every worker belongs to the new
/// generation (status 0) or when the reload failed or timed out (status 1, one line).
struct ReloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Send SIGHUP to a running gateway and wait until its rolling reload has finished.",
        discussion: """
            Reads the generation from http://127.0.0.1:<admin-port>/status, sends SIGHUP, and waits until every worker \
            belongs to a newer generation. For ExecReload= in systemd units: gateway reload --pid $MAINPID.
            """
    )

    @Option(name: .customLong("pid"), help: "Pid of the running gateway ($MAINPID under systemd).")
    var pid: Int32

    @Option(
        name: .customLong("admin-port"),
        help: "Admin port of the running gateway. (env: ADMIN_PORT, default: 8081)"
    )
    var adminPort: String?

    @Option(name: .customLong("timeout"), help: "Seconds to wait for the reload to finish.")
    var timeout: Double = 120

    func run() throws {
        do {
            try self.reload()
        } catch let error as StatusReportError {
            Self.fail(error.description)
        } catch let error as StatusClientError {
            Self.fail(error.description)
        }
    }

    private func reload() throws {
        guard self.pid > 1 else { throw StatusReportError(description: "invalid --pid \(self.pid)") }
        guard self.timeout > 0, self.timeout <= 3600 else {
            throw StatusReportError(description: "invalid --timeout \(self.timeout): expected seconds above 0")
        }
        let port = try StatusCommand.resolvePort(self.adminPort, environment: ProcessInfo.processInfo.environment)
        let client = StatusHTTPClient(port: port, timeoutSeconds: 5)
        let before = try Self.report(client).gateway.generation ?? 0
        guard kill(self.pid, SIGHUP) == 0 else {
            throw StatusReportError(description: "cannot signal pid \(self.pid): \(SystemErrorText.describe(errno))")
        }
        let signalledAt = Date()
        let deadline = signalledAt.addingTimeInterval(self.timeout)
        var started = false
        while Date() < deadline {
            usleep(100_000)
            guard let report = try? Self.report(client) else { continue }
            switch Self.outcome(report, previousGeneration: before) {
            case .inProgress:
                started = true
            case .notStarted:
                // A failed reload goes back to the old generation: after a start, or after
                // seconds without one, that is a failure, not a signal still on its way.
                if started || Date().timeIntervalSince(signalledAt) > 5 {
                    throw StatusReportError(
                        description: "the reload failed: new workers could not start, the old generation keeps "
                            + "serving (see the gateway's log)"
                    )
                }
            case .finished:
                return
            case .failed(let reason):
                throw StatusReportError(description: reason)
            }
        }
        throw StatusReportError(
            description: "the reload did not finish within \(StatusFormatter.decimal(self.timeout)) s"
        )
    }

    /// Where a reload stands, judged from /status.
    enum Outcome: Equatable {
        /// Same generation, no reload running: not started yet, or failed and rolled back.
        case notStarted
        case inProgress
        case finished
        case failed(String)
    }

    static func outcome(_ report: StatusReport, previousGeneration: Int) -> Outcome {
        let generation = report.gateway.generation ?? previousGeneration
        if report.gateway.reloading == true {
            return .inProgress
        }
        guard generation > previousGeneration else {
            return .notStarted
        }
        let stale = report.workers.filter { ($0.generation ?? 0) < generation && $0.state != "draining" }
        guard stale.isEmpty else {
            return .failed(
                "reload to generation \(generation) failed: \(stale.count) worker(s) still run the old generation "
                    + "(see the gateway's log and gateway status)"
            )
        }
        return .finished
    }

    private static func report(_ client: StatusHTTPClient) throws -> StatusReport {
        let response = try client.get("/status")
        guard response.status == 200 else {
            throw StatusClientError.unexpectedStatus(response.status, body: response.text)
        }
        return try StatusReport(json: Data(response.body))
    }

    private static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("gateway reload: \(message)\n".utf8))
        Glibc.exit(1)
    }
}
