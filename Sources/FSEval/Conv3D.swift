import CBLAS
import FSTensor

/// Convolution kernels the evaluation networks need (I3D's 3-D convolutions, RAFT's 2-D ones with
/// per-axis kernels). 3-D: im2col (FSTensor's 2-D im2col per input frame) in chunks of output rows
/// (bounded scratch) + BLAS.sgemm (split over the cores); 2-D: FSTensor's `conv2d`.
public enum EvalConv {
    /// Scratch budget for one im2col chunk, in floats (64 MB).
    static let scratchFloats = 16 << 20
    /// Multiply-add FLOPs (2·O·K per output element) of every convolution run so far (for benchmarks).
    nonisolated(unsafe) public static var flops: Double = 0

    /// x [N,C,T,H,W], weight [O,C,kt,kh,kw] → [N,O,T',H',W'] with zero padding `padFront`/`padBack`
    /// per axis (t,h,w) and `stride` per axis.
    static func conv3d(_ x: Tensor, weight: Tensor, bias: Tensor?,
                       stride: [Int] = [1, 1, 1], padFront: [Int] = [0, 0, 0], padBack: [Int] = [0, 0, 0]) -> Tensor {
        precondition(x.rank == 5 && weight.rank == 5 && x.shape[1] == weight.shape[1], "conv3d: bad shapes \(x.shape) \(weight.shape)")
        let (n, c, t, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], x.shape[4])
        let (o, kt, kh, kw) = (weight.shape[0], weight.shape[2], weight.shape[3], weight.shape[4])
        let to = (t + padFront[0] + padBack[0] - kt) / stride[0] + 1
        let ho = (h + padFront[1] + padBack[1] - kh) / stride[1] + 1
        let wo = (w + padFront[2] + padBack[2] - kw) / stride[2] + 1
        precondition(to > 0 && ho > 0 && wo > 0, "conv3d: empty output")
        let k = c * kt * kh * kw
        let hw = ho * wo
        var out = Tensor(zeros: [n, o, to, ho, wo])
        flops += 2 * Double(n * o * to * hw) * Double(k)
        let pointwise = kt == 1 && kh == 1 && kw == 1 && stride == [1, 1, 1] && padFront == [0, 0, 0] && padBack == [0, 0, 0]
        x.data.withUnsafeBufferPointer { xp in
            weight.data.withUnsafeBufferPointer { wp in
                out.data.withUnsafeMutableBufferPointer { op in
                    for b in 0..<n {
                        let xb = xp.baseAddress! + b * c * t * h * w
                        let ob = op.baseAddress! + b * o * to * hw
                        if pointwise {
                            BLAS.sgemm(transA: false, transB: false, m: o, n: t * h * w, k: c,
                                       a: wp.baseAddress!, lda: k, b: xb, ldb: t * h * w, c: ob, ldc: t * h * w)
                            continue
                        }
                        // Chunks of whole output rows (unit u = t·H' + y), so scratch stays ≤ scratchFloats.
                        let units = to * ho
                        let chunk = Swift.max(1, Swift.min(units, scratchFloats / Swift.max(1, k * wo)))
                        var col = [Float](unsafeUninitializedCapacity: k * chunk * wo) { _, n in n = k * chunk * wo }
                        var u0 = 0
                        while u0 < units {
                            let cu = Swift.min(chunk, units - u0)
                            let cols = cu * wo
                            col.withUnsafeMutableBufferPointer { cp in
                                let cpp = cp.baseAddress!
                                im2col3D(xb, c: c, t: t, h: h, w: w, kt: kt, kh: kh, kw: kw, stride: stride,
                                         padFront: padFront, ho: ho, wo: wo, units: u0..<(u0 + cu), col: cpp)
                                BLAS.sgemm(transA: false, transB: false, m: o, n: cols, k: k,
                                           a: wp.baseAddress!, lda: k, b: cpp, ldb: cols, c: ob + u0 * wo, ldc: to * hw)
                            }
                            u0 += cu
                        }
                    }
                }
            }
        }
        if let bias { addChannelBias(&out, bias.data) }
        return out
    }

    /// The im2col columns of output rows `units` (unit u = t'·H' + y') of a 3-D conv of one image `x [C,T,H,W]`:
    /// row r = ((ci·kt + dt)·kh + dy)·kw + dx, column (u − units.lowerBound)·W' + x'. Each (ci, dt) block of
    /// rows is FSTensor's 2-D im2col of input frame t'·st − pt + dt (zero when that frame is padding).
    static func im2col3D(_ x: UnsafePointer<Float>, c: Int, t: Int, h: Int, w: Int, kt: Int, kh: Int, kw: Int,
                         stride: [Int], padFront: [Int], ho: Int, wo: Int, units: Range<Int>,
                         col: UnsafeMutablePointer<Float>) {
        let cols = units.count * wo, taps = kh * kw
        ParallelFor.run(c * kt) { blocks in
            for blk in blocks {
                let ci = blk / kt, dt = blk % kt
                let dst = col + blk * taps * cols
                var u = units.lowerBound
                while u < units.upperBound {
                    // The run of units inside output frame ot: output rows y0..<y1.
                    let ot = u / ho, y0 = u % ho, y1 = Swift.min(ho, y0 + units.upperBound - u)
                    let off = (u - units.lowerBound) * wo
                    let ti = ot * stride[0] - padFront[0] + dt
                    if ti < 0 || ti >= t {
                        for r in 0..<taps { (dst + r * cols + off).update(repeating: 0, count: (y1 - y0) * wo) }
                    } else {
                        im2colRows(src: x + (ci * t + ti) * h * w, c: 1, h: h, w: w, kh: kh, kw: kw,
                                   sh: stride[1], sw: stride[2], ph: padFront[1], pw: padFront[2], dh: 1, dw: 1,
                                   ow: wo, oy0: y0, oy1: y1, rows: 0..<taps, col: dst + off, ldCol: cols)
                    }
                    u += y1 - y0
                }
            }
        }
    }

    /// x [N,C,H,W], weight [O,C,kh,kw] → [N,O,H',W'], zero padding (top/bottom = ph, left/right = pw):
    /// FSTensor's `conv2d`, counted in `flops`.
    static func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, stride: Int = 1, padding: (Int, Int) = (0, 0)) -> Tensor {
        let y = FSTensor.conv2d(x, weight: weight, bias: bias, stride: (stride, stride), padding: padding, dilation: (1, 1))
        flops += 2 * Double(y.count) * Double(weight.count / weight.shape[0])
        return y
    }

    /// Adds bias[c] over axis 1 of an [N,C,...] tensor, in place.
    static func addChannelBias(_ x: inout Tensor, _ bias: [Float]) {
        let n = x.shape[0], c = x.shape[1], inner = x.count / Swift.max(1, n * c)
        x.data.withUnsafeMutableBufferPointer { p in
            for b in 0..<n { for ch in 0..<c {
                let base = (b * c + ch) * inner, v = bias[ch]
                for i in 0..<inner { p[base + i] += v }
            } }
        }
    }

    /// Per-channel affine y = x·scale[c] + shift[c] over axis 1 of [N,C,...], optionally followed by ReLU.
    static func channelAffine(_ x: inout Tensor, scale: [Float], shift: [Float], relu: Bool) {
        let n = x.shape[0], c = x.shape[1], inner = x.count / Swift.max(1, n * c)
        x.data.withUnsafeMutableBufferPointer { p in
            let pp = p.baseAddress!
            ParallelFor.run(n * c) { r in
                for nc in r {
                    let ch = nc % c, a = scale[ch], s = shift[ch], base = pp + nc * inner
                    if relu { for i in 0..<inner { base[i] = Swift.max(base[i] * a + s, 0) } }
                    else { for i in 0..<inner { base[i] = base[i] * a + s } }
                }
            }
        }
    }

    /// Eval-mode BatchNorm folded into a per-channel scale and shift (computed in Float64).
    static func batchNormFold(weight: Tensor, bias: Tensor, mean: Tensor, variance: Tensor, eps: Double) -> (scale: [Float], shift: [Float]) {
        var sc = [Float](), sh = [Float]()
        for i in 0..<weight.count {
            let a = Double(weight.data[i]) / (Double(variance.data[i]) + eps).squareRoot()
            sc.append(Float(a))
            sh.append(Float(Double(bias.data[i]) - Double(mean.data[i]) * a))
        }
        return (sc, sh)
    }
}
