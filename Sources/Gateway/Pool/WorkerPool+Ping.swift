import NIOCore
import Protocol

extension WorkerPool {
    /// Pings idle workers so the gateway knows they are alive between requests (their pongs
    /// feed the systemd watchdog). Busy workers prove it by answering.
    func startPinging(every interval: TimeAmount) {
        self.loop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            var nonce: UInt64 = 0
            for id in self.supervisor.idle {
                guard let channel = self.workers[id]?.channel else { continue }
                nonce += 1
                var buffer = channel.allocator.buffer(capacity: 20)
                self.encoder.writePing(nonce: nonce, into: &buffer)
                channel.writeAndFlush(buffer, promise: nil)
            }
        }
    }
}
