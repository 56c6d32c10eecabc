import Foundation
import XCTest

@testable import Worker

/// The three steps of a secret rotation across hosts, as signers on two hosts see them.
final class JWTKeyRotationTests: XCTestCase {
    private let old = Array("old-secret-0123456789abcdef012345".utf8)
    private let new = Array("new-secret-0123456789abcdef012345".utf8)
    private let now = Date(timeIntervalSince1970: 1_700_000_000)

    private func signer(_ current: [UInt8], previous: [[UInt8]] = []) -> JWTSigner {
        JWTSigner(secret: current, previousSecrets: previous, timeToLive: 86_400)
    }

    func testNoTokenIsRefusedAtAnyStepOfTheRotation() throws {
        let before = self.signer(old)
        let stepOne = self.signer(old, previous: [new])  // new secret accepted, not used yet
        let stepTwo = self.signer(new, previous: [old])  // new secret signs, old still accepted
        let stepThree = self.signer(new)  // after the token lifetime, old removed

        let oldToken = try before.sign(userID: 1, now: now)
        for host in [stepOne, stepTwo] {
            XCTAssertEqual(try host.verify(oldToken, now: now).userID, 1)
        }
        // During step 2 hosts are switched one by one: both kinds of host accept each other's tokens.
        let fromSwitched = try stepTwo.sign(userID: 2, now: now)
        let fromNotYetSwitched = try stepOne.sign(userID: 3, now: now)
        XCTAssertEqual(try stepOne.verify(fromSwitched, now: now).userID, 2)
        XCTAssertEqual(try stepTwo.verify(fromNotYetSwitched, now: now).userID, 3)
        XCTAssertEqual(try stepThree.verify(fromSwitched, now: now).userID, 2)
        XCTAssertThrowsError(try stepThree.verify(oldToken, now: now)) { error in
            XCTAssertEqual(error as? JWTError, .badSignature, "a removed secret verifies nothing")
        }
    }

    func testTokensCarryTheCurrentKeyID() throws {
        let token = try self.signer(new, previous: [old]).sign(userID: 1, now: now)
        let header = try XCTUnwrap(Base64URL.decode(token.split(separator: ".")[0]))
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(header)) as? [String: String])
        XCTAssertEqual(json["kid"], JWTKey(secret: new).id)
        XCTAssertNotEqual(JWTKey(secret: new).id, JWTKey(secret: old).id)
    }

    func testAKeyIDNamingNoKnownKeyIsRefusedEvenWithAValidMAC() throws {
        let signer = self.signer(old)
        let header = Base64URL.encode(#"{"alg":"HS256","typ":"JWT","kid":"0000000000000000"}"#)
        let payload = Base64URL.encode(#"{"sub":"1","exp":1700086400}"#)
        let input = header + "." + payload
        let token = input + "." + Base64URL.encode(try signer.signature(of: Array(input.utf8)))
        XCTAssertThrowsError(try signer.verify(token, now: now)) { error in
            XCTAssertEqual(error as? JWTError, .badSignature)
        }
    }

    func testTokensWithoutKeyIDStillVerifyAgainstEveryKey() throws {
        let legacy = self.signer(old)
        let header = Base64URL.encode(#"{"alg":"HS256","typ":"JWT"}"#)
        let payload = Base64URL.encode(#"{"sub":"5","exp":1700086400}"#)
        let input = header + "." + payload
        let token = input + "." + Base64URL.encode(try legacy.signature(of: Array(input.utf8)))
        XCTAssertEqual(try self.signer(new, previous: [old]).verify(token, now: now).userID, 5)
        XCTAssertThrowsError(try self.signer(new).verify(token, now: now))
    }
}
