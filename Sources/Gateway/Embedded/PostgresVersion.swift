import Foundation

/// PostgreSQL major versions as the embedded cluster needs them: from a cluster's `PG_VERSION`
/// file, from a Debian version directory (`/usr/lib/postgresql/16`), from `postgres --version`.
enum PostgresVersion {
    /// The oldest major version Rookery runs on (and is tested with).
    static let minimumMajor = 15

    /// "15" from `PG_VERSION` ("15\n"), "9.6" stays "9.6"; nil for anything else.
    static func major(fromVersionFile contents: String) -> String? {
        let text = contents.trimmingCharacters(in: .whitespacesAndNewlines)
        return numericParts(text) == nil ? nil : text
    }

    /// "16" from "postgres (PostgreSQL) 16.4 (Ubuntu 16.4-1)"; "9.6" from "... 9.6.24".
    static func major(fromVersionOutput output: String) -> String? {
        guard let marker = output.range(of: "(PostgreSQL) ") else { return nil }
        let version = output[marker.upperBound...].prefix { $0.isNumber || $0 == "." }
        guard let parts = numericParts(String(version)), let first = parts.first else { return nil }
        if first >= 10 { return String(first) }
        return parts.count >= 2 ? "\(first).\(parts[1])" : nil
    }

    /// Whether `major` is one Rookery supports.
    static func isSupported(_ major: String) -> Bool {
        guard let first = numericParts(major)?.first else { return false }
        return first >= minimumMajor
    }

    private static func numericParts(_ text: String) -> [Int]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map { Int($0) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else { return nil }
        return parts.compactMap { $0 }
    }
}
