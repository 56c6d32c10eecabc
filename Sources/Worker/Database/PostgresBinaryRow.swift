/// Typed reads of one row of a binary `PostgresResult`, writing text straight into a
/// `JSONWriter`. Every getter throws a `DatabaseError` of kind `.other` on a NULL where a
/// value is required or bytes that do not decode, so bad data fails the request, not the worker.
struct PostgresBinaryRow {
    let result: PostgresResult
    let row: Int

    func isNull(_ column: Int) -> Bool {
        self.result.withValue(row: self.row, column: column) { $0 == nil }
    }

    func integer(_ column: Int) throws -> Int64 {
        try self.decode(column, "integer", PostgresBinary.integer)
    }

    func bool(_ column: Int) throws -> Bool {
        try self.decode(column, "boolean", PostgresBinary.bool)
    }

    /// A non-NULL text column as a JSON string.
    func string(_ column: Int, to json: inout JSONWriter) throws {
        try self.result.withValue(row: self.row, column: column) { bytes in
            guard let bytes else {
                throw self.error(column, "unexpected NULL")
            }
            json.string(utf8: bytes)
        }
    }

    /// A text column as a JSON string, or `null`.
    func optionalString(_ column: Int, to json: inout JSONWriter) throws {
        self.result.withValue(row: self.row, column: column) { bytes in
            if let bytes {
                json.string(utf8: bytes)
            } else {
                json.null()
            }
        }
    }

    /// A `timestamptz` as `PostgresTimestamp.format` writes it.
    func timestamp(_ column: Int, to json: inout JSONWriter) throws {
        let microseconds = try self.decode(column, "timestamp", PostgresBinary.timestampMicroseconds)
        PostgresTimestamp.withISO8601(microsecondsSince2000: microseconds) { json.string(utf8: $0) }
    }

    /// A non-NULL one-dimensional text array without NULL elements, as a JSON array of strings.
    func stringArray(_ column: Int, to json: inout JSONWriter) throws {
        try self.result.withValue(row: self.row, column: column) { bytes in
            guard let bytes else {
                throw self.error(column, "unexpected NULL")
            }
            let array: PostgresBinaryArray
            do {
                array = try PostgresBinaryArray(bytes)
            } catch let error as DatabaseError {
                throw self.error(column, error.message)
            }
            json.beginArray()
            try array.forEach { element in
                guard let element else {
                    throw self.error(column, "unexpected NULL array element")
                }
                json.string(utf8: element)
            }
            json.endArray()
        }
    }

    private func decode<Value>(
        _ column: Int,
        _ typeName: String,
        _ convert: (UnsafeRawBufferPointer) -> Value?
    ) throws -> Value {
        try self.result.withValue(row: self.row, column: column) { bytes in
            guard let bytes else {
                throw self.error(column, "unexpected NULL")
            }
            // The value itself is left out: it may be user data that should not reach logs.
            guard let value = convert(bytes) else {
                throw self.error(column, "not a valid binary \(typeName)")
            }
            return value
        }
    }

    private func error(_ column: Int, _ reason: String) -> DatabaseError {
        DatabaseError(kind: .other, message: "column \(column): \(reason)")
    }
}
