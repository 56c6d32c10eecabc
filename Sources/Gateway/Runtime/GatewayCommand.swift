import ArgumentParser
import Foundation

/// `gateway`: the HTTP front of Rookery. It starts and supervises the workers and, unless
/// DATABASE_URL is given, its own PostgreSQL.
struct GatewayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "Rookery: the RealWorld (Conduit) API served by a supervised pool of worker processes.",
        discussion: """
            Every option falls back to the environment variable named in its help, then to its default.
            Signals: SIGTERM/SIGINT drain and stop (a second one stops at once); SIGCHLD is handled internally.
            """,
        version: GatewayVersion.string,
        subcommands: [ServeCommand.self, MigrateCommand.self, StatusCommand.self, ReloadCommand.self],
        defaultSubcommand: ServeCommand.self
    )
}

/// Serves HTTP until SIGTERM or SIGINT.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Start the gateway, its workers and (without DATABASE_URL) the embedded PostgreSQL. The default."
    )

    @OptionGroup var options: GatewayOptions

    func run() throws {
        let configuration = try Startup.configuration(from: self.options)
        let runtime = GatewayRuntime(configuration: configuration)
        do {
            try runtime.run()
        } catch let error as GatewayConfigurationError {
            Startup.fail(error.description)
        }
    }
}

/// Applies pending database migrations and exits.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending schema migrations (to DATABASE_URL or the embedded database) and exit."
    )

    @OptionGroup var options: GatewayOptions

    func run() throws {
        let configuration = try Startup.configuration(from: self.options)
        let logger = Startup.logger(configuration)
        do {
            try Startup.checkWorkerBinary(configuration.workerPath)
            let database = try DatabaseSetup.prepare(configuration, logger: logger)
            defer { database.stop() }
            try Migrations.run(
                workerPath: configuration.workerPath,
                conninfo: database.conninfo,
                workers: configuration.workers,
                benchRoutes: configuration.benchRoutes,
                logger: logger
            )
        } catch let error as GatewayConfigurationError {
            Startup.fail(error.description)
        }
    }
}
