import NIOConcurrencyHelpers
import XCTest

@testable import Gateway

final class RequestIDsTests: XCTestCase {
    func testGeneratedIDsAre32LowercaseHexDigitsAndNeverRepeat() {
        // Several refills of the 256-byte pool, from two threads at once.
        let collected = NIOLockedValueBox(Set<String>())
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            var local: [String] = []
            for _ in 0..<5_000 {
                local.append(RequestIDs.generate())
            }
            collected.withLockedValue { $0.formUnion(local) }
        }
        let seen = collected.withLockedValue { $0 }
        XCTAssertEqual(seen.count, 10_000, "every id is unique")
        for id in seen.prefix(500) {
            XCTAssertEqual(id.utf8.count, 32)
            XCTAssertTrue(id.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }, id)
            XCTAssertTrue(RequestIDs.isAcceptable(id))
        }
        // Every hex position takes more than one value: the digits are not stuck.
        for position in 0..<32 {
            let digits = Set(seen.map { $0.utf8[$0.utf8.index($0.utf8.startIndex, offsetBy: position)] })
            XCTAssertGreaterThan(digits.count, 8, "position \(position)")
        }
    }

    func testClientIDsAreKeptOnlyWhenSafe() {
        XCTAssertTrue(RequestIDs.isAcceptable("abc-123_x.y:z"))
        XCTAssertFalse(RequestIDs.isAcceptable(""))
        XCTAssertFalse(RequestIDs.isAcceptable("a b"))
        XCTAssertFalse(RequestIDs.isAcceptable("line\nbreak"))
        XCTAssertFalse(RequestIDs.isAcceptable(String(repeating: "a", count: 129)))
    }

    func testAcceptableIDsAndGeneratedOnes() {
        XCTAssertTrue(RequestIDs.isAcceptable("abc-123_x.y:z"))
        XCTAssertFalse(RequestIDs.isAcceptable(""))
        XCTAssertFalse(RequestIDs.isAcceptable("has space"))
        XCTAssertFalse(RequestIDs.isAcceptable("new\nline"))
        XCTAssertFalse(RequestIDs.isAcceptable(String(repeating: "a", count: 129)))
        let generated = RequestIDs.generate()
        XCTAssertEqual(generated.count, 32)
        XCTAssertTrue(RequestIDs.isAcceptable(generated))
        XCTAssertNotEqual(generated, RequestIDs.generate())
    }
}
