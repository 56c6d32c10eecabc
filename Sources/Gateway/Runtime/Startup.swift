import ArgumentParser
import Foundation
import Logging
import NIOCore

/// What every command does before it runs: resolve the configuration, set up logging, and
/// turn configuration mistakes into one clear line and a non-zero exit.
enum Startup {
    static func configuration(from options: GatewayOptions) throws -> GatewayConfiguration {
        do {
            return try options.resolve(
                environment: ProcessInfo.processInfo.environment,
                executablePath: executablePath(),
                cores: System.coreCount
            )
        } catch let error as GatewayConfigurationError {
            fail(error.description)
        }
    }

    /// Prints `gateway: <message>` to standard error and exits with status 1.
    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("gateway: \(message)\n".utf8))
        exit(1)
    }

    static func logger(_ configuration: GatewayConfiguration) -> Logger {
        let json = configuration.logFormat == .json
        let level = Logger.Level(rawValue: configuration.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = GatewayLogHandler(label: label, json: json)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "rookery.gateway")
        logger[metadataKey: "gateway_pid"] = .stringConvertible(getpid())
        return logger
    }

    static func checkWorkerBinary(_ path: String) throws {
        guard access(path, X_OK) == 0 else {
            throw GatewayConfigurationError("worker binary \(path) is missing or not executable (set --worker-path)")
        }
    }

    /// The gateway's own path, from /proc/self/exe, so the default worker path works from any cwd.
    static func executablePath() -> String {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return resolved
        }
        return CommandLine.arguments.first ?? "gateway"
    }
}
