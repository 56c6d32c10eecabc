import CRookerySystem
import FoundationEssentials
import Glibc
import Logging
import NIOCore
import Protocol

/// libFuzzer entry points built into the worker: `worker fuzz frames|requests [libFuzzer flags]`.
///
/// Ordinary builds only report that libFuzzer is not linked; `deploy/fuzz/run.sh` builds a
/// worker with coverage instrumentation, AddressSanitizer and libFuzzer's no-main runtime,
/// then runs each target for a given time.
///
/// - `frames`: any bytes through the gateway→worker frame decoder, in one piece and split.
/// - `requests`: the bytes as frames, then every complete request through the worker's whole
///   request path — router, JSON decoding, validation, authentication — with a database that
///   is never reachable, so handlers fail at their first query with a 503, never a crash.
enum FuzzTargets {
    static func run(arguments: [String], logger: Logger) -> Int32 {
        guard rookery_fuzzer_linked() != 0 else {
            logger.critical("this worker was not built for fuzzing; use deploy/fuzz/run.sh")
            return 64
        }
        guard let target = arguments.first else {
            logger.critical("usage: worker fuzz frames|requests [libFuzzer flags]")
            return 64
        }
        let callback: rookery_fuzz_callback
        switch target {
        case "frames":
            callback = { data, size in
                FuzzTargets.decodeFrames(UnsafeRawBufferPointer(start: data, count: size))
                return 0
            }
        case "requests":
            FuzzTargets.application = FuzzTargets.makeApplication()
            callback = { data, size in
                FuzzTargets.serveRequests(UnsafeRawBufferPointer(start: data, count: size))
                return 0
            }
        default:
            logger.critical("unknown fuzz target \(target) (frames, requests)")
            return 64
        }
        // libFuzzer parses its own flags from argv: program name followed by the rest.
        var cArguments = ([CommandLine.arguments[0]] + arguments.dropFirst()).map { strdup($0) }
        var count = Int32(cArguments.count)
        return cArguments.withUnsafeMutableBufferPointer { buffer in
            var base = buffer.baseAddress
            return rookery_run_fuzzer(&count, &base, callback)
        }
    }

    /// The request path's application; libFuzzer callbacks are C functions and cannot capture.
    nonisolated(unsafe) static var application: Application?

    /// Decodes `bytes` as gateway→worker frames, in one piece and split at a data-dependent
    /// point; returns both frame lists (equal, whatever the split) for the regression tests.
    @discardableResult
    static func decodeFrames(
        _ bytes: UnsafeRawBufferPointer
    ) -> (whole: [Frame<GatewayMessage>], split: [Frame<GatewayMessage>]) {
        var whole = ByteBuffer(bytes: bytes)
        var decoder = FrameDecoder<GatewayMessage>()
        var wholeFrames: [Frame<GatewayMessage>] = []
        while let frame = (try? decoder.decodeFrame(buffer: &whole)) ?? nil {
            wholeFrames.append(frame)
        }
        // The same bytes split at a data-dependent point must behave the same, never trap.
        let split = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
        var first = ByteBuffer(bytes: bytes[0..<split])
        var second = FrameDecoder<GatewayMessage>()
        var splitFrames: [Frame<GatewayMessage>] = []
        while let frame = (try? second.decodeFrame(buffer: &first)) ?? nil {
            splitFrames.append(frame)
        }
        first.writeBytes(bytes[split...])
        while let frame = (try? second.decodeFrame(buffer: &first)) ?? nil {
            splitFrames.append(frame)
        }
        return (wholeFrames, splitFrames)
    }

    /// Serves every complete request in `bytes` (as frames); returns the responses for the
    /// regression tests.
    @discardableResult
    static func serveRequests(_ bytes: UnsafeRawBufferPointer) -> [HTTPResponse] {
        guard let application = self.application else { return [] }
        var buffer = ByteBuffer(bytes: bytes)
        var decoder = FrameDecoder<GatewayMessage>()
        var pending: (head: RequestHead, body: ByteBuffer)?
        var responses: [HTTPResponse] = []
        while let frame = (try? decoder.decodeFrame(buffer: &buffer)) ?? nil {
            switch frame.message {
            case .requestHead(let head):
                pending = (head, ByteBuffer())
            case .requestBody(var chunk):
                pending?.body.writeBuffer(&chunk)
            case .requestEnd:
                if let request = pending {
                    let httpRequest = HTTPRequest(head: request.head, body: request.body)
                    responses.append(application.respond(to: httpRequest, logger: self.logger))
                }
                pending = nil
            case .ping, .drain:
                break
            }
        }
        return responses
    }

    private static let logger: Logger = {
        var logger = Logger(label: "rookery.fuzz")
        logger.logLevel = .critical
        return logger
    }()

    static func makeApplication() -> Application {
        let configuration = WorkerConfiguration(
            socketDescriptor: -1,
            databaseURL: "host=/nonexistent-rookery-fuzz dbname=none connect_timeout=1",
            maxBodySize: 1 << 20,
            corsOrigin: "*",
            generation: 1,
            logFormat: "text",
            jwtSecretFile: nil,
            jwtTimeToLive: 3600,
            exposeQueryCount: false,
            benchRoutes: true
        )
        let database = DatabaseSession(conninfo: configuration.databaseURL, logger: self.logger)
        let services = WorkerServices(
            configuration: configuration,
            database: database,
            logger: self.logger,
            tokenSigner: JWTSigner(secret: Array("fuzzing-secret-fuzzing-secret-32".utf8), timeToLive: 3600)
        )
        return Application(services: services)
    }
}
