/// The user a valid token names.
struct AuthenticatedUser {
    let id: Int64
    /// The token as presented, so responses can echo it back.
    let token: String
}
