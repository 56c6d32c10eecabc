import Logging
import NIOCore
import Protocol

/// Exactly-once answers for writes whose worker died.
///
/// A worker can be killed after its `COMMIT` and before the gateway read its answer: the
/// write is stored, but nobody knows. So every write request (any method but GET, HEAD and
/// OPTIONS) carries a gateway-made key (`InternalHeaders.writeKey`). Its statements run as one
/// transaction, and a 2xx outcome is recorded under the key in the same `COMMIT`; any other
/// outcome rolls the transaction back. When the worker dies before answering, the gateway sends
/// the key to another worker (`InternalHeaders.outcomeOf`), which either replays the recorded
/// answer or, when nothing committed, writes a tombstone under the key so a late attempt can
/// never commit after all, and reports "not committed" (the gateway answers 502).
///
/// Claiming the key with `INSERT … ON CONFLICT DO NOTHING` waits for a dying transaction that
/// already recorded the key, so the question is answered only once the first attempt is
/// settled. No token is ever stored: a response that carries one is recorded as the user id and
/// re-rendered with a fresh token.
struct WriteLedger {
    let database: DatabaseSession

    /// Outcomes older than this are deleted; the gateway asks within one request timeout.
    static let retention = "5 minutes"
    /// How often each worker deletes expired outcomes.
    static let pruneInterval: Duration = .seconds(60)

    static let recordSQL = """
        INSERT INTO request_outcomes (key, status, route, content_type, body, user_id)
        VALUES ($1, $2::smallint, $3, $4, $5, $6::bigint)
        """
    static let claimSQL = "INSERT INTO request_outcomes (key) VALUES ($1) ON CONFLICT (key) DO NOTHING RETURNING key"
    static let lookupSQL = "SELECT status, route, content_type, body, user_id FROM request_outcomes WHERE key = $1"
    static let pruneSQL = "DELETE FROM request_outcomes WHERE created_at < now() - $1::interval"

    /// A recorded outcome, as stored.
    struct Recorded: Equatable {
        var status: Int
        var route: String
        var contentType: String?
        var body: String?
        /// Set instead of `body` for responses that carried a token.
        var userID: Int64?
    }

    /// What the write under a key came to.
    enum Outcome: Equatable {
        case notCommitted
        case recorded(Recorded)
    }

    /// Whether `key` has the gateway's shape: 1–64 lowercase hex digits.
    static func isValidKey(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.count <= 64
            && key.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// Ends the request transaction of a write: a 2xx `response` is recorded under `key` and
    /// committed with it (one round trip); anything else is rolled back. With `reportPosition`,
    /// returns the primary's WAL position right after the `COMMIT` (same round trip), for
    /// read-your-writes; nil when nothing was committed.
    @discardableResult
    func finish(_ response: HTTPResponse, key: String, reportPosition: Bool = false) throws -> WALPosition? {
        guard (200..<300).contains(response.status) else {
            self.database.rollBackRequestTransaction()
            return nil
        }
        var body: String?
        if response.replayUserID == nil {
            body = response.body.getString(at: response.body.readerIndex, length: response.body.readableBytes)
        }
        let rows = try self.database.commitRequestTransaction(
            storing: PipelineStatement(
                Self.recordSQL,
                [
                    key, response.status.postgresText, response.route,
                    response.headers.first(named: "content-type"), body, response.replayUserID.postgresText,
                ]
            ),
            then: reportPosition ? PipelineStatement(Self.positionSQL) : nil
        )
        return try rows?.row(at: 0)?.optionalString(0).flatMap(WALPosition.init)
    }

    static let positionSQL = "SELECT pg_current_wal_lsn()::text"

    /// The outcome of the write under `key`, waiting for its transaction if it is still open.
    func outcome(of key: String) throws -> Outcome {
        if try !self.database.query(Self.claimSQL, [key]).isEmpty {
            return .notCommitted
        }
        guard let row = try self.database.query(Self.lookupSQL, [key]).row(at: 0),
            let status = try row.optionalInt(0)
        else {
            return .notCommitted
        }
        return .recorded(
            Recorded(
                status: status,
                route: try row.optionalString(1) ?? "unmatched",
                contentType: try row.optionalString(2),
                body: try row.optionalString(3),
                userID: try row.optionalInt(4).map(Int64.init)
            )
        )
    }

    /// Deletes outcomes past `retention`.
    func prune() throws {
        _ = try self.database.query(Self.pruneSQL, [Self.retention])
    }
}
