import Foundation
import FSTensor

/// The training-time schedule of lvdm's `DDPM.register_schedule` ("linear" betas) plus VideoCrafter2's
/// `scale_arr`, all in Float64.
public struct DDPMSchedule: Sendable {
    public let config: ScheduleConfig
    public let betas: [Double]
    public let alphasCumprod: [Double]
    public let alphasCumprodPrev: [Double]
    public let sqrtAlphasCumprod: [Double]
    public let sqrtOneMinusAlphasCumprod: [Double]
    /// use_scale's per-timestep latent scale (all ones without use_scale).
    public let scaleArr: [Double]

    public init(config: ScheduleConfig = .videoCrafter2) throws {
        try config.validate()
        self.config = config
        let n = config.timesteps
        // "linear" schedule: linspace over the square roots, then squared.
        let s0 = config.linearStart.squareRoot(), s1 = config.linearEnd.squareRoot()
        betas = (0..<n).map { i in
            let v = s0 + (s1 - s0) * Double(i) / Double(n - 1)
            return v * v
        }
        var acc = 1.0
        alphasCumprod = betas.map { b in acc *= (1 - b); return acc }
        alphasCumprodPrev = [1.0] + alphasCumprod.dropLast()
        sqrtAlphasCumprod = alphasCumprod.map { $0.squareRoot() }
        sqrtOneMinusAlphasCumprod = alphasCumprod.map { (1 - $0).squareRoot() }
        if config.useScale {
            let mid = config.midStep
            let ramp = (0..<mid).map { i in
                mid == 1 ? config.scaleA : config.scaleA + (config.scaleB - config.scaleA) * Double(i) / Double(mid - 1)
            }
            // Reproduced on purpose: without fix_scale_bug the flat part has `timesteps` entries, not
            // timesteps − mid_step, so scale_arr holds 1400 values for VideoCrafter2 (only < 1000 are read).
            let flat = config.fixScaleBug ? n - mid : n
            scaleArr = ramp + [Double](repeating: config.scaleB, count: flat)
        } else {
            scaleArr = [Double](repeating: 1, count: n)
        }
    }

    /// q_sample: x_t = √ᾱ_t · scale_arr[t] · x₀ + √(1 − ᾱ_t) · noise (VideoCrafter2's forward noising).
    public func qSample(_ x0: Tensor, timestep t: Int, noise: Tensor) throws -> Tensor {
        guard t >= 0, t < config.timesteps else {
            throw FSError("q_sample: timestep \(t) outside 0…\(config.timesteps - 1)")
        }
        guard x0.shape == noise.shape else { throw FSError("q_sample: x0 \(x0.shape) and noise \(noise.shape) differ") }
        let a = Float(sqrtAlphasCumprod[t] * scaleArr[t]), b = Float(sqrtOneMinusAlphasCumprod[t])
        return Tensor(shape: x0.shape, unsafeUninitialized: { out in
            x0.data.withUnsafeBufferPointer { xp in
                noise.data.withUnsafeBufferPointer { np in
                    for i in 0..<out.count { out[i] = a * xp[i] + b * np[i] }
                }
            }
        })
    }

    /// q_sample with one timestep per batch element (`x0` is `[b, …]`).
    public func qSample(_ x0: Tensor, timesteps: [Int], noise: Tensor) throws -> Tensor {
        let b = x0.shape.first ?? 0
        guard timesteps.count == b else { throw FSError("q_sample: \(timesteps.count) timesteps for batch \(b)") }
        let parts = try (0..<b).map { i in
            try qSample(x0.slice(axis: 0, i..<(i + 1)), timestep: timesteps[i], noise: noise.slice(axis: 0, i..<(i + 1)))
        }
        return Tensor.concat(parts, axis: 0)
    }
}
