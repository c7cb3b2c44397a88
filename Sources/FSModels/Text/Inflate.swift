import FSTensor

/// A small DEFLATE (RFC 1951) decoder with a gzip (RFC 1952) wrapper, enough to read the BPE merges
/// resource without linking zlib. Throws FSError on malformed input; never reads out of bounds.
enum Inflate {
    /// Decompresses a whole gzip file (all members concatenated).
    static func gunzip(_ bytes: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = []
        var pos = 0
        repeat {
            guard bytes.count - pos >= 18, bytes[pos] == 0x1f, bytes[pos + 1] == 0x8b, bytes[pos + 2] == 8 else {
                throw FSError("gzip: not a gzip stream (bad magic or method)")
            }
            let flags = bytes[pos + 3]
            var p = pos + 10
            if flags & 4 != 0 {  // FEXTRA
                guard p + 2 <= bytes.count else { throw FSError("gzip: truncated header") }
                p += 2 + (Int(bytes[p]) | (Int(bytes[p + 1]) << 8))
            }
            for bit in [UInt8(8), 16] where flags & bit != 0 {  // FNAME, FCOMMENT: zero-terminated
                while p < bytes.count && bytes[p] != 0 { p += 1 }
                p += 1
            }
            if flags & 2 != 0 { p += 2 }  // FHCRC
            guard p < bytes.count else { throw FSError("gzip: truncated header") }
            var reader = BitReader(bytes: bytes, position: p)
            try inflate(&reader, into: &out)
            pos = reader.alignedBytePosition + 8  // CRC32 + ISIZE
            guard pos <= bytes.count else { throw FSError("gzip: truncated trailer") }
        } while pos < bytes.count && bytes[pos] == 0x1f
        return out
    }

    struct BitReader {
        let bytes: [UInt8]
        var position: Int
        var bitBuffer: UInt64 = 0
        var bitCount = 0

        init(bytes: [UInt8], position: Int) { self.bytes = bytes; self.position = position }

        mutating func bits(_ n: Int) throws -> Int {
            while bitCount < n {
                guard position < bytes.count else { throw FSError("deflate: unexpected end of data") }
                bitBuffer |= UInt64(bytes[position]) << UInt64(bitCount)
                position += 1
                bitCount += 8
            }
            let v = Int(bitBuffer & ((1 << UInt64(n)) - 1))
            bitBuffer >>= UInt64(n)
            bitCount -= n
            return v
        }

        mutating func alignToByte() { let drop = bitCount % 8; bitBuffer >>= UInt64(drop); bitCount -= drop }

        /// Byte position after discarding the buffered bits (call after alignToByte).
        var alignedBytePosition: Int { position - bitCount / 8 }
    }

    /// Canonical Huffman decoding table: counts per length and symbols sorted by code.
    struct Huffman {
        var counts = [Int](repeating: 0, count: 16)
        var symbols: [Int] = []

        init(lengths: [Int]) throws {
            for l in lengths { counts[l] += 1 }
            counts[0] = 0
            var offsets = [Int](repeating: 0, count: 16)
            for l in 1..<16 { offsets[l] = offsets[l - 1] + counts[l - 1] }
            symbols = [Int](repeating: 0, count: lengths.count)
            for (s, l) in lengths.enumerated() where l != 0 { symbols[offsets[l]] = s; offsets[l] += 1 }
        }

        func decode(_ r: inout BitReader) throws -> Int {
            var code = 0, first = 0, index = 0
            for len in 1..<16 {
                code |= try r.bits(1)
                let count = counts[len]
                if code - count < first { return symbols[index + (code - first)] }
                index += count
                first += count
                first <<= 1
                code <<= 1
            }
            throw FSError("deflate: invalid Huffman code")
        }
    }

    static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    static let distExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    static func inflate(_ r: inout BitReader, into out: inout [UInt8]) throws {
        var last = 0
        repeat {
            last = try r.bits(1)
            let type = try r.bits(2)
            switch type {
            case 0:
                r.alignToByte()
                let len = try r.bits(16), nlen = try r.bits(16)
                guard len == (~nlen & 0xffff) else { throw FSError("deflate: stored block length check failed") }
                for _ in 0..<len { out.append(UInt8(try r.bits(8))) }
            case 1:
                var lengths = [Int](repeating: 8, count: 288)
                for i in 144..<256 { lengths[i] = 9 }
                for i in 256..<280 { lengths[i] = 7 }
                try block(&r, &out, lit: Huffman(lengths: lengths), dist: Huffman(lengths: [Int](repeating: 5, count: 30)))
            case 2:
                let hlit = try r.bits(5) + 257, hdist = try r.bits(5) + 1, hclen = try r.bits(4) + 4
                let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
                var clen = [Int](repeating: 0, count: 19)
                for i in 0..<hclen { clen[order[i]] = try r.bits(3) }
                let codeHuff = try Huffman(lengths: clen)
                var lengths: [Int] = []
                while lengths.count < hlit + hdist {
                    let sym = try codeHuff.decode(&r)
                    switch sym {
                    case 0..<16: lengths.append(sym)
                    case 16:
                        guard let prev = lengths.last else { throw FSError("deflate: repeat with no previous length") }
                        lengths += [Int](repeating: prev, count: 3 + (try r.bits(2)))
                    case 17: lengths += [Int](repeating: 0, count: 3 + (try r.bits(3)))
                    default: lengths += [Int](repeating: 0, count: 11 + (try r.bits(7)))
                    }
                }
                guard lengths.count == hlit + hdist else { throw FSError("deflate: code lengths overflow") }
                try block(&r, &out, lit: Huffman(lengths: Array(lengths[0..<hlit])),
                          dist: Huffman(lengths: Array(lengths[hlit...])))
            default:
                throw FSError("deflate: invalid block type")
            }
        } while last == 0
        r.alignToByte()
    }

    static func block(_ r: inout BitReader, _ out: inout [UInt8], lit: Huffman, dist: Huffman) throws {
        while true {
            let sym = try lit.decode(&r)
            if sym < 256 { out.append(UInt8(sym)); continue }
            if sym == 256 { return }
            let li = sym - 257
            guard li < 29 else { throw FSError("deflate: invalid length symbol") }
            let len = lengthBase[li] + (try r.bits(lengthExtra[li]))
            let di = try dist.decode(&r)
            guard di < 30 else { throw FSError("deflate: invalid distance symbol") }
            let d = distBase[di] + (try r.bits(distExtra[di]))
            guard d <= out.count else { throw FSError("deflate: distance too far back") }
            let start = out.count - d
            for k in 0..<len { out.append(out[start + k]) }
        }
    }
}
