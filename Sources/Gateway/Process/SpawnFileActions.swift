import Glibc

/// Owns a `posix_spawn_file_actions_t` and destroys it in `deinit`.
final class SpawnFileActions {
    /// Heap storage so the address handed to libc never moves.
    let pointer: UnsafeMutablePointer<posix_spawn_file_actions_t>

    private typealias CloseFromFunction =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, CInt) -> CInt

    /// glibc >= 2.34 has `posix_spawn_file_actions_addclosefrom_np`, but Swift does not
    /// import it (it is behind `__USE_GNU`), so it is looked up at run time.
    private static let closeFrom: CloseFromFunction? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: CloseFromFunction.self)
    }()

    init() throws(SpawnActionError) {
        pointer = .allocate(capacity: 1)
        let result = posix_spawn_file_actions_init(pointer)
        guard result == 0 else {
            pointer.deallocate()
            throw SpawnActionError(errorNumber: result, context: "posix_spawn_file_actions_init")
        }
    }

    deinit {
        posix_spawn_file_actions_destroy(pointer)
        pointer.deallocate()
    }

    /// Records the plan's actions. `close` actions are only recorded where `closefrom` is
    /// available too; elsewhere we rely on the gateway opening everything with `O_CLOEXEC`.
    func add(_ actions: [FileDescriptorPlan.Action]) throws(SpawnActionError) {
        for action in actions {
            switch action {
            case .duplicate(let from, let to):
                try check(posix_spawn_file_actions_adddup2(pointer, from, to), "adddup2")
            case .close(let descriptor):
                if Self.closeFrom != nil {
                    try check(posix_spawn_file_actions_addclose(pointer, descriptor), "addclose")
                }
            case .closeFrom(let floor):
                if let closeFrom = Self.closeFrom {
                    try check(closeFrom(pointer, floor), "addclosefrom_np")
                }
            }
        }
    }

    private func check(_ result: CInt, _ context: String) throws(SpawnActionError) {
        guard result == 0 else {
            throw SpawnActionError(errorNumber: result, context: "posix_spawn_file_actions_\(context)")
        }
    }
}
