/// The PostgreSQL server programs the embedded cluster needs.
struct PostgresBinaries: Equatable, Sendable {
    let directory: String
    /// "16", from the directory name or `postgres --version`; nil when neither said.
    var majorVersion: String?

    var postgres: String { "\(directory)/postgres" }
    var initdb: String { "\(directory)/initdb" }

    /// Names of the programs that must exist in `directory`.
    static let requiredPrograms = ["postgres", "initdb"]

    /// Version directories under `/usr/lib/postgresql` (e.g. "15", "9.6"), newest first.
    static func newestFirst(_ versions: [String]) -> [String] {
        let numbered = versions.compactMap { name -> (String, [Int])? in
            let parts = name.split(separator: ".").map { Int($0) }
            guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else { return nil }
            return (name, parts.compactMap { $0 })
        }
        return numbered.sorted { $0.1.lexicographicallyPrecedes($1.1) }.reversed().map(\.0)
    }
}
