import Foundation
import Logging
import NIOCore
import Protocol

/// The I/O side of supervision: `WorkerPoolStateMachine` decides, this performs. SIGCHLD,
/// socket closes and the one timer all lead to `supervise()`, which collects every exit
/// with `waitpid` (each pid once) and hands them to the state machine in one event.
extension WorkerPool {
    /// One supervision pass. Re-entrant calls (a kill that closes a socket at once, say) are
    /// folded into another round of the running pass instead of nesting.
    func supervise() {
        guard !self.supervising else {
            self.supervisionRequested = true
            return
        }
        self.supervising = true
        repeat {
            self.supervisionRequested = false
            var reaped: [(pid: pid_t, status: ChildProcessStatus)] = []
            for pid in self.supervisor.unreapedPIDs {
                if let status = self.launcher.reap(pid) {
                    reaped.append((pid, status))
                }
            }
            self.perform(self.supervisor.supervise(reaped: reaped, now: self.loop.now))
        } while self.supervisionRequested
        self.supervising = false
    }

    /// SIGHUP: a rolling reload of every worker (the state machine walks the slots).
    func startReload() {
        self.loop.execute {
            self.perform(self.supervisor.reloadRequested(now: self.loop.now))
        }
    }

    /// Performs the state machine's actions, in order.
    func perform(_ actions: [WorkerPoolStateMachine.Action]) {
        for action in actions {
            self.perform(action)
        }
    }

    private func perform(_ action: WorkerPoolStateMachine.Action) {
        switch action {
        case .launch(let order):
            self.launch(order)
        case .send(let id, let frameID, let request):
            self.send(request, frameID: frameID, to: id)
        case .answer(let request, let response, let workerPID, let statistics):
            request.respond(response, workerPID: workerPID, statistics: statistics)
        case .answerLater(let request, let error, let deadline):
            self.loop.scheduleTask(deadline: deadline) { request.respond(.gatewayError(error)) }
        case .drain(let id, let pid, let viaSignal):
            let worker = self.workers[id]
            if viaSignal || worker?.channel == nil {
                self.launcher.signal(pid, SIGTERM)
            } else if let channel = worker?.channel {
                var buffer = channel.allocator.buffer(capacity: FrameHeader.size)
                self.encoder.writeDrain(into: &buffer)
                channel.writeAndFlush(buffer, promise: nil)
            }
        case .signal(let pid, let signal):
            self.launcher.signal(pid, signal)
        case .forget(let id):
            self.workers.removeValue(forKey: id)?.channel = nil
        case .countRestart(let reason):
            self.onRestart?(reason)
        case .countRejection(let costClass):
            self.onRejection?(costClass)
        case .countHedge:
            self.onHedge?()
        case .notify(let event):
            self.onEvent?(event)
        case .log(let level, let message, let metadata):
            self.logger.log(level: level, message, metadata: metadata)
        case .scheduleTimer, .cancelTimer:
            self.syncSupervisionTimer()
        case .shutdownComplete:
            self.drainedPromise?.succeed()
            self.drainedPromise = nil
        }
    }

    /// Sets the one timer to the state machine's latest wish. Actions of an event may be
    /// performed after those of events they triggered, so an earlier timer action can be
    /// stale; the machine's current `timer` never is.
    private func syncSupervisionTimer() {
        let wanted = self.supervisor.timer
        guard wanted != self.supervisionTimer?.deadline else { return }
        self.supervisionTimer?.task.cancel()
        self.supervisionTimer = nil
        guard let wanted else { return }
        let task = self.loop.scheduleTask(deadline: wanted) {
            self.supervisionTimer = nil
            self.supervise()
        }
        self.supervisionTimer = (wanted, task)
    }

    /// Starts the process of a launch order and attaches its socket; the state machine hears
    /// whether it started.
    private func launch(_ order: WorkerPoolStateMachine.LaunchOrder) {
        let launched: LaunchedWorker
        do {
            launched = try self.launcher.launch(slot: order.slot, generation: order.generation)
        } catch {
            self.perform(self.supervisor.launchFailed(order, reason: "\(error)", now: self.loop.now))
            return
        }
        let (record, actions) = self.supervisor.launched(order, pid: launched.pid, now: self.loop.now)
        let id = record.id
        self.workers[id] = WorkerHandle(id: id, pid: launched.pid, now: self.loop.now)
        self.launcher.connect(descriptor: launched.descriptor, on: self.loop) { channel in
            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder<WorkerMessage>()))
            try channel.pipeline.syncOperations.addHandler(WorkerChannelHandler(pool: self, workerID: id))
        }.whenComplete { result in
            switch result {
            case .success(let channel):
                if let worker = self.workers[id] {
                    worker.channel = channel
                } else {
                    channel.close(promise: nil)
                }
            case .failure(let error):
                self.logger.error("cannot attach worker socket", metadata: ["error": .string("\(error)")])
                self.workerDisconnected(workerID: id, reason: "socket setup failed")
            }
        }
        self.perform(actions)
    }
}
