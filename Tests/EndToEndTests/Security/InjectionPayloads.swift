/// Hostile strings for the injection probes: classic SQL injection, escapes, encodings, a
/// NUL byte, a stacked `pg_sleep` (a successful injection would show as a slow answer) and a
/// long string.
enum InjectionPayloads {
    /// For JSON string fields: every payload, the long one about 24 KB.
    static let fields: [String] = classic + [String(repeating: "' OR 1=1 -- ", count: 2_000)]

    /// For query parameters and path segments: the long one is 1.5 KB (percent-encoded it
    /// stays well inside any request-line limit).
    static let url: [String] = classic + [String(repeating: "'", count: 1_500)]

    static let classic: [String] = [
        "' OR '1'='1",
        "' OR 1=1 --",
        "' OR ''='",
        "'; DROP TABLE users; --",
        "\"; DROP TABLE articles; --",
        "1 UNION SELECT id, username, password_hash, email FROM users --",
        "') UNION SELECT NULL, NULL, NULL --",
        "x' AND (SELECT count(*) FROM pg_user) > 0 --",
        "'; SELECT pg_sleep(5); --",
        "\\",
        "\\'",
        "%27",
        "%27%20OR%20%271%27%3D%271",
        "$1",
        "$$; DELETE FROM comments; $$",
        "a\u{0}b",
        "\u{2BC} OR \u{2BC}1\u{2BC}=\u{2BC}1",
    ]

    /// Already percent-encoded path segments and query values, sent as they are.
    static let rawURL: [String] = [
        "%27", "%27%20OR%20%271%27%3D%271", "'%20OR%20'1'='1", "%00", "a%00b", "%5C", "%2527", "1%20OR%201=1",
        "1;DROP%20TABLE%20comments", "%C0%A7", "%EF%BC%87",
    ]

    /// Addresses that pass the e-mail rules (one `@`, dotted domain, no whitespace) and so
    /// reach the database on register, login and update; `unique` keeps them apart.
    static func emails(unique: String) -> [String] {
        [
            "x'OR'1'='1-\(unique)@example.com",
            "x';DROP-TABLE-users;--\(unique)@example.com",
            "\"x\\\"--\(unique)\"@example.com",
            "x'||pg_sleep(5)||'\(unique)@example.com",
            "\(unique)@example.com'--",
        ]
    }
}
