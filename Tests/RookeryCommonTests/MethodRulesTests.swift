import RookeryCommon
import XCTest

/// The method rules both processes apply, as one table.
final class MethodRulesTests: XCTestCase {
    /// method: (safe, retryable, may run behind queued answers, needs the write ledger)
    private static let table: [String: (Bool, Bool, Bool, Bool)] = [
        "GET": (true, true, true, false),
        "HEAD": (true, true, true, false),
        "OPTIONS": (true, false, true, false),
        "POST": (false, false, false, true),
        "PUT": (false, false, false, true),
        "DELETE": (false, false, false, true),
        "PATCH": (false, false, false, true),
        "PROPFIND": (false, false, false, true),
        // Methods are case-sensitive: `get` is not GET.
        "get": (false, false, false, true),
        "": (false, false, false, true),
    ]

    func testEveryRuleForEveryMethod() {
        for (method, expected) in Self.table {
            let rules = MethodRules(method)
            XCTAssertEqual(rules.isSafe, expected.0, "\(method) safe")
            XCTAssertEqual(rules.isRetryable, expected.1, "\(method) retryable")
            XCTAssertEqual(rules.mayRunBehindQueuedAnswers, expected.2, "\(method) behind queued answers")
            XCTAssertEqual(rules.needsWriteLedger, expected.3, "\(method) write ledger")
        }
    }

    func testARetryableMethodIsSafeAndASafeOneNeverNeedsTheLedger() {
        for method in Self.table.keys {
            let rules = MethodRules(method)
            if rules.isRetryable { XCTAssertTrue(rules.isSafe, method) }
            XCTAssertNotEqual(rules.isSafe, rules.needsWriteLedger, method)
        }
    }
}
