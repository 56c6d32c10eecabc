import XCTest

@testable import Worker

final class ConnInfoHostsTests: XCTestCase {
    func testKeywordHostsAndPortsRotateTogether() {
        let conninfo = "host=a,b,c port=5432,5433,5434 dbname=rookery target_session_attrs=any"
        XCTAssertEqual(
            ConnInfoHosts.rotated(conninfo, by: 1),
            "host='b,c,a' port='5433,5434,5432' dbname='rookery' target_session_attrs='any'"
        )
        XCTAssertEqual(
            ConnInfoHosts.rotated(conninfo, by: 3),
            "host='a,b,c' port='5432,5433,5434' dbname='rookery' target_session_attrs='any'"
        )
    }

    func testASinglePortStaysForEveryHost() {
        XCTAssertEqual(ConnInfoHosts.rotated("host=a,b port=5432", by: 1), "host='b,a' port='5432'")
    }

    func testQuotedValuesSurvive() {
        XCTAssertEqual(
            ConnInfoHosts.rotated("host=a,b password='it\\'s secret' dbname = x", by: 1),
            "host='b,a' password='it\\'s secret' dbname='x'"
        )
    }

    func testURLHostListRotates() {
        XCTAssertEqual(
            ConnInfoHosts.rotated("postgresql://user:pw@a:1,b:2,c:3/rookery?target_session_attrs=any", by: 2),
            "postgresql://user:pw@c:3,a:1,b:2/rookery?target_session_attrs=any"
        )
        XCTAssertEqual(ConnInfoHosts.rotated("postgres://a,b", by: 1), "postgres://b,a")
    }

    func testSingleHostsAndUnparsableTextAreUnchanged() {
        for text in ["host=/tmp dbname=x", "postgresql://a/db", "host='unterminated", "=x", ""] {
            XCTAssertEqual(ConnInfoHosts.rotated(text, by: 5), text)
        }
    }
}
