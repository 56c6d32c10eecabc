import Foundation

/// JSON bodies of the admin endpoints.
enum AdminJSON {
    static func readiness(_ readiness: Readiness) -> String {
        let object: [String: Any] = [
            "ready": readiness.statusCode == 200,
            "read_only": readiness == .readOnly,
            "problems": readiness.problems,
        ]
        return encode(object)
    }

    /// `/status`: gateway, workers, slots and queue, in the shape docs/operations.md documents.
    static func status(_ snapshot: PoolSnapshot, replica: ReplicaStatus? = nil) -> String {
        let workers: [[String: Any]] = snapshot.workers.map { worker in
            [
                "pid": Int(worker.pid),
                "slot": worker.slot,
                "state": worker.state,
                "generation": worker.generation,
                "requests": worker.requests,
                "current_request_ms": worker.currentRequestMilliseconds.map { $0 as Any } ?? NSNull(),
                "age_seconds": (worker.ageSeconds * 1000).rounded() / 1000,
                "started_at": (worker.startedAt * 1000).rounded() / 1000,
                "current_request": worker.currentRequest.map { $0 as Any } ?? NSNull(),
                "rss_bytes": worker.residentBytes.map { $0 as Any } ?? NSNull(),
                "cpu_seconds": worker.cpuSeconds.map { ($0 * 100).rounded() / 100 as Any } ?? NSNull(),
                "database_connected": worker.databaseConnected,
            ]
        }
        let slots: [[String: Any]] = snapshot.slots.map { slot in
            [
                "slot": slot.slot,
                "consecutive_start_failures": slot.consecutiveFailures,
                "restart_in_ms": slot.restartInMilliseconds.map { $0 as Any } ?? NSNull(),
                "last_exit": snapshot.lastExitBySlot[slot.slot].map { $0 as Any } ?? NSNull(),
            ]
        }
        var object: [String: Any] = [
            "gateway": [
                "pid": Int(getpid()),
                "version": GatewayVersion.string,
                "stopping": snapshot.stopping,
                "generation": snapshot.generation,
                "reloading": snapshot.reloading,
                "uptime_seconds": snapshot.uptimeSeconds.rounded(),
                "rss_bytes": ProcessStats.read(pid: getpid())?.residentBytes ?? 0,
            ],
            "workers": workers,
            "slots": slots,
            "configured_workers": snapshot.configuredWorkers,
            "queue": [
                "depth": snapshot.queueDepth,
                "limit": snapshot.queueLimit,
                "oldest_wait_ms": snapshot.oldestWaitMilliseconds.map { $0 as Any } ?? NSNull(),
                "hedged": snapshot.hedgedRequests,
                "classes": Dictionary(
                    uniqueKeysWithValues: snapshot.costClasses.map { state -> (String, Any) in
                        (
                            state.label,
                            [
                                "in_flight": state.inFlight,
                                "worker_limit": state.workerLimit.map { $0 as Any } ?? NSNull(),
                                "queue_depth": state.queueDepth,
                                "queue_limit": state.queueLimit,
                                "rejected": state.rejected,
                            ] as [String: Any]
                        )
                    }
                ),
            ],
            "database": [
                "reachable": snapshot.databaseReachable,
                "embedded": snapshot.embeddedDatabase.map(embedded) ?? NSNull(),
            ],
            "restarts": snapshot.restarts,
            "last_start_error": snapshot.lastStartError.map { $0 as Any } ?? NSNull(),
            "last_exit": snapshot.lastExit.map { $0 as Any } ?? NSNull(),
        ]
        if let replica {
            object["replica"] = [
                "state": replica.state.rawValue,
                "lag_seconds": replica.lagSeconds.map { ($0 * 1000).rounded() / 1000 as Any } ?? NSNull(),
                "problem": replica.problem.map { $0 as Any } ?? NSNull(),
            ]
        }
        return encode(object)
    }

    private static func embedded(_ status: EmbeddedPostgresStatus) -> Any {
        [
            "pid": status.pid.map { Int($0) as Any } ?? NSNull(),
            "running": status.running,
            "restarts": status.restarts,
            "consecutive_failures": status.consecutiveFailures,
            "last_exit": status.lastExit.map { $0 as Any } ?? NSNull(),
            "last_start_error": status.lastStartError.map { $0 as Any } ?? NSNull(),
        ] as [String: Any]
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
