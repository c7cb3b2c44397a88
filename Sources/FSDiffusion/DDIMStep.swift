import Foundation
import FSTensor

/// Classifier-free guidance as lvdm combines the two branches: e = e_uncond + g·(e_cond − e_uncond).
public enum Guidance {
    public static func combine(cond: Tensor, uncond: Tensor, scale: Double) throws -> Tensor {
        guard cond.shape == uncond.shape else { throw FSError("guidance: cond \(cond.shape) and uncond \(uncond.shape) differ") }
        let g = Float(scale)
        return Tensor(shape: cond.shape, unsafeUninitialized: { out in
            cond.data.withUnsafeBufferPointer { c in
                uncond.data.withUnsafeBufferPointer { u in
                    for i in 0..<out.count { out[i] = u[i] + g * (c[i] - u[i]) }
                }
            }
        })
    }
}

/// One DDIM update (lvdm `p_sample_ddim`, eps parameterization, VideoCrafter2's use_scale).
public struct DDIMStepResult {
    public let xPrev: Tensor
    /// pred_x0 after the division by scale_t, as the reference returns it.
    public let predX0: Tensor
}

extension DDIMSchedule {
    /// x_prev from x at DDIM `index` given the (already guided) ε and the step's N(0, I) draw
    /// (`noise` may be nil when σ = 0).
    public func step(x: Tensor, eps: Tensor, index: Int, noise: Tensor?) throws -> DDIMStepResult {
        guard index >= 0, index < count else { throw FSError("DDIM: index \(index) outside 0…\(count - 1)") }
        guard x.shape == eps.shape else { throw FSError("DDIM: x \(x.shape) and ε \(eps.shape) differ") }
        let sigma = sigmas[index]
        if let noise, noise.shape != x.shape { throw FSError("DDIM: noise \(noise.shape) and x \(x.shape) differ") }
        if noise == nil && sigma != 0 { throw FSError("DDIM: step \(index) has σ = \(sigma) but no noise was given") }
        let a = alphas[index], ap = alphasPrev[index]
        let useScale = ddpm.config.useScale
        let st = useScale ? scaleArr[index] : 1, stp = useScale ? scaleArrPrev[index] : 1
        // pred_x0 = (x − √(1−a)·e) / √a / scale_t ; x_prev = √a_prev·scale_prev·pred_x0 + √(1−a_prev−σ²)·e + σ·noise
        let cx = Float(1 / (a.squareRoot() * st))
        let ce = Float(sqrtOneMinusAlphas[index] / (a.squareRoot() * st))
        let cp = Float(ap.squareRoot() * stp)
        let cd = Float(Swift.max(0, 1 - ap - sigma * sigma).squareRoot())
        let cn = Float(sigma)
        var pred = Tensor(zeros: x.shape)
        var xp = Tensor(zeros: x.shape)
        let n = x.count
        x.data.withUnsafeBufferPointer { xb in
            eps.data.withUnsafeBufferPointer { eb in
                pred.data.withUnsafeMutableBufferPointer { pb in
                    xp.data.withUnsafeMutableBufferPointer { ob in
                        for i in 0..<n {
                            let p = cx * xb[i] - ce * eb[i]
                            pb[i] = p
                            ob[i] = cp * p + cd * eb[i]
                        }
                        if let noise {
                            noise.data.withUnsafeBufferPointer { nb in for i in 0..<n { ob[i] += cn * nb[i] } }
                        }
                    }
                }
            }
        }
        return DDIMStepResult(xPrev: xp, predX0: pred)
    }
}
