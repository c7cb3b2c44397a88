import Foundation
import FSTensor

/// lvdm `FeedForward(dim, glu=True)`: GEGLU `proj` Linear(dim, 8·dim) → value · GELU(gate) (value = first
/// half, gate = second half, exact erf GELU) → Linear(4·dim, dim). Keys `net.0.proj`, `net.2`.
/// Runs over row chunks so the 8·dim-wide intermediate stays small at high resolution.
struct FeedForward {
    let proj: LinearLayer
    let out: LinearLayer
    let dim: Int

    init(_ w: WeightScope, dim: Int) {
        self.dim = dim
        proj = LinearLayer(w, "net.0.proj", in: dim, out: 8 * dim)
        out = LinearLayer(w, "net.2", in: 4 * dim, out: dim)
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        let rows = x.count / dim
        let chunkRows = Swift.max(64, (1 << 22) / (8 * dim))   // ≈ 16 MB of GEGLU activations per chunk
        if rows <= chunkRows { return out(geglu(x.reshaped([rows, dim]))).reshaped(x.shape) }
        var result = Tensor(zeros: [rows, dim])
        var r0 = 0
        while r0 < rows {
            let r1 = Swift.min(rows, r0 + chunkRows)
            let part = Tensor(shape: [r1 - r0, dim], data: Array(x.data[(r0 * dim)..<(r1 * dim)]))
            let y = out(geglu(part))
            result.data.withUnsafeMutableBufferPointer { dst in
                y.data.withUnsafeBufferPointer { src in
                    (dst.baseAddress! + r0 * dim).update(from: src.baseAddress!, count: src.count)
                }
            }
            r0 = r1
        }
        return result.reshaped(x.shape)
    }

    /// `[rows, dim]` → `[rows, 4·dim]`: value · GELU(gate).
    private func geglu(_ x: Tensor) -> Tensor { FSTensor.geglu(proj(x), inner: 4 * dim) }
}
