import CLibPQ
import NIOCore
import NIOPosix

/// Checks once a second, off the event loops, that the database accepts connections
/// (libpq's PQping: no login, no query), and tells the pool for /readyz.
final class DatabaseProbe: Sendable {
    private let conninfo: String
    private let pool: WorkerPool
    private let threadPool: NIOThreadPool

    init(conninfo: String, pool: WorkerPool) {
        self.conninfo = conninfo
        self.pool = pool
        self.threadPool = NIOThreadPool(numberOfThreads: 1)
    }

    func start() {
        self.threadPool.start()
        self.probe()
        self.pool.loop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
            self.probe()
        }
    }

    func stop() {
        try? self.threadPool.syncShutdownGracefully()
    }

    private func probe() {
        let conninfo = self.conninfo
        self.threadPool.runIfActive(eventLoop: self.pool.loop) {
            PQping(conninfo) == PQPING_OK
        }.whenSuccess { reachable in
            self.pool.databaseReachable = reachable
        }
    }
}
