import RookeryCommon

/// A small streaming JSON writer that appends UTF-8 bytes directly, escaping strings with
/// `JSONEscaping` (the one copy the logs use too).
///
/// Used on hot paths where building Foundation objects first would only cost time.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    /// Whether the next value in the current container needs a leading comma.
    private var needsComma = false
    /// `needsComma` of each enclosing container, innermost last: touched only when a container
    /// begins or ends, not for every value.
    private var enclosingNeedsComma: [Bool] = []

    init(capacity: Int = 256) {
        self.bytes.reserveCapacity(capacity)
    }

    mutating func beginObject() {
        self.begin(UInt8(ascii: "{"))
    }

    mutating func endObject() {
        self.end(UInt8(ascii: "}"))
    }

    mutating func beginArray() {
        self.begin(UInt8(ascii: "["))
    }

    mutating func endArray() {
        self.end(UInt8(ascii: "]"))
    }

    private mutating func begin(_ bracket: UInt8) {
        self.separate()
        self.bytes.append(bracket)
        self.enclosingNeedsComma.append(self.needsComma)
        self.needsComma = false
    }

    /// Closes the innermost container. An unbalanced end (a bug in the caller) writes the
    /// bracket and keeps going rather than trapping.
    private mutating func end(_ bracket: UInt8) {
        self.bytes.append(bracket)
        self.needsComma = self.enclosingNeedsComma.popLast() ?? true
    }

    /// Writes an object key; the next call writes its value.
    mutating func key(_ name: String) {
        self.separate()
        self.appendQuoted(name)
        self.bytes.append(UInt8(ascii: ":"))
        self.needsComma = false
    }

    /// An object key rendered once (`"name":`), for keys written many times per response.
    struct Key {
        fileprivate let quoted: [UInt8]

        init(_ name: String) {
            var writer = JSONWriter(capacity: name.utf8.count + 3)
            writer.key(name)
            self.quoted = writer.bytes
        }
    }

    /// Writes a pre-rendered object key; the next call writes its value.
    mutating func key(_ key: Key) {
        self.separate()
        self.bytes.append(contentsOf: key.quoted)
        self.needsComma = false
    }

    mutating func string(_ value: String) {
        self.separate()
        self.appendQuoted(value)
    }

    mutating func optionalString(_ value: String?) {
        if let value {
            self.string(value)
        } else {
            self.null()
        }
    }

    mutating func int(_ value: Int) {
        self.separate()
        self.bytes.append(contentsOf: String(value).utf8)
    }

    mutating func bool(_ value: Bool) {
        self.separate()
        self.bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    mutating func null() {
        self.separate()
        self.bytes.append(contentsOf: "null".utf8)
    }

    private mutating func separate() {
        if self.needsComma {
            self.bytes.append(UInt8(ascii: ","))
        }
        self.needsComma = true
    }

    /// Writes `utf8` (which must be valid UTF-8, as text from PostgreSQL is) as a JSON string:
    /// for values copied straight out of a database result, with no `String` in between.
    mutating func string(utf8: UnsafeRawBufferPointer) {
        self.separate()
        self.appendQuoted(
            UnsafeBufferPointer(start: utf8.baseAddress?.assumingMemoryBound(to: UInt8.self), count: utf8.count)
        )
    }

    private mutating func appendQuoted(_ value: String) {
        JSONEscaping.appendQuoted(value, to: &self.bytes)
    }

    private mutating func appendQuoted(_ value: UnsafeBufferPointer<UInt8>) {
        JSONEscaping.appendQuoted(value, to: &self.bytes)
    }
}
