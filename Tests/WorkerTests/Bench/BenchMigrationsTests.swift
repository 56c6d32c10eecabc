import XCTest

@testable import Worker

final class BenchMigrationsTests: XCTestCase {
    func testVersionsDoNotCollideWithTheConduitSchema() {
        let conduit = Set(SchemaMigrations.all.map(\.version))
        let bench = BenchMigrations.all.map(\.version)
        XCTAssertEqual(Set(bench).count, bench.count)
        XCTAssertTrue(bench.allSatisfy { $0 > 1000 && !conduit.contains($0) })
    }

    func testTolerateTablesLoadedFromTFBSchema() {
        let sql = BenchMigrations.tables
        XCTAssertTrue(sql.contains("CREATE TABLE IF NOT EXISTS world"))
        XCTAssertTrue(sql.contains("CREATE TABLE IF NOT EXISTS fortune"))
        XCTAssertEqual(sql.components(separatedBy: "ON CONFLICT (id) DO NOTHING").count - 1, 2)
    }

    func testHoldsTheTwelveTFBFortunes() {
        XCTAssertEqual(BenchMigrations.tables.components(separatedBy: "\n    (").count - 1, 12)
        XCTAssertTrue(BenchMigrations.tables.contains("(12, 'フレームワークのベンチマーク')"))
    }
}
