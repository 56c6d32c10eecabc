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
            self.loop.scheduleTask(in: gracefulTimeout) {
                guard self.drainedPromise != nil else { return }
                self.perform(self.supervisor.gracefulTimeoutPassed(now: self.loop.now))
            }
            return promise.futureResult
        }
    }

    /// Second SIGTERM or SIGQUIT: no more waiting, every worker gets SIGKILL.
    func killAll() -> EventLoopFuture<Void> {
        self.loop.submit {
            self.perform(self.supervisor.killAll(now: self.loop.now))
        }
    }
}
