import NIOCore
import Protocol
import RookeryCommon

/// Where a complete client request goes from its connection: the public readiness probe is
/// answered here, everything else goes to the worker pool. With a read replica configured it
/// also carries read-your-writes: a read gets the user's last write position attached, and a
/// worker's answer gives up the positions and routing facts it reports in internal headers,
/// which never reach the client.
///
/// Kept out of `HTTPProxyHandler` so the connection handler knows nothing about clusters.
struct RequestForwarder: Sendable {
    let pool: WorkerPool
    let health: GatewayHealth
    /// Present when a read replica is configured.
    var readYourWrites: (positions: WritePositions, metrics: ReadMetrics)? = nil

    func submit(_ request: ProxiedRequest) {
        if PublicReadiness.isProbe(request.head) {
            self.answerReadiness(request)
            return
        }
        guard let (positions, metrics) = self.readYourWrites else {
            self.pool.submit(request)
            return
        }
        var request = request
        if MethodRules(request.head.method).isSafe {
            let user = request.head.headers.first(named: "authorization").flatMap(TokenSubject.userID)
            if let required = positions.required(user: user) {
                request.head.headers.append(
                    HeaderField(name: InternalHeaders.readPosition, value: required.description)
                )
            }
        }
        let deliver = request.deliver
        request.deliver = { response, trace in
            guard case .worker(var head, let body) = response else {
                deliver(response, trace)
                return
            }
            Self.takeReports(from: &head, positions: positions, metrics: metrics)
            deliver(.worker(head, body), trace)
        }
        self.pool.submit(request)
    }

    /// Records what a worker reported on its answer and removes the internal fields.
    static func takeReports(from head: inout ResponseHead, positions: WritePositions, metrics: ReadMetrics) {
        guard head.headers.contains(where: { InternalHeaders.isInternal($0.name) }) else { return }
        if let servedBy = head.headers.first(named: InternalHeaders.servedBy) {
            metrics.recordRead(servedBy: servedBy)
        }
        if let text = head.headers.first(named: InternalHeaders.committedPosition),
            let position = WALPosition(text),
            let user = head.headers.first(named: InternalHeaders.committedUser)
        {
            positions.record(user: user, position: position)
        }
        head.headers.removeAll { InternalHeaders.isInternal($0.name) }
    }

    private func answerReadiness(_ request: ProxiedRequest) {
        let health = self.health
        self.pool.snapshot().whenComplete { result in
            switch result {
            case .success(let snapshot):
                request.respond(PublicReadiness.response(health.readiness(snapshot)))
            case .failure:
                request.respond(PublicReadiness.response(.notReady(["pool unavailable"])))
            }
        }
    }
}
