import Foundation
import XCTest

/// Migration 5 ("article authors") on a database that already holds articles: the backfill
/// copies every author's current profile, and the triggers it installs keep the copies current
/// afterwards.
final class ArticleAuthorsMigrationTests: XCTestCase {
    func testMigrationFiveCopiesExistingAuthorsAndKeepsThemCurrent() throws {
        let first = try TestGateway(workers: 1)
        let directory = first.dataDirectory
        let client = APIClient(first)
        let authors = try (0..<2).map { _ in try client.register("mig-author") }
        for author in authors {
            for _ in 0..<3 {
                _ = try client.createArticleSlug(by: author)
            }
        }
        // Back to the schema before migration 5, then a profile change the copies do not see.
        _ = try first.psql(
            """
            DROP TRIGGER articles_author_copy ON articles;
            DROP TRIGGER users_author_copies ON users;
            DROP FUNCTION articles_copy_author();
            DROP FUNCTION users_refresh_author_copies();
            ALTER TABLE articles DROP COLUMN author_username, DROP COLUMN author_bio, DROP COLUMN author_image;
            DELETE FROM schema_migrations WHERE version = 5;
            UPDATE users SET bio = 'set before migration 5', image = 'https://example.com/before.png'
                WHERE username = '\(authors[0].username)';
            """
        )
        XCTAssertEqual(first.stop(), 0)

        let second = try TestGateway(workers: 1, dataDirectory: directory)
        defer { second.stop() }
        XCTAssertEqual(try second.psql("SELECT name FROM schema_migrations WHERE version = 5"), "article authors")
        XCTAssertEqual(try second.psql(Self.articlesWithExactCopies), "6")
        XCTAssertEqual(
            try self.listedProfiles(of: authors[0].username, on: second),
            Array(repeating: "\(authors[0].username)/set before migration 5/https://example.com/before.png", count: 3)
        )

        let renamed = Unique.name("mig-renamed")
        let update = try APIClient(second).send(
            "PUT",
            "/api/user",
            token: authors[1].token,
            json: ["user": ["username": renamed, "bio": "after"]]
        )
        XCTAssertEqual(update.status, 200, update.text)
        XCTAssertEqual(
            try self.listedProfiles(of: renamed, on: second),
            Array(repeating: "\(renamed)/after/", count: 3)
        )
        XCTAssertEqual(try second.psql(Self.articlesWithExactCopies), "6")
    }

    /// Articles whose copies equal their author's row.
    private static let articlesWithExactCopies = """
        SELECT count(*) FROM articles a JOIN users u ON u.id = a.author_id
        WHERE (a.author_username, a.author_bio, a.author_image) IS NOT DISTINCT FROM (u.username, u.bio, u.image)
        """

    /// `username/bio/image` of each article in the author's list, as the API shows it.
    private func listedProfiles(of username: String, on gateway: TestGateway) throws -> [String] {
        let response = try APIClient(gateway).request("GET", "/api/articles?author=\(username)")
        XCTAssertEqual(response.status, 200, response.text)
        return (response.list("articles") ?? []).map { article in
            let author = article["author"] as? [String: Any] ?? [:]
            return ["username", "bio", "image"].map { author[$0] as? String ?? "" }.joined(separator: "/")
        }
    }
}
