import XCTest

@testable import Worker

final class WorldTests: XCTestCase {
    func testWritesTFBJSONShape() {
        var json = JSONWriter()
        json.beginArray()
        World(id: 3, randomNumber: 9_999).write(to: &json)
        World(id: 10_000, randomNumber: 1).write(to: &json)
        json.endArray()
        XCTAssertEqual(
            String(decoding: json.bytes, as: UTF8.self),
            #"[{"id":3,"randomNumber":9999},{"id":10000,"randomNumber":1}]"#
        )
    }

    func testDistinctRandomIDsAreDistinctAndInRange() {
        for count in [1, 20, 500] {
            let ids = World.distinctRandomIDs(count)
            XCTAssertEqual(ids.count, count)
            XCTAssertEqual(Set(ids).count, count)
            XCTAssertTrue(ids.allSatisfy(World.idRange.contains))
        }
    }

    func testArrayLiteral() {
        XCTAssertEqual(World.arrayLiteral([]), "{}")
        XCTAssertEqual(World.arrayLiteral([1, 20, 300]), "{1,20,300}")
    }

    func testMissingRowIsAnErrorNotACrash() {
        let rows = PostgresRows(columnNames: ["id", "randomnumber"], rows: [], affectedRows: 0)
        XCTAssertThrowsError(try World(from: rows))
    }
}
