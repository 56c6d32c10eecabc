import Foundation
import RookeryCommon
import XCTest

/// The formats both processes write: JSON strings, timestamps, error bodies, log lines.
final class SharedFormatsTests: XCTestCase {
    private func quoted(_ value: String) -> String {
        var bytes: [UInt8] = []
        JSONEscaping.appendQuoted(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    func testJSONEscapingEscapesExactlyWhatJSONRequires() throws {
        XCTAssertEqual(
            self.quoted("plain ascii, long enough for the word scan"),
            #""plain ascii, long enough for the word scan""#
        )
        XCTAssertEqual(
            self.quoted("q\"b\\n\nr\rt\t\u{01}\u{1F}é</script>"),
            #""q\"b\\n\nr\rt\t\u0001\u001fé</script>""#
        )
        for value in ["", "a\"", String(repeating: "x", count: 17) + "\u{0}", "日本語\u{7F}"] {
            let decoded = try JSONSerialization.jsonObject(
                with: Data(self.quoted(value).utf8),
                options: .fragmentsAllowed
            )
            XCTAssertEqual(decoded as? String, value)
        }
    }

    func testTimestampsAreUTCWithMilliseconds() {
        var buffer = [UInt8](repeating: 0, count: UTCTimestamp.length)
        let count = buffer.withUnsafeMutableBufferPointer {
            UTCTimestamp.write(CivilTime(unixMilliseconds: 1_795_921_445_123), into: $0)
        }
        XCTAssertEqual(String(decoding: buffer[..<count], as: UTF8.self), "2026-11-29T03:04:05.123Z")
        let now = UTCTimestamp.now()
        XCTAssertNotNil(now.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"#, options: .regularExpression))
        let before = CivilTime(unixMilliseconds: -1)
        XCTAssertEqual(
            [before.year, before.month, before.day, before.hour, before.millisecond],
            [1969, 12, 31, 23, 999]
        )
    }

    func testDecimalDigitsPadAndClampAtZero() {
        var bytes: [UInt8] = []
        DecimalDigits.append(7, width: 3, to: &bytes)
        DecimalDigits.append(12345, width: 2, to: &bytes)
        DecimalDigits.append(-4, to: &bytes)
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), "007123450")
    }

    func testRealWorldErrorBodySortsFieldsAndEscapes() {
        let body = RealWorldErrorBody.encode(["title": ["can't be blank"], "body": ["is \"bad\"", "again"]])
        XCTAssertEqual(
            String(decoding: body, as: UTF8.self),
            #"{"errors":{"body":["is \"bad\"","again"],"title":["can't be blank"]}}"#
        )
        XCTAssertEqual(
            String(decoding: RealWorldErrorBody.encode(field: "server", message: "is busy"), as: UTF8.self),
            #"{"errors":{"server":["is busy"]}}"#
        )
    }

    func testLogLinesInTextAndJSON() throws {
        let text = String(
            decoding: LogLine.render(
                json: false,
                level: "info",
                label: "l",
                message: "m",
                fields: ["b": "2", "a": "1"]
            ),
            as: UTF8.self
        )
        XCTAssertNotNil(text.range(of: #"^\S+Z info l: m a=1 b=2\n$"#, options: .regularExpression), text)
        let json = LogLine.render(json: true, level: "warning", label: "l", message: "say \"hi\"", fields: ["k": "v"])
        XCTAssertEqual(json.last, UInt8(ascii: "\n"))
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json)) as? [String: String])
        XCTAssertEqual(object["level"], "warning")
        XCTAssertEqual(object["logger"], "l")
        XCTAssertEqual(object["message"], "say \"hi\"")
        XCTAssertEqual(object["k"], "v")
        XCTAssertNotNil(object["time"])
    }
}
