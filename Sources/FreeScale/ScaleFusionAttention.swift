// FreeScale's scale fusion of one spatial self-attention (DESIGN §3; reference: scale_attention.py).
import Foundation
import FSTensor

/// Settings of scale fusion for one upper stage.
public struct ScaleFusionSettings: Sendable, Equatable {
    /// Upscale factor per side, stage latent size / base latent size (need not be an integer).
    public var scaleH: Double
    public var scaleW: Double
    /// Fast mode: the global branch as s_h·s_w strided sub-grid attentions.
    public var fast: Bool
    /// Seeded window jitter (off for the parity fixture).
    public var jitter: Bool
    /// σ (in frames) of an optional Gaussian low-pass of the local branch across frames; 0 = off.
    public var temporalSigma: Double

    public init(scaleH: Double, scaleW: Double, fast: Bool = false, jitter: Bool = true, temporalSigma: Double = 0) {
        self.scaleH = scaleH; self.scaleW = scaleW; self.fast = fast; self.jitter = jitter
        self.temporalSigma = temporalSigma
    }

    /// Gaussian kernel size 2·⌈s⌉ − 1 with s the larger side factor (the reference's `2*current_scale_num-1`).
    public var kernelSize: Int { Swift.max(1, 2 * Int(Swift.max(scaleH, scaleW).rounded(.up)) - 1) }
    /// Sub-grid strides of fast mode (round(s) per side, at least 1).
    public var fastStrides: (Int, Int) { (Swift.max(1, Int(scaleH.rounded())), Swift.max(1, Int(scaleW.rounded()))) }

    /// The local window at a token grid: the base latent grid at that UNet level, i.e. grid / s per side.
    public func window(gridHeight h: Int, gridWidth w: Int) -> (Int, Int) {
        (Swift.min(h, Swift.max(1, Int((Double(h) / scaleH).rounded()))),
         Swift.min(w, Swift.max(1, Int((Double(w) / scaleW).rounded()))))
    }
}

/// A self-attention module split into its stages, so scale fusion can project all tokens once and run
/// attention on windows / sub-grids of the projections (to_q/to_k/to_v have no bias, so a zero-padded
/// token projects to zero — the same as running the module on a zero-padded window).
public protocol ProjectedSelfAttention {
    func queries(_ x: Tensor) -> Tensor
    func keys(_ x: Tensor) -> Tensor
    func values(_ x: Tensor) -> Tensor
    func attend(q: Tensor, k: Tensor, v: Tensor) -> Tensor
    func outputProjection(_ x: Tensor) -> Tensor
}

public enum ScaleFusion {
    /// Scale-fused self-attention of `x` [B, H·W, C] (B = guidance branches × frames, branch outer).
    /// fused = G(local) + (global − G(global)), G the Gaussian over height, width and channels.
    /// Local outputs are averaged before `to_out` (it is affine, so the average commutes with it).
    public static func fuse(_ x: Tensor, height h: Int, width w: Int, frames: Int, settings: ScaleFusionSettings,
                            rng: inout SplitMix64?, attention m: ProjectedSelfAttention) throws -> Tensor {
        guard x.rank == 3, x.shape[1] == h * w else {
            throw FSError("scale fusion: hidden states \(x.shape) do not hold a \(h)x\(w) token grid")
        }
        let b = x.shape[0], c = x.shape[2]
        let q = m.queries(x), k = m.keys(x), v = m.values(x)
        let inner = v.shape[2]
        let (wh, ww) = settings.window(gridHeight: h, gridWidth: w)
        let windows = FusionWindows.layout(gridHeight: h, gridWidth: w, windowHeight: wh, windowWidth: ww,
                                           rng: &rng)

        // Local branch: attention inside every window (zero tokens where a jittered window reaches into
        // the padding), outputs averaged where windows overlap.
        var value = Tensor(zeros: [b, h, w, inner])
        var count = [Float](repeating: 0, count: h * w)
        for win in windows {
            let a = m.attend(q: gather(q, h: h, w: w, window: win), k: gather(k, h: h, w: w, window: win),
                             v: gather(v, h: h, w: w, window: win))
            scatterAdd(a, into: &value, h: h, w: w, window: win, count: &count)
        }
        divide(&value, by: count, c: inner)
        if settings.temporalSigma > 0 && frames > 1 {
            value = temporalLowPass(value, frames: frames, sigma: settings.temporalSigma)
        }
        let local = m.outputProjection(value.reshaped([b, h * w, inner]))

        // Global branch.
        let globalA: Tensor
        if settings.fast {
            globalA = stridedGlobal(q: q, k: k, v: v, h: h, w: w, strides: settings.fastStrides, attention: m)
        } else {
            globalA = m.attend(q: q, k: k, v: v)
        }
        let global = m.outputProjection(globalA)

        // G(local) + global − G(global) = global + G(local − global) (G is linear).
        let ks = settings.kernelSize
        if ks <= 1 { return local }
        let diff = (local - global).reshaped([b, h, w, c])
        let blurred = gaussianBlur(diff, kernelSize: ks, sigma: 1.0, axes: [1, 2, 3])
        return global + blurred.reshaped([b, h * w, c])
    }

