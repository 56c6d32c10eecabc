extension DatabaseSession {
    /// Runs `statements` on the session's connection in one pipeline (one round trip); see
    /// `PostgresConnection.pipeline(_:)`. A lost connection is dropped like in `query`.
    func pipeline(_ statements: [PipelineStatement]) throws -> [PostgresRows] {
        let connection = try self.open()
        do {
            return try connection.pipeline(statements)
        } catch let error as DatabaseError where error.kind == .connectionLost {
            self.drop(error)
            throw error
        }
    }
}
