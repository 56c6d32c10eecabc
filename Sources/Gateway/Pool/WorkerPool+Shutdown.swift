import Foundation
import Logging
import NIOCore

extension WorkerPool {
    /// Stops taking new work, lets queued and in-flight requests finish, then stops every
    /// worker. After `gracefulTimeout` what is left is answered 503 and killed.
    func shutdown(gracefulTimeout: TimeAmount) -> EventLoopFuture<Void> {
        self.loop.flatSubmit {
            let promise = self.loop.makePromise(of: Void.self)
            self.drainedPromise = promise
            self.perform(self.supervisor.shutdownRequested(now: self.loop.now))
            self.dispatch()
            self.loop.scheduleTask(in: gracefulTimeout) {
                guard self.drainedPromise != nil else { return }
                self.logger.warning("graceful timeout reached, stopping remaining workers")
                for request in self.queue.removeAll() {
                    request.respond(.gatewayError(.shuttingDown))
                }
                for worker in self.workers.values {
                    if let inFlight = worker.inFlight {
                        worker.inFlight = nil
                        inFlight.timeout?.cancel()
                        inFlight.request.respond(.gatewayError(.shuttingDown))
                    }
                    for waiting in worker.pipelined {
                        waiting.request.respond(.gatewayError(.shuttingDown))
                    }
                    worker.pipelined = []
                }
                self.perform(self.supervisor.killAll(now: self.loop.now))
            }
            return promise.futureResult
        }
    }

    /// While stopping: once nothing waits, idle workers are retired; the shutdown completes
    /// when the state machine has reaped every worker (`.shutdownComplete`).
    func checkDrained() {
        guard self.stopping, self.drainedPromise != nil, self.queue.isEmpty else { return }
        let idle = self.workers.values.filter { $0.state == .idle }.map(\.id)
        self.perform(self.supervisor.queueDrained(idle: idle, now: self.loop.now))
    }

    /// Second SIGTERM or SIGQUIT: no more waiting, every worker gets SIGKILL.
    func killAll() -> EventLoopFuture<Void> {
        self.loop.submit {
            self.perform(self.supervisor.killAll(now: self.loop.now))
        }
    }
}
