// FreeScale's scale fusion of one spatial self-attention (docs/freescale.md, step 3; reference: scale_attention.py).
import Foundation
import FSModels
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

public enum ScaleFusion {
    /// Scale-fused self-attention of `x` [B, H·W, C] (B = guidance branches × frames, branch outer).
    /// fused = G(local) + (global − G(global)), G the Gaussian over height, width and channels.
    /// Local outputs are averaged before `to_out` (it is affine, so the average commutes with it).
    public static func fuse(_ x: Tensor, height h: Int, width w: Int, frames: Int, settings: ScaleFusionSettings,
                            rng: inout SplitMix64?, attention m: ProjectedSelfAttention) throws -> Tensor {
        guard x.rank == 3, x.shape[1] == h * w else {
            throw FSError("scale fusion: hidden states \(x.shape) do not hold a \(h)x\(w) token grid")
        }
        let b = x.shape[0]
        let q = m.queries(x), k = m.keys(x), v = m.values(x)
        let inner = v.shape[2]
        let (wh, ww) = settings.window(gridHeight: h, gridWidth: w)
        let windows = FusionWindows.layout(gridHeight: h, gridWidth: w, windowHeight: wh, windowWidth: ww,
                                           rng: &rng)

        // Local branch: attention inside every window (zero tokens where a jittered window reaches into
        // the padding), outputs averaged where windows overlap.
        var value = Tensor(zeros: [b, h, w, inner])
        var count = [Float](repeating: 0, count: h * w)
        localAttention(q: q, k: k, v: v, h: h, w: w, windows: windows, into: &value, count: &count, attention: m)
        divide(&value, by: count, c: inner)
        if settings.temporalSigma > 0 && frames > 1 {
            value = temporalLowPass(value, frames: frames, sigma: settings.temporalSigma)
        }
        let ks = settings.kernelSize
        if ks <= 1 { return m.outputProjection(value.reshaped([b, h * w, inner])) }

        // Global branch.
        let globalA: Tensor
        if settings.fast {
            globalA = stridedGlobal(q: q, k: k, v: v, h: h, w: w, strides: settings.fastStrides, attention: m)
        } else {
            globalA = m.attend(q: q, k: k, v: v)
        }
        let global = m.outputProjection(globalA)

        // G(local) + global − G(global) = global + G(local − global) (G is linear), and
        // local − global = W·(value − globalA) (the bias cancels). G = G_h ∘ G_w ∘ G_c with G_c acting on
        // output channels only, so G_c·W is folded into one [C, inner] weight and the spatial passes run on
        // the inner-dimension difference (they commute with the per-token linear map).
        let kernel = gaussianKernel1D(size: ks, sigma: 1.0)
        let blurredW = channelBlurredWeight(m.outputWeight, kernel: kernel)
        var d = value
        d.data.withUnsafeMutableBufferPointer { dp in
            globalA.data.withUnsafeBufferPointer { gp in
                let n = dp.count
                ParallelFor.run(n, minChunk: 1 << 16) { r in
                    for i in r { dp[i] -= gp[i] }
                }
            }
        }
        let spatial = gaussianBlur(d, kernelSize: ks, sigma: 1.0, axes: [1, 2])
        var out = linear(spatial.reshaped([b, h * w, inner]), weight: blurredW, bias: nil)
        out.data.withUnsafeMutableBufferPointer { op in
            global.data.withUnsafeBufferPointer { gp in
                ParallelFor.run(op.count, minChunk: 1 << 16) { r in
                    for i in r { op[i] += gp[i] }
                }
            }
        }
        return out
    }

    /// G_c·W: the zero-padded 1-D correlation with `kernel` along the output-channel axis of W [C, inner].
    static func channelBlurredWeight(_ wt: Tensor, kernel: [Float]) -> Tensor {
        let c = wt.shape[0], inner = wt.shape[1], half = kernel.count / 2
        return Tensor(shape: [c, inner]) { dst in
            dst.initialize(repeating: 0)
            wt.data.withUnsafeBufferPointer { src in
                for i in 0..<c {
                    for t in 0..<kernel.count {
                        let j = i + t - half
                        if j < 0 || j >= c { continue }
                        let kt = kernel[t]
                        for e in 0..<inner { dst[i * inner + e] += kt * src[j * inner + e] }
                    }
                }
            }
        }
    }

    /// Bytes of window-gathered q/k/v held at once by the batched local branch.
    static let localBatchBudget = 48 << 20

    /// Local branch: attention inside every window (zero tokens where a jittered window reaches into the
    /// padding), summed into `value` with coverage `count`. Windows are gathered side by side into one
    /// batch (in groups bounded by `localBatchBudget`) so each group is one attention call.
    static func localAttention(q: Tensor, k: Tensor, v: Tensor, h: Int, w: Int, windows: [GridWindow],
                               into value: inout Tensor, count: inout [Float], attention m: ProjectedSelfAttention) {
        guard let first = windows.first else { return }
        let b = q.shape[0], cq = q.shape[2], cv = v.shape[2]
        let n = first.height * first.width
        precondition(windows.allSatisfy { $0.height == first.height && $0.width == first.width })
        let perWindow = b * n * (2 * cq + 2 * cv) * MemoryLayout<Float>.size
        let group = Swift.max(1, localBatchBudget / Swift.max(perWindow, 1))
        count = windowCoverage(gridHeight: h, gridWidth: w, windows: windows)
        var g0 = 0
        while g0 < windows.count {
            let wins = Array(windows[g0..<Swift.min(windows.count, g0 + group)])
            g0 += wins.count
            func gather(_ t: Tensor) -> Tensor { gatherWindows(t, gridHeight: h, gridWidth: w, windows: wins) }
            let a = m.attend(q: gather(q), k: gather(k), v: gather(v))
            scatterAddWindows(a, into: &value, gridHeight: h, gridWidth: w, windows: wins)
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
                scatterRows(y, into: &out, positions)
            }
        }
        return out
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
