import FoundationEssentials

/// The JSON decoder the API uses for request bodies and token parts. Responses are written by
/// hand (`JSONWriter`), never with `JSONEncoder`.
enum JSONCoding {
    nonisolated(unsafe) static let decoder: JSONDecoder = {
        JSONDecoder()
    }()
}
