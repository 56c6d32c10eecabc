import XCTest

@testable import Worker

final class PostgresBinaryArrayTests: XCTestCase {
    private func word(_ value: Int32) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }

    /// `array_send` of a one-dimensional `text[]`; `nil` elements are NULL.
    private func textArray(_ elements: [String?], lowerBound: Int32 = 1) -> [UInt8] {
        var bytes = self.word(1) + self.word(elements.contains(nil) ? 1 : 0) + self.word(25)
        bytes += self.word(Int32(elements.count)) + self.word(lowerBound)
        for element in elements {
            guard let element else {
                bytes += self.word(-1)
                continue
            }
            bytes += self.word(Int32(element.utf8.count)) + Array(element.utf8)
        }
        return bytes
    }

    private func elements(_ bytes: [UInt8]) throws -> [String?] {
        try bytes.withUnsafeBytes { buffer in
            let array = try PostgresBinaryArray(buffer)
            var elements: [String?] = []
            array.forEach { element in
                elements.append(element.map { String(decoding: $0, as: UTF8.self) })
            }
            XCTAssertEqual(elements.count, array.count)
            return elements
        }
    }

    func testReadsElementsInOrderWithoutAnyUnescaping() throws {
        let samples: [String?] = [
            "topic1", "a,b", "{brace}", "quo\"te", "back\\slash", " spaced ", "NULL", "ünï 🐉", "",
        ]
        XCTAssertEqual(try self.elements(self.textArray(samples)), samples)
    }

    func testNullElementsAndOtherLowerBounds() throws {
        XCTAssertEqual(try self.elements(self.textArray(["a", nil, "c"], lowerBound: 0)), ["a", nil, "c"])
    }

    func testEmptyArrayHasNoDimensions() throws {
        let empty = self.word(0) + self.word(0) + self.word(25)
        XCTAssertEqual(try self.elements(empty), [])
        try empty.withUnsafeBytes { XCTAssertEqual(try PostgresBinaryArray($0).elementType, 25) }
    }

    func testMalformedBuffersThrow() {
        let valid = self.textArray(["abc", "de"])
        let malformed: [(String, [UInt8])] = [
            ("empty", []),
            ("truncated header", Array(valid.prefix(10))),
            ("truncated element", Array(valid.dropLast())),
            ("trailing bytes", valid + [0]),
            ("two dimensions", self.word(2) + self.word(0) + self.word(25) + self.word(1) + self.word(1)),
            ("negative dimensions", self.word(-1) + self.word(0) + self.word(25)),
            ("negative length", self.word(1) + self.word(0) + self.word(25) + self.word(-1) + self.word(1)),
            (
                "length past the end",
                self.word(1) + self.word(0) + self.word(25) + self.word(1) + self.word(1)
                    + self.word(Int32.max) + [1]
            ),
            (
                "element length below -1",
                self.word(1) + self.word(0) + self.word(25) + self.word(1) + self.word(1)
                    + self.word(-2)
            ),
        ]
        for (name, bytes) in malformed {
            XCTAssertThrowsError(try self.elements(bytes), name) { error in
                XCTAssertEqual((error as? DatabaseError)?.kind, .other, name)
            }
        }
    }
}
