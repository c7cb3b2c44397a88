// The cosine blend toward the pre-noised upscaled previous stage (FreeScale's "tailored self-cascade";
// docs/freescale.md, step 2.3).
import Foundation
import FSTensor

public enum CosineBlend {
    /// c = ((1 + cos(π·(T − t)/T)) / 2)^α, T = the schedule's number of training timesteps (1000 for
    /// VideoCrafter2): c ≈ 1 at the noisiest timesteps, 0 at t = 0.
    public static func factor(timestep t: Int, alpha: Double, trainingTimesteps: Int) -> Double {
        let base = 0.5 * (1 + cos(Double.pi * Double(trainingTimesteps - t) / Double(trainingTimesteps)))
        return pow(base, alpha)
    }

    /// z ← (1 − c)·z + c·x̃ₜ with one c for every element.
    public static func blend(_ z: Tensor, toward xt: Tensor, c: Double) -> Tensor {
        precondition(z.shape == xt.shape, "CosineBlend: \(z.shape) vs \(xt.shape)")
        let cf = Float(c), keep = Float(1 - c)
        return Tensor(shape: z.shape) { dst in
            z.data.withUnsafeBufferPointer { a in
                xt.data.withUnsafeBufferPointer { b in
                    for i in 0..<dst.count { dst[i] = keep * a[i] + cf * b[i] }
                }
            }
        }
    }

    /// Per latent pixel the exponent is m·α + (1 − m)·α_bg (m = mask value, 1 = detail), as the reference's
    /// image pipeline computes it: c = base^(m·α + (1 − m)·α_bg). z [B, C, T, H, W]; mask at the latent grid.
    public static func blend(_ z: Tensor, toward xt: Tensor, timestep t: Int, alpha: Double, alphaBackground: Double,
                             mask: DetailMask, trainingTimesteps: Int) -> Tensor {
        let frames = z.rank == 5 ? z.shape[2] : 1
        let e = exponents(frames: frames, alpha: alpha, detail: mask, alphaBackground: alphaBackground)
        return blend(z, toward: xt, timestep: t, exponents: e, trainingTimesteps: trainingTimesteps)
    }

    /// Exponent planes (one per frame, H·W each, at the masks' grid) for the masked blend: α by default;
    /// with a detail mask m·α + (1 − m)·α_bg; inside an edit mask α_edit (the region is free to change).
    public static func exponents(frames: Int, alpha: Double, detail: DetailMask? = nil, alphaBackground: Double? = nil,
                                 edit: DetailMask? = nil, alphaEdit: Double? = nil) -> [[Float]] {
        let grid = detail ?? edit
        let n = (grid?.height ?? 1) * (grid?.width ?? 1)
        return (0..<frames).map { f in
            var e = [Float](repeating: Float(alpha), count: n)
            if let detail, let bg = alphaBackground {
                let m = detail.plane(frame: f)
                for p in 0..<n { e[p] = Float(Double(m[p]) * alpha + (1 - Double(m[p])) * bg) }
            }
            if let edit, let a = alphaEdit {
                let m = edit.plane(frame: f)
                for p in 0..<n where m[p] >= 0.5 { e[p] = Float(a) }
            }
            return e
        }
    }

    /// z ← (1 − c)·z + c·x̃ₜ with c = base(t)^e per latent pixel; `exponents` holds one H·W plane per frame.
    public static func blend(_ z: Tensor, toward xt: Tensor, timestep t: Int, exponents: [[Float]],
                             trainingTimesteps: Int) -> Tensor {
        precondition(z.shape == xt.shape && z.rank == 5, "CosineBlend: \(z.shape) vs \(xt.shape)")
        let base = factor(timestep: t, alpha: 1, trainingTimesteps: trainingTimesteps)
        let (b, ch, f, h, w) = (z.shape[0], z.shape[1], z.shape[2], z.shape[3], z.shape[4])
        precondition(exponents.count == f && exponents.allSatisfy { $0.count == h * w }, "CosineBlend: exponent planes do not fit \(z.shape)")
        let cPlanes: [[Float]] = exponents.map { plane in plane.map { Float(pow(base, Double($0))) } }
        return Tensor(shape: z.shape) { dst in
            z.data.withUnsafeBufferPointer { a in
                xt.data.withUnsafeBufferPointer { x in
                    for bi in 0..<b {
                        for ci in 0..<ch {
                            for fi in 0..<f {
                                let cp = cPlanes[fi]
                                let off = ((bi * ch + ci) * f + fi) * h * w
                                for p in 0..<(h * w) {
                                    dst[off + p] = (1 - cp[p]) * a[off + p] + cp[p] * x[off + p]
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
