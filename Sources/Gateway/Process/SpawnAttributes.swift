import Glibc

/// Owns a `posix_spawnattr_t` and destroys it in `deinit`.
final class SpawnAttributes {
    /// Heap storage so the address handed to libc never moves.
    let pointer: UnsafeMutablePointer<posix_spawnattr_t>

    init() throws(SpawnActionError) {
        pointer = .allocate(capacity: 1)
        let result = posix_spawnattr_init(pointer)
        guard result == 0 else {
            pointer.deallocate()
            throw SpawnActionError(errorNumber: result, context: "posix_spawnattr_init")
        }
    }

    deinit {
        posix_spawnattr_destroy(pointer)
        pointer.deallocate()
    }

    /// Applies the request's process-group and signal settings.
    func configure(newProcessGroup: Bool, resetSignals: Bool) throws(SpawnActionError) {
        var flags: CInt = 0
        if newProcessGroup {
            flags |= CInt(POSIX_SPAWN_SETPGROUP)
            try check(posix_spawnattr_setpgroup(pointer, 0), "setpgroup")
        }
        if resetSignals {
            flags |= CInt(POSIX_SPAWN_SETSIGDEF) | CInt(POSIX_SPAWN_SETSIGMASK)
            var defaults = sigset_t()
            sigfillset(&defaults)
            // Neither can be caught or ignored, so there is nothing to reset.
            sigdelset(&defaults, SIGKILL)
            sigdelset(&defaults, SIGSTOP)
            try check(posix_spawnattr_setsigdefault(pointer, &defaults), "setsigdefault")
            var mask = sigset_t()
            sigemptyset(&mask)
            try check(posix_spawnattr_setsigmask(pointer, &mask), "setsigmask")
        }
        try check(posix_spawnattr_setflags(pointer, Int16(truncatingIfNeeded: flags)), "setflags")
    }

    private func check(_ result: CInt, _ context: String) throws(SpawnActionError) {
        guard result == 0 else {
            throw SpawnActionError(errorNumber: result, context: "posix_spawnattr_\(context)")
        }
    }
}
