import XCTest

/// A test class whose tests share one gateway: started on first use, stopped when the class
/// finishes. Subclasses say how to start it in `makeGateway()`.
class SharedGatewayTestCase: XCTestCase {
    nonisolated(unsafe) private static var gateways: [ObjectIdentifier: TestGateway] = [:]

    /// The gateway for this class; the default has two workers.
    class func makeGateway() throws -> TestGateway {
        try TestGateway(workers: 2)
    }

    func gateway() throws -> TestGateway {
        let key = ObjectIdentifier(type(of: self))
        if let gateway = Self.gateways[key] { return gateway }
        let gateway = try type(of: self).makeGateway()
        Self.gateways[key] = gateway
        return gateway
    }

    override class func tearDown() {
        Self.gateways.removeValue(forKey: ObjectIdentifier(self))?.stop()
        super.tearDown()
    }
}
