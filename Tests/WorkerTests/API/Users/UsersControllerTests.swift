import XCTest

@testable import Worker

final class UsersControllerTests: XCTestCase {
    /// The dummy hash must cost what a real one does, or unknown emails would answer faster.
    func testDummyHashUsesCurrentParameters() {
        let hasher = PasswordHasher()
        XCTAssertNotNil(PasswordHasher.StoredHash(parsing: UsersController.dummyHash))
        XCTAssertFalse(hasher.needsRehash(UsersController.dummyHash))
        XCTAssertFalse(hasher.verify("password123", against: UsersController.dummyHash))
    }
}
