import Foundation
import XCTest

@testable import Worker

final class JSONWriterTests: XCTestCase {
    private func quoted(_ value: String) -> String {
        var json = JSONWriter()
        json.string(value)
        return String(decoding: json.bytes, as: UTF8.self)
    }

    func testPlainStringsAreCopiedAsIs() {
        XCTAssertEqual(self.quoted("hello, wörld 🐉 / ok"), #""hello, wörld 🐉 / ok""#)
        XCTAssertEqual(self.quoted(""), #""""#)
    }

    func testEscapesQuotesBackslashesAndControlCharacters() {
        XCTAssertEqual(self.quoted("a\"b\\c"), #""a\"b\\c""#)
        XCTAssertEqual(self.quoted("line\nbreak\r\ttab"), #""line\nbreak\r\ttab""#)
        XCTAssertEqual(self.quoted("\u{0}\u{1}\u{1F}"), #""\u0000\u0001\u001f""#)
    }

    func testEveryStringRoundTripsThroughAJSONParser() throws {
        let samples = ["plain", "quote \" inside", "back\\slash", "ctl \u{7} \u{1B}", "mixé \u{2028} ✓", "\u{7F}"]
        for sample in samples {
            let text = "[" + self.quoted(sample) + "]"
            let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String]
            XCTAssertEqual(parsed, [sample], text)
        }
    }

    func testBytesAreWrittenLikeTheSameString() {
        let samples = ["plain", "", "quote \" inside", "back\\slash", "ctl \u{0}\u{7}\n\t", "ünï 🐉 \u{2028}"]
        for sample in samples {
            var json = JSONWriter()
            json.beginArray()
            Array(sample.utf8).withUnsafeBytes { json.string(utf8: $0) }
            json.string(utf8: UnsafeRawBufferPointer(start: nil, count: 0))
            json.endArray()
            XCTAssertEqual(String(decoding: json.bytes, as: UTF8.self), "[" + self.quoted(sample) + ",\"\"]", sample)
        }
    }

    func testCommasFollowNestingExactly() {
        var json = JSONWriter()
        json.beginObject()
        json.key("a")
        json.beginArray()
        json.beginObject()
        json.endObject()
        json.beginObject()
        json.key("x")
        json.int(1)
        json.key("y")
        json.beginArray()
        json.endArray()
        json.endObject()
        json.int(2)
        json.endArray()
        json.key("b")
        json.null()
        json.key("c")
        json.beginObject()
        json.key("d")
        json.bool(true)
        json.endObject()
        json.key("e")
        json.string("f")
        json.endObject()
        XCTAssertEqual(
            String(decoding: json.bytes, as: UTF8.self),
            #"{"a":[{},{"x":1,"y":[]},2],"b":null,"c":{"d":true},"e":"f"}"#
        )
    }

    func testAnUnbalancedEndDoesNotTrap() {
        var json = JSONWriter()
        json.beginArray()
        json.endArray()
        json.endArray()
        json.int(1)
        XCTAssertEqual(String(decoding: json.bytes, as: UTF8.self), "[]],1")
    }

    /// The escape check reads eight bytes at a time: put every character that needs escaping,
    /// and its neighbours that do not, at every offset of strings from 0 to 24 bytes.
    func testEscapingIsFoundAtEveryOffset() throws {
        let special: [UInt8] = [0x00, 0x01, 0x1F, 0x22, 0x5C, 0x0A]
        let plain: [UInt8] = [0x20, 0x21, 0x23, 0x5B, 0x5D, 0x7F, 0x80, 0xFF - 0x40]
        for length in 0...24 {
            for position in 0..<max(length, 1) {
                for byte in special + plain {
                    var sample = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    if length > 0 { sample[position] = byte }
                    guard let text = String(validating: sample, as: UTF8.self) else { continue }
                    var json = JSONWriter()
                    json.beginArray()
                    sample.withUnsafeBytes { json.string(utf8: $0) }
                    json.endArray()
                    let parsed = try JSONSerialization.jsonObject(with: Data(json.bytes)) as? [String]
                    XCTAssertEqual(parsed, [text], "length \(length), byte \(byte) at \(position)")
                    let escaped = special.contains(byte) && length > 0
                    XCTAssertEqual(json.bytes.count > length + 4, escaped, "length \(length), byte \(byte)")
                }
            }
        }
    }

    func testAPreRenderedKeyWritesLikeAStringKey() {
        let names = ["slug", "with \"quote\"", "ünï"]
        for name in names {
            var dynamic = JSONWriter()
            dynamic.beginObject()
            dynamic.key("first")
            dynamic.int(1)
            dynamic.key(name)
            dynamic.null()
            dynamic.endObject()
            var rendered = JSONWriter()
            rendered.beginObject()
            rendered.key(JSONWriter.Key("first"))
            rendered.int(1)
            rendered.key(JSONWriter.Key(name))
            rendered.null()
            rendered.endObject()
            XCTAssertEqual(rendered.bytes, dynamic.bytes, name)
        }
    }
}
