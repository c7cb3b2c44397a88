import FSCompute
import FSTensor

/// One op checked device-vs-CPU: random inputs, the op on any backend, and its tolerance (relative to the
/// reference's largest magnitude): bf16 GEMM operands give ~2⁻⁸ relative rounding, fp32 kernels ~1e-6.
struct OpCase {
    let name: String
    let tolerance: Double
    /// Multiply-adds, for the GFLOP/s column (0 when not meaningful).
    let flops: Double
    let inputs: [Tensor]
    /// Weights (uploaded with uploadWeight: bf16 on the GPU).
    let weights: [Tensor]
    let run: (ComputeBackend, [DeviceTensor], [DeviceTensor]) throws -> DeviceTensor
}

/// Sizes: `real` are the shapes of VideoCrafter2 at 16×320×512 latents (40×64) / 640×1024 (80×128);
/// `small` are the same ops at toy sizes for the CPU rehearsal.
enum OpCases {
    static let gemmTolerance = 2e-2
    static let kernelTolerance = 1e-4

    static func make(sizes: String, seed: UInt64) -> [OpCase] {
        var rng = SplitMix64(seed: seed)
        func rand(_ shape: [Int], scale: Float = 1) -> Tensor {
            Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in (Float(rng.next() >> 40) / Float(1 << 24) * 2 - 1) * scale })
        }
        let real = sizes == "real"
        // (frames, channels, latent h, latent w, tokens of the text, heads, head width)
        let (t, c, h, w) = real ? (16, 320, 40, 64) : (2, 16, 6, 8)
        let (ctx, heads) = (77, real ? 5 : 2)
        let tokens = h * w
        let rows = real ? 8192 : 48
        let bigH = 2 * h, bigW = 2 * w
        var cases: [OpCase] = []
        func add(_ name: String, _ tol: Double, flops: Double = 0, _ inputs: [Tensor], _ weights: [Tensor] = [],
                 _ run: @escaping (ComputeBackend, [DeviceTensor], [DeviceTensor]) throws -> DeviceTensor) {
            cases.append(OpCase(name: name, tolerance: tol, flops: flops, inputs: inputs, weights: weights, run: run))
        }
        add("linear \(rows)x\(c)→\(4 * c)", gemmTolerance, flops: 2.0 * Double(rows * c * 4 * c),
            [rand([rows, c])], [rand([4 * c, c], scale: 0.05), rand([4 * c])]) { b, i, wt in
            try b.linear(i[0], weight: wt[0], bias: wt[1])
        }
        add("matmul batched q·kᵀ", gemmTolerance, flops: 2.0 * Double(t * tokens * tokens * (c / heads)),
            [rand([t, tokens, c / heads]), rand([t, tokens, c / heads])]) { b, i, _ in
            try b.matmul(i[0], i[1], transposeB: true)
        }
        add("conv2d 3x3 \(c)ch \(h)x\(w) ×\(t)", gemmTolerance, flops: 2.0 * Double(t * c * c * 9 * tokens),
            [rand([t, c, h, w])], [rand([c, c, 3, 3], scale: 0.05), rand([c])]) { b, i, wt in
            try b.conv2d(i[0], weight: wt[0], bias: wt[1], stride: 1, padding: 1)
        }
        add("conv2d 3x3 stride 2", gemmTolerance, [rand([t, c, h, w])], [rand([c, c, 3, 3], scale: 0.05), rand([c])]) { b, i, wt in
            try b.conv2d(i[0], weight: wt[0], bias: wt[1], stride: 2, padding: 1)
        }
        add("conv2d 3x3 dilation 2 (FreeScale)", gemmTolerance, [rand([t, c, h, w])], [rand([c, c, 3, 3], scale: 0.05), rand([c])]) { b, i, wt in
            try b.conv2d(i[0], weight: wt[0], bias: wt[1], stride: 1, padding: 2, dilation: 2)
        }
        add("temporal conv k3 \(c)ch", gemmTolerance, flops: 2.0 * Double(t * c * c * 3 * tokens),
            [rand([1, c, t, h, w])], [rand([c, c, 3, 1, 1], scale: 0.05), rand([c])]) { b, i, wt in
            try b.temporalConv(i[0], weight: wt[0], bias: wt[1], padding: 1)
        }
        add("group norm 32", kernelTolerance, [rand([1, c, t, h, w], scale: 3)], [rand([c]), rand([c])]) { b, i, wt in
            try b.groupNorm(i[0], groups: Swift.min(32, c), weight: wt[0], bias: wt[1], eps: 1e-6)
        }
        add("layer norm", kernelTolerance, [rand([rows, c], scale: 3)], [rand([c]), rand([c])]) { b, i, wt in
            try b.layerNorm(i[0], weight: wt[0], bias: wt[1], eps: 1e-5)
        }
        add("softmax", kernelTolerance, [rand([rows, ctx], scale: 8)]) { b, i, _ in try b.softmax(i[0]) }
        add("silu", kernelTolerance, [rand([t * c * tokens], scale: 6)]) { b, i, _ in try b.silu(i[0]) }
        add("gelu", kernelTolerance, [rand([t * c * tokens], scale: 6)]) { b, i, _ in try b.gelu(i[0]) }
        add("geglu", kernelTolerance, [rand([rows, 8 * c], scale: 4)]) { b, i, _ in try b.geglu(i[0], inner: 4 * c) }
        add("add", kernelTolerance, [rand([t * c * tokens]), rand([t * c * tokens])]) { b, i, _ in try b.add(i[0], i[1]) }
        add("mul", kernelTolerance, [rand([t * c * tokens]), rand([t * c * tokens])]) { b, i, _ in try b.mul(i[0], i[1]) }
        add("scale", kernelTolerance, [rand([t * c * tokens])]) { b, i, _ in try b.scale(i[0], by: 0.18215) }
        add("guidance axpby", kernelTolerance, [rand([2, 4, t, h, w]), rand([2, 4, t, h, w])]) { b, i, _ in
            try b.axpby(i[0], 1 - 12, i[1], 12)
        }
        add("ddim step", kernelTolerance, [rand([1, 4, t, h, w]), rand([1, 4, t, h, w]), rand([1, 4, t, h, w])]) { b, i, _ in
            try b.ddimStep(x: i[0], eps: i[1], noise: i[2], DDIMCoefficients(cx: 1.1, ce: 0.4, cp: 0.9, cd: 0.3, cn: 0.05)).xPrev
        }
        let d = c / heads
        add("self-attention \(tokens) tokens \(heads)×\(d)", kernelTolerance * 10,
            flops: 4.0 * Double(t * tokens * tokens * c),
            [rand([t, tokens, c]), rand([t, tokens, c]), rand([t, tokens, c])]) { b, i, _ in
            try b.attention(q: i[0], k: i[1], v: i[2], heads: heads, scale: 1 / Float(d).squareRoot())
        }
        add("cross-attention \(ctx) keys", kernelTolerance * 10, [rand([t, tokens, c]), rand([t, ctx, c]), rand([t, ctx, c])]) { b, i, _ in
            try b.attention(q: i[0], k: i[1], v: i[2], heads: heads, scale: 1 / Float(d).squareRoot())
        }
        add("temporal attention \(t) frames", kernelTolerance * 10,
            [rand([tokens, t, c]), rand([tokens, t, c]), rand([tokens, t, c])]) { b, i, _ in
            try b.attention(q: i[0], k: i[1], v: i[2], heads: heads, scale: 1 / Float(d).squareRoot())
        }
        for mode in [ResizeMode.nearest, .bilinear, .bicubic] {
            add("resize \(mode.rawValue) \(h)x\(w)→\(bigH)x\(bigW)", kernelTolerance, [rand([1, 4 * t, h, w])]) { b, i, _ in
                try b.resize(i[0], height: bigH, width: bigW, mode: mode)
            }
        }
        add("resize bicubic down", kernelTolerance, [rand([1, 4 * t, bigH, bigW])]) { b, i, _ in
            try b.resize(i[0], height: h, width: w, mode: .bicubic)
        }
        add("gaussian blur 5σ1 (h, w)", kernelTolerance, [rand([1, 4, t, bigH, bigW])]) { b, i, _ in
            try b.gaussianBlur(i[0], kernelSize: 5, sigma: 1, axes: [3, 4])
        }
        let windows = FusionGrid.windows(height: bigH, width: bigW, windowHeight: h, windowWidth: w)
        add("window gather \(windows.count) windows", kernelTolerance, [rand([t, bigH * bigW, c])]) { b, i, _ in
            try b.gatherWindows(i[0], height: bigH, width: bigW, windows: windows)
        }
        add("window scatter-add", kernelTolerance,
            [rand([windows.count * t, h * w, c]), rand([t, bigH * bigW, c])]) { b, i, _ in
            try b.scatterAddWindows(i[0], into: i[1], height: bigH, width: bigW, windows: windows)
        }
        return cases
    }
}

/// Overlapping windows over a grid, with stride half a window and one window past each edge (as FreeScale lays them).
enum FusionGrid {
    static func windows(height: Int, width: Int, windowHeight wh: Int, windowWidth ww: Int) -> [WindowRect] {
        func starts(_ len: Int, _ win: Int) -> [Int] {
            let step = Swift.max(1, win / 2)
            return Array(stride(from: -step / 2, to: len - win / 2, by: step))
        }
        return starts(height, wh).flatMap { top in starts(width, ww).map { WindowRect(top: top, left: $0, height: wh, width: ww) } }
    }
}
