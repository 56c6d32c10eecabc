/// Encodes and parses PostgreSQL one-dimensional array literals in text format
/// (`{a,"b c","x\"y",NULL}`), so `text[]` values can be bound and read without the
/// binary protocol.
enum PostgresArrayLiteral {
    /// Encodes strings as a literal in which every element is quoted, so commas, braces,
    /// whitespace and the word `NULL` inside an element need no special casing.
    static func encode(_ elements: [String]) -> String {
        var literal = "{"
        for (index, element) in elements.enumerated() {
            if index > 0 {
                literal += ","
            }
            literal += "\""
            for character in element.unicodeScalars {
                if character == "\"" || character == "\\" {
                    literal += "\\"
                }
                literal.unicodeScalars.append(character)
            }
            literal += "\""
        }
        literal += "}"
        return literal
    }

    /// Parses the server's text output of a one-dimensional array. An unquoted `NULL`
    /// (any case) is a NULL element; a quoted `"NULL"` is the string.
    ///
    /// Multi-dimensional arrays are rejected. A leading dimension decoration such as
    /// `[0:1]=` (emitted when the lower bound is not 1) is skipped.
    static func parse(_ literal: String) throws -> [String?] {
        var parser = Parser(bytes: Array(literal.utf8))
        return try parser.parseArray()
    }

    /// A byte cursor: every delimiter is ASCII, so scanning UTF-8 bytes never splits a
    /// multi-byte character.
    private struct Parser {
        let bytes: [UInt8]
        var position = 0

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        private static let openBrace = UInt8(ascii: "{")
        private static let closeBrace = UInt8(ascii: "}")
        private static let comma = UInt8(ascii: ",")
        private static let quote = UInt8(ascii: "\"")
        private static let backslash = UInt8(ascii: "\\")

        private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func parseArray() throws -> [String?] {
            skipWhitespace()
            if current == UInt8(ascii: "[") {
                guard let equals = bytes[position...].firstIndex(of: UInt8(ascii: "=")) else {
                    throw Self.error("unterminated dimension decoration")
                }
                position = equals + 1
                skipWhitespace()
            }
            guard current == Self.openBrace else {
                throw Self.error("expected '{'")
            }
            position += 1
            var elements: [String?] = []
            skipWhitespace()
            if current == Self.closeBrace {
                position += 1
                return try finish(elements)
            }
            while true {
                skipWhitespace()
                elements.append(try parseElement())
                skipWhitespace()
                switch current {
                case Self.comma:
                    position += 1
                case Self.closeBrace:
                    position += 1
                    return try finish(elements)
                default:
                    throw Self.error("expected ',' or '}' at offset \(position)")
                }
            }
        }

        private mutating func finish(_ elements: [String?]) throws -> [String?] {
            skipWhitespace()
            guard position == bytes.count else {
                throw Self.error("unexpected characters after '}'")
            }
            return elements
        }

        private mutating func parseElement() throws -> String? {
            switch current {
            case Self.quote:
                return try parseQuoted()
            case Self.openBrace:
                throw Self.error("multi-dimensional arrays are not supported")
            default:
                return try parseUnquoted()
            }
        }

        private mutating func parseQuoted() throws -> String {
            position += 1
            var value: [UInt8] = []
            while let byte = current {
                position += 1
                switch byte {
                case Self.quote:
                    return String(decoding: value, as: UTF8.self)
                case Self.backslash:
                    guard let escaped = current else {
                        throw Self.error("unterminated escape")
                    }
                    value.append(escaped)
                    position += 1
                default:
                    value.append(byte)
                }
            }
            throw Self.error("unterminated quoted element")
        }

        /// Reads up to the next unescaped `,` or `}`. Unescaped surrounding whitespace is not
        /// part of the value, as in PostgreSQL's `array_in`.
        private mutating func parseUnquoted() throws -> String? {
            var value: [UInt8] = []
            var lengthWithoutTrailingSpace = 0
            var sawEscape = false
            while let byte = current, byte != Self.comma, byte != Self.closeBrace {
                switch byte {
                case Self.backslash:
                    position += 1
                    guard let escaped = current else {
                        throw Self.error("unterminated escape")
                    }
                    value.append(escaped)
                    lengthWithoutTrailingSpace = value.count
                    sawEscape = true
                case Self.quote, Self.openBrace:
                    throw Self.error("unexpected '\(Character(Unicode.Scalar(byte)))' in unquoted element")
                default:
                    value.append(byte)
                    if !Self.isWhitespace(byte) {
                        lengthWithoutTrailingSpace = value.count
                    }
                }
                position += 1
            }
            value.removeLast(value.count - lengthWithoutTrailingSpace)
            if value.isEmpty {
                throw Self.error("empty unquoted element")
            }
            let text = String(decoding: value, as: UTF8.self)
            if !sawEscape && text.lowercased() == "null" {
                return nil
            }
            return text
        }

        private mutating func skipWhitespace() {
            while let byte = current, Self.isWhitespace(byte) {
                position += 1
            }
        }

        private static func isWhitespace(_ byte: UInt8) -> Bool {
            byte == 0x20 || (0x09...0x0D).contains(byte)
        }

        private static func error(_ reason: String) -> DatabaseError {
            DatabaseError(kind: .other, message: "malformed array literal: \(reason)")
        }
    }
}
