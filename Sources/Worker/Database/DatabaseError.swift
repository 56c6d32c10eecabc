/// A failure reported by libpq or the server, or a value the database returned that does not
/// have the type the caller asked for.
///
/// `kind` is what callers switch on (a unique violation becomes a 422, a lost connection makes
/// the worker reconnect); `sqlState` and `message` are kept for logs.
struct DatabaseError: Error, CustomStringConvertible {
    /// The categories the worker reacts to differently. Everything else is `.other`.
    enum Kind: Sendable, Hashable {
        /// `PQconnectdb` or `PQreset` did not produce a usable connection.
        case connectionFailed
        /// The session ended under us (network, server shutdown, admin termination).
        case connectionLost
        /// SQLSTATE 23505.
        case uniqueViolation
        /// SQLSTATE 23503.
        case foreignKeyViolation
        /// SQLSTATE 40001 or 40P01: the transaction may succeed if retried.
        case serializationFailure
        /// SQLSTATE 57014, e.g. `statement_timeout`.
        case queryCanceled
        /// A bound value the protocol cannot carry (a NUL byte): the client's input, not a server fault.
        case invalidParameter
        case other
    }

    var kind: Kind
    var sqlState: String?
    var message: String
    /// The constraint the server named (`PG_DIAG_CONSTRAINT_NAME`), e.g. `users_email_key`.
    var constraint: String?

    init(kind: Kind, sqlState: String? = nil, message: String, constraint: String? = nil) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.constraint = constraint
    }

    /// An error built from a server SQLSTATE, classified with `kind(forSQLState:)`.
    init(sqlState: String?, message: String, constraint: String? = nil) {
        self.init(
            kind: sqlState.map(Self.kind(forSQLState:)) ?? .other,
            sqlState: sqlState,
            message: message,
            constraint: constraint
        )
    }

    /// Maps a five-character SQLSTATE to the category the worker acts on.
    ///
    /// Class 08 (connection exception) and 57P01/57P02/57P03 (the server is shutting down or
    /// not yet accepting sessions) mean this session is unusable, so they are `.connectionLost`.
    static func kind(forSQLState sqlState: String) -> Kind {
        switch sqlState {
        case "23505":
            return .uniqueViolation
        case "23503":
            return .foreignKeyViolation
        case "40001", "40P01":
            return .serializationFailure
        case "57014":
            return .queryCanceled
        case "57P01", "57P02", "57P03":
            return .connectionLost
        default:
            return sqlState.hasPrefix("08") ? .connectionLost : .other
        }
    }

    var description: String {
        var text = "\(kind)"
        if let sqlState {
            text += " (\(sqlState))"
        }
        text += ": \(message)"
        if let constraint {
            text += " [constraint \(constraint)]"
        }
        return text
    }
}
