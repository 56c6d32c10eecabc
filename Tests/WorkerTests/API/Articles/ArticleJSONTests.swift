import Foundation
import XCTest

@testable import Worker

final class ArticleJSONTests: XCTestCase {
    private let created = Date(timeIntervalSince1970: 1_455_765_776.637)
    private let updated = Date(timeIntervalSince1970: 1_455_765_776.9)

    private func fixture(body: String?) -> ArticleRecord {
        ArticleRecord(
            slug: "how-to-train-your-dragon",
            title: "How to train your \"dragon\"",
            description: "Ever wonder how?",
            body: body,
            tagList: ["dragons", "training"],
            createdAt: self.created,
            updatedAt: self.updated,
            favorited: true,
            favoritesCount: 3,
            author: AuthorProfile(username: "jake", bio: nil, image: "https://i.example/j.png", following: false)
        )
    }

    func testSingleArticleShape() {
        let text = String(decoding: ArticleJSON.single(self.fixture(body: "It takes a Jacobian\n")), as: UTF8.self)
        XCTAssertEqual(
            text,
            #"{"article":{"slug":"how-to-train-your-dragon","title":"How to train your \"dragon\"","#
                + #""description":"Ever wonder how?","body":"It takes a Jacobian\n","tagList":["dragons","training"],"#
                + #""createdAt":"2016-02-18T03:22:56.637Z","updatedAt":"2016-02-18T03:22:56.900Z","#
                + #""favorited":true,"favoritesCount":3,"#
                + #""author":{"username":"jake","bio":null,"image":"https://i.example/j.png","following":false}}}"#
        )
    }

    func testListOmitsBodyAndCarriesTheTotal() throws {
        let bytes = ArticleJSON.list([self.fixture(body: nil), self.fixture(body: nil)], totalCount: 57)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        XCTAssertEqual(object["articlesCount"] as? Int, 57)
        let articles = try XCTUnwrap(object["articles"] as? [[String: Any]])
        XCTAssertEqual(articles.count, 2)
        XCTAssertNil(articles[0]["body"])
        XCTAssertEqual(articles[0]["tagList"] as? [String], ["dragons", "training"])
        XCTAssertEqual(
            String(decoding: ArticleJSON.list([], totalCount: 4), as: UTF8.self),
            #"{"articles":[],"articlesCount":4}"#
        )
    }

    func testDecodesTheQueryColumnLayout() throws {
        let row = PostgresRow(
            columnNames: Array(repeating: "", count: 14),
            values: [
                "9", "s", "T", "D", nil, "2016-02-18 03:22:56.637+00", "2016-02-18 03:22:56.9+00", "3", "t",
                "{dragons,\"two words\"}", "jake", nil, nil, "f",
            ]
        )
        let record = try ArticleRecord(row: row, at: 1)
        XCTAssertEqual(record.slug, "s")
        XCTAssertNil(record.body)
        XCTAssertEqual(record.tagList, ["dragons", "two words"])
        XCTAssertEqual(record.favoritesCount, 3)
        XCTAssertTrue(record.favorited)
        XCTAssertEqual(record.author, AuthorProfile(username: "jake", bio: nil, image: nil, following: false))
        XCTAssertEqual(PostgresTimestamp.format(record.createdAt), "2016-02-18T03:22:56.637Z")
    }

    func testCommentShape() {
        let comment = CommentRecord(
            id: 7,
            createdAt: self.created,
            updatedAt: self.created,
            body: "Nice",
            author: AuthorProfile(username: "jake", bio: "b", image: nil, following: true)
        )
        XCTAssertEqual(
            String(decoding: CommentJSON.single(comment), as: UTF8.self),
            #"{"comment":{"id":7,"createdAt":"2016-02-18T03:22:56.637Z","updatedAt":"2016-02-18T03:22:56.637Z","#
                + #""body":"Nice","author":{"username":"jake","bio":"b","image":null,"following":true}}}"#
        )
    }

    func testListQueryNumbersParametersInOrder() {
        let filter = ArticleListQuery.Filter(tag: "t", author: nil, favoritedBy: "f")
        let query = ArticleListQuery(filter: filter, page: PageParameters(limit: 5, offset: 10), viewerID: 3)
        XCTAssertEqual(query.parameters, ["3", "5", "10", "t", "f"])
        XCTAssertTrue(query.sql.contains("t.name = $4"))
        XCTAssertTrue(query.sql.contains("lower($5)"))
        XCTAssertFalse(query.sql.contains("$6"))
        let anonymous = ArticleListQuery(filter: .init(), page: PageParameters(), viewerID: nil)
        XCTAssertEqual(anonymous.parameters, [nil, "20", "0"])
        XCTAssertFalse(anonymous.sql.contains("FROM articles a WHERE"))
    }

    func testEveryFilterShapeUsesExactlyItsParametersAndNoValueReachesTheText() {
        let values = ["tag-value'", "author-value'", "favorited-value'"]
        for index in 0..<16 {
            let filter = ArticleListQuery.Filter(
                tag: index & 1 != 0 ? values[0] : nil,
                author: index & 2 != 0 ? values[1] : nil,
                favoritedBy: index & 4 != 0 ? values[2] : nil,
                followedByViewer: index & 8 != 0
            )
            let query = ArticleListQuery(filter: filter, page: PageParameters(), viewerID: 7)
            let present = [filter.tag, filter.author, filter.favoritedBy].compactMap { $0 }
            XCTAssertEqual(query.parameters, ["7", "20", "0"] + present, "shape \(index)")
            for number in 1...query.parameters.count {
                XCTAssertTrue(query.sql.contains("$\(number)"), "shape \(index) lacks $\(number)")
            }
            XCTAssertFalse(query.sql.contains("$\(query.parameters.count + 1)"), "shape \(index)")
            for value in values {
                XCTAssertFalse(query.sql.contains(value), "shape \(index)")
            }
        }
    }
}
