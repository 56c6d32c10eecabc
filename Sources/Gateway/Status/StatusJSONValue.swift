import Foundation

/// Any JSON value, decoded without a schema.
///
/// `gateway status` reads /status this way rather than with a fixed `Decodable` shape so that
/// fields added by a newer gateway (or missing from an older one) never make it fail: it
/// prints what it recognises and shows the rest as they come. `JSONDecoder` keeps booleans
/// and numbers apart, which `JSONSerialization`'s `NSNumber`s do not.
enum StatusJSONValue: Decodable, Equatable, Sendable {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([StatusJSONValue])
    case object([String: StatusJSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([StatusJSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: StatusJSONValue].self))
        }
    }

    /// Parses a whole document.
    static func parse(_ data: Data) throws -> StatusJSONValue {
        try JSONDecoder().decode(StatusJSONValue.self, from: data)
    }

    subscript(key: String) -> StatusJSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    var objectValue: [String: StatusJSONValue]? {
        if case .object(let object) = self { return object }
        return nil
    }

    var arrayValue: [StatusJSONValue]? {
        if case .array(let array) = self { return array }
        return nil
    }

    /// Whole numbers, also when written with a fraction (`3.0`).
    var intValue: Int? {
        switch self {
        case .integer(let value): return value
        case .number(let value):
            guard value.isFinite, value.rounded() == value, abs(value) < 9e15 else { return nil }
            return Int(value)
        default: return nil
        }
    }

    var doubleValue: Double? {
        switch self {
        case .integer(let value): return Double(value)
        case .number(let value): return value
        default: return nil
        }
    }

    var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    var isNull: Bool { self == .null }

    /// Compact text for display: strings bare, containers as one line of JSON.
    var displayText: String {
        switch self {
        case .null: return "-"
        case .bool(let value): return value ? "yes" : "no"
        case .integer(let value): return String(value)
        case .number(let value): return StatusFormatter.decimal(value)
        case .string(let value): return value
        case .array, .object: return self.jsonText
        }
    }

    private var jsonText: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .integer(let value): return String(value)
        case .number(let value): return StatusFormatter.decimal(value)
        case .string(let value):
            let data = (try? JSONSerialization.data(withJSONObject: [value], options: [])) ?? Data("[\"\"]".utf8)
            return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
        case .array(let values):
            return "[" + values.map(\.jsonText).joined(separator: ",") + "]"
        case .object(let object):
            let members = object.keys.sorted().map { key in
                StatusJSONValue.string(key).jsonText + ":" + (object[key] ?? .null).jsonText
            }
            return "{" + members.joined(separator: ",") + "}"
        }
    }
}
