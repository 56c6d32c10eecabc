import Glibc

/// The account PostgreSQL runs as, and how its commands are launched.
///
/// PostgreSQL refuses to run as root, so a root gateway runs it as the `postgres` system
/// user through `setpriv`, which sets the ids and then execs: the pid we get is the
/// server's own. `--pdeathsig=INT` (fast shutdown) stops the server if the gateway dies
/// without stopping it. The kernel sends that signal when the *thread* that spawned the
/// child exits, so spawn from a long-lived thread.
struct PostgresRunAs: Equatable, Sendable {
    /// A system account to switch to.
    struct Account: Equatable, Sendable {
        let uid: uid_t
        let gid: gid_t
    }

    static let setprivPath = "/usr/bin/setpriv"

    /// nil: run as ourselves.
    let account: Account?
    /// Whether `setpriv` exists (for the parent-death signal when not switching users).
    let setprivAvailable: Bool

    /// The executable and arguments that run `program arguments` as this account.
    func command(_ program: String, _ arguments: [String]) -> (executable: String, arguments: [String]) {
        guard setprivAvailable || account != nil else {
            return (program, arguments)
        }
        var wrapper: [String] = []
        if let account {
            wrapper += ["--reuid=\(account.uid)", "--regid=\(account.gid)", "--init-groups"]
        }
        wrapper += ["--pdeathsig=INT", "--", program]
        return (Self.setprivPath, wrapper + arguments)
    }

    /// As root: the `postgres` system user (error if it or `setpriv` is missing).
    /// Otherwise: ourselves.
    static func current(isRoot: Bool, setprivAvailable: Bool) throws -> PostgresRunAs {
        guard isRoot else {
            return PostgresRunAs(account: nil, setprivAvailable: setprivAvailable)
        }
        guard let account = lookUp(user: "postgres") else {
            throw EmbeddedPostgresError.postgresUserMissing
        }
        guard setprivAvailable else {
            throw EmbeddedPostgresError.setprivMissing
        }
        return PostgresRunAs(account: account, setprivAvailable: true)
    }

    /// `getpwnam_r` (the reentrant form: other threads may use the passwd database too).
    private static func lookUp(user: String) -> Account? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16 * 1024)
        let status = buffer.withUnsafeMutableBufferPointer { storage -> CInt in
            guard let base = storage.baseAddress else { return ENOMEM }
            return getpwnam_r(user, &entry, base, storage.count, &result)
        }
        guard status == 0, result != nil else { return nil }
        return Account(uid: entry.pw_uid, gid: entry.pw_gid)
    }
}
