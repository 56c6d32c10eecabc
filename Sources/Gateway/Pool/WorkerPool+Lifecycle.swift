import Foundation
import Logging
import NIOCore
import Protocol

/// What a worker's socket tells the state machine besides frames: it closed, or it carried
/// something that is not a frame.
extension WorkerPool {
    /// Every slot has a ready worker.
    var isFullyReady: Bool { self.supervisor.isFullyReady }

    /// The worker's socket closed: it exited or crashed. Its requests are retried or failed,
    /// and the supervision pass reaps it if it can and refills its slot.
    func workerDisconnected(workerID: UInt64, reason: String) {
        self.perform(self.supervisor.socketClosed(workerID, reason: reason, now: self.loop.now))
        self.supervise()
    }

    /// A worker broke the protocol: its request is answered 502 (or retried if nothing was
    /// answered yet), and it is stopped and replaced like a crashed one.
    func workerMisbehaved(workerID: UInt64, reason: String) {
        self.perform(self.supervisor.misbehaved(workerID, reason: reason, now: self.loop.now))
    }
}
