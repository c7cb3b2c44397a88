/// One row-major GEMM as the CUDA backend issues it, and its column-major form for cuBLASLt. Pure values:
/// the tests run them through a column-major reference to check the layouts without a GPU.
public struct GEMMOperand: Equatable, Sendable {
    /// Device address (bytes).
    public var pointer: UInt64
    /// Elements between consecutive rows of the row-major matrix.
    public var ld: Int
    /// Elements between batch entries (0: the same matrix for every entry).
    public var batchStride: Int = 0
    /// The buffer holds the operand transposed (b stored [N, K] for a·bᵀ).
    public var transposed = false
}

/// c[i] (fp32 [M, N], row-major) = op(a[i]) [M, K] · op(b[i]) [K, N] for i < batch; a and b are bf16.
public struct GEMMCall: Equatable, Sendable {
    public var m: Int, n: Int, k: Int
    public var a: GEMMOperand, b: GEMMOperand, c: GEMMOperand
    public var batch = 1

    /// cuBLASLt's column-major problem: Dᵀ [N, M] = op(B)ᵀ · op(A)ᵀ. Each row-major buffer read column-major is
    /// its transpose, so A' is the b buffer and B' the a buffer, each with the operation that restores it.
    public struct ColumnMajor: Equatable, Sendable {
        public struct Matrix: Equatable, Sendable {
            public var rows: Int, cols: Int, ld: Int, batchStride: Int, transposed: Bool, pointer: UInt64
        }
        public var a: Matrix, b: Matrix, d: Matrix
        public var m: Int, n: Int, k: Int
    }

    public var columnMajor: ColumnMajor {
        let aPrime = ColumnMajor.Matrix(rows: b.transposed ? k : n, cols: b.transposed ? n : k, ld: b.ld,
                                        batchStride: b.batchStride, transposed: b.transposed, pointer: b.pointer)
        let bPrime = ColumnMajor.Matrix(rows: a.transposed ? m : k, cols: a.transposed ? k : m, ld: a.ld,
                                        batchStride: a.batchStride, transposed: a.transposed, pointer: a.pointer)
        let d = ColumnMajor.Matrix(rows: n, cols: m, ld: c.ld, batchStride: c.batchStride, transposed: false, pointer: c.pointer)
        return ColumnMajor(a: aPrime, b: bPrime, d: d, m: n, n: m, k: k)
    }

    // MARK: the backend's GEMMs

    /// y [rows, out] = x [rows, in] · wᵀ (w [out, in]).
    static func linear(rows: Int, inFeatures: Int, outFeatures: Int, x: UInt64, weight: UInt64, out: UInt64) -> GEMMCall {
        GEMMCall(m: rows, n: outFeatures, k: inFeatures,
                 a: .init(pointer: x, ld: inFeatures),
                 b: .init(pointer: weight, ld: inFeatures, transposed: true),
                 c: .init(pointer: out, ld: outFeatures))
    }

    /// c [batch, m, n] = a [batch, m, k] · b [batch, k, n] (or bᵀ with b [batch, n, k]).
    static func matmul(batch: Int, m: Int, n: Int, k: Int, transposeB: Bool, a: UInt64, b: UInt64, out: UInt64) -> GEMMCall {
        GEMMCall(m: m, n: n, k: k,
                 a: .init(pointer: a, ld: k, batchStride: m * k),
                 b: .init(pointer: b, ld: transposeB ? k : n, batchStride: k * n, transposed: transposeB),
                 c: .init(pointer: out, ld: n, batchStride: m * n), batch: batch)
    }

    /// conv2d of `images` images from `firstImage`: out[img] [O, P] = w [O, K] · cols[img] [K, P]
    /// (cols bf16 [images, K, P] for this chunk, out fp32 [N, O, P]).
    static func conv2d(images: Int, firstImage: Int, outChannels o: Int, k: Int, positions p: Int,
                       weight: UInt64, cols: UInt64, out: UInt64) -> GEMMCall {
        GEMMCall(m: o, n: p, k: k,
                 a: .init(pointer: weight, ld: k, batchStride: 0),
                 b: .init(pointer: cols, ld: p, batchStride: k * p),
                 c: .init(pointer: out + UInt64(firstImage * o * p * 4), ld: p, batchStride: o * p), batch: images)
    }

    /// Temporal conv of batch entry `b`: out[b, :, to, :] ([O, HW], row stride T'·HW) = w [O, C·k] · u[b, to] [C·k, HW],
    /// batched over the output frames (u bf16 [N, T', C·k, HW], out fp32 [N, O, T', HW]).
    static func temporalConv(entry b: Int, outChannels o: Int, ck: Int, frames tOut: Int, hw: Int,
                             weight: UInt64, unfolded: UInt64, out: UInt64) -> GEMMCall {
        GEMMCall(m: o, n: hw, k: ck,
                 a: .init(pointer: weight, ld: ck, batchStride: 0),
                 b: .init(pointer: unfolded + UInt64(b * tOut * ck * hw * 2), ld: hw, batchStride: ck * hw),
                 c: .init(pointer: out + UInt64(b * o * tOut * hw * 4), ld: tOut * hw, batchStride: hw), batch: tOut)
    }
}
