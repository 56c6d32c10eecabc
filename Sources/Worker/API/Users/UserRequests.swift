/// Request bodies of the users endpoints.
///
/// Every field is optional at the decoding level so the handlers, not the decoder, decide which
/// fields are missing and answer with the RealWorld messages for all of them at once.

/// `POST /api/users`: `{"user":{"username","email","password"}}`.
struct RegisterUserRequest: Decodable {
    struct Fields: Decodable {
        var username: String?
        var email: String?
        var password: String?
    }

    var user: Fields
}

/// `POST /api/users/login`: `{"user":{"email","password"}}`.
struct LoginUserRequest: Decodable {
    struct Fields: Decodable {
        var email: String?
        var password: String?
    }

    var user: Fields
}

/// `PUT /api/user`: any subset of the fields. An absent key keeps the stored value; `null`
/// clears `bio`/`image` and is refused for the others.
struct UpdateUserRequest: Decodable {
    struct Fields: Decodable {
        var username: FieldUpdate<String> = .keep
        var email: FieldUpdate<String> = .keep
        var password: FieldUpdate<String> = .keep
        var bio: FieldUpdate<String> = .keep
        var image: FieldUpdate<String> = .keep

        private enum CodingKeys: String, CodingKey {
            case username, email, password, bio, image
        }

        init() {}

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.username = try container.decodeUpdate(String.self, forKey: .username)
            self.email = try container.decodeUpdate(String.self, forKey: .email)
            self.password = try container.decodeUpdate(String.self, forKey: .password)
            self.bio = try container.decodeUpdate(String.self, forKey: .bio)
            self.image = try container.decodeUpdate(String.self, forKey: .image)
        }
    }

    var user: Fields
}

/// One field of a partial update: left alone, set to `null`, or set to a value.
enum FieldUpdate<Value> {
    case keep
    case null
    case set(Value)
}

extension FieldUpdate: Equatable where Value: Equatable {}

extension FieldUpdate {
    /// The new value, if one was given.
    var value: Value? {
        if case .set(let value) = self { return value }
        return nil
    }

    var isKept: Bool {
        if case .keep = self { return true }
        return false
    }
}

extension KeyedDecodingContainer {
    /// Distinguishes an absent key from an explicit `null`, which `decodeIfPresent` conflates.
    func decodeUpdate<Value: Decodable>(_ type: Value.Type, forKey key: Key) throws -> FieldUpdate<Value> {
        guard self.contains(key) else { return .keep }
        if try self.decodeNil(forKey: key) {
            return .null
        }
        return .set(try self.decode(Value.self, forKey: key))
    }
}
