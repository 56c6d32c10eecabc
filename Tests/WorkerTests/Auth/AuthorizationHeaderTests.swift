import XCTest

@testable import Worker

final class AuthorizationHeaderTests: XCTestCase {
    func testAcceptsTokenAndBearerCaseInsensitively() {
        XCTAssertEqual(AuthorizationHeader.token(from: "Token abc.def.ghi"), "abc.def.ghi")
        XCTAssertEqual(AuthorizationHeader.token(from: "Bearer abc.def.ghi"), "abc.def.ghi")
        XCTAssertEqual(AuthorizationHeader.token(from: "token abc"), "abc")
        XCTAssertEqual(AuthorizationHeader.token(from: "BEARER abc"), "abc")
        XCTAssertEqual(AuthorizationHeader.token(from: "  Token   abc  "), "abc")
    }

    func testRejectsOtherSchemesAndEmptyCredentials() {
        XCTAssertNil(AuthorizationHeader.token(from: ""))
        XCTAssertNil(AuthorizationHeader.token(from: "Token"))
        XCTAssertNil(AuthorizationHeader.token(from: "Token "))
        XCTAssertNil(AuthorizationHeader.token(from: "abc.def.ghi"))
        XCTAssertNil(AuthorizationHeader.token(from: "Basic dXNlcjpwYXNz"))
        XCTAssertNil(AuthorizationHeader.token(from: "Token a b"))
        XCTAssertNil(AuthorizationHeader.token(from: "Tokens abc"))
    }
}
