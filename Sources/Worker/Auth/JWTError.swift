/// Why a token was refused. Clients only ever see 401 `token: is invalid`; the reason is for
/// logs and tests.
enum JWTError: Error, Equatable {
    case malformed
    case unsupportedHeader
    case badSignature
    case invalidClaims
    case expired
    case notYetValid
    case issuedInFuture
}
