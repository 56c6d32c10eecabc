import FoundationEssentials
import NIOCore

extension RequestContext {
    /// Decodes the JSON body into `T`. Malformed JSON, a wrong type or a missing root key is
    /// a 422 in the RealWorld error format, never a 500.
    func decodeBody<T: Decodable>(_ type: T.Type) throws -> T {
        let bytes = self.request.body.readableBytesView
        guard !bytes.isEmpty else {
            throw APIError.validation(["body": ["can't be empty"]])
        }
        do {
            return try JSONCoding.decoder.decode(T.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw APIError.validation(Self.describe(error))
        } catch {
            throw APIError.validation(["body": ["is not valid JSON"]])
        }
    }

    /// Turns a DecodingError into `{"<field>": ["<message>"]}` naming the innermost field.
    private static func describe(_ error: DecodingError) -> [String: [String]] {
        func field(_ path: [any CodingKey], _ key: (any CodingKey)? = nil) -> String {
            let keys = (path + (key.map { [$0] } ?? [])).filter { $0.intValue == nil }
            return keys.last?.stringValue ?? "body"
        }
        switch error {
        case .keyNotFound(let key, let context):
            return [field(context.codingPath, key): ["can't be blank"]]
        case .valueNotFound(_, let context):
            return [field(context.codingPath): ["can't be blank"]]
        case .typeMismatch(let expected, let context):
            return [field(context.codingPath): ["must be \(Self.typeName(expected))"]]
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return ["body": ["is not valid JSON"]]
            }
            return [field(context.codingPath): ["is invalid"]]
        @unknown default:
            return ["body": ["is invalid"]]
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type: return "an integer"
        case is Bool.Type: return "a boolean"
        case is [String].Type, is [Any].Type: return "a list of strings"
        default: return "an object"
        }
    }
}
