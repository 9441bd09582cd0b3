internal import CShowrunnerAV

/// AES-128 in CBC mode with PKCS#7 padding, the cipher of HLS `METHOD=AES-128` (RFC 8216bis
/// §5.2: a whole segment is one CBC message, padded to a multiple of 16 bytes), through
/// libavutil's AES.
public enum SegmentCipher {
    /// Errors: a key or IV that is not 16 bytes, or ciphertext that is not a whole number of
    /// blocks or whose padding is wrong (a wrong key, most often).
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String
    }

    /// The ciphertext of `plain`: `plain.count` rounded up to the next multiple of 16 bytes (one
    /// whole block of padding when it already is a multiple).
    public static func encrypt(_ plain: some Collection<UInt8>, key: [UInt8], iv: [UInt8]) throws(Failure) -> [UInt8] {
        try check(key: key, iv: iv)
        let pad = 16 - plain.count % 16
        var buf = [UInt8](plain)
        buf.append(contentsOf: repeatElement(UInt8(pad), count: pad))
        try crypt(&buf, key: key, iv: iv, decrypt: false)
        return buf
    }

    /// The plaintext of `cipher` with its padding removed; throws when the length or the padding
    /// is wrong.
    public static func decrypt(_ cipher: some Collection<UInt8>, key: [UInt8], iv: [UInt8]) throws(Failure) -> [UInt8] {
        try check(key: key, iv: iv)
        guard !cipher.isEmpty, cipher.count % 16 == 0 else {
            throw Failure(description: "ciphertext of \(cipher.count) bytes is not a whole number of 16-byte blocks")
        }
        var buf = [UInt8](cipher)
        try crypt(&buf, key: key, iv: iv, decrypt: true)
        let pad = Int(buf[buf.count - 1])
        guard (1...16).contains(pad), buf.suffix(pad).allSatisfy({ $0 == UInt8(pad) }) else {
            throw Failure(description: "bad PKCS#7 padding (wrong key or IV?)")
        }
        buf.removeLast(pad)
        return buf
    }

    private static func check(key: [UInt8], iv: [UInt8]) throws(Failure) {
        guard key.count == 16 else { throw Failure(description: "AES-128 key is \(key.count) bytes, not 16") }
        guard iv.count == 16 else { throw Failure(description: "IV is \(iv.count) bytes, not 16") }
    }

    /// CBC over `buf` (a multiple of 16 bytes) in place.
    private static func crypt(_ buf: inout [UInt8], key: [UInt8], iv: [UInt8], decrypt: Bool) throws(Failure) {
        guard let aes = av_aes_alloc() else { throw Failure(description: "av_aes_alloc failed") }
        defer { av_free(UnsafeMutableRawPointer(aes)) }
        let d: Int32 = decrypt ? 1 : 0
        guard key.withUnsafeBufferPointer({ av_aes_init(aes, $0.baseAddress, 128, d) }) == 0 else {
            throw Failure(description: "av_aes_init failed")
        }
        var chain = iv
        let blocks = buf.count / 16
        // av_aes_crypt takes an Int32 block count: go in chunks (the IV carries the chain).
        var done = 0
        while done < blocks {
            let n = min(blocks - done, 1 << 20)
            buf.withUnsafeMutableBufferPointer { p in
                let at = p.baseAddress! + done * 16
                av_aes_crypt(aes, at, at, Int32(n), &chain, d)
            }
            done += n
        }
    }
}
