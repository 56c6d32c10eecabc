import CLibPQ

/// Owns one `PGresult*` and clears it in `deinit`, so no code path can leak a result or
/// read one after it was freed. Rows are copied out eagerly by `rows()`, so nothing handed
/// to callers points into libpq memory.
final class PostgresResult {
    private let pointer: OpaquePointer

    /// Takes ownership of `pointer`.
    init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        PQclear(pointer)
    }

    /// The `PG_DIAG_*` codes. They are character-literal macros in `postgres_ext.h`,
    /// which Swift does not import.
    enum DiagnosticField {
        static let sqlState = Int32(UInt8(ascii: "C"))
        static let messagePrimary = Int32(UInt8(ascii: "M"))
        static let constraintName = Int32(UInt8(ascii: "n"))
    }

    var status: ExecStatusType { PQresultStatus(pointer) }

    /// True for the statuses that mean the statement ran: rows or a command tag.
    /// `PGRES_EMPTY_QUERY` counts too, so an empty migration script is not an error.
    var isSuccess: Bool {
        switch status {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return true
        default:
            return false
        }
    }

    /// One diagnostic field, e.g. `PG_DIAG_SQLSTATE`; `nil` when the server did not send it.
    func errorField(_ code: Int32) -> String? {
        PQresultErrorField(pointer, code).map { String(cString: $0) }
    }

    /// The error the server reported in this result.
    var error: DatabaseError {
        let primary = errorField(DiagnosticField.messagePrimary)
        let fallback = String(cString: PQresultErrorMessage(pointer))
        let message = primary ?? fallback.trimmingLibPQWhitespace()
        return DatabaseError(
            sqlState: errorField(DiagnosticField.sqlState),
            message: message.isEmpty ? "unexpected result status \(String(cString: PQresStatus(status)))" : message,
            constraint: errorField(DiagnosticField.constraintName)
        )
    }

    /// Copies every value out of the result. Values are text format; SQL NULL is `nil`.
    func rows() -> PostgresRows {
        let rowCount = Int(PQntuples(pointer))
        let columnCount = Int(PQnfields(pointer))
        let names = (0..<columnCount).map { column in
            PQfname(pointer, Int32(column)).map { String(cString: $0) } ?? ""
        }
        let rows = (0..<rowCount).map { row in
            let values = (0..<columnCount).map { column -> String? in
                let (row, column) = (Int32(row), Int32(column))
                if PQgetisnull(pointer, row, column) != 0 {
                    return nil
                }
                return PQgetvalue(pointer, row, column).map { String(cString: $0) } ?? ""
            }
            return PostgresRow(columnNames: names, values: values)
        }
        return PostgresRows(columnNames: names, rows: rows, affectedRows: affectedRows)
    }

    // MARK: - Values in place, for hot paths that turn a result straight into a response
    // (`ArticleListJSON`); `rows()` is the general way.

    var rowCount: Int { Int(PQntuples(self.pointer)) }

    var columnCount: Int { Int(PQnfields(self.pointer)) }

    /// The type OID of `column` (see `PostgresBinary.TypeOID`); 0 when out of range.
    func columnType(_ column: Int) -> UInt32 {
        UInt32(PQftype(self.pointer, Int32(column)))
    }

    /// Whether `column` came back in binary format.
    func isBinary(_ column: Int) -> Bool {
        PQfformat(self.pointer, Int32(column)) == 1
    }

    /// Calls `body` with the bytes of one value, `nil` for SQL NULL (or a position out of
    /// range). The bytes point into the result and are valid only during the call.
    func withValue<Result>(
        row: Int,
        column: Int,
        _ body: (UnsafeRawBufferPointer?) throws -> Result
    ) rethrows -> Result {
        try withExtendedLifetime(self) {
            guard (0..<self.rowCount).contains(row), (0..<self.columnCount).contains(column) else {
                return try body(nil)
            }
            let (row, column) = (Int32(row), Int32(column))
            guard PQgetisnull(self.pointer, row, column) == 0, let value = PQgetvalue(self.pointer, row, column) else {
                return try body(nil)
            }
            let length = Int(PQgetlength(self.pointer, row, column))
            return try body(UnsafeRawBufferPointer(start: value, count: length))
        }
    }

    /// The row count from the command tag (`UPDATE 3` → 3); 0 when the command has none.
    var affectedRows: Int {
        PQcmdTuples(pointer).flatMap { Int(String(cString: $0)) } ?? 0
    }
}

extension String {
    /// libpq messages end with a newline; logs and HTTP bodies want them without.
    func trimmingLibPQWhitespace() -> String {
        var scalars = Substring(self).unicodeScalars
        while let last = scalars.last, last.properties.isWhitespace {
            scalars.removeLast()
        }
        while let first = scalars.first, first.properties.isWhitespace {
            scalars.removeFirst()
        }
        return String(scalars)
    }
}
