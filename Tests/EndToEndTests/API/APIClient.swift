import Foundation
import XCTest

/// A user registered through the API for one test.
struct APIUser: Sendable {
    var username: String
    var email: String
    var password: String
    var token: String
}

/// JSON requests to a running gateway's public port, each on a fresh connection.
///
/// A `Sendable` value (just the port), so concurrent tests can hand it to other threads.
struct APIClient: Sendable {
    let port: Int

    init(_ gateway: TestGateway) {
        self.port = gateway.port
    }

    /// One request; `token` becomes `Authorization: Token <token>`.
    func request(
        _ method: String,
        _ path: String,
        token: String? = nil,
        body: String? = nil,
        headers: [(String, String)] = []
    ) throws -> TestResponse {
        var allHeaders = headers
        if let token {
            allHeaders.append(("Authorization", "Token \(token)"))
        }
        allHeaders.append(("Connection", "close"))
        return try RawHTTPConnection(port: self.port).request(method, path, headers: allHeaders, body: body)
    }

    /// One request with a JSON object body.
    func send(_ method: String, _ path: String, token: String? = nil, json: [String: Any]) throws -> TestResponse {
        let data = try JSONSerialization.data(withJSONObject: json)
        return try self.request(method, path, token: token, body: String(decoding: data, as: UTF8.self))
    }

    /// Registers a new user with a unique name starting with `prefix`.
    func register(_ prefix: String = "user", password: String = "password123") throws -> APIUser {
        try Self.register(prefix, password: password) { try self.send("POST", "/api/users", json: $0) }
    }

    /// The one registration helper: a unique user named after `prefix`, whose body `post` sends
    /// to `POST /api/users` (plainly, or patient with the rate limiter).
    static func register(
        _ prefix: String,
        password: String,
        post: ([String: Any]) throws -> TestResponse
    ) throws -> APIUser {
        let username = Unique.name(prefix)
        let email = "\(username)@example.com"
        let response = try post(["user": ["username": username, "email": email, "password": password]])
        guard response.status == 201, let token = response.object("user")?["token"] as? String else {
            throw APIClientError.unexpected("register \(username): \(response.status) \(response.text)")
        }
        return APIUser(username: username, email: email, password: password, token: token)
    }

    /// Creates an article and returns its JSON object.
    @discardableResult
    func createArticle(
        by author: APIUser,
        title: String? = nil,
        description: String = "A description",
        body: String = "The body.",
        tags: [String] = []
    ) throws -> [String: Any] {
        let response = try self.send(
            "POST",
            "/api/articles",
            token: author.token,
            json: [
                "article": [
                    "title": title ?? Unique.name("Title"), "description": description, "body": body,
                    "tagList": tags,
                ]
            ]
        )
        guard response.status == 201, let article = response.object("article") else {
            throw APIClientError.unexpected("create article: \(response.status) \(response.text)")
        }
        return article
    }

    /// Creates an article and returns its slug.
    func createArticleSlug(by author: APIUser, title: String? = nil, tags: [String] = []) throws -> String {
        let article = try self.createArticle(by: author, title: title, tags: tags)
        guard let slug = article["slug"] as? String else {
            throw APIClientError.unexpected("article without slug: \(article)")
        }
        return slug
    }

    func follow(_ username: String, by follower: APIUser) throws {
        let response = try self.request("POST", "/api/profiles/\(username)/follow", token: follower.token)
        guard response.status == 200 else {
            throw APIClientError.unexpected("follow \(username): \(response.status) \(response.text)")
        }
    }
}

enum APIClientError: Error, CustomStringConvertible {
    case unexpected(String)

    var description: String {
        switch self {
        case .unexpected(let text): return text
        }
    }
}

/// Names that no other test in the same database uses.
enum Unique {
    static func name(_ prefix: String) -> String {
        prefix + "-" + UUID().uuidString.prefix(8).lowercased()
    }
}

/// The response shapes the API tests read.
extension TestResponse {
    /// `body[key]` as an object, e.g. `object("article")`.
    func object(_ key: String) -> [String: Any]? {
        self.json?[key] as? [String: Any]
    }

    /// `body[key]` as a list of objects, e.g. `list("articles")`.
    func list(_ key: String) -> [[String: Any]]? {
        self.json?[key] as? [[String: Any]]
    }
}

/// `2016-02-18T03:22:56.637Z`: ISO 8601 in UTC with exactly three fraction digits.
func isMillisecondTimestamp(_ value: Any?) -> Bool {
    guard let text = value as? String else { return false }
    return text.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"#, options: .regularExpression) != nil
}

/// Runs `body` for each index on concurrent threads and collects the results in order.
func concurrently<Result: Sendable>(
    _ count: Int,
    _ body: @Sendable (Int) throws -> Result
) -> [Swift.Result<Result, any Error>] {
    let results = LockedResults<Result>(count: count)
    DispatchQueue.concurrentPerform(iterations: count) { index in
        results.set(index, Swift.Result { try body(index) })
    }
    return results.all
}

/// Result slots filled from several threads.
final class LockedResults<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Swift.Result<Value, any Error>?]

    init(count: Int) {
        self.values = Array(repeating: nil, count: count)
    }

    func set(_ index: Int, _ value: Swift.Result<Value, any Error>) {
        self.lock.withLock { self.values[index] = value }
    }

    var all: [Swift.Result<Value, any Error>] {
        self.lock.withLock {
            self.values.map { $0 ?? .failure(APIClientError.unexpected("no result")) }
        }
    }
}
