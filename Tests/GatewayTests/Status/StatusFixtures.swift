/// /status bodies as gateways of different ages send them.
enum StatusFixtures {
    /// The shape `AdminJSON.status` writes today (keys sorted, as JSONSerialization sorts them).
    static let current = #"""
        {"configured_workers":2,"database":{"reachable":true},\#
        "gateway":{"generation":3,"pid":4242,"reloading":false,"stopping":false,"version":"0.1.0"},\#
        "last_exit":"worker 4000 exited with status 0","last_start_error":null,\#
        "queue":{"depth":3,"limit":1024,"oldest_wait_ms":120},\#
        "restarts":{"recycle":5,"crash":2},\#
        "slots":[{"consecutive_start_failures":0,"restart_in_ms":null,"slot":0},\#
        {"consecutive_start_failures":0,"restart_in_ms":null,"slot":1}],\#
        "workers":[\#
        {"age_seconds":62.125,"current_request_ms":null,"generation":3,"pid":4243,"requests":10,"slot":0,"state":"idle"},\#
        {"age_seconds":7.5,"current_request_ms":1500,"generation":3,"pid":4244,"requests":5,"slot":1,"state":"busy"}]}
        """#

    /// A newer gateway: per-worker memory, CPU time, route, start time and last exit, plus
    /// fields nobody knows yet at every level.
    static let grown = #"""
        {"configured_workers":1,"database":{"reachable":false,"latency_ms":12},\#
        "gateway":{"generation":1,"pid":1,"reloading":true,"stopping":false,"version":"0.2.0","uptime_seconds":3725},\#
        "last_exit":null,"last_start_error":"worker 77 exited before it was ready",\#
        "queue":{"depth":0,"limit":10,"oldest_wait_ms":null,"rejected":4},\#
        "restarts":{},"slots":[],"build":"abc123",\#
        "workers":[{"age_seconds":90000,"current_request_ms":20,"generation":1,"pid":99,"requests":1,"slot":0,\#
        "state":"busy","resident_memory_bytes":12582912,"cpu_seconds":1.5,"current_route":"GET /api/articles/:slug",\#
        "started_at":1700000000,"last_exit":"exited with status 0","labels":{"zone":"a"}}]}
        """#

    /// An older or stripped-down gateway: most optional fields missing.
    static let minimal = #"""
        {"gateway":{"pid":7},"workers":[{"pid":8,"state":"starting"}]}
        """#

    /// Slot 1 keeps failing to start and waits for its next attempt.
    static let backoff = #"""
        {"configured_workers":2,"database":{"reachable":true},\#
        "gateway":{"generation":1,"pid":10,"reloading":false,"stopping":false,"version":"0.1.0"},\#
        "last_exit":"worker 31 exited with status 1",\#
        "last_start_error":"worker 31 exited before it was ready",\#
        "queue":{"depth":0,"limit":1024,"oldest_wait_ms":null},"restarts":{},\#
        "slots":[{"consecutive_start_failures":0,"restart_in_ms":null,"slot":0},\#
        {"consecutive_start_failures":4,"restart_in_ms":1600,"slot":1}],\#
        "workers":[{"age_seconds":3,"current_request_ms":null,"generation":1,"pid":11,"requests":0,"slot":0,\#
        "state":"idle"}]}
        """#
}
