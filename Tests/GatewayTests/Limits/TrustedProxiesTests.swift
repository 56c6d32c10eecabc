import XCTest

@testable import Gateway

final class TrustedProxiesTests: XCTestCase {
    func testSingleAddressesMatchExactly() throws {
        let trusted = try TrustedProxies(parsing: ["10.0.0.1", "2001:db8::1"])
        XCTAssertTrue(trusted.contains("10.0.0.1"))
        XCTAssertFalse(trusted.contains("10.0.0.2"))
        XCTAssertTrue(trusted.contains("2001:db8::1"))
        XCTAssertTrue(trusted.contains("2001:0db8:0:0::1"), "any spelling of the same address")
        XCTAssertFalse(trusted.contains("2001:db8::2"))
    }

    func testCIDRRangesMatchTheirPrefixOnly() throws {
        let trusted = try TrustedProxies(parsing: ["10.0.0.0/8", "192.168.4.0/22", "fd00::/8"])
        XCTAssertTrue(trusted.contains("10.255.3.4"))
        XCTAssertFalse(trusted.contains("11.0.0.1"))
        XCTAssertTrue(trusted.contains("192.168.7.255"))
        XCTAssertFalse(trusted.contains("192.168.8.0"))
        XCTAssertTrue(trusted.contains("fd12:3456::1"))
        XCTAssertFalse(trusted.contains("fe80::1"))
    }

    func testIPv4MappedPeersMatchIPv4Entries() throws {
        let trusted = try TrustedProxies(parsing: ["10.0.0.0/24"])
        XCTAssertTrue(trusted.contains("::ffff:10.0.0.7"))
        XCTAssertFalse(trusted.contains("::ffff:10.0.1.7"))
    }

    func testZeroPrefixTrustsEveryAddressOfThatFamily() throws {
        let trusted = try TrustedProxies(parsing: ["0.0.0.0/0"])
        XCTAssertTrue(trusted.contains("203.0.113.9"))
        XCTAssertFalse(trusted.contains("2001:db8::1"))
    }

    func testNonAddressesNeverMatch() throws {
        let trusted = try TrustedProxies(parsing: ["10.0.0.0/8"])
        for text in ["unix", "", "10.0.0.1/8", "10.0.0", "::g"] {
            XCTAssertFalse(trusted.contains(text), text)
        }
    }

    func testBadEntriesAreAConfigurationError() {
        for entry in ["proxy.example", "10.0.0.0/33", "fd00::/129", "10.0.0.0/", "10.0.0.0/8/8", "/8", "10.0.0.0/-1"] {
            XCTAssertThrowsError(try TrustedProxies(parsing: [entry]), entry) { error in
                XCTAssertTrue("\(error)".contains("--trusted-proxy"), "\(error)")
            }
        }
    }
}
