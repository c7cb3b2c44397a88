import FSTensor

/// Layout helpers for the UNet's two views of a clip: frames folded into the batch `[(b·t), C, H, W]`
/// (frame index fastest) and the 5-D video `[b, C, t, H, W]`.
enum VideoLayout {
    /// `[(b·t), C, H, W]` → `[b, C, t, H, W]`.
    static func toVideo(_ x: Tensor, batch b: Int) -> Tensor {
        let t = x.shape[0] / b, c = x.shape[1], h = x.shape[2], w = x.shape[3]
        return x.reshaped([b, t, c, h * w]).permuted([0, 2, 1, 3]).reshaped([b, c, t, h, w])
    }

    /// `[b, C, t, H, W]` → `[(b·t), C, H, W]`.
    static func toFrames(_ x: Tensor) -> Tensor {
        let b = x.shape[0], c = x.shape[1], t = x.shape[2], h = x.shape[3], w = x.shape[4]
        return x.reshaped([b, c, t, h * w]).permuted([0, 2, 1, 3]).reshaped([b * t, c, h, w])
    }

    /// Rows of `x [b, ...]` each repeated `times` times consecutively (torch `repeat_interleave(dim=0)`).
    static func repeatInterleave(_ x: Tensor, times: Int) -> Tensor {
        if times == 1 { return x }
        let b = x.shape[0], inner = x.count / Swift.max(b, 1)
        var shape = x.shape; shape[0] = b * times
        return Tensor(shape: shape) { dst in
            x.data.withUnsafeBufferPointer { src in
                for i in 0..<b {
                    for r in 0..<times {
                        (dst.baseAddress! + (i * times + r) * inner).update(from: src.baseAddress! + i * inner, count: inner)
                    }
                }
            }
        }
    }

    /// `x[n, c, ...] += e[n, c]` (per-sample channel bias, broadcast over the spatial axes).
    static func addPerSampleChannelBias(_ x: inout Tensor, _ e: Tensor) {
        let n = x.shape[0], c = x.shape[1], inner = x.count / Swift.max(n * c, 1)
        precondition(e.shape == [n, c])
        x.data.withUnsafeMutableBufferPointer { dst in
            e.data.withUnsafeBufferPointer { eb in
                ParallelFor.run(n * c, minChunk: 8) { range in
                    for nc in range {
                        let v = eb[nc]
                        let p = dst.baseAddress! + nc * inner
                        for j in 0..<inner { p[j] += v }
                    }
                }
            }
        }
    }
}
