import Foundation

// Scaled dot-product attention in tiles with an online softmax (flash-attention style):
// for each tile of queries, key tiles are visited in turn; S = scale·Q·Kᵀ (sgemm), running row max m and
// row sum l are updated, the accumulated output is rescaled by exp(m_old − m_new) and P·V is added (sgemm,
// beta = 1). Memory per worker is O(tileQ·tileK + tileQ·dv); never an N×M matrix.
// Heads are addressed in place through the BLAS leading dimensions (no permute copies).
// Work items (batch, head, query tile) run in parallel, each with single-threaded BLAS.

let attentionTileQ = 128
let attentionTileK = 512

/// Scaled dot-product attention. q [B,N,d], k [B,M,d], v [B,M,dv] → [B,N,dv].
/// softmax(q·kᵀ·scale)·v, computed in tiles with an online softmax: never an N×M matrix for large N.
/// `causal`: query i sees keys 0...i.
/// `precision` bf16: Q·Kᵀ and P·V with bf16 inputs and fp32 accumulation (products of fewer than
/// `bf16MinimumMultiplyAdds` stay fp32); scores, softmax and the running statistics are fp32 either way.
public func attention(q: Tensor, k: Tensor, v: Tensor, scale: Float, causal: Bool = false, precision: Precision = .fp32) -> Tensor {
    precondition(q.rank == 3 && k.rank == 3 && v.rank == 3 && q.shape[0] == k.shape[0] && k.shape[0] == v.shape[0]
                 && q.shape[2] == k.shape[2] && k.shape[1] == v.shape[1],
                 "attention: shapes q \(q.shape), k \(k.shape), v \(v.shape) do not fit")
    return attentionHeads(q: q, k: k, v: v, heads: 1, scale: scale, causal: causal, precision: precision)
}

/// Multi-head convenience: q [B,N,h·d], k/v [B,M,h·d] → [B,N,h·d]; scale defaults to 1/√d.
public func multiHeadAttention(q: Tensor, k: Tensor, v: Tensor, heads: Int, scale: Float? = nil, causal: Bool = false,
                               precision: Precision = .fp32) -> Tensor {
    precondition(q.rank == 3 && k.rank == 3 && v.rank == 3 && heads > 0 && q.shape[2] % heads == 0 && v.shape[2] % heads == 0
                 && q.shape[0] == k.shape[0] && k.shape[0] == v.shape[0] && q.shape[2] == k.shape[2] && k.shape[1] == v.shape[1],
                 "multiHeadAttention: shapes q \(q.shape), k \(k.shape), v \(v.shape) do not fit \(heads) heads")
    let d = q.shape[2] / heads
    return attentionHeads(q: q, k: k, v: v, heads: heads, scale: scale ?? 1 / Float(d).squareRoot(), causal: causal,
                          precision: precision)
}

func attentionHeads(q: Tensor, k: Tensor, v: Tensor, heads: Int, scale: Float, causal: Bool, precision: Precision) -> Tensor {
    let (b, n, m) = (q.shape[0], q.shape[1], k.shape[1])
    let (qw, vw) = (q.shape[2], v.shape[2])
    let (d, dv) = (qw / heads, vw / heads)
    let qTiles = (n + attentionTileQ - 1) / attentionTileQ
    let items = b * heads * qTiles
    return Tensor(shape: [b, n, vw]) { out in
        q.data.withUnsafeBufferPointer { pq in
            k.data.withUnsafeBufferPointer { pk in
                v.data.withUnsafeBufferPointer { pv in
                    let po = out.baseAddress!
                    let body: (Range<Int>) -> Void = { range in
                        let tileK = Swift.min(attentionTileK, Swift.max(m, 1))
                        let s = UnsafeMutablePointer<Float>.allocate(capacity: attentionTileQ * tileK)
                        let rowMax = UnsafeMutablePointer<Float>.allocate(capacity: attentionTileQ)
                        let rowSum = UnsafeMutablePointer<Float>.allocate(capacity: attentionTileQ)
                        defer { s.deallocate(); rowMax.deallocate(); rowSum.deallocate() }
                        for item in range {
                            let qt = item % qTiles, bh = item / qTiles
                            let h = bh % heads, bi = bh / heads
                            let q0 = qt * attentionTileQ, tq = Swift.min(attentionTileQ, n - q0)
                            attentionTile(
                                q: pq.baseAddress! + (bi * n + q0) * qw + h * d, ldq: qw,
                                k: pk.baseAddress! + bi * m * qw + h * d, ldk: qw,
                                v: pv.baseAddress! + bi * m * vw + h * dv, ldv: vw,
                                out: po + (bi * n + q0) * vw + h * dv, ldo: vw,
                                q0: q0, tq: tq, m: m, d: d, dv: dv, scale: scale, causal: causal,
                                tileK: tileK, s: s, rowMax: rowMax, rowSum: rowSum, bf16: precision == .bf16)
                        }
                    }
                    if items > 1 && ParallelFor.threadCount > 1 {
                        BLAS.withSingleThread { ParallelFor.run(items, body) }
                    } else {
                        body(0..<items)
                    }
                }
            }
        }
    }
}

