import ArgumentParser
import Foundation
import Glibc

/// `gateway status`: what the running gateway and its workers are doing, read from the
/// admin listener's /status, like `passenger-status` or PHP-FPM's status page.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the running gateway's workers, queue and restarts (from /status on the admin port).",
        discussion: """
            Reads http://127.0.0.1:<admin-port>/status and prints a table: the gateway, then one row per worker, \
            then the slots whose workers fail to start. Exits with status 1 when the admin listener cannot be reached.
            """
    )

    @Option(
        name: .customLong("admin-port"),
        help: "Admin port of the running gateway. (env: ADMIN_PORT, default: 8081)"
    )
    var adminPort: String?

    @Flag(name: .customLong("json"), help: "Print the /status JSON as the gateway sent it.")
    var json = false

    @Option(name: .customLong("timeout"), help: "Seconds to wait for the answer.")
    var timeout: Double = 5

    func run() throws {
        let port: Int
        let timeout = self.timeout
        do {
            port = try Self.resolvePort(self.adminPort, environment: ProcessInfo.processInfo.environment)
            guard timeout > 0, timeout <= 3600 else {
                throw StatusReportError(description: "invalid --timeout \(timeout): expected seconds above 0")
            }
        } catch let error as StatusReportError {
            Self.fail(error.description)
        }
        let client = StatusHTTPClient(port: port, timeoutSeconds: timeout)
        let output: String
        do {
            let response = try client.get("/status")
            guard response.status == 200 else {
                throw StatusClientError.unexpectedStatus(response.status, body: response.text)
            }
            if self.json {
                output = response.text.hasSuffix("\n") ? response.text : response.text + "\n"
            } else {
                output = StatusFormatter().format(try StatusReport(json: Data(response.body)))
            }
        } catch let error as StatusClientError {
            Self.fail(error.description)
        } catch let error as StatusReportError {
            Self.fail(error.description)
        }
        FileHandle.standardOutput.write(Data(output.utf8))
    }

    /// `--admin-port`, else ADMIN_PORT, else 8081 — the same order `gateway serve` uses.
    static func resolvePort(_ flag: String?, environment: [String: String]) throws -> Int {
        let fromEnvironment = environment["ADMIN_PORT"].flatMap { $0.isEmpty ? nil : $0 }
        guard let text = flag ?? fromEnvironment else { return 8081 }
        guard let port = Int(text), (1...65_535).contains(port) else {
            throw StatusReportError(description: "invalid --admin-port \"\(text)\": expected a port from 1 to 65535")
        }
        return port
    }

    /// One line on standard error, exit status 1.
    private static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("gateway status: \(message)\n".utf8))
        Glibc.exit(1)
    }
}
