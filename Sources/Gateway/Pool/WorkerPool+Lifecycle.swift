import Foundation
import Logging
import NIOCore
import Protocol

/// What the dispatcher tells the supervisor about a worker (hello, idle, socket closed,
/// protocol broken), and what it does with the requests of a worker that is gone.
extension WorkerPool {
    func workerSaidHello(_ worker: WorkerHandle, _ hello: WorkerHello) {
        switch worker.state {
        case .starting, .draining, .exited:
            self.perform(
                self.supervisor.helloReceived(
                    worker.id,
                    protocolVersion: hello.protocolVersion,
                    expected: FrameHeader.currentVersion,
                    now: self.loop.now
                )
            )
            self.dispatch()
        case .idle, .busy:
            self.workerMisbehaved(workerID: worker.id, reason: "second hello")
        }
    }

    /// Every slot has a ready worker.
    var isFullyReady: Bool { self.supervisor.isFullyReady }

    /// The worker has no request in hand: the supervisor may retire or recycle it, else it
    /// waits for the next request.
    func workerBecameIdle(_ worker: WorkerHandle) {
        worker.state = .idle
        worker.idleSince = self.loop.now
        self.perform(
            self.supervisor.workerIdle(
                worker.id,
                requestsServed: worker.requestsServed,
                queueIsEmpty: self.queue.isEmpty,
                now: self.loop.now
            )
        )
        self.dispatch()
    }

    /// The worker's socket closed: it exited or crashed. Its requests are retried or failed,
    /// and the supervision pass reaps it if it can and refills its slot.
    func workerDisconnected(workerID: UInt64, reason: String) {
        self.perform(self.supervisor.socketClosed(workerID, reason: reason, now: self.loop.now))
        self.supervise()
    }

    /// The worker is gone: requests pipelined on it go back to the queue, its current one is
    /// retried or failed.
    func releaseRequests(of worker: WorkerHandle) {
        worker.state = .exited
        worker.channel = nil
        self.requeuePipelined(of: worker)
        if let inFlight = worker.inFlight {
            worker.inFlight = nil
            inFlight.timeout?.cancel()
            self.failInFlight(inFlight)
        }
    }

    /// A worker broke the protocol: its request is answered 502 (or retried if nothing was
    /// answered yet), and it is stopped and replaced like a crashed one.
    func workerMisbehaved(workerID: UInt64, reason: String) {
        guard let worker = self.workers[workerID], worker.state != .draining else { return }
        if let inFlight = worker.inFlight {
            worker.inFlight = nil
            inFlight.timeout?.cancel()
            if inFlight.responseHead != nil {
                inFlight.request.respond(.gatewayError(.badWorkerResponse))
            } else {
                self.failInFlight(inFlight)
            }
        }
        self.perform(self.supervisor.misbehaved(workerID, reason: reason, now: self.loop.now))
        self.dispatch()
    }
}