/// One tile of `tq` queries (global index q0...) against all keys, writing `tq` output rows.
@inline(__always)
func attentionTile(q: UnsafePointer<Float>, ldq: Int, k: UnsafePointer<Float>, ldk: Int,
                   v: UnsafePointer<Float>, ldv: Int, out: UnsafeMutablePointer<Float>, ldo: Int,
                   q0: Int, tq: Int, m: Int, d: Int, dv: Int, scale: Float, causal: Bool,
                   tileK: Int, s: UnsafeMutablePointer<Float>, rowMax: UnsafeMutablePointer<Float>,
                   rowSum: UnsafeMutablePointer<Float>, bf16: Bool = false) {
    for r in 0..<tq {
        (out + r * ldo).initialize(repeating: 0, count: dv)
        rowMax[r] = -.infinity
        rowSum[r] = 0
    }
    let keyLimit = causal ? Swift.min(m, q0 + tq) : m
    var k0 = 0
    while k0 < keyLimit {
        let tk = Swift.min(tileK, keyLimit - k0)
        if bf16 && tq * tk * d >= bf16MinimumMultiplyAdds {
            BF16GEMM.gemm(m: tq, n: tk, k: d, alpha: scale, a: .fp32(q, ld: ldq, transposed: false),
                          b: .fp32(k + k0 * ldk, ld: ldk, transposed: true), c: s, ldc: tk)
        } else {
            BLAS.sgemm(transA: false, transB: true, m: tq, n: tk, k: d, alpha: scale,
                       a: q, lda: ldq, b: k + k0 * ldk, ldb: ldk, c: s, ldc: tk)
        }
        for r in 0..<tq {
            let row = s + r * tk
            // Causal: keys j > query index are masked out.
            let valid = causal ? Swift.max(0, Swift.min(tk, q0 + r - k0 + 1)) : tk
            let mOld = rowMax[r]
            let mNew = Swift.max(mOld, rowMaximum(row, valid))
            if mNew == -.infinity {
                row.update(repeating: 0, count: tk)
                continue
            }
            let sum = expShiftSum(row, valid, shift: mNew)
            if valid < tk { (row + valid).update(repeating: 0, count: tk - valid) }
            let corr = mOld == -.infinity ? 0 : expf(mOld - mNew)
            rowSum[r] = rowSum[r] * corr + sum
            rowMax[r] = mNew
            if corr != 1 {
                let o = out + r * ldo
                for j in 0..<dv { o[j] *= corr }
            }
        }
        if bf16 && tq * dv * tk >= bf16MinimumMultiplyAdds {
            BF16GEMM.gemm(m: tq, n: dv, k: tk, a: .fp32(s, ld: tk, transposed: false),
                          b: .fp32(v + k0 * ldv, ld: ldv, transposed: false), beta: 1, c: out, ldc: ldo)
        } else {
            BLAS.sgemm(transA: false, transB: false, m: tq, n: dv, k: tk,
                       a: s, lda: tk, b: v + k0 * ldv, ldb: ldv, beta: 1, c: out, ldc: ldo)
        }
        k0 += tk
    }
    for r in 0..<tq {
        let l = rowSum[r]
        let inv: Float = l > 0 ? 1 / l : 0
        let o = out + r * ldo
        for j in 0..<dv { o[j] *= inv }
    }
}
