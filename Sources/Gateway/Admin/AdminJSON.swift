import Foundation

/// JSON bodies of the admin endpoints.
enum AdminJSON {
    static func readiness(problems: [String]) -> String {
        let object: [String: Any] = [
            "ready": problems.isEmpty,
            "problems": problems,
        ]
        return encode(object)
    }

    /// `/status`: gateway, workers and queue, in the shape docs/operations.md documents.
    static func status(_ snapshot: PoolSnapshot) -> String {
        let workers: [[String: Any]] = snapshot.workers.map { worker in
            [
                "pid": Int(worker.pid),
                "slot": worker.slot,
                "state": worker.state,
                "generation": worker.generation,
                "requests": worker.requests,
                "current_request_ms": worker.currentRequestMilliseconds.map { $0 as Any } ?? NSNull(),
            ]
        }
        let object: [String: Any] = [
            "gateway": [
                "pid": Int(getpid()),
                "version": GatewayVersion.string,
                "stopping": snapshot.stopping,
            ],
            "workers": workers,
            "configured_workers": snapshot.configuredWorkers,
            "queue": ["depth": snapshot.queueDepth, "limit": snapshot.queueLimit],
            "database": ["reachable": snapshot.databaseReachable],
            "last_start_error": snapshot.lastStartError.map { $0 as Any } ?? NSNull(),
        ]
        return encode(object)
    }

    private static func encode(_ object: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// The version reported by /status and `--version`.
enum GatewayVersion {
    static let string = "0.1.0"
}
