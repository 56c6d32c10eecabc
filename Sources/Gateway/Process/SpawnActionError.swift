/// A failure while preparing `posix_spawn` attributes or file actions (practically only
/// out-of-memory); `ProcessSpawner` turns it into a `ProcessSpawnError`.
struct SpawnActionError: Error, Equatable {
    let errorNumber: CInt
    /// The libc function that failed.
    let context: String
}
