import CBLAS
import FSTensor

/// Convolution kernels the evaluation networks need (I3D's 3-D convolutions, RAFT's 2-D ones with
/// per-axis kernels and asymmetric padding). im2col in output-frame chunks (bounded scratch) + BLAS.sgemm (split over the cores).
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
                                ParallelFor.run(k, minChunk: 8) { rows in
                                    for r in rows {
                                        let dw = r % kw, dh = (r / kw) % kh, dt = (r / (kw * kh)) % kt, ci = r / (kw * kh * kt)
                                        let dst = cpp + r * cols
                                        let sw = stride[2], off = dw - padFront[2]
                                        // Output columns whose input column is inside the frame.
                                        let xLo = off >= 0 ? 0 : (-off + sw - 1) / sw
                                        let xHi = Swift.min(wo, (w - 1 - off) >= 0 ? (w - 1 - off) / sw + 1 : 0)
                                        for ul in 0..<cu {
                                            let u = u0 + ul, ot = u / ho, y = u % ho
                                            let ti = ot * stride[0] - padFront[0] + dt
                                            let hi = y * stride[1] - padFront[1] + dh
                                            let d = dst + ul * wo
                                            if ti < 0 || ti >= t || hi < 0 || hi >= h || xLo >= xHi {
                                                d.update(repeating: 0, count: wo); continue
                                            }
                                            let s = xb + ((ci * t + ti) * h + hi) * w + off
                                            if xLo > 0 { d.update(repeating: 0, count: xLo) }
                                            if sw == 1 {
                                                (d + xLo).update(from: s + xLo, count: xHi - xLo)
                                            } else {
                                                for xo in xLo..<xHi { d[xo] = s[xo * sw] }
                                            }
                                            if xHi < wo { (d + xHi).update(repeating: 0, count: wo - xHi) }
                                        }
                                    }
                                }
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

    /// x [N,C,H,W], weight [O,C,kh,kw] → [N,O,H',W'], zero padding (top/bottom = ph, left/right = pw).
    static func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, stride: Int = 1, padding: (Int, Int) = (0, 0)) -> Tensor {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let w5 = weight.reshaped([weight.shape[0], weight.shape[1], 1, weight.shape[2], weight.shape[3]])
        let y = conv3d(x.reshaped([n, c, 1, h, w]), weight: w5, bias: bias, stride: [1, stride, stride],
                       padFront: [0, padding.0, padding.1], padBack: [0, padding.0, padding.1])
        return y.reshaped([n, y.shape[1], y.shape[3], y.shape[4]])
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
