extension PostgresConnection {
    /// Runs `body` between `BEGIN` and `COMMIT`. If `body` or `COMMIT` throws, rolls back
    /// (a failing `ROLLBACK` is ignored: the session may be gone, and the server discards an
    /// open transaction with it) and rethrows the original error.
    ///
    /// Transactions do not nest: calling this inside one throws instead of letting the inner
    /// `COMMIT` end the outer transaction early.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        guard !isInTransaction else {
            throw DatabaseError(kind: .other, message: "transaction() called inside an open transaction")
        }
        try executeScript("BEGIN")
        do {
            let value = try body()
            if isTransactionFailed {
                // `body` swallowed a database error; COMMIT would report success and roll back.
                throw DatabaseError(kind: .other, message: "transaction aborted by an earlier error; rolled back")
            }
            try executeScript("COMMIT")
            return value
        } catch {
            // A failed COMMIT already ended the transaction; ROLLBACK then would only warn.
            if isInTransaction {
                try? executeScript("ROLLBACK")
            }
            throw error
        }
    }
}
