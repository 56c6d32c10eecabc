import Foundation
import XCTest

/// Helpers shared by the security tests: requests that wait out the per-IP rate limiter,
/// URL encoding of hostile strings, and row counts of every table.
enum SecurityProbe {
    /// The tables whose row counts an attack must not change.
    static let tables = ["users", "articles", "comments", "tags", "article_tags", "favorites", "follows"]

    /// Row count per table, read with psql (one statement, so the numbers are consistent).
    static func rowCounts(_ gateway: TestGateway) throws -> [String: Int] {
        let sql = "SELECT " + self.tables.map { "(SELECT count(*) FROM \($0))" }.joined(separator: ", ")
        let values = try gateway.psql(sql).split(separator: "|").map { Int($0) }
        guard values.count == self.tables.count else {
            throw APIClientError.unexpected("row counts: \(values)")
        }
        var counts: [String: Int] = [:]
        for (table, value) in zip(self.tables, values) {
            guard let value else { throw APIClientError.unexpected("row counts: \(values)") }
            counts[table] = value
        }
        return counts
    }

    /// Only RFC 3986 unreserved characters stay as they are: the value reaches the server
    /// byte for byte once percent-decoded, whatever it holds (quotes, `/`, `%`, NUL).
    static func percentEncoded(_ value: String) -> String {
        let unreserved = CharacterSet(
            charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
        )
        return value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    /// A JSON document as text.
    static func json(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }
}

extension APIClient {
    /// `request`, but a 429 from the gateway's rate limiter is waited out (Retry-After, else
    /// one second) and retried: probes that register or log in many times in a row measure
    /// the endpoint, not the limiter.
    func patientRequest(
        _ method: String,
        _ path: String,
        token: String? = nil,
        body: String? = nil,
        headers: [(String, String)] = []
    ) throws -> TestResponse {
        var response = try self.request(method, path, token: token, body: body, headers: headers)
        var attempts = 1
        while response.status == 429, attempts < 30 {
            let wait = response.header("retry-after").flatMap(Double.init) ?? 1
            usleep(useconds_t(min(max(wait, 0.2), 5) * 1_000_000))
            response = try self.request(method, path, token: token, body: body, headers: headers)
            attempts += 1
        }
        return response
    }

    /// `send` (a JSON object body) with the same patience as `patientRequest`.
    func patientSend(_ method: String, _ path: String, token: String? = nil, json: [String: Any]) throws
        -> TestResponse
    {
        try self.patientRequest(method, path, token: token, body: try SecurityProbe.json(json))
    }

    /// `register`, patient with the rate limiter.
    func patientRegister(_ prefix: String = "sec", password: String = "password123") throws -> APIUser {
        try APIClient.register(prefix, password: password) { try self.patientSend("POST", "/api/users", json: $0) }
    }
}
