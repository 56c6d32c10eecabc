import Logging

/// Request authentication.
///
/// `requireUser()` checks the signature, the claims and that the user still
/// exists (one `SELECT 1`), so a token of a deleted account is refused. Handlers that read the
/// user's row anyway can use `requireToken()` / `optionalToken()` instead and treat "no such
/// user" in their own query as `APIError.invalidToken`, saving the round trip.
extension RequestContext {
    /// 401 `token: is missing` without an Authorization header, 401 `token: is invalid` for a bad
    /// token or a token whose user no longer exists.
    func requireUser() throws -> AuthenticatedUser {
        let user = try self.requireToken()
        try self.confirmExists(user)
        return user
    }

    /// Like `requireUser()` but without the existence check: the caller's own query must treat a
    /// missing user row as `APIError.invalidToken`.
    func requireToken() throws -> AuthenticatedUser {
        guard let user = try self.optionalToken() else { throw APIError.missingToken }
        return user
    }

    /// nil without an Authorization header; throws 401 for a present but invalid token. Like
    /// `requireToken()`, no existence check: the caller's own query must treat a missing user
    /// row as `APIError.invalidToken`.
    func optionalToken() throws -> AuthenticatedUser? {
        guard let header = self.request.header("authorization") else { return nil }
        guard let token = AuthorizationHeader.token(from: header) else { throw APIError.invalidToken }
        let signer = try self.tokenSigner()
        do {
            let claims = try signer.verify(token)
            return AuthenticatedUser(id: claims.userID, token: token)
        } catch let error as JWTError {
            self.logger.debug("token refused", metadata: ["reason": .string("\(error)")])
            throw APIError.invalidToken
        }
    }

    /// The worker's signer; without a configured secret, a 500 whose reason goes to the log.
    func tokenSigner() throws -> JWTSigner {
        guard let signer = self.services.tokenSigner else {
            throw JWTSigningError("no secret configured (set JWT_SECRET or --jwt-secret-file)")
        }
        return signer
    }

    private func confirmExists(_ user: AuthenticatedUser) throws {
        let rows = try self.services.database.query("SELECT 1 FROM users WHERE id = $1", [user.id.postgresText])
        guard !rows.isEmpty else { throw APIError.invalidToken }
    }
}
