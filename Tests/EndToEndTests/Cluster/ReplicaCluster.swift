import Foundation
import XCTest

/// A throwaway primary with a streaming standby (pg_basebackup -R) and a gateway that writes to
/// the first and reads from the second, for the replica end-to-end tests.
final class ReplicaCluster {
    let primary: TestPostgres
    let standby: TestPostgres
    let gateway: TestGateway
    let api: APIClient

    init(applyDelay: String? = nil, databaseURL: ((TestPostgres, TestPostgres) -> String)? = nil) throws {
        self.primary = try TestPostgres()
        _ = try self.primary.psql("CREATE DATABASE rookery", database: "postgres")
        self.standby = try TestPostgres(standbyOf: self.primary, applyDelay: applyDelay)
        self.gateway = try TestGateway(
            workers: 2,
            arguments: ["--max-replica-lag", "30"],
            environment: [
                "DATABASE_URL": databaseURL?(self.primary, self.standby) ?? self.primary.conninfo,
                "DATABASE_READ_URL": self.standby.conninfo,
                "JWT_SECRET": "replica-tests-secret-replica-tests-secret",
            ]
        )
        self.api = APIClient(self.gateway)
        XCTAssertTrue(
            ProcessFacts.wait(timeout: 20) { self.replicaState() == "streaming" },
            "replica streaming: \(String(describing: try? self.gateway.status()["replica"]))"
        )
        // The standby serves once it has replayed the schema the gateway just created.
        XCTAssertTrue(
            ProcessFacts.wait(timeout: 20) {
                let before = (try? self.reads("replica")) ?? 0
                _ = try? self.api.request("GET", "/api/tags")
                return ((try? self.reads("replica")) ?? 0) > before
            },
            "replica never answered a read:\n\(self.gateway.log)"
        )
    }

    /// `replica.state` of /status.
    func replicaState() -> String? {
        ((try? self.gateway.status())?["replica"] as? [String: Any])?["state"] as? String
    }

    /// `rookery_database_reads_total{target=…}` from /metrics.
    func reads(_ target: String) throws -> Int {
        let text = try self.gateway.admin("/metrics").text
        let prefix = "rookery_database_reads_total{target=\"\(target)\"} "
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else { return 0 }
        return Int(Double(line.dropFirst(prefix.count)) ?? 0)
    }
}
