import CRookerySystem
import FoundationEssentials
import Glibc
import Logging
import RookeryCommon

// The worker is started by the gateway, never by hand: `worker` serves requests on the
// inherited socket, `worker migrate` applies the schema and exits.

// Die with the gateway even if it is SIGKILLed; then close the race where it died before
// the prctl took effect.
_ = rookery_set_parent_death_signal(SIGTERM)
// Big blocks (scrypt's 32 MiB work area above all) go back to the kernel when freed, so a
// worker's resident memory after a registration is what it was before.
_ = rookery_return_large_blocks_to_system(256 * 1024)
let command = CommandLine.arguments.dropFirst().first ?? "serve"
if command == "serve", rookery_parent_pid() == 1 {
    exit(0)
}

let logFormat = ProcessInfo.processInfo.environment["ROOKERY_LOG_FORMAT"] ?? "text"
LoggingSystem.bootstrap { label in
    var handler = WorkerLogHandler(label: label, json: logFormat == "json")
    handler.logLevel =
        Logger.Level(rawValue: ProcessInfo.processInfo.environment["ROOKERY_LOG_LEVEL"] ?? "info") ?? .info
    return handler
}
var logger = Logger(label: "rookery.worker")
logger[metadataKey: "worker_pid"] = .stringConvertible(getpid())

switch command {
case "serve":
    exit(WorkerCommand.serve(logger: logger))
case "migrate":
    exit(WorkerCommand.migrate(logger: logger))
case "fuzz":
    exit(FuzzTargets.run(arguments: Array(CommandLine.arguments.dropFirst(2)), logger: logger))
default:
    StandardError.write("worker: unknown command \"\(command)\" (expected serve, migrate or fuzz)\n")
    exit(64)
}
