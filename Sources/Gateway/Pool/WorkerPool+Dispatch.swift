import Foundation
import Logging
import NIOCore
import Protocol

/// Frames in both directions: requests the state machine assigned go out, the workers'
/// frames come in as events.
extension WorkerPool {
    /// Writes a request's frames to the worker's socket. A worker without a socket yet (it
    /// cannot have said hello) never gets one; its request comes back with the worker.
    func send(_ request: ProxiedRequest, frameID: UInt32, to id: UInt64) {
        guard let worker = self.workers[id], let channel = worker.channel else { return }
        var buffer = channel.allocator.buffer(capacity: 512 + request.body.readableBytes)
        self.encoder.writeRequestHead(request.head, requestID: frameID, into: &buffer)
        if request.body.readableBytes > 0 {
            self.encoder.writeRequestBody(request.body, requestID: frameID, into: &buffer)
        }
        self.encoder.writeRequestEnd(requestID: frameID, into: &buffer)
        channel.write(buffer, promise: nil)
        // Flushed once the loop has handled the rest of this tick's I/O: requests handed to
        // the same worker in one tick (pipelining) leave in one `writev` and wake it once.
        guard !worker.flushPending else { return }
        worker.flushPending = true
        self.unflushedWorkers.append(worker)
        if self.unflushedWorkers.count == 1 {
            self.loop.execute { self.flushWorkers() }
        }
    }

    private func flushWorkers() {
        var workers: [WorkerHandle] = []
        swap(&workers, &self.unflushedWorkers)
        for worker in workers {
            worker.flushPending = false
            worker.channel?.flush()
        }
    }

    /// A frame from a worker.
    func workerSent(_ frame: Frame<WorkerMessage>, workerID: UInt64) {
        guard let worker = self.workers[workerID] else { return }
        let now = self.loop.now
        self.lastWorkerActivity = now
        switch frame.message {
        case .hello(let hello):
            self.perform(
                self.supervisor.helloReceived(
                    workerID,
                    protocolVersion: hello.protocolVersion,
                    expected: FrameHeader.currentVersion,
                    routeCosts: hello.routeCosts,
                    now: now
                )
            )
        case .responseHead(let head):
            self.perform(self.supervisor.responseHeadReceived(workerID, frameID: frame.requestID, head: head, now: now))
        case .responseBody(var chunk):
            self.perform(
                self.supervisor.responseBodyReceived(workerID, frameID: frame.requestID, chunk: &chunk, now: now)
            )
        case .responseEnd(let statistics):
            self.perform(
                self.supervisor.responseEndReceived(
                    workerID,
                    frameID: frame.requestID,
                    statistics: statistics,
                    now: now
                )
            )
        case .pong(_, let databaseReachable):
            worker.databaseConnected = databaseReachable
        case .error(let code, let message):
            self.workerMisbehaved(workerID: workerID, reason: "worker reported protocol error \(code): \(message)")
        }
    }
}
