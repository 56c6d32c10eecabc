/// The `initdb` and `postgres` argument lists for the embedded cluster.
enum PostgresCommandLine {
    /// `initdb` for a cluster owned by the `postgres` role with trust authentication.
    ///
    /// Trust is safe here because the server never listens on TCP (`listen_addresses=''`)
    /// and its only socket lives in a 0700 directory: just our own account (or root) can
    /// reach it.
    static func initdb(clusterDirectory: String, locale: String?) -> [String] {
        var arguments = ["-D", clusterDirectory, "-U", "postgres", "--auth=trust", "--encoding=UTF8"]
        if let locale {
            arguments.append("--locale=\(locale)")
        } else {
            arguments.append("--no-locale")
        }
        return arguments
    }

    /// `postgres`, listening only on a UNIX socket in `socketDirectory`. `fast` turns off
    /// fsync, for throwaway test clusters only.
    static func server(clusterDirectory: String, socketDirectory: String, fast: Bool) -> [String] {
        var arguments = [
            "-D", clusterDirectory,
            "-k", socketDirectory,
            "-p", String(EmbeddedPostgresLayout.port),
            "-c", "listen_addresses=",
            "-c", "unix_socket_permissions=0700",
            "-c", "max_connections=100",
            "-c", "shared_buffers=128MB",
        ]
        if fast {
            arguments += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
        }
        return arguments
    }
}
