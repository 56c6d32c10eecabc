import CRookerySystem
import Glibc
import NIOCore
import NIOPosix

/// Turns SIGCHLD into a call on an event loop, the way gunicorn's arbiter wakes its main
/// loop: the signal handler (C, async-signal-safe) only writes a byte to a pipe; the loop
/// reads it and calls `onExit`, which reaps. Several exits may share one call, so `onExit`
/// must collect every exited child, not one.
///
/// The pipe stays open for the life of the process (its channel is never closed), so the
/// handler never writes to a closed or reused descriptor.
enum ChildExitWatcher {
    /// Installs the SIGCHLD handler and starts reading its pipe on `loop`.
    static func start(on loop: any EventLoop, onExit: @escaping @Sendable () -> Void) throws {
        let readEnd = rookery_child_exit_pipe()
        guard readEnd >= 0 else {
            throw GatewayConfigurationError("cannot watch worker exits: \(SystemErrorText.describe(errno))")
        }
        _ = try NIOPipeBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ChildExitHandler(onExit: onExit))
                }
            }
            .takingOwnershipOfDescriptor(input: readEnd)
            .wait()
    }
}

/// Reads the wake-up bytes of `ChildExitWatcher`'s pipe.
private final class ChildExitHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let onExit: @Sendable () -> Void

    init(onExit: @escaping @Sendable () -> Void) {
        self.onExit = onExit
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.onExit()
    }
}
