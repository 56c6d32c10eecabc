/// Bounds the decoder enforces before it reads or allocates anything.
///
/// Both sides use the same defaults; the gateway is the one that must never trust a worker
/// (a worker may be buggy or compromised), and the worker must never trust a frame it did not
/// expect.
public struct FrameLimits: Sendable, Hashable {
    /// Largest payload accepted in one frame. Longer bodies are split into several body frames.
    public var maxPayloadSize: Int
    /// Most header fields in a request or response head.
    public var maxHeaderCount: Int

    /// Largest body chunk the encoder puts in one frame.
    public static let bodyChunkSize = 64 * 1024

    public init(maxPayloadSize: Int = 256 * 1024, maxHeaderCount: Int = 128) {
        self.maxPayloadSize = maxPayloadSize
        self.maxHeaderCount = maxHeaderCount
    }

    public static let `default` = FrameLimits()
}
