// Weights of GEMM-shaped layers held in the precision the layer computes in: fp32 tensors, or bf16 packed
// once at load (round to nearest even) in the panel layout the bf16 GEMM reads, so no per-call conversion
// or copy of a weight is ever made and the fp32 copy is dropped.

/// bf16 products smaller than this many multiply-adds run in fp32 (packing overhead would dominate; e.g.
/// the 16-frame temporal attention products).
public let bf16MinimumMultiplyAdds = 1 << 15

/// A Linear weight [out, in].
public struct LinearWeight: @unchecked Sendable {
    public let outFeatures: Int
    public let inFeatures: Int
    let dense: Tensor?
    let panels: BF16Panels?

    /// `weight` [out, in] (a Conv1d kernel-1 weight [out, in, 1] holds the same numbers). Placeholder tensors
    /// (a shape recorder's) stay as they are.
    public init(_ weight: Tensor, precision: Precision) {
        let (outF, inF) = (weight.shape[0], weight.rank > 1 ? weight.shape[1] : 0)
        outFeatures = outF
        inFeatures = inF
        if precision == .bf16 && weight.count > 0 && weight.count == outF * inF {
            panels = weight.data.withUnsafeBufferPointer {
                BF16Panels(role: .columnsOfC, outer: outF, k: inF, rowMajor: $0.baseAddress!, ld: inF)
            }
            dense = nil
        } else {
            panels = nil
            dense = weight
        }
    }

    public var precision: Precision { panels == nil ? .fp32 : .bf16 }

    /// The weight's values as fp32 [out, in] (the bf16-rounded values in bf16 mode).
    public var tensor: Tensor { dense ?? panels!.unpacked() }

    /// Bytes of weight storage.
    public var byteCount: Int { panels?.byteCount ?? (dense!.count * 4) }
}

/// A Conv2d weight [O, C, kh, kw] (the GEMM's left operand [O, C·kh·kw]).
public struct ConvWeight: @unchecked Sendable {
    public let shape: [Int]
    let dense: Tensor?
    let panels: BF16Panels?

    public init(_ weight: Tensor, precision: Precision) {
        shape = weight.shape
        let rows = weight.rank > 0 ? weight.shape[0] : 0
        let k = rows > 0 ? weight.count / rows : 0
        if precision == .bf16 && weight.count > 0 && weight.rank == 4 {
            panels = weight.data.withUnsafeBufferPointer {
                BF16Panels(role: .rowsOfC, outer: rows, k: k, rowMajor: $0.baseAddress!, ld: k)
            }
            dense = nil
        } else {
            panels = nil
            dense = weight
        }
    }

    public var precision: Precision { panels == nil ? .fp32 : .bf16 }
    public var tensor: Tensor { dense ?? panels!.unpacked().reshaped(shape) }
    public var byteCount: Int { panels?.byteCount ?? (dense!.count * 4) }

    /// C[O, n] = W·B with B [C·kh·kw, n] (row stride ldb), into c (row stride ldc), beta as in GEMM.
    @inline(__always)
    func multiply(n: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int,
                  densePointer: UnsafePointer<Float>?) {
        let o = shape[0], k = panels?.k ?? (dense!.count / Swift.max(o, 1))
        if let panels {
            BF16GEMM.gemm(m: o, n: n, k: k, a: .packed(panels), b: .fp32(b, ld: ldb, transposed: false),
                          beta: beta, c: c, ldc: ldc)
        } else {
            BLAS.sgemm(transA: false, transB: false, m: o, n: n, k: k, a: densePointer!, lda: k, b: b, ldb: ldb,
                       beta: beta, c: c, ldc: ldc)
        }
    }
}

/// A temporal Conv3d weight [O, C, k, 1, 1], held as k tap matrices [O, C] (fp32 or bf16 panels).
public struct TemporalConvWeight: @unchecked Sendable {
    public let shape: [Int]
    let denseTaps: [Float]?          // [k][O][C]
    let panelTaps: [BF16Panels]?

    public init(_ weight: Tensor, precision: Precision) {
        shape = weight.shape
        // (a shape recorder's empty placeholder stays empty: such a model is never run)
        precondition(weight.rank == 5 || weight.count == 0, "TemporalConvWeight: weight \(weight.shape) is not [O, C, k, 1, 1]")
        let (o, c, k) = weight.rank == 5 ? (weight.shape[0], weight.shape[1], weight.shape[2]) : (0, 0, 0)
        var taps = [Float](repeating: 0, count: weight.count == o * c * k ? k * o * c : 0)
        if !taps.isEmpty {
            for oc in 0..<o { for ic in 0..<c { for j in 0..<k { taps[(j * o + oc) * c + ic] = weight.data[(oc * c + ic) * k + j] } } }
        }
        if precision == .bf16 && !taps.isEmpty {
            panelTaps = taps.withUnsafeBufferPointer { p in
                (0..<k).map { j in BF16Panels(role: .rowsOfC, outer: o, k: c, rowMajor: p.baseAddress! + j * o * c, ld: c) }
            }
            denseTaps = nil
        } else {
            panelTaps = nil
            denseTaps = taps
        }
    }

    public var precision: Precision { panelTaps == nil ? .fp32 : .bf16 }
    public var byteCount: Int { panelTaps?.reduce(0) { $0 + $1.byteCount } ?? (denseTaps!.count * 4) }
}
