import Foundation
import XCTest

/// Favorites (including their count under concurrency) and the feed, over real HTTP.
final class FavoritesFeedAPITests: SharedGatewayTestCase {
    private func client() throws -> APIClient {
        APIClient(try self.gateway())
    }

    func testFavoriteAndUnfavoriteAreIdempotent() throws {
        let client = try self.client()
        let author = try client.register("fav-author")
        let fan = try client.register("fav-fan")
        let slug = try client.createArticleSlug(by: author)
        for _ in 0..<2 {
            let response = try client.request("POST", "/api/articles/\(slug)/favorite", token: fan.token)
            XCTAssertEqual(response.status, 200, response.text)
            XCTAssertEqual(response.object("article")?["favorited"] as? Bool, true)
            XCTAssertEqual(response.object("article")?["favoritesCount"] as? Int, 1)
        }
        let seen = try client.request("GET", "/api/articles/\(slug)", token: fan.token)
        XCTAssertEqual(seen.object("article")?["favorited"] as? Bool, true)
        let anonymous = try client.request("GET", "/api/articles/\(slug)")
        XCTAssertEqual(anonymous.object("article")?["favorited"] as? Bool, false)
        XCTAssertEqual(anonymous.object("article")?["favoritesCount"] as? Int, 1)

        let byFan = try client.request("GET", "/api/articles?favorited=\(fan.username)")
        XCTAssertEqual(byFan.list("articles")?.compactMap { $0["slug"] as? String }, [slug])
        XCTAssertEqual(byFan.json?["articlesCount"] as? Int, 1)

        for _ in 0..<2 {
            let response = try client.request("DELETE", "/api/articles/\(slug)/favorite", token: fan.token)
            XCTAssertEqual(response.status, 200, response.text)
            XCTAssertEqual(response.object("article")?["favorited"] as? Bool, false)
            XCTAssertEqual(response.object("article")?["favoritesCount"] as? Int, 0)
        }
        let anonymousFavorite = try client.request("POST", "/api/articles/\(slug)/favorite")
        XCTAssertEqual(anonymousFavorite.status, 401)
        XCTAssertEqual(anonymousFavorite.text, #"{"errors":{"token":["is missing"]}}"#)
    }

    func testTwentyConcurrentFavoritesCountExactlyTwenty() throws {
        let gateway = try self.gateway()
        let client = APIClient(gateway)
        let author = try client.register("hot")
        let slug = try client.createArticleSlug(by: author)
        let registered = concurrently(20) { _ in try client.register("crowd") }
        let tokens = try registered.map { try $0.get().token }

        let favorites = concurrently(20) { index in
            try client.request("POST", "/api/articles/\(slug)/favorite", token: tokens[index]).status
        }
        XCTAssertEqual(try favorites.map { try $0.get() }, Array(repeating: 200, count: 20))
        let article = try client.request("GET", "/api/articles/\(slug)")
        XCTAssertEqual(article.object("article")?["favoritesCount"] as? Int, 20)
        XCTAssertEqual(
            try gateway.psql(
                "SELECT a.favorites_count || ' ' || count(f.*) FROM articles a LEFT JOIN favorites f ON f.article_id = a.id "
                    + "WHERE a.slug = '\(slug)' GROUP BY a.id"
            ),
            "20 20",
            "the counter matches the rows"
        )

        // Half unfavorite while the other half favorite again: 10 remain.
        let mixed = concurrently(20) { index in
            try client.request(index < 10 ? "DELETE" : "POST", "/api/articles/\(slug)/favorite", token: tokens[index])
                .status
        }
        XCTAssertEqual(try mixed.map { try $0.get() }, Array(repeating: 200, count: 20))
        let after = try client.request("GET", "/api/articles/\(slug)")
        XCTAssertEqual(after.object("article")?["favoritesCount"] as? Int, 10)
    }

    func testFeedListsFollowedAuthorsOnlyNewestFirst() throws {
        let client = try self.client()
        let reader = try client.register("feeder")
        let followed = try client.register("followed")
        let ignored = try client.register("ignored")
        let empty = try client.request("GET", "/api/articles/feed", token: reader.token)
        XCTAssertEqual(empty.status, 200)
        XCTAssertEqual(empty.text, #"{"articles":[],"articlesCount":0}"#)

        var followedSlugs: [String] = []
        for _ in 0..<3 {
            followedSlugs.append(try client.createArticleSlug(by: followed))
            _ = try client.createArticleSlug(by: ignored)
        }
        try client.follow(followed.username, by: reader)
        let feed = try client.request("GET", "/api/articles/feed", token: reader.token)
        XCTAssertEqual(feed.status, 200, feed.text)
        let items = try XCTUnwrap(feed.list("articles"))
        XCTAssertEqual(items.compactMap { $0["slug"] as? String }, followedSlugs.reversed())
        XCTAssertEqual(feed.json?["articlesCount"] as? Int, 3)
        XCTAssertTrue(items.allSatisfy { ($0["author"] as? [String: Any])?["following"] as? Bool == true })
        XCTAssertTrue(items.allSatisfy { $0["body"] == nil })

        let page = try client.request("GET", "/api/articles/feed?limit=1&offset=1", token: reader.token)
        XCTAssertEqual(page.list("articles")?.compactMap { $0["slug"] as? String }, [followedSlugs[1]])
        XCTAssertEqual(page.json?["articlesCount"] as? Int, 3)

        _ = try client.request("DELETE", "/api/profiles/\(followed.username)/follow", token: reader.token)
        let unfollowed = try client.request("GET", "/api/articles/feed", token: reader.token)
        XCTAssertEqual(unfollowed.json?["articlesCount"] as? Int, 0)

        let anonymous = try client.request("GET", "/api/articles/feed")
        XCTAssertEqual(anonymous.status, 401)
        XCTAssertEqual(anonymous.text, #"{"errors":{"token":["is missing"]}}"#)
    }
}
