import Foundation

/// Turns a /status document into what `gateway status` prints: a header about the gateway,
/// one row per worker, then the slots that fail to start. Pure, so it is tested on fixtures.
///
/// Fields it does not know are still shown: on the header under their JSON name, and as
/// extra worker columns. Their JSON name's unit suffix picks the format (`_bytes` as KiB/MiB,
/// `_seconds` and `_ms` as durations), so memory, CPU time, the current route or a start time
/// added to /status later print sensibly without a change here.
struct StatusFormatter: Sendable {
    /// Longer cells (a long route, an exit reason) are cut, so one worker cannot widen the table.
    var maximumCellWidth = 48

    func format(_ report: StatusReport) -> String {
        self.header(report) + "\n" + self.workers(report) + self.backoff(report)
    }

    // MARK: Header

    private func header(_ report: StatusReport) -> String {
        var lines: [(String, String)] = []
        let gateway = report.gateway
        lines.append(("gateway pid", Self.text(gateway.pid)))
        lines.append(("version", gateway.version ?? "-"))
        lines.append(("generation", Self.text(gateway.generation)))
        lines.append(("reloading", Self.yesNo(gateway.reloading)))
        lines.append(("stopping", Self.yesNo(gateway.stopping)))
        for key in gateway.extra.keys.sorted() {
            lines.append((Self.label(key), Self.value(gateway.extra[key] ?? .null, key: key)))
        }
        lines.append(("database reachable", Self.yesNo(report.databaseReachable)))
        lines.append(("workers", Self.workerSummary(report)))
        lines.append(("queue", Self.queueSummary(report.queue)))
        for key in report.queue.extra.keys.sorted() {
            lines.append(("queue " + Self.label(key), Self.value(report.queue.extra[key] ?? .null, key: key)))
        }
        let restarts = report.restarts.keys.sorted().map { "\($0) \(report.restarts[$0] ?? 0)" }
        lines.append(("restarts", restarts.isEmpty ? "none" : restarts.joined(separator: ", ")))
        lines.append(("last start error", report.lastStartError.map(\.displayText) ?? "none"))
        lines.append(("last exit", report.lastExit.map(\.displayText) ?? "none"))
        for key in report.extra.keys.sorted() {
            lines.append((Self.label(key), Self.value(report.extra[key] ?? .null, key: key)))
        }
        let width = lines.map(\.0.count).max() ?? 0
        return lines.map { label, value in
            let padding = String(repeating: " ", count: width - label.count)
            return "\(label):\(padding)  \(value)\n"
        }.joined()
    }

    static func workerSummary(_ report: StatusReport) -> String {
        var counts: [String: Int] = [:]
        for worker in report.workers {
            counts[worker.state ?? "unknown", default: 0] += 1
        }
        let known = ["starting", "idle", "busy", "draining"]
        let order = known + counts.keys.filter { !known.contains($0) }.sorted()
        let states = order.compactMap { state in counts[state].map { "\($0) \(state)" } }
        var text = "\(report.workers.count) running"
        if let configured = report.configuredWorkers {
            text = "\(configured) configured, " + text
        }
        return states.isEmpty ? text : text + " (" + states.joined(separator: ", ") + ")"
    }

    static func queueSummary(_ queue: StatusReport.Queue) -> String {
        var text = "\(Self.text(queue.depth)) waiting, limit \(Self.text(queue.limit))"
        if let oldest = queue.oldestWaitMilliseconds {
            text += ", oldest waiting " + Self.milliseconds(oldest)
        }
        return text
    }

    // MARK: Workers

    private func workers(_ report: StatusReport) -> String {
        guard !report.workers.isEmpty else { return "no workers\n" }
        let extraKeys = Self.orderedExtraKeys(report.workers.map(\.extra))
        var columns: [StatusTable.Column] = [
            .init(title: "SLOT", rightAligned: true),
            .init(title: "PID", rightAligned: true),
            .init(title: "STATE"),
            .init(title: "GEN", rightAligned: true),
            .init(title: "REQUESTS", rightAligned: true),
            .init(title: "CURRENT", rightAligned: true),
            .init(title: "AGE", rightAligned: true),
        ]
        for key in extraKeys {
            let numeric = report.workers.allSatisfy { worker in
                guard let value = worker.extra[key] else { return true }
                return value.doubleValue != nil
            }
            columns.append(.init(title: Self.label(key).uppercased(), rightAligned: numeric))
        }
        var table = StatusTable(columns: columns)
        for worker in report.workers {
            var row: [String] = [
                Self.text(worker.slot),
                Self.text(worker.pid),
                worker.state ?? "-",
                Self.text(worker.generation),
                Self.text(worker.requests),
                worker.currentRequestMilliseconds.map(Self.milliseconds) ?? "-",
                worker.ageSeconds.map(Self.seconds) ?? "-",
            ]
            for key in extraKeys {
                row.append(worker.extra[key].map { Self.value($0, key: key) } ?? "-")
            }
            table.append(row.map(self.truncated))
        }
        return table.rendered()
    }

