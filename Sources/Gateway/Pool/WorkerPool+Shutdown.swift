import Foundation
import Logging
import NIOCore

extension WorkerPool {
    /// Stops taking new work, lets queued and in-flight requests finish, then stops every
    /// worker. After `gracefulTimeout` what is left is answered 503 and killed.
    func shutdown(gracefulTimeout: TimeAmount) -> EventLoopFuture<Void> {
        self.loop.flatSubmit {
            let promise = self.loop.makePromise(of: Void.self)
            self.stopping = true
            self.drainedPromise = promise
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
                    self.launcher.signal(worker.pid, SIGKILL)
                }
            }
            self.checkDrained()
            return promise.futureResult
        }
    }

    /// While stopping: once nothing waits, idle workers are retired; once every process is
    /// reaped, the shutdown completes.
    func checkDrained() {
        guard self.stopping, let promise = self.drainedPromise else { return }
        if self.queue.isEmpty {
            for worker in self.workers.values where worker.state == .idle || worker.state == .starting {
                self.retire(worker)
            }
        }
        guard self.unreaped.isEmpty else { return }
        self.drainedPromise = nil
        promise.succeed()
    }

    /// Second SIGTERM or SIGQUIT: no more waiting, every worker gets SIGKILL.
    func killAll() -> EventLoopFuture<Void> {
        self.loop.submit {
            self.stopping = true
            for pid in self.unreaped.keys {
                self.launcher.signal(pid, SIGKILL)
            }
        }
    }
}
