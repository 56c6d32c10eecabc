import Protocol

/// Registration, login and the current user: `POST /api/users`, `POST /api/users/login`,
/// `GET /api/user`, `PUT /api/user`.
enum UsersController {
    static func register(in router: inout Router<RouteHandler>, replays: inout OutcomeReplays) {
        router.add("POST", "/api/users", cost: .passwordHashing, registerUser)
        router.add("POST", "/api/users/login", cost: .passwordHashing, login)
        router.add("GET", "/api/user", currentUser)
        // Hashes only when the password changes; the gateway cannot see the body, so it counts
        // every profile update as hashing: the share it may hold is bounded, nothing is refused.
        router.add("PUT", "/api/user", cost: .passwordHashing, updateUser)
        // Every write here answers with a token, which the write ledger does not store.
        for template in ["/api/users", "/api/users/login", "/api/user"] {
            replays.add(route: template, replay)
        }
    }

    static let hasher = PasswordHasher()

    /// Verified against when the email is unknown, so a failed login takes as long whether or
    /// not the account exists (no user enumeration by timing). The hash of a random password
    /// nobody knows, with today's parameters; a constant so no worker pays for it at runtime.
    static let dummyHash = "scrypt$15$8$1$d54bKFJMWo41od+1wRy/zQ==$6Iazh4pIlzyGlha6vqrv4bhCg3hiGVoDMfDRAylnfZc="

    static func registerUser(_ context: RequestContext) throws -> HTTPResponse {
        let fields = try context.decodeBody(RegisterUserRequest.self).user
        var errors = ValidationErrors()
        errors.check("username", UserValidation.username(fields.username ?? ""))
        errors.check("email", UserValidation.email(fields.email ?? ""))
        errors.check("password", UserValidation.password(fields.password ?? ""))
        try errors.throwIfAny()
        guard let username = fields.username, let email = fields.email, let password = fields.password else {
            throw APIError.validation(["user": [UserValidation.blank]])
        }
        let signer = try context.tokenSigner()
        let passwordHash = try hasher.hash(password)
        let rows: PostgresRows
        do {
            rows = try context.services.database.query(
                """
                INSERT INTO users (username, email, password_hash) VALUES ($1, $2, $3)
                RETURNING id, username, email, bio, image
                """,
                [username, email, passwordHash]
            )
        } catch let error as DatabaseError where error.kind == .uniqueViolation {
            throw try takenError(error, context: context, username: username, email: email, excluding: nil)
        }
        guard let row = rows.row(at: 0) else {
            throw DatabaseError(kind: .other, message: "INSERT INTO users returned no row")
        }
        let id = try Int64(row.int(0))
        let user = try UserResponse(row: row, first: 1, token: signer.sign(userID: id))
        var response = user.response(status: 201)
        response.replayUserID = id
        return response
    }

    static func login(_ context: RequestContext) throws -> HTTPResponse {
        let fields = try context.decodeBody(LoginUserRequest.self).user
        var errors = ValidationErrors()
        errors.check("email", (fields.email ?? "").isEmpty ? UserValidation.blank : nil)
        errors.check("password", (fields.password ?? "").isEmpty ? UserValidation.blank : nil)
        try errors.throwIfAny()
        guard let email = fields.email, let password = fields.password else {
            throw APIError.validation(["user": [UserValidation.blank]])
        }
        let signer = try context.tokenSigner()
        let rows = try context.services.database.query(
            "SELECT id, password_hash, username, email, bio, image FROM users WHERE lower(email) = lower($1::text)",
            [email]
        )
        guard let row = rows.row(at: 0) else {
            _ = hasher.verify(password, against: dummyHash)
            throw APIError(status: 401, field: "credentials", message: "invalid")
        }
        let id = try Int64(row.int(0))
        let storedHash = try row.string(1)
        guard hasher.verify(password, against: storedHash) else {
            throw APIError(status: 401, field: "credentials", message: "invalid")
        }
        if hasher.needsRehash(storedHash) {
            // Parameters were raised since this hash was written; upgrade it while we know the password.
            _ = try context.services.database.query(
                "UPDATE users SET password_hash = $2 WHERE id = $1 AND password_hash = $3",
                [id.postgresText, try hasher.hash(password), storedHash]
            )
        }
        let user = try UserResponse(row: row, first: 2, token: signer.sign(userID: id))
        var response = user.response()
        response.replayUserID = id
        return response
    }