    /// Extra worker fields in a stable order: the ones operators look for first (memory, CPU,
    /// route, start time, exit reason), then the rest alphabetically.
    static func orderedExtraKeys(_ extras: [[String: StatusJSONValue]]) -> [String] {
        let keys = Set(extras.flatMap(\.keys))
        let preferred = ["memory", "rss", "resident", "cpu", "route", "request", "start", "exit"]
        func rank(_ key: String) -> Int {
            preferred.firstIndex { key.contains($0) } ?? preferred.count
        }
        return keys.sorted { (rank($0), $0) < (rank($1), $1) }
    }

    // MARK: Slots

    private func backoff(_ report: StatusReport) -> String {
        let failing = report.slots.filter(\.isBackingOff)
        guard !failing.isEmpty else { return "" }
        let extraKeys = Self.orderedExtraKeys(failing.map(\.extra))
        var table = StatusTable(
            columns: [
                .init(title: "SLOT", rightAligned: true),
                .init(title: "START FAILURES", rightAligned: true),
                .init(title: "RESTART IN", rightAligned: true),
            ] + extraKeys.map { .init(title: Self.label($0).uppercased()) }
        )
        for slot in failing {
            var row: [String] = [
                Self.text(slot.slot),
                Self.text(slot.consecutiveStartFailures),
                slot.restartInMilliseconds.map(Self.milliseconds) ?? "-",
            ]
            for key in extraKeys {
                row.append(slot.extra[key].map { Self.value($0, key: key) } ?? "-")
            }
            table.append(row.map(self.truncated))
        }
        return "\nslots failing to start:\n" + table.rendered()
    }

    // MARK: Values

    private func truncated(_ cell: String) -> String {
        guard cell.count > self.maximumCellWidth, self.maximumCellWidth > 1 else { return cell }
        return String(cell.prefix(self.maximumCellWidth - 1)) + "…"
    }

    /// `memory_rss_bytes` → `memory rss`: the JSON name without its unit, in words.
    static func label(_ key: String) -> String {
        var name = key
        for suffix in ["_bytes", "_seconds", "_ms"] where name.hasSuffix(suffix) && name.count > suffix.count {
            name.removeLast(suffix.count)
            break
        }
        return name.replacingOccurrences(of: "_", with: " ")
    }

    /// A value formatted by the unit its JSON name ends in.
    static func value(_ value: StatusJSONValue, key: String) -> String {
        if let number = value.doubleValue {
            if key.hasSuffix("_bytes") { return Self.bytes(number) }
            if key.hasSuffix("_seconds") { return Self.seconds(number) }
            if key.hasSuffix("_ms") { return Self.milliseconds(Int(number.rounded())) }
            if key.hasSuffix("_at") || key.hasSuffix("_time") { return Self.timestamp(number) }
        }
        return value.displayText
    }

    /// A number, or `-` when /status did not say.
    static func text(_ value: Int?) -> String {
        value.map(String.init) ?? "-"
    }

    static func yesNo(_ value: Bool?) -> String {
        value.map { $0 ? "yes" : "no" } ?? "-"
    }

    /// `850 ms`, then seconds and longer.
    static func milliseconds(_ value: Int) -> String {
        value < 1000 ? "\(value) ms" : Self.seconds(Double(value) / 1000)
    }

    /// `0.25 s`, `12.3 s`, `4m 05s`, `2h 03m`, `3d 04h`.
    static func seconds(_ value: Double) -> String {
        guard value.isFinite, value >= 0 else { return Self.decimal(value) + " s" }
        if value < 10 { return String(format: "%.2f s", value) }
        if value < 60 { return String(format: "%.1f s", value) }
        let whole = Int(value)
        if whole < 3600 { return String(format: "%dm %02ds", whole / 60, whole % 60) }
        if whole < 86_400 { return String(format: "%dh %02dm", whole / 3600, whole % 3600 / 60) }
        return String(format: "%dd %02dh", whole / 86_400, whole % 86_400 / 3600)
    }

    /// Seconds since 1970 as UTC, to the second: `2025-01-31T09:30:00Z`.
    static func timestamp(_ secondsSince1970: Double) -> String {
        guard secondsSince1970.isFinite, secondsSince1970 >= 0 else { return Self.decimal(secondsSince1970) }
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: secondsSince1970.rounded(.down)))
    }

    /// `512 B`, `1.5 KiB`, `230.4 MiB`, `1.2 GiB`.
    static func bytes(_ value: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var amount = value
        var unit = 0
        while abs(amount) >= 1024, unit < units.count - 1 {
            amount /= 1024
            unit += 1
        }
        return unit == 0 ? "\(Int(amount)) B" : String(format: "%.1f", amount) + " " + units[unit]
    }

    /// Up to three decimals, without trailing zeros.
    static func decimal(_ value: Double) -> String {
        guard value.isFinite else { return String(value) }
        var text = String(format: "%.3f", value)
        while text.hasSuffix("0") {
            text.removeLast()
        }
        if text.hasSuffix(".") {
            text.removeLast()
        }
        return text
    }
}
