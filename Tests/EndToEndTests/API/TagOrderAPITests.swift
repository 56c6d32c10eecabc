import Foundation
import XCTest

/// Every article representation (single, list, feed) lists its tags in name order, as the
/// RealWorld reference implementation does and the RealWorld Postman collection asserts: it
/// creates `["training","dragons"]` and expects `["dragons","training"]`.
final class TagOrderAPITests: SharedGatewayTestCase {
    func testSingleListAndFeedListTagsInNameOrder() throws {
        let client = APIClient(try self.gateway())
        let author = try client.register("sorter")
        let reader = try client.register("sortreader")
        let article = try client.createArticle(
            by: author,
            title: "Sorted " + Unique.name("t"),
            description: "d",
            body: "b",
            tags: ["training", "dragons"]
        )
        let sorted = ["dragons", "training"]
        XCTAssertEqual(article["tagList"] as? [String], sorted, "the create answer")
        let slug = try XCTUnwrap(article["slug"] as? String)

        let single = try client.request("GET", "/api/articles/\(slug)")
        XCTAssertEqual(single.object("article")?["tagList"] as? [String], sorted, "single")

        let list = try client.request("GET", "/api/articles?author=\(author.username)")
        XCTAssertEqual(list.list("articles")?.first?["tagList"] as? [String], sorted, "list")

        try client.follow(author.username, by: reader)
        let feed = try client.request("GET", "/api/articles/feed", token: reader.token)
        XCTAssertEqual(feed.list("articles")?.first?["tagList"] as? [String], sorted, "feed")

        let updated = try client.send(
            "PUT",
            "/api/articles/\(slug)",
            token: author.token,
            json: ["article": ["tagList": ["zoo", "dragons", "apple"]]]
        )
        XCTAssertEqual(updated.object("article")?["tagList"] as? [String], ["apple", "dragons", "zoo"], "update")
    }

    /// Links written in SQL by someone other than the API (seed.sql, an operator), in any
    /// position order, still read back sorted: migration 6's triggers sort by name.
    func testLinksWrittenInSQLReadBackSorted() throws {
        let gateway = try self.gateway()
        let client = APIClient(gateway)
        let author = try client.register("sqltags")
        let slug = try client.createArticleSlug(by: author, tags: ["middle"])
        let prefix = Unique.name("sql")
        _ = try gateway.psql(
            """
            INSERT INTO tags (name) VALUES ('\(prefix)-b'), ('\(prefix)-a') ON CONFLICT DO NOTHING;
            INSERT INTO article_tags (article_id, tag_id, position)
                SELECT a.id, t.id, CASE WHEN t.name LIKE '%-b' THEN 2 ELSE 3 END
                FROM articles a, tags t
                WHERE a.slug = '\(slug)' AND t.name IN ('\(prefix)-b', '\(prefix)-a');
            """
        )
        let read = try client.request("GET", "/api/articles/\(slug)")
        XCTAssertEqual(
            read.object("article")?["tagList"] as? [String],
            ["middle", "\(prefix)-a", "\(prefix)-b"],
            read.text
        )
    }
}
