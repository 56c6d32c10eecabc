import Glibc
import NIOCore
import NIOEmbedded

@testable import Gateway

/// A `WorkerLaunching` without processes: each "worker" is a pid and an `EmbeddedChannel` on
/// the test's `EmbeddedEventLoop`. The test decides when a worker says hello, answers, or
/// exits; `reap` behaves like `waitpid(pid, WNOHANG)`, including ECHILD for a pid reaped twice.
final class FakeWorkerLauncher: WorkerLaunching, @unchecked Sendable {
    struct LaunchFailure: Error {}

    let loop: EmbeddedEventLoop
    /// Every launch, in order.
    private(set) var launched: [(slot: Int, generation: Int, pid: pid_t)] = []
    /// The gateway's end of each worker's socket, by pid.
    private(set) var channels: [pid_t: EmbeddedChannel] = [:]
    /// Every signal sent, in order.
    private(set) var signals: [(pid: pid_t, signal: CInt)] = []
    /// Every `reap` call that found a status, in order (a second one for a pid is the defect).
    private(set) var reapedStatuses: [(pid: pid_t, status: ChildProcessStatus)] = []
    /// Decides whether a launch fails; by default none does.
    var launchFails: (_ slot: Int, _ generation: Int) -> Bool = { _, _ in false }
    /// Whether SIGKILL makes the fake child exit at once, as a real one does.
    var killIsFatal = true

    private var nextPID: pid_t = 1000
    private var exited: [pid_t: ChildProcessStatus] = [:]
    private var reaped: Set<pid_t> = []

    init(loop: EmbeddedEventLoop) {
        self.loop = loop
    }

    func launch(slot: Int, generation: Int) throws -> LaunchedWorker {
        if self.launchFails(slot, generation) {
            throw LaunchFailure()
        }
        let pid = self.nextPID
        self.nextPID += 1
        self.launched.append((slot, generation, pid))
        return LaunchedWorker(pid: pid, descriptor: pid)
    }

    func connect(
        descriptor: CInt,
        on loop: any EventLoop,
        initializer: @escaping @Sendable (any Channel) throws -> Void
    ) -> EventLoopFuture<any Channel> {
        let channel = EmbeddedChannel(loop: self.loop)
        do {
            try initializer(channel)
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        } catch {
            return self.loop.makeFailedFuture(error)
        }
        self.channels[descriptor] = channel
        return self.loop.makeSucceededFuture(channel)
    }

    func signal(_ pid: pid_t, _ signal: CInt) {
        self.signals.append((pid, signal))
        if signal == SIGKILL, self.killIsFatal, self.exited[pid] == nil, !self.reaped.contains(pid) {
            // The kernel ends the process a moment later, not inside kill(2).
            self.loop.execute { self.exit(pid, .signaled(SIGKILL)) }
        }
    }

    func reap(_ pid: pid_t) -> ChildProcessStatus? {
        if self.reaped.contains(pid) {
            return .unknown  // waitpid fails with ECHILD
        }
        guard let status = self.exited.removeValue(forKey: pid) else { return nil }
        self.reaped.insert(pid)
        self.reapedStatuses.append((pid, status))
        return status
    }

    /// The child ends with `status`: it becomes reapable, and its socket closes unless
    /// `closeSocket` is false (the kernel closes it a moment later than the exit).
    func exit(_ pid: pid_t, _ status: ChildProcessStatus, closeSocket: Bool = true) {
        self.exited[pid] = status
        if closeSocket {
            self.closeSocket(of: pid)
        }
    }

    /// The child's end of the socket closes (the process is gone or about to be).
    func closeSocket(of pid: pid_t) {
        guard let channel = self.channels[pid], channel.isActive else { return }
        _ = try? channel.close().wait()
    }

    /// Pids signalled with `signal`, in order.
    func pids(signalled signal: CInt) -> [pid_t] {
        self.signals.filter { $0.signal == signal }.map(\.pid)
    }
}
