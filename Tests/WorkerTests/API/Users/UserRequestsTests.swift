import Foundation
import XCTest

@testable import Worker

final class UserRequestsTests: XCTestCase {
    private func decodeUpdate(_ json: String) throws -> UpdateUserRequest.Fields {
        try JSONCoding.decoder.decode(UpdateUserRequest.self, from: Data(json.utf8)).user
    }

    func testUpdateDistinguishesAbsentNullAndValue() throws {
        let fields = try decodeUpdate(#"{"user":{"bio":null,"image":"","email":"a@b.co"}}"#)
        XCTAssertEqual(fields.username, .keep)
        XCTAssertEqual(fields.password, .keep)
        XCTAssertEqual(fields.bio, .null)
        XCTAssertEqual(fields.image, .set(""))
        XCTAssertEqual(fields.email, .set("a@b.co"))
        XCTAssertTrue(fields.username.isKept)
        XCTAssertNil(fields.bio.value)
        XCTAssertEqual(fields.email.value, "a@b.co")
    }

    func testUpdateRejectsWrongTypes() {
        XCTAssertThrowsError(try decodeUpdate(#"{"user":{"bio":5}}"#))
        XCTAssertThrowsError(try decodeUpdate(#"{"user":[]}"#))
        XCTAssertThrowsError(try decodeUpdate(#"{"bio":"x"}"#))
    }

    func testRegisterFieldsAreOptionalAtDecodeTime() throws {
        let request = try JSONCoding.decoder.decode(
            RegisterUserRequest.self,
            from: Data(#"{"user":{"email":"a@b.co"}}"#.utf8)
        )
        XCTAssertNil(request.user.username)
        XCTAssertEqual(request.user.email, "a@b.co")
    }
}
