import XCTest

@testable import Worker

final class PageParametersTests: XCTestCase {
    func testDefaults() throws {
        XCTAssertEqual(try PageParameters.parse(QueryParameters("")), PageParameters(limit: 20, offset: 0))
        XCTAssertEqual(try PageParameters.parse(QueryParameters("tag=x")), PageParameters(limit: 20, offset: 0))
        XCTAssertEqual(
            try PageParameters.parse(QueryParameters("limit=&offset=")),
            PageParameters(limit: 20, offset: 0)
        )
    }

    func testReadsValues() throws {
        XCTAssertEqual(
            try PageParameters.parse(QueryParameters("limit=1&offset=1")),
            PageParameters(limit: 1, offset: 1)
        )
        XCTAssertEqual(
            try PageParameters.parse(QueryParameters("offset=40&limit=10")),
            PageParameters(limit: 10, offset: 40)
        )
        XCTAssertEqual(try PageParameters.parse(QueryParameters("limit=%2B5")), PageParameters(limit: 5, offset: 0))
    }

    func testClampsOutOfRangeIntegers() throws {
        XCTAssertEqual(try PageParameters.parse(QueryParameters("limit=0")).limit, 1)
        XCTAssertEqual(try PageParameters.parse(QueryParameters("limit=-3")).limit, 1)
        XCTAssertEqual(try PageParameters.parse(QueryParameters("limit=500")).limit, 100)
        XCTAssertEqual(try PageParameters.parse(QueryParameters("offset=-1")).offset, 0)
        XCTAssertEqual(try PageParameters.parse(QueryParameters("offset=99999999999999999999999")).offset, 1_000_000)
        XCTAssertEqual(try PageParameters.parse(QueryParameters("limit=-99999999999999999999999")).limit, 1)
    }

    func testRejectsNonIntegers() {
        for query in ["limit=ten", "limit=1.5", "offset=1e3", "offset=-", "limit=%201", "limit=0x10"] {
            XCTAssertThrowsError(try PageParameters.parse(QueryParameters(query)), query) { error in
                let apiError = error as? APIError
                XCTAssertEqual(apiError?.status, 422, query)
                XCTAssertEqual(apiError?.errors.values.first, ["must be an integer"], query)
            }
        }
    }

    func testReportsBothBadValues() {
        XCTAssertThrowsError(try PageParameters.parse(QueryParameters("limit=a&offset=b"))) { error in
            XCTAssertEqual(
                (error as? APIError)?.errors,
                ["limit": ["must be an integer"], "offset": ["must be an integer"]]
            )
        }
    }
}
