import Foundation

/// The /status document as `gateway status` understands it (shape: `AdminJSON.status`).
///
/// Every field is optional and every unknown field is kept in an `extra` dictionary, so a
/// newer or older gateway's /status still prints: known fields get their own line or column,
/// the rest are shown under their JSON names.
struct StatusReport: Equatable, Sendable {
    struct Gateway: Equatable, Sendable {
        var pid: Int?
        var version: String?
        var generation: Int?
        var reloading: Bool?
        var stopping: Bool?
        var extra: [String: StatusJSONValue] = [:]
    }

    struct Queue: Equatable, Sendable {
        var depth: Int?
        var limit: Int?
        var oldestWaitMilliseconds: Int?
        var extra: [String: StatusJSONValue] = [:]
    }

    struct Worker: Equatable, Sendable {
        var slot: Int?
        var pid: Int?
        var state: String?
        var generation: Int?
        var requests: Int?
        var currentRequestMilliseconds: Int?
        var ageSeconds: Double?
        /// Fields this version does not know (memory, CPU time, route, ...), by JSON name.
        var extra: [String: StatusJSONValue] = [:]
    }

    struct Slot: Equatable, Sendable {
        var slot: Int?
        var consecutiveStartFailures: Int?
        var restartInMilliseconds: Int?
        var extra: [String: StatusJSONValue] = [:]

        /// Whether the slot is failing or waiting to retry, the only slots worth showing.
        var isBackingOff: Bool {
            (self.consecutiveStartFailures ?? 0) > 0 || self.restartInMilliseconds != nil
        }
    }

    var gateway = Gateway()
    var workers: [Worker] = []
    var slots: [Slot] = []
    var configuredWorkers: Int?
    var queue = Queue()
    var databaseReachable: Bool?
    var restarts: [String: Int] = [:]
    var lastStartError: StatusJSONValue?
    var lastExit: StatusJSONValue?
    /// Top-level fields this version does not know.
    var extra: [String: StatusJSONValue] = [:]
}

/// /status could not be read as a status document.
struct StatusReportError: Error, CustomStringConvertible {
    var description: String
}

extension StatusReport {
    /// Parses a /status body; fails only when it is not a JSON object.
    init(json data: Data) throws {
        let document: StatusJSONValue
        do {
            document = try StatusJSONValue.parse(data)
        } catch {
            throw StatusReportError(description: "/status did not answer JSON")
        }
        guard var top = document.objectValue else {
            throw StatusReportError(description: "/status did not answer a JSON object")
        }
        self.init()
        if var gateway = top.removeValue(forKey: "gateway")?.objectValue {
            self.gateway.pid = gateway.removeValue(forKey: "pid")?.intValue
            self.gateway.version = gateway.removeValue(forKey: "version")?.stringValue
            self.gateway.generation = gateway.removeValue(forKey: "generation")?.intValue
            self.gateway.reloading = gateway.removeValue(forKey: "reloading")?.boolValue
            self.gateway.stopping = gateway.removeValue(forKey: "stopping")?.boolValue
            self.gateway.extra = gateway
        }
        if var queue = top.removeValue(forKey: "queue")?.objectValue {
            self.queue.depth = queue.removeValue(forKey: "depth")?.intValue
            self.queue.limit = queue.removeValue(forKey: "limit")?.intValue
            self.queue.oldestWaitMilliseconds = queue.removeValue(forKey: "oldest_wait_ms")?.intValue
            self.queue.extra = queue
        }
        self.workers = (top.removeValue(forKey: "workers")?.arrayValue ?? []).compactMap(\.objectValue).map {
            Self.worker($0)
        }
        self.slots = (top.removeValue(forKey: "slots")?.arrayValue ?? []).compactMap(\.objectValue).map {
            Self.slot($0)
        }
        self.configuredWorkers = top.removeValue(forKey: "configured_workers")?.intValue
        if var database = top.removeValue(forKey: "database")?.objectValue {
            self.databaseReachable = database.removeValue(forKey: "reachable")?.boolValue
            for (key, value) in database {
                self.extra["database." + key] = value
            }
        }
        if let restarts = top.removeValue(forKey: "restarts")?.objectValue {
            self.restarts = restarts.compactMapValues(\.intValue)
        }
        self.lastStartError = top.removeValue(forKey: "last_start_error").flatMap { $0.isNull ? nil : $0 }
        self.lastExit = top.removeValue(forKey: "last_exit").flatMap { $0.isNull ? nil : $0 }
        self.extra.merge(top) { current, _ in current }
    }

    private static func worker(_ fields: [String: StatusJSONValue]) -> Worker {
        var fields = fields
        var worker = Worker()
        worker.slot = fields.removeValue(forKey: "slot")?.intValue
        worker.pid = fields.removeValue(forKey: "pid")?.intValue
        worker.state = fields.removeValue(forKey: "state")?.stringValue
        worker.generation = fields.removeValue(forKey: "generation")?.intValue
        worker.requests = fields.removeValue(forKey: "requests")?.intValue
        worker.currentRequestMilliseconds = fields.removeValue(forKey: "current_request_ms")?.intValue
        worker.ageSeconds = fields.removeValue(forKey: "age_seconds")?.doubleValue
        worker.extra = fields
        return worker
    }

    private static func slot(_ fields: [String: StatusJSONValue]) -> Slot {
        var fields = fields
        var slot = Slot()
        slot.slot = fields.removeValue(forKey: "slot")?.intValue
        slot.consecutiveStartFailures = fields.removeValue(forKey: "consecutive_start_failures")?.intValue
        slot.restartInMilliseconds = fields.removeValue(forKey: "restart_in_ms")?.intValue
        slot.extra = fields
        return slot
    }
}
