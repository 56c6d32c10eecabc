import Foundation
import XCTest

@testable import Worker

final class PasswordHasherTests: XCTestCase {
    /// RFC 7914 §12, first and second test vectors.
    func testScryptKnownAnswers() throws {
        let empty = try XCTUnwrap(
            Scrypt.deriveKey(password: [], salt: [], log2N: 4, r: 1, p: 1, length: 64, maxMemory: 1 << 20)
        )
        XCTAssertEqual(
            hex(empty),
            "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
                + "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"
        )
        let salted = try XCTUnwrap(
            Scrypt.deriveKey(
                password: Array("password".utf8),
                salt: Array("NaCl".utf8),
                log2N: 10,
                r: 8,
                p: 16,
                length: 64,
                maxMemory: 32 << 20
            )
        )
        XCTAssertEqual(
            hex(salted),
            "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
                + "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"
        )
    }

    func testScryptRefusesParametersAboveMaxMemory() {
        XCTAssertNil(Scrypt.deriveKey(password: [1], salt: [1], log2N: 15, r: 8, p: 1, length: 32, maxMemory: 1 << 20))
    }

    func testHashHasSelfDescribingFormatAndVerifies() throws {
        let hasher = PasswordHasher()
        let hash = try hasher.hash("correct horse battery staple")
        let parts = hash.split(separator: "$", omittingEmptySubsequences: false)
        XCTAssertEqual(parts.count, 6)
        XCTAssertEqual(Array(parts.prefix(4)), ["scrypt", "15", "8", "1"])
        XCTAssertEqual(Data(base64Encoded: String(parts[4]))?.count, 16)
        XCTAssertEqual(Data(base64Encoded: String(parts[5]))?.count, 32)
        XCTAssertTrue(hasher.verify("correct horse battery staple", against: hash))
        XCTAssertFalse(hasher.verify("correct horse battery stapler", against: hash))
        XCTAssertFalse(hasher.verify("", against: hash))
        XCTAssertFalse(hasher.needsRehash(hash))
    }

    func testSaltsDiffer() throws {
        let hasher = PasswordHasher(parameters: .init(log2N: 4, r: 1, p: 1))
        XCTAssertNotEqual(try hasher.hash("same"), try hasher.hash("same"))
    }

    func testOlderParametersStillVerifyAndAskForRehash() throws {
        let old = try PasswordHasher(parameters: .init(log2N: 10, r: 8, p: 1)).hash("password123")
        XCTAssertTrue(old.hasPrefix("scrypt$10$8$1$"))
        let current = PasswordHasher()
        XCTAssertTrue(current.verify("password123", against: old))
        XCTAssertTrue(current.needsRehash(old))
    }

    func testUnicodePasswordsAreHashedAsUTF8() throws {
        let hasher = PasswordHasher(parameters: .init(log2N: 4, r: 1, p: 1))
        let hash = try hasher.hash("pässwörd-🔑")
        XCTAssertTrue(hasher.verify("pässwörd-🔑", against: hash))
        XCTAssertFalse(hasher.verify("passwort-🔑", against: hash))
    }

    func testTamperedHashesNeverVerifyAndNeverTrap() throws {
        let hasher = PasswordHasher(parameters: .init(log2N: 4, r: 1, p: 1))
        let hash = try hasher.hash("password123")
        let parts = hash.split(separator: "$", omittingEmptySubsequences: false).map(String.init)
        func with(_ index: Int, _ value: String) -> String {
            var copy = parts
            copy[index] = value
            return copy.joined(separator: "$")
        }
        let tampered = [
            "",
            "scrypt",
            "scrypt$$$$$",
            "bcrypt$4$1$1$\(parts[4])$\(parts[5])",
            parts.dropLast().joined(separator: "$"),
            hash + "$extra",
            with(1, "5"),  // other parameters: a different key
            with(1, "21"),  // above the log2N cap
            with(1, "0"),
            with(1, "-4"),
            with(1, "+4"),
            with(1, " 4"),
            with(1, "4x"),
            with(1, "99999999999999999999"),
            with(2, "17"),  // above the r cap
            with(2, "0"),
            with(3, "5"),  // above the p cap
            with(3, "0"),
            with(4, "not base64!"),
            with(4, ""),
            with(4, "AAAA"),  // salt too short
            with(5, ""),
            with(5, "AAAA"),  // key too short
            with(5, Data(repeating: 0, count: 32).base64EncodedString()),
            String(repeating: "$", count: 10_000),
            "scrypt$4$1$1$" + String(repeating: "A", count: 100_000) + "$" + parts[5],
        ]
        for storedHash in tampered {
            XCTAssertFalse(hasher.verify("password123", against: storedHash), storedHash)
        }
        XCTAssertTrue(hasher.verify("password123", against: hash))
    }

    func testMemoryLimitRejectsExpensiveButInRangeParameters() {
        // log2N 20 and r 16 are within the parse caps but need 2 GiB: refused by the memory cap.
        let salt = Data(repeating: 1, count: 16).base64EncodedString()
        let key = Data(repeating: 2, count: 32).base64EncodedString()
        let start = Date()
        XCTAssertFalse(PasswordHasher().verify("x", against: "scrypt$20$16$4$\(salt)$\(key)"))
        XCTAssertLessThan(Date().timeIntervalSince(start), 1)
    }

    private func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
