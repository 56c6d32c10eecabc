import COpenSSL

/// The scrypt key derivation function (RFC 7914), computed by OpenSSL's `EVP_PBE_scrypt`.
enum Scrypt {
    /// Derives `length` bytes, or `nil` when OpenSSL refuses the parameters (for example when
    /// they need more than `maxMemory` bytes) or fails.
    ///
    /// - Parameters:
    ///   - log2N: the CPU/memory cost as a power of two (N = 2^log2N), 1...63.
    ///   - r: block size; memory is about 128 · r · N bytes.
    ///   - p: parallelisation.
    static func deriveKey(
        password: [UInt8],
        salt: [UInt8],
        log2N: Int,
        r: Int,
        p: Int,
        length: Int,
        maxMemory: UInt64
    ) -> [UInt8]? {
        guard (1...63).contains(log2N), r > 0, p > 0, length > 0 else { return nil }
        var key = [UInt8](repeating: 0, count: length)
        let status = password.withUnsafeBytes { passwordBytes in
            salt.withUnsafeBufferPointer { saltBuffer in
                key.withUnsafeMutableBufferPointer { keyBuffer in
                    // OpenSSL reads an empty password or salt as "" when the pointer is NULL.
                    let passwordBuffer = passwordBytes.bindMemory(to: CChar.self)
                    return EVP_PBE_scrypt(
                        passwordBuffer.baseAddress,
                        passwordBuffer.count,
                        saltBuffer.baseAddress,
                        saltBuffer.count,
                        UInt64(1) << UInt64(log2N),
                        UInt64(r),
                        UInt64(p),
                        maxMemory,
                        keyBuffer.baseAddress,
                        keyBuffer.count
                    )
                }
            }
        }
        guard status == 1 else {
            ERR_clear_error()
            return nil
        }
        return key
    }

    /// Bytes of memory scrypt needs for these parameters (OpenSSL's own estimate plus slack),
    /// or `nil` on overflow.
    static func memoryNeeded(log2N: Int, r: Int, p: Int) -> UInt64? {
        guard (1...62).contains(log2N), r > 0, p > 0 else { return nil }
        let n = UInt64(1) << UInt64(log2N)
        let blockSize = UInt64(128) * UInt64(r)
        let (v, overflowV) = blockSize.multipliedReportingOverflow(by: n + 2)
        let (b, overflowB) = blockSize.multipliedReportingOverflow(by: UInt64(p))
        guard !overflowV, !overflowB else { return nil }
        let (total, overflowTotal) = v.addingReportingOverflow(b)
        let (withSlack, overflowSlack) = total.addingReportingOverflow(1 << 20)
        guard !overflowTotal, !overflowSlack else { return nil }
        return withSlack
    }
}
