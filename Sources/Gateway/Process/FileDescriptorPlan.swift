/// The descriptor actions a spawned child performs before `exec`, computed without I/O.
///
/// Each mapping's source is first copied in the gateway (with `F_DUPFD_CLOEXEC`) to a
/// temporary descriptor numbered above every target. The child then `dup2`s each temporary
/// onto its target. Because a temporary never equals a target, `dup2` always clears
/// close-on-exec on the target, and a swap such as `3 -> 4, 4 -> 3` cannot clobber a source
/// before it is read. Finally everything from the temporary floor upwards is closed.
struct FileDescriptorPlan: Equatable, Sendable {
    /// One action run in the child, in order.
    enum Action: Equatable, Sendable {
        case duplicate(from: CInt, to: CInt)
        /// Close one descriptor below the floor that is not a target (ignored if not open).
        case close(CInt)
        /// Close every descriptor >= the value.
        case closeFrom(CInt)
    }

    /// The lowest descriptor number the temporaries may use.
    let temporaryFloor: CInt
    let mappings: [FileDescriptorMapping]

    init(mappings: [FileDescriptorMapping]) {
        self.mappings = mappings
        let highestTarget = mappings.map(\.target).max() ?? 2
        self.temporaryFloor = max(highestTarget, 2) + 1
    }

    /// The child's actions once the temporaries exist; `temporaries[i]` is the copy of
    /// `mappings[i].source`.
    func actions(temporaries: [CInt]) -> [Action] {
        var actions: [Action] = []
        for (mapping, temporary) in zip(mappings, temporaries) {
            actions.append(.duplicate(from: temporary, to: mapping.target))
        }
        let targets = Set(mappings.map(\.target))
        for descriptor in CInt(3)..<temporaryFloor where !targets.contains(descriptor) {
            actions.append(.close(descriptor))
        }
        actions.append(.closeFrom(temporaryFloor))
        return actions
    }
}
