import XCTest

@testable import Worker

final class PostgresBinaryTests: XCTestCase {
    private func decode<Value>(_ bytes: [UInt8], _ decoder: (UnsafeRawBufferPointer) -> Value?) -> Value? {
        bytes.withUnsafeBytes { decoder($0) }
    }

    func testIntegersOfEveryWidthAreBigEndianAndSigned() {
        XCTAssertEqual(self.decode([0x00, 0x2A], PostgresBinary.integer), 42)
        XCTAssertEqual(self.decode([0xFF, 0xFE], PostgresBinary.integer), -2)
        XCTAssertEqual(self.decode([0x00, 0x00, 0xC3, 0x50], PostgresBinary.integer), 50_000)
        XCTAssertEqual(self.decode([0x80, 0x00, 0x00, 0x00], PostgresBinary.integer), Int64(Int32.min))
        XCTAssertEqual(self.decode([0, 0, 0, 0, 0, 0, 0x01, 0x00], PostgresBinary.integer), 256)
        XCTAssertEqual(self.decode([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], PostgresBinary.integer), -1)
        XCTAssertEqual(self.decode([0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], PostgresBinary.integer), .max)
    }

    func testOtherLengthsAreNotIntegers() {
        XCTAssertNil(self.decode([], PostgresBinary.integer))
        XCTAssertNil(self.decode([1], PostgresBinary.integer))
        XCTAssertNil(self.decode([0, 0, 1], PostgresBinary.integer))
        XCTAssertNil(self.decode([0, 0, 0, 0, 0, 0, 0, 0, 1], PostgresBinary.integer))
    }

    func testBooleansAreOneByteZeroOrOne() {
        XCTAssertEqual(self.decode([1], PostgresBinary.bool), true)
        XCTAssertEqual(self.decode([0], PostgresBinary.bool), false)
        XCTAssertNil(self.decode([2], PostgresBinary.bool))
        XCTAssertNil(self.decode([], PostgresBinary.bool))
        XCTAssertNil(self.decode([0, 1], PostgresBinary.bool))
        XCTAssertNil(self.decode(Array("t".utf8), PostgresBinary.bool))
    }

    func testTimestampsAreEightBytes() {
        XCTAssertEqual(self.decode([0, 0, 0, 0, 0, 0, 0, 0], PostgresBinary.timestampMicroseconds), 0)
        XCTAssertEqual(
            self.decode([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE], PostgresBinary.timestampMicroseconds),
            -2
        )
        XCTAssertNil(self.decode([0, 0, 0, 0], PostgresBinary.timestampMicroseconds))
    }
}