    static func currentUser(_ context: RequestContext) throws -> HTTPResponse {
        // The row read doubles as the check that the token's user still exists.
        let auth = try context.requireToken()
        let rows = try context.services.database.query(
            "SELECT username, email, bio, image FROM users WHERE id = $1",
            [auth.id.postgresText]
        )
        guard let row = rows.row(at: 0) else { throw APIError.invalidToken }
        return try UserResponse(row: row, token: auth.token).response()
    }

    static func updateUser(_ context: RequestContext) throws -> HTTPResponse {
        // Full check first: a deleted account gets 401 even when its body would be a 422.
        let auth = try context.requireUser()
        let fields = try context.decodeBody(UpdateUserRequest.self).user
        var errors = ValidationErrors()
        errors.check("username", fields.username, required: UserValidation.username)
        errors.check("email", fields.email, required: UserValidation.email)
        errors.check("password", fields.password, required: UserValidation.password)
        if case .set(let bio) = fields.bio {
            errors.check("bio", UserValidation.bio(bio))
        }
        if case .set(let image) = fields.image {
            errors.check("image", UserValidation.image(image))
        }
        try errors.throwIfAny()
        let passwordHash = try fields.password.value.map { try hasher.hash($0) }
        let username = fields.username.value
        let email = fields.email.value
        let rows: PostgresRows
        do {
            rows = try context.services.database.query(
                """
                UPDATE users SET
                    username = COALESCE($2::text, username),
                    email = COALESCE($3::text, email),
                    password_hash = COALESCE($4::text, password_hash),
                    bio = CASE WHEN $5::boolean THEN $6::text ELSE bio END,
                    image = CASE WHEN $7::boolean THEN $8::text ELSE image END,
                    updated_at = now()
                WHERE id = $1
                RETURNING username, email, bio, image
                """,
                [
                    auth.id.postgresText, username, email, passwordHash,
                    fields.bio.isKept ? "f" : "t", fields.bio.value.flatMap { $0.isEmpty ? nil : $0 },
                    fields.image.isKept ? "f" : "t", fields.image.value.flatMap { $0.isEmpty ? nil : $0 },
                ]
            )
        } catch let error as DatabaseError where error.kind == .uniqueViolation {
            throw try takenError(error, context: context, username: username, email: email, excluding: auth.id)
        }
        guard let row = rows.row(at: 0) else { throw APIError.invalidToken }
        var response = try UserResponse(row: row, token: auth.token).response()
        response.replayUserID = auth.id
        return response
    }

    /// The user `id` with a newly signed token, answered with `status`: how the write ledger
    /// replays a users response, whose token it does not store.
    static func replay(userID id: Int64, status: Int, _ context: RequestContext) throws -> HTTPResponse {
        let signer = try context.tokenSigner()
        let rows = try context.services.database.query(
            "SELECT username, email, bio, image FROM users WHERE id = $1",
            [id.postgresText]
        )
        guard let row = rows.row(at: 0) else { throw APIError.invalidToken }
        return try UserResponse(row: row, token: signer.sign(userID: id)).response(status: status)
    }

    /// 409 naming every taken field. The violated constraint is the source of truth (it is what
    /// settles concurrent registrations); the follow-up query only adds the other field when it
    /// is taken too, so the client can fix both at once.
    static func takenError(
        _ error: DatabaseError,
        context: RequestContext,
        username: String?,
        email: String?,
        excluding id: Int64?
    ) throws -> APIError {
        var fields: Set<String> = []
        switch error.constraint {
        case "users_username_key": fields.insert("username")
        case "users_email_key": fields.insert("email")
        default: throw error
        }
        let rows = try context.services.database.query(
            """
            SELECT
                EXISTS (SELECT 1 FROM users WHERE lower(username) = lower($1::text) AND id IS DISTINCT FROM $3::bigint),
                EXISTS (SELECT 1 FROM users WHERE lower(email) = lower($2::text) AND id IS DISTINCT FROM $3::bigint)
            """,
            [username, email, id.postgresText]
        )
        if let row = rows.row(at: 0) {
            if try row.optionalBool(0) == true { fields.insert("username") }
            if try row.optionalBool(1) == true { fields.insert("email") }
        }
        var errors: [String: [String]] = [:]
        for field in fields {
            errors[field] = ["has already been taken"]
        }
        return APIError(status: 409, errors: errors)
    }
}
