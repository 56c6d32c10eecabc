import XCTest

@testable import Gateway

final class ClientAddressTests: XCTestCase {
    func testForwardedForIsIgnoredFromUntrustedPeers() {
        XCTAssertEqual(
            ClientAddress.resolve(peer: "203.0.113.9", forwardedFor: ["1.2.3.4"], trustedProxies: []),
            "203.0.113.9"
        )
    }

    func testTrustedProxyGivesTheNearestUntrustedHop() {
        let trusted: TrustedProxies = ["10.0.0.1", "10.0.0.2"]
        XCTAssertEqual(
            ClientAddress.resolve(
                peer: "10.0.0.1",
                forwardedFor: ["6.6.6.6, 198.51.100.7, 10.0.0.2"],
                trustedProxies: trusted
            ),
            "198.51.100.7",
            "a client cannot spoof its address by prepending entries"
        )
        XCTAssertEqual(
            ClientAddress.resolve(
                peer: "10.0.0.1",
                forwardedFor: ["198.51.100.7", "10.0.0.2"],
                trustedProxies: trusted
            ),
            "198.51.100.7"
        )
        XCTAssertEqual(ClientAddress.resolve(peer: "10.0.0.1", forwardedFor: [], trustedProxies: trusted), "10.0.0.1")
    }
}
