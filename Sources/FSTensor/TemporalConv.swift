// Temporal convolution: Conv3d with kernel (k,1,1) and padding (p,0,0), as k accumulated GEMMs per output
// frame reading the input frames in place (no im2col). Parallel over (batch, output frame) with
// single-threaded BLAS when there are enough of them, else sequential with OpenBLAS's threads.

/// x [N,C,T,H,W], weight [O,C,k,1,1] (Conv3d with kernel (k,1,1), padding (padding,0,0)) → [N,O,T',H,W].
public func temporalConv(_ x: Tensor, weight: Tensor, bias: Tensor?, padding: Int) -> Tensor {
    temporalConv(x, weight: TemporalConvWeight(weight, precision: .fp32), bias: bias, padding: padding)
}

/// The same with a weight held in its compute precision (bf16: input frames converted per GEMM block).
public func temporalConv(_ x: Tensor, weight: TemporalConvWeight, bias: Tensor?, padding: Int) -> Tensor {
    precondition(x.rank == 5 && weight.shape.count == 5 && weight.shape[1] == x.shape[1]
                 && weight.shape[3] == 1 && weight.shape[4] == 1 && padding >= 0,
                 "temporalConv: input \(x.shape) does not match weight \(weight.shape)")
    let (n, c, t, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], x.shape[4])
    let (o, k) = (weight.shape[0], weight.shape[2])
    let tOut = t + 2 * padding - k + 1
    precondition(tOut > 0, "temporalConv: kernel \(k) longer than padded frame count \(t)")
    if let bias { precondition(bias.count == o, "temporalConv: bias \(bias.shape) for \(o) outputs") }
    let hw = h * w
    // Taps are plain row-major matrices [k][O][C] (repacked once when the weight was made).
    let taps = weight.denseTaps ?? []
    let items = n * tOut
    return Tensor(shape: [n, o, tOut, h, w]) { out in
        x.data.withUnsafeBufferPointer { px in
            taps.withUnsafeBufferPointer { pt in
                let po = out.baseAddress!
                let biasData = bias?.data
                func runItem(_ item: Int) {
                    let b = item / tOut, to = item % tOut
                    let dst = po + (b * o * tOut + to) * hw
                    let ldc = tOut * hw
                    for oc in 0..<o { (dst + oc * ldc).initialize(repeating: biasData?[oc] ?? 0, count: hw) }
                    for j in 0..<k {
                        let ti = to + j - padding
                        if ti < 0 || ti >= t { continue }
                        let frame = px.baseAddress! + (b * c * t + ti) * hw
                        if let panels = weight.panelTaps?[j] {
                            BF16GEMM.gemm(m: o, n: hw, k: c, a: .packed(panels), b: .fp32(frame, ld: t * hw, transposed: false),
                                          beta: 1, c: dst, ldc: ldc)
                        } else {
                            BLAS.sgemm(transA: false, transB: false, m: o, n: hw, k: c,
                                       a: pt.baseAddress! + j * o * c, lda: c, b: frame, ldb: t * hw,
                                       beta: 1, c: dst, ldc: ldc)
                        }
                    }
                }
                if items >= ParallelFor.threadCount && ParallelFor.threadCount > 1 {
                    BLAS.withSingleThread { ParallelFor.forEach(items, runItem) }
                } else {
                    for i in 0..<items { runItem(i) }
                }
            }
        }
    }
}