    /// Tokens of one window [B, wh·ww, C]; positions outside the grid are zero (the reference's padding).
    static func gather(_ x: Tensor, h: Int, w: Int, window: FusionWindow) -> Tensor {
        let b = x.shape[0], c = x.shape[2]
        let n = window.height * window.width
        return Tensor(shape: [b, n, c]) { dst in
            x.data.withUnsafeBufferPointer { src in
                for bi in 0..<b {
                    for i in 0..<window.height {
                        let gy = window.top + i
                        for j in 0..<window.width {
                            let gx = window.left + j
                            let d = dst.baseAddress! + ((bi * n) + i * window.width + j) * c
                            if gy < 0 || gy >= h || gx < 0 || gx >= w {
                                d.update(repeating: 0, count: c)
                            } else {
                                d.update(from: src.baseAddress! + ((bi * h + gy) * w + gx) * c, count: c)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Adds a window's output into the grid (padding positions dropped) and counts coverage.
    static func scatterAdd(_ y: Tensor, into value: inout Tensor, h: Int, w: Int, window: FusionWindow,
                           count: inout [Float]) {
        let b = y.shape[0], c = y.shape[2], n = window.height * window.width
        y.data.withUnsafeBufferPointer { src in
            value.data.withUnsafeMutableBufferPointer { dst in
                for i in 0..<window.height {
                    let gy = window.top + i
                    if gy < 0 || gy >= h { continue }
                    for j in 0..<window.width {
                        let gx = window.left + j
                        if gx < 0 || gx >= w { continue }
                        count[gy * w + gx] += 1
                        for bi in 0..<b {
                            let s = src.baseAddress! + ((bi * n) + i * window.width + j) * c
                            let d = dst.baseAddress! + ((bi * h + gy) * w + gx) * c
                            for k in 0..<c { d[k] += s[k] }
                        }
                    }
                }
            }
        }
    }

    static func divide(_ value: inout Tensor, by count: [Float], c: Int) {
        let hw = count.count, b = value.shape[0]
        value.data.withUnsafeMutableBufferPointer { d in
            for bi in 0..<b {
                for p in 0..<hw where count[p] > 0 {
                    let inv = 1 / count[p]
                    let base = (bi * hw + p) * c
                    for k in 0..<c { d[base + k] *= inv }
                }
            }
        }
    }

    /// Fast-mode global branch: each strided sub-grid `[a::sh, b::sw]` attended on its own
    /// (returns attention outputs before `to_out`).
    static func stridedGlobal(q: Tensor, k: Tensor, v: Tensor, h: Int, w: Int, strides: (Int, Int),
                              attention m: ProjectedSelfAttention) -> Tensor {
        let b = v.shape[0], c = v.shape[2]
        let (sh, sw) = strides
        var out = Tensor(zeros: [b, h * w, c])
        for a in 0..<Swift.min(sh, h) {
            for bo in 0..<Swift.min(sw, w) {
                let rows = Array(stride(from: a, to: h, by: sh)), cols = Array(stride(from: bo, to: w, by: sw))
                let positions = rows.flatMap { r in cols.map { r * w + $0 } }
                let y = m.attend(q: gatherRows(q, positions), k: gatherRows(k, positions), v: gatherRows(v, positions))
                let n = positions.count
                y.data.withUnsafeBufferPointer { src in
                    out.data.withUnsafeMutableBufferPointer { dst in
                        for bi in 0..<b {
                            for (i, p) in positions.enumerated() {
                                (dst.baseAddress! + (bi * h * w + p) * c)
                                    .update(from: src.baseAddress! + (bi * n + i) * c, count: c)
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Rows `positions` of x [B, N, C] → [B, positions.count, C].
    static func gatherRows(_ x: Tensor, _ positions: [Int]) -> Tensor {
        let b = x.shape[0], nIn = x.shape[1], c = x.shape[2], n = positions.count
        return Tensor(shape: [b, n, c]) { dst in
            x.data.withUnsafeBufferPointer { src in
                for bi in 0..<b {
                    for (i, p) in positions.enumerated() {
                        (dst.baseAddress! + (bi * n + i) * c).update(from: src.baseAddress! + (bi * nIn + p) * c, count: c)
                    }
                }
            }
        }
    }

    /// Gaussian low-pass across frames of [B, ...] with B = branches × frames (branch outer); weights
    /// renormalised at the clip's ends so edge frames keep their level.
    static func temporalLowPass(_ x: Tensor, frames: Int, sigma: Double) -> Tensor {
        let b = x.shape[0]
        guard b % frames == 0 else { return x }
        let per = x.count / b
        let radius = Swift.max(1, Int((2 * sigma).rounded(.up)))
        let taps = (-radius...radius).map { Float(exp(-Double($0 * $0) / (2 * sigma * sigma))) }
        return Tensor(shape: x.shape) { dst in
            x.data.withUnsafeBufferPointer { src in
                for br in 0..<(b / frames) {
                    for t in 0..<frames {
                        var wsum: Float = 0
                        let d = dst.baseAddress! + (br * frames + t) * per
                        d.update(repeating: 0, count: per)
                        for (k, wt) in taps.enumerated() {
                            let u = t + k - radius
                            if u < 0 || u >= frames { continue }
                            wsum += wt
                            let s = src.baseAddress! + (br * frames + u) * per
                            for i in 0..<per { d[i] += wt * s[i] }
                        }
                        let inv = 1 / wsum
                        for i in 0..<per { d[i] *= inv }
                    }
                }
            }
        }
    }
}
