import Foundation
import NIOCore
import NIOPosix

/// A worker process just started, and the gateway's end of its socket.
struct LaunchedWorker: Sendable {
    var pid: pid_t
    var descriptor: CInt
}

/// How the pool starts, signals and reaps workers; a protocol so pool logic can be tested
/// with fakes.
protocol WorkerLaunching: Sendable {
    func launch(slot: Int, generation: Int) throws -> LaunchedWorker
    /// Wraps the gateway's end of the socket in a channel on `loop`.
    func connect(
        descriptor: CInt,
        on loop: any EventLoop,
        initializer: @escaping @Sendable (any Channel) throws -> Void
    ) -> EventLoopFuture<any Channel>
    func signal(_ pid: pid_t, _ signal: CInt)
    /// The exit status once the process has exited (`waitpid` with `WNOHANG`); nil while it runs.
    func reap(_ pid: pid_t) -> ChildProcessStatus?
}

/// Starts `worker` processes with posix_spawn, each on its own AF_UNIX socketpair: the
/// worker's end becomes its descriptor 3, so no other process can reach it.
struct WorkerLauncher: WorkerLaunching {
    var workerPath: String
    /// The worker's environment (configuration, database URL).
    var environment: [String: String]
    private let processes = SystemProcessControl()

    /// The descriptor number the worker finds its socket on.
    static let workerDescriptor: CInt = 3

    init(workerPath: String, environment: [String: String]) {
        self.workerPath = workerPath
        self.environment = environment
    }

    func launch(slot: Int, generation: Int) throws -> LaunchedWorker {
        var descriptors: [CInt] = [-1, -1]
        let socketType = CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue)
        guard socketpair(AF_UNIX, socketType, 0, &descriptors) == 0 else {
            throw ProcessSpawnError(executablePath: self.workerPath, errorNumber: errno, context: "socketpair")
        }
        let gatewayEnd = descriptors[0]
        let workerEnd = descriptors[1]
        defer { close(workerEnd) }
        var environment = self.environment
        environment["ROOKERY_WORKER_FD"] = String(Self.workerDescriptor)
        environment["ROOKERY_GENERATION"] = String(generation)
        environment["ROOKERY_WORKER_SLOT"] = String(slot)
        let request = SpawnRequest(
            executablePath: self.workerPath,
            arguments: ["serve"],
            environment: environment,
            fileDescriptorMappings: [FileDescriptorMapping(source: workerEnd, target: Self.workerDescriptor)],
            // Its own process group: a Ctrl-C in the terminal reaches only the gateway, which
            // then drains the workers in order instead of losing them mid-request.
            newProcessGroup: true,
            resetSignals: true
        )
        do {
            let pid = try self.processes.spawn(request)
            return LaunchedWorker(pid: pid, descriptor: gatewayEnd)
        } catch {
            close(gatewayEnd)
            throw error
        }
    }

    func connect(
        descriptor: CInt,
        on loop: any EventLoop,
        initializer: @escaping @Sendable (any Channel) throws -> Void
    ) -> EventLoopFuture<any Channel> {
        ClientBootstrap(group: loop)
            .channelInitializer { channel in
                do {
                    try initializer(channel)
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
            .withConnectedSocket(descriptor)
    }

    func signal(_ pid: pid_t, _ signal: CInt) {
        try? self.processes.sendSignal(signal, to: pid)
    }

    func reap(_ pid: pid_t) -> ChildProcessStatus? {
        self.processes.reap(pid: pid)
    }
}
