import CLibPQ

/// One statement of a pipeline: SQL (prepared through the connection's statement cache)
/// and its bound text parameters.
struct PipelineStatement {
    var sql: String
    var parameters: [String?]

    init(_ sql: String, _ parameters: [String?] = []) {
        self.sql = sql
        self.parameters = parameters
    }
}

extension PostgresConnection {
    /// The most statements one `pipeline(_:)` call accepts.
    ///
    /// The connection stays in blocking mode, where libpq may block flushing its output while
    /// nobody reads the server's replies; a batch whose replies outgrew the socket buffers
    /// (hundreds of KiB on loopback) could then deadlock. This many short statements with
    /// small results stay far below that.
    static let maxPipelineLength = 1024

    /// Runs `statements` in libpq pipeline mode: every statement is sent, then one Sync, and
    /// the results are read back in order, so the whole batch costs one round trip once the
    /// statements are prepared (a statement seen for the first time costs one `PQprepare`,
    /// once per connection).
    ///
    /// The statements run in the implicit transaction that ends at the Sync: when one fails,
    /// the ones before it are rolled back, the ones after it are skipped, and the first error
    /// is thrown. Every result is drained before returning, so the connection is always back
    /// in normal mode (or replaced, if it could not be brought back).
    func pipeline(_ statements: [PipelineStatement]) throws -> [PostgresRows] {
        guard !statements.isEmpty else { return [] }
        guard statements.count <= Self.maxPipelineLength else {
            throw DatabaseError(
                kind: .other,
                message: "pipeline of \(statements.count) statements exceeds \(Self.maxPipelineLength)"
            )
        }
        var prepared: [(name: String, parameters: PostgresParameterBuffer)] = []
        prepared.reserveCapacity(statements.count)
        for statement in statements {
            prepared.append(
                (try self.preparedStatementName(for: statement.sql), try PostgresParameterBuffer(statement.parameters))
            )
        }
        let outcome: Swift.Result<[PostgresRows], any Error> = self.timed {
            Swift.Result { try self.sendAndCollect(prepared, statements) }
        }
        return try outcome.get()
    }

    private func sendAndCollect(
        _ prepared: [(name: String, parameters: PostgresParameterBuffer)],
        _ statements: [PipelineStatement]
    ) throws -> [PostgresRows] {
        let connection = self.connection
        guard PQenterPipelineMode(connection) == 1 else {
            throw self.pipelineFailure("cannot enter pipeline mode")
        }
        var firstError: (any Error)?
        for (name, parameters) in prepared {
            let sent = parameters.withPointers { values in
                PQsendQueryPrepared(connection, name, Int32(parameters.count), values, nil, nil, 0)
            }
            guard sent == 1 else {
                firstError = self.pipelineFailure("cannot queue a pipelined statement")
                break
            }
        }
        guard PQpipelineSync(connection) == 1 else {
            throw self.abandonPipeline(firstError ?? self.pipelineFailure("cannot send the pipeline sync"))
        }

        // Results arrive in order, each followed by a NULL; the Sync's own result ends the
        // batch. Two NULLs in a row mean nothing more is coming (the connection failed);
        // the iteration cap guards against a libpq that keeps answering.
        var results: [PostgresRows] = []
        results.reserveCapacity(prepared.count)
        var index = 0
        var synced = false
        var nullsInARow = 0
        for _ in 0..<(prepared.count * 3 + 8) {
            guard let pointer = PQgetResult(connection) else {
                nullsInARow += 1
                if nullsInARow >= 2 { break }
                continue
            }
            nullsInARow = 0
            if PQresultStatus(pointer) == PGRES_PIPELINE_SYNC {
                PQclear(pointer)
                synced = true
                break
            }
            let sql = index < statements.count ? statements[index].sql : nil
            index += 1
            do {
                results.append(try self.check(pointer, sql: sql).rows())
            } catch {
                firstError = firstError ?? error
            }
        }
        guard synced, PQexitPipelineMode(connection) == 1 else {
            throw self.abandonPipeline(firstError ?? self.pipelineFailure("pipeline ended without its sync"))
        }
        if let firstError {
            throw firstError
        }
        guard results.count == statements.count else {
            throw DatabaseError(
                kind: .other,
                message: "pipeline returned \(results.count) results for \(statements.count) statements"
            )
        }
        return results
    }

    /// A session left mid-pipeline would refuse every later synchronous call, so a live one
    /// is replaced; a dead one is reported as lost so the caller drops it.
    private func abandonPipeline(_ error: any Error) -> any Error {
        guard self.isConnected else {
            return self.pipelineFailure("connection lost during a pipeline")
        }
        _ = try? self.reconnect()
        return error
    }

    private func pipelineFailure(_ what: String) -> DatabaseError {
        let detail = PQerrorMessage(self.connection).map { String(cString: $0) }?.trimmingLibPQWhitespace() ?? ""
        let message = detail.isEmpty ? what : "\(what): \(detail)"
        return DatabaseError(kind: self.isConnected ? .other : .connectionLost, message: message)
    }
}
