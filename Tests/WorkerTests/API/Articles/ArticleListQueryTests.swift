import XCTest

@testable import Worker

/// The list statement is assembled from fixed fragments; every client value must travel as a
/// bound parameter, never inside the SQL text.
final class ArticleListQueryTests: XCTestCase {
    private let hostile = "x'); DROP TABLE users; --"

    func testEveryFilterValueIsBoundNotSpliced() {
        let filters = [
            ArticleListQuery.Filter(tag: self.hostile),
            ArticleListQuery.Filter(author: self.hostile),
            ArticleListQuery.Filter(favoritedBy: self.hostile),
            ArticleListQuery.Filter(tag: self.hostile, author: self.hostile, favoritedBy: self.hostile),
            ArticleListQuery.Filter(tag: self.hostile, followedByViewer: true),
        ]
        for filter in filters {
            let query = ArticleListQuery(filter: filter, page: PageParameters(limit: 20, offset: 40), viewerID: 7)
            XCTAssertFalse(query.sql.contains("DROP TABLE"), "\(filter)")
            XCTAssertEqual(Array(query.parameters.prefix(3)), ["7", "20", "40"], "\(filter)")
            let bound = query.parameters.dropFirst(3)
            XCTAssertFalse(bound.isEmpty, "\(filter)")
            XCTAssertTrue(bound.allSatisfy { $0 == self.hostile }, "\(filter)")
            // Each bound value has its placeholder in the text.
            for index in 4...(3 + bound.count) {
                XCTAssertTrue(query.sql.contains("$\(index)"), "\(filter): $\(index) missing")
            }
        }
    }

    func testTheSameFilterShapeGivesTheSameTextWhateverTheValues() {
        let first = ArticleListQuery(filter: .init(tag: "dragons"), page: PageParameters(), viewerID: nil)
        let second = ArticleListQuery(filter: .init(tag: self.hostile), page: PageParameters(), viewerID: 3)
        XCTAssertEqual(first.sql, second.sql, "one prepared statement per filter shape")
    }
}
