public import NIOCore

/// Writes frames into a buffer, one method per message.
///
/// The encoder reserves the header, writes the payload, then patches the payload length in,
/// so nothing is copied twice. Bodies longer than `FrameLimits.bodyChunkSize` become several
/// body frames.
public struct FrameEncoder: Sendable {
    public init() {}

    // MARK: gateway → worker

    public func writeRequestHead(_ head: RequestHead, requestID: UInt32, into buffer: inout ByteBuffer) {
        self.writeFrame(type: GatewayMessage.TypeID.requestHead.rawValue, requestID: requestID, into: &buffer) {
            $0.writeLengthPrefixedString(head.method)
            $0.writeLengthPrefixedString(head.target)
            $0.writeLengthPrefixedString(head.peerAddress)
            $0.writeHeaders(head.headers)
        }
    }

    public func writeRequestBody(_ body: ByteBuffer, requestID: UInt32, into buffer: inout ByteBuffer) {
        self.writeChunked(body, type: GatewayMessage.TypeID.requestBody.rawValue, requestID: requestID, into: &buffer)
    }

    public func writeRequestEnd(requestID: UInt32, into buffer: inout ByteBuffer) {
        self.writeFrame(type: GatewayMessage.TypeID.requestEnd.rawValue, requestID: requestID, into: &buffer) { _ in }
    }

    public func writePing(nonce: UInt64, into buffer: inout ByteBuffer) {
        self.writeFrame(type: GatewayMessage.TypeID.ping.rawValue, requestID: 0, into: &buffer) {
            $0.writeInteger(nonce)
        }
    }

    public func writeDrain(into buffer: inout ByteBuffer) {
        self.writeFrame(type: GatewayMessage.TypeID.drain.rawValue, requestID: 0, into: &buffer) { _ in }
    }

    // MARK: worker → gateway

    public func writeHello(_ hello: WorkerHello, into buffer: inout ByteBuffer) {
        self.writeFrame(type: WorkerMessage.TypeID.hello.rawValue, requestID: 0, into: &buffer) {
            $0.writeInteger(hello.pid)
            $0.writeInteger(hello.protocolVersion)
            $0.writeLengthPrefixedString(hello.software)
            // Without routes the table is left out, and the payload is the one of a worker that
            // predates cost classes.
            guard !hello.routeCosts.isEmpty else { return }
            let routes = hello.routeCosts.prefix(Int(UInt16.max))
            $0.writeInteger(UInt16(routes.count))
            for route in routes {
                $0.writeInteger(route.costClass.rawValue)
                $0.writeLengthPrefixedString(route.method)
                $0.writeLengthPrefixedString(route.template)
            }
        }
    }

    public func writeResponseHead(_ head: ResponseHead, requestID: UInt32, into buffer: inout ByteBuffer) {
        self.writeFrame(type: WorkerMessage.TypeID.responseHead.rawValue, requestID: requestID, into: &buffer) {
            $0.writeInteger(head.status)
            $0.writeHeaders(head.headers)
        }
    }

    public func writeResponseBody(_ body: ByteBuffer, requestID: UInt32, into buffer: inout ByteBuffer) {
        self.writeChunked(body, type: WorkerMessage.TypeID.responseBody.rawValue, requestID: requestID, into: &buffer)
    }

    public func writeResponseEnd(_ statistics: RequestStatistics, requestID: UInt32, into buffer: inout ByteBuffer) {
        self.writeFrame(type: WorkerMessage.TypeID.responseEnd.rawValue, requestID: requestID, into: &buffer) {
            $0.writeInteger(statistics.databaseRoundTrips)
            $0.writeInteger(statistics.databaseMicroseconds)
            $0.writeInteger(statistics.databaseErrors)
            $0.writeLengthPrefixedString(statistics.route)
        }
    }

    public func writePong(nonce: UInt64, databaseReachable: Bool, into buffer: inout ByteBuffer) {
        self.writeFrame(type: WorkerMessage.TypeID.pong.rawValue, requestID: 0, into: &buffer) {
            $0.writeInteger(nonce)
            $0.writeInteger(databaseReachable ? UInt8(1) : UInt8(0))
        }
    }

    public func writeError(code: UInt16, message: String, requestID: UInt32, into buffer: inout ByteBuffer) {
        self.writeFrame(type: WorkerMessage.TypeID.error.rawValue, requestID: requestID, into: &buffer) {
            $0.writeInteger(code)
            $0.writeLengthPrefixedString(message)
        }
    }

    // MARK: framing

    private func writeChunked(_ body: ByteBuffer, type: UInt8, requestID: UInt32, into buffer: inout ByteBuffer) {
        var remaining = body
        repeat {
            let length = min(remaining.readableBytes, FrameLimits.bodyChunkSize)
            let chunk = remaining.readSlice(length: length) ?? ByteBuffer()
            self.writeFrame(type: type, requestID: requestID, into: &buffer) {
                $0.writeImmutableBuffer(chunk)
            }
        } while remaining.readableBytes > 0
    }

    private func writeFrame(
        type: UInt8,
        requestID: UInt32,
        into buffer: inout ByteBuffer,
        payload: (inout ByteBuffer) -> Void
    ) {
        let headerIndex = buffer.writerIndex
        buffer.writeFrameHeader(FrameHeader(type: type, requestID: requestID, payloadLength: 0))
        let payloadStart = buffer.writerIndex
        payload(&buffer)
        let length = UInt32(buffer.writerIndex - payloadStart)
        buffer.setInteger(length, at: headerIndex + 8)
    }
}
