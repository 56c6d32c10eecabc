import Foundation
import XCTest

@testable import Gateway

final class PostgresLogRotationTests: XCTestCase {
    private var path = ""

    override func setUp() {
        path = NSTemporaryDirectory() + "rookery-log-\(UUID().uuidString.prefix(8)).log"
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: path)
        try? FileManager.default.removeItem(atPath: path + ".1")
    }

    func testSmallFileIsLeftAlone() throws {
        try "short\n".write(toFile: path, atomically: false, encoding: .utf8)
        XCTAssertFalse(PostgresLogRotation(path: path, maximumBytes: 100).rotateIfNeeded())
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "short\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + ".1"))
    }

    func testLargeFileMovesToDotOneAndAnAppendingWriterContinuesAtTheStart() throws {
        let old = String(repeating: "old line\n", count: 200_000)
        try old.write(toFile: path, atomically: false, encoding: .utf8)
        try "previous rotation\n".write(toFile: path + ".1", atomically: false, encoding: .utf8)
        // The server's descriptor: opened with O_APPEND before the rotation.
        let writer = open(path, O_WRONLY | O_APPEND)
        defer { close(writer) }

        XCTAssertTrue(PostgresLogRotation(path: path, maximumBytes: 1 << 20).rotateIfNeeded())
        XCTAssertEqual(try String(contentsOfFile: path + ".1", encoding: .utf8), old)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "")
        _ = "new line\n".withCString { write(writer, $0, strlen($0)) }
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "new line\n")
    }

    func testMissingFileIsNoError() {
        XCTAssertFalse(PostgresLogRotation(path: path).rotateIfNeeded())
    }
}
