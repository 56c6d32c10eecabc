import FoundationEssentials

/// One result row. The typed getters throw a `DatabaseError` of kind `.other` on a NULL
/// where a value is required, a column index out of range or text that does not parse,
/// so a schema mismatch fails the request instead of the worker.
struct PostgresRow {
    let columnNames: [String]
    /// Text-format values; `nil` is SQL NULL.
    let values: [String?]

    init(columnNames: [String], values: [String?]) {
        self.columnNames = columnNames
        self.values = values
    }

    /// The index of the first column called `name`.
    func column(named name: String) -> Int? {
        columnNames.firstIndex(of: name)
    }

    func optionalString(_ column: Int) throws -> String? {
        guard values.indices.contains(column) else {
            throw DatabaseError(kind: .other, message: "column index \(column) out of range (\(values.count) columns)")
        }
        return values[column]
    }

    func string(_ column: Int) throws -> String {
        try required(column, try optionalString(column))
    }

    func optionalInt(_ column: Int) throws -> Int? {
        try decode(column, as: "integer") { Int($0) }
    }

    func int(_ column: Int) throws -> Int {
        try required(column, try optionalInt(column))
    }

    func optionalDouble(_ column: Int) throws -> Double? {
        try decode(column, as: "double precision") { text in
            switch text {
            case "Infinity": return .infinity
            case "-Infinity": return -.infinity
            case "NaN": return .nan
            default: return Double(text)
            }
        }
    }

    func double(_ column: Int) throws -> Double {
        try required(column, try optionalDouble(column))
    }

    func optionalBool(_ column: Int) throws -> Bool? {
        try decode(column, as: "boolean") { text in
            switch text {
            case "t": return true
            case "f": return false
            default: return nil
            }
        }
    }

    func bool(_ column: Int) throws -> Bool {
        try required(column, try optionalBool(column))
    }

    /// A `timestamptz`, `timestamp` (taken as UTC) or `date` value; see `PostgresTimestamp`.
    func optionalDate(_ column: Int) throws -> Date? {
        try decode(column, as: "timestamp") { PostgresTimestamp.parse($0) }
    }

    func date(_ column: Int) throws -> Date {
        try required(column, try optionalDate(column))
    }

    /// A one-dimensional array whose elements may be NULL.
    func stringArrayAllowingNulls(_ column: Int) throws -> [String?] {
        let text = try string(column)
        do {
            return try PostgresArrayLiteral.parse(text)
        } catch let error as DatabaseError {
            throw DatabaseError(kind: .other, message: "column \(describe(column)): \(error.message)")
        }
    }

    /// A one-dimensional array with no NULL elements (a NULL element throws).
    func stringArray(_ column: Int) throws -> [String] {
        try stringArrayAllowingNulls(column).map { element in
            guard let element else {
                throw DatabaseError(kind: .other, message: "column \(describe(column)): unexpected NULL array element")
            }
            return element
        }
    }

    private func decode<Value>(
        _ column: Int,
        as typeName: String,
        _ convert: (String) -> Value?
    ) throws -> Value? {
        guard let text = try optionalString(column) else {
            return nil
        }
        guard let value = convert(text) else {
            // The value itself is left out: it may be user data that should not reach logs.
            throw DatabaseError(kind: .other, message: "column \(describe(column)): not a valid \(typeName)")
        }
        return value
    }

    private func required<Value>(_ column: Int, _ value: Value?) throws -> Value {
        guard let value else {
            throw DatabaseError(kind: .other, message: "column \(describe(column)): unexpected NULL")
        }
        return value
    }

    private func describe(_ column: Int) -> String {
        columnNames.indices.contains(column) ? "\(column) (\"\(columnNames[column])\")" : "\(column)"
    }
}
