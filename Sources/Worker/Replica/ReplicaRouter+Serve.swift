import Protocol

extension ReplicaRouter {
    /// Runs a read (`run`) on the server `target(minimum:)` chooses, with the fallbacks described
    /// on `ReplicaRouter`; returns the answer and the server that gave it.
    func serve(_ request: HTTPRequest, services: WorkerServices, run: () -> HTTPResponse) -> (HTTPResponse, Target) {
        let minimum = request.header(InternalHeaders.readPosition).flatMap(WALPosition.init)
        if self.target(minimum: minimum) == .replica {
            services.use(.replica)
            self.replica.resetStatistics()  // the standby check is not the request's round trip
            let response = run()
            let failed = self.replica.statistics.databaseErrors > 0
            if !failed, !Self.retriedOnPrimary.contains(response.status) {
                return (response, .replica)
            }
            if failed {
                self.replicaFailed()
            }
        }
        services.use(.primary)
        let response = run()
        let primary = services.primary
        guard primary.statistics.databaseErrors > 0, !primary.isReachable, self.canStandInForPrimary else {
            return (response, .primary)
        }
        // The primary is gone: a possibly stale answer from the standby beats a 503.
        services.use(.replica)
        self.replica.resetStatistics()
        let fallback = run()
        return self.replica.statistics.databaseErrors == 0 ? (fallback, .replica) : (response, .primary)
    }
}
