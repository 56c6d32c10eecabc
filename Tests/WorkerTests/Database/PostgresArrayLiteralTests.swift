import XCTest

@testable import Worker

final class PostgresArrayLiteralTests: XCTestCase {
    func testEncodeQuotesEveryElement() {
        XCTAssertEqual(PostgresArrayLiteral.encode([]), "{}")
        XCTAssertEqual(PostgresArrayLiteral.encode(["a", "b"]), #"{"a","b"}"#)
        XCTAssertEqual(
            PostgresArrayLiteral.encode(["", "NULL", "a,b", "{x}", " y "]),
            #"{"","NULL","a,b","{x}"," y "}"#
        )
    }

    func testEncodeEscapesQuoteAndBackslash() {
        XCTAssertEqual(PostgresArrayLiteral.encode([#"x"y"#, #"a\b"#]), #"{"x\"y","a\\b"}"#)
        XCTAssertEqual(PostgresArrayLiteral.encode(["\"\u{301}"]), "{\"\\\"\u{301}\"}")
    }

    func testArrayPostgresTextUsesEncoder() {
        XCTAssertEqual(["dragons", "training"].postgresText, #"{"dragons","training"}"#)
    }

    func testParseServerOutput() throws {
        XCTAssertEqual(try PostgresArrayLiteral.parse(#"{a,"b c","x\"y",NULL}"#), ["a", "b c", #"x"y"#, nil])
        XCTAssertEqual(try PostgresArrayLiteral.parse("{}"), [])
        XCTAssertEqual(try PostgresArrayLiteral.parse(#"{"NULL",null,""}"#), ["NULL", nil, ""])
        XCTAssertEqual(try PostgresArrayLiteral.parse(#"{"a\\b","{}",","}"#), [#"a\b"#, "{}", ","])
        XCTAssertEqual(try PostgresArrayLiteral.parse("{héllo,日本}"), ["héllo", "日本"])
    }

    func testParseInputSyntax() throws {
        XCTAssertEqual(try PostgresArrayLiteral.parse(" { a b , c\\,d ,\\NULL } "), ["a b", "c,d", "NULL"])
        XCTAssertEqual(try PostgresArrayLiteral.parse("[0:1]={x,y}"), ["x", "y"])
    }

    func testRoundTrip() throws {
        let values = ["", "NULL", #"q"uote"#, #"back\slash"#, "a,b", "{}", " padded ", "日本"]
        XCTAssertEqual(try PostgresArrayLiteral.parse(PostgresArrayLiteral.encode(values)), values)
    }

    func testParseRejectsMalformedLiterals() {
        for literal in ["", "a,b", "{", "{a", "{a,}", "{,a}", #"{"a}"#, "{a}x", "{{a},{b}}", #"{a"b}"#, "{a\\"] {
            XCTAssertThrowsError(try PostgresArrayLiteral.parse(literal), literal) { error in
                XCTAssertEqual((error as? DatabaseError)?.kind, .other, literal)
            }
        }
    }
}
