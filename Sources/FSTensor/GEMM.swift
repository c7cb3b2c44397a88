// Matrix products through BLAS.sgemm (large products split over the cores; see BLAS.swift for the threading policy).

/// 2-D [M,K]·[K,N] → [M,N], or batched 3-D [B,M,K]·[B,K,N] → [B,M,N], through BLAS.sgemm.
/// With `transposeA` a is given as [K,M] (per batch), with `transposeB` b as [N,K].
/// A 3-D `a` times a 2-D `b` multiplies every batch by the same `b`.
public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
    precondition((a.rank == 2 || a.rank == 3) && (b.rank == 2 || b.rank == 3) && b.rank <= a.rank,
                 "matmul: unsupported ranks \(a.shape) · \(b.shape)")
    let batch = a.rank == 3 ? a.shape[0] : 1
    if b.rank == 3 { precondition(b.shape[0] == batch, "matmul: batch sizes differ \(a.shape) · \(b.shape)") }
    let (ar, ac) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
    let (br, bc) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
    let (m, k) = transposeA ? (ac, ar) : (ar, ac)
    let (k2, n) = transposeB ? (bc, br) : (br, bc)
    precondition(k == k2, "matmul: inner dimensions differ \(a.shape) · \(b.shape) (transposeA \(transposeA), transposeB \(transposeB))")
    let outShape = a.rank == 3 ? [batch, m, n] : [m, n]
    return Tensor(shape: outShape) { out in
        a.data.withUnsafeBufferPointer { pa in
            b.data.withUnsafeBufferPointer { pb in
                let po = out.baseAddress!
                if b.rank == 2 && !transposeA && batch > 1 {
                    // Shared right operand: one GEMM over all batch rows.
                    BLAS.sgemm(transA: false, transB: transposeB, m: batch * m, n: n, k: k,
                               a: pa.baseAddress!, lda: ac, b: pb.baseAddress!, ldb: bc, c: po, ldc: n)
                    return
                }
                let bStride = b.rank == 3 ? br * bc : 0
                let body: (Range<Int>) -> Void = { range in
                    for i in range {
                        BLAS.sgemm(transA: transposeA, transB: transposeB, m: m, n: n, k: k,
                                   a: pa.baseAddress! + i * ar * ac, lda: ac,
                                   b: pb.baseAddress! + i * bStride, ldb: bc,
                                   c: po + i * m * n, ldc: n)
                    }
                }
                // Many small products: spread them over cores, each single-threaded in BLAS.
                if batch >= ParallelFor.threadCount && m * n * k < 1 << 22 {
                    BLAS.withSingleThread { ParallelFor.run(batch, body) }
                } else {
                    body(0..<batch)
                }
            }
        }
    }
}

/// x [..., in] · weightᵀ + bias [out] → [..., out], in the weight's precision (bf16: x converted to bf16 per
/// block, fp32 accumulation and output).
public func linear(_ x: Tensor, weight: LinearWeight, bias: Tensor?) -> Tensor {
    guard let panels = weight.panels else { return linear(x, weight: weight.dense!, bias: bias) }
    let (outF, inF) = (weight.outFeatures, weight.inFeatures)
    precondition(x.rank >= 1 && x.shape[x.rank - 1] == inF, "linear: input \(x.shape) does not match weight [\(outF), \(inF)]")
    if let bias { precondition(bias.count == outF, "linear: bias \(bias.shape) for \(outF) outputs") }
    let rows = x.count / Swift.max(inF, 1)
    var outShape = x.shape; outShape[outShape.count - 1] = outF
    return Tensor(shape: outShape) { out in
        let po = out.baseAddress!
        if let bias { fillRows(po, rows: rows, with: bias) }
        x.data.withUnsafeBufferPointer { px in
            BF16GEMM.gemm(m: rows, n: outF, k: inF, a: .fp32(px.baseAddress!, ld: inF, transposed: false),
                          b: .packed(panels), beta: bias == nil ? 0 : 1, c: po, ldc: outF)
        }
    }
}

/// Every row of `po` ([rows, bias.count]) set to `bias`.
func fillRows(_ po: UnsafeMutablePointer<Float>, rows: Int, with bias: Tensor) {
    let outF = bias.count
    bias.data.withUnsafeBufferPointer { pb in
        ParallelFor.run(rows, minChunk: Swift.max(1, 16384 / Swift.max(outF, 1))) { r in
            for i in r { (po + i * outF).update(from: pb.baseAddress!, count: outF) }
        }
    }
}

/// x [..., in] · weightᵀ ([out, in]) + bias [out] → [..., out].
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
    precondition(weight.rank == 2 && x.rank >= 1 && x.shape[x.rank - 1] == weight.shape[1],
                 "linear: input \(x.shape) does not match weight \(weight.shape)")
    let (outF, inF) = (weight.shape[0], weight.shape[1])
    if let bias { precondition(bias.count == outF, "linear: bias \(bias.shape) for \(outF) outputs") }
    let rows = x.count / Swift.max(inF, 1)
    var outShape = x.shape; outShape[outShape.count - 1] = outF
    return Tensor(shape: outShape) { out in
        let po = out.baseAddress!
        if let bias {
            bias.data.withUnsafeBufferPointer { pb in
                ParallelFor.run(rows, minChunk: Swift.max(1, 16384 / Swift.max(outF, 1))) { r in
                    for i in r { (po + i * outF).update(from: pb.baseAddress!, count: outF) }
                }
            }
        }
        x.data.withUnsafeBufferPointer { px in
            weight.data.withUnsafeBufferPointer { pw in
                BLAS.sgemm(transA: false, transB: true, m: rows, n: outF, k: inF,
                           a: px.baseAddress!, lda: inF, b: pw.baseAddress!, ldb: inF,
                           beta: bias == nil ? 0 : 1, c: po, ldc: outF)
            }
        }
    }
}
