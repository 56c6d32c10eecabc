import CLibPQ

/// The options set in a libpq connection string, read with `PQconninfoParse` so that
/// `key=value` strings and `postgresql://` URLs are understood exactly as libpq does.
struct PostgresConnectionInfo: Equatable {
    struct Option: Equatable {
        var keyword: String
        var value: String
    }

    /// The options the string set, in libpq's canonical order.
    private(set) var options: [Option]

    init(options: [Option]) {
        self.options = options
    }

    init(parsing conninfo: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let parsed = PQconninfoParse(conninfo, &errorMessage) else {
            let message = errorMessage.map { String(cString: $0).trimmingLibPQWhitespace() } ?? "out of memory"
            if let errorMessage {
                PQfreemem(errorMessage)
            }
            throw DatabaseError(kind: .connectionFailed, message: "invalid connection string: \(message)")
        }
        defer { PQconninfoFree(parsed) }
        var options: [Option] = []
        var cursor = parsed
        // The array ends with an entry whose keyword is NULL; unset options have a NULL val.
        while let keyword = cursor.pointee.keyword {
            if let value = cursor.pointee.val {
                options.append(Option(keyword: String(cString: keyword), value: String(cString: value)))
            }
            cursor += 1
        }
        self.options = options
    }

    subscript(keyword: String) -> String? {
        get { options.first { $0.keyword == keyword }?.value }
        set {
            let index = options.firstIndex { $0.keyword == keyword }
            switch (index, newValue) {
            case (let index?, let value?):
                options[index].value = value
            case (let index?, nil):
                options.remove(at: index)
            case (nil, let value?):
                options.append(Option(keyword: keyword, value: value))
            case (nil, nil):
                break
            }
        }
    }

    /// The database libpq will connect to: `dbname`, else `PGDATABASE`, else the user name
    /// (`user`, else `PGUSER`). `nil` when libpq would fall back to the operating-system user.
    func databaseName(environment: [String: String]) -> String? {
        self["dbname"] ?? environment["PGDATABASE"] ?? self["user"] ?? environment["PGUSER"]
    }

    /// The options as a `key='value'` string that `PQconnectdb` accepts.
    var conninfo: String {
        options.map { "\($0.keyword)=\(Self.quote($0.value))" }.joined(separator: " ")
    }

    /// Single-quotes a conninfo value, backslash-escaping `\` and `'`.
    static func quote(_ value: String) -> String {
        // Scalars, not Characters, so a quote followed by a combining mark is still escaped.
        var quoted = "'"
        for scalar in value.unicodeScalars {
            if scalar == "\\" || scalar == "'" {
                quoted.unicodeScalars.append("\\")
            }
            quoted.unicodeScalars.append(scalar)
        }
        return quoted + "'"
    }
}
