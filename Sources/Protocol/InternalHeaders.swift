/// Header fields only the gateway may put on a request to a worker, and only a worker may
/// put on its answer to the gateway. The gateway drops every client header that starts with
/// `rookery-`, so a client can never forge them.
///
/// They carry the write ledger (docs/protocol.md, "Writes across a worker crash"): every
/// request that is not GET, HEAD or OPTIONS gets a fresh write key; when its worker dies
/// before answering, the gateway asks another worker for the recorded outcome of that key.
public enum InternalHeaders {
    /// The prefix every internal header name starts with.
    public static let prefix = "rookery-"

    /// A unique key for one write request (32 hex digits), added by the gateway.
    public static let writeKey = "Rookery-Write-Key"

    /// Replaces `writeKey` on the follow-up request that asks for that key's outcome instead
    /// of running the request again.
    public static let outcomeOf = "Rookery-Outcome-Of"

    /// Set by the worker, with the value `outcomeNotCommitted`, when the asked-for write left
    /// nothing in the database; the gateway then answers 502 itself.
    public static let outcome = "Rookery-Outcome"

    /// The value of `outcome` for a write that did not commit.
    public static let outcomeNotCommitted = "not-committed"

    /// On a read, added by the gateway: the WAL position (`WALPosition`) of the user's last
    /// write; a replica may answer only once it has replayed past it (read-your-writes).
    public static let readPosition = "Rookery-Read-Position"

    /// On the answer to a committed write, set by a worker with a replica configured: the
    /// primary's WAL position right after the `COMMIT`, and the user the write belongs to.
    public static let committedPosition = "Rookery-Committed-Position"
    public static let committedUser = "Rookery-Committed-User"

    /// On the answer to a read, set by a worker with a replica configured: `replica` or
    /// `primary`, the server that answered (for metrics).
    public static let servedBy = "Rookery-Served-By"

    /// Whether `name` is an internal header (case-insensitive).
    public static func isInternal(_ name: String) -> Bool {
        let utf8 = name.utf8
        guard utf8.count >= prefix.utf8.count else { return false }
        for (byte, expected) in zip(utf8, prefix.utf8) {
            let lower = (byte >= 65 && byte <= 90) ? byte + 32 : byte
            if lower != expected { return false }
        }
        return true
    }
}
