import Foundation
import FSTensor

/// The DDIM loop. It never sees a model: it calls a denoiser closure (x, timestep, step) → guided ε and a
/// noise closure (step, shape) → N(0, I) draw, and reports every step (for progress bars).
public struct DDIMSampler: Sendable {
    public let schedule: DDIMSchedule

    public init(schedule: DDIMSchedule) { self.schedule = schedule }

    /// What `onStep` receives after each step.
    public struct Progress {
        /// Sampling step just finished (0 = first, noisiest).
        public let step: Int
        public let steps: Int
        public let timestep: Int
        public let x: Tensor
        public let predX0: Tensor
    }

    public typealias Denoiser = (_ x: Tensor, _ timestep: Int, _ step: Int) throws -> Tensor
    public typealias NoiseSource = (_ step: Int, _ shape: [Int]) throws -> Tensor

    /// Runs sampling steps `from`..<count starting at `x` (x_T for from = 0).
    public func sample(from x: Tensor, startStep: Int = 0, denoiser: Denoiser, noise: NoiseSource,
                       onStep: ((Progress) throws -> Void)? = nil) throws -> Tensor {
        let n = schedule.count
        guard startStep >= 0, startStep <= n else { throw FSError("DDIM: start step \(startStep) outside 0…\(n)") }
        var z = x
        for i in startStep..<n {
            z = try step(z, step: i, denoiser: denoiser, noise: noise, onStep: onStep)
        }
        return z
    }

    /// One sampling step i (DDIM index count − 1 − i).
    public func step(_ z: Tensor, step i: Int, denoiser: Denoiser, noise: NoiseSource,
                     onStep: ((Progress) throws -> Void)? = nil) throws -> Tensor {
        let index = schedule.index(ofStep: i)
        let t = schedule.timesteps[index]
        let eps = try denoiser(z, t, i)
        let draw: Tensor? = schedule.sigmas[index] == 0 ? nil : try noise(i, z.shape)
        let r = try schedule.step(x: z, eps: eps, index: index, noise: draw)
        try onStep?(Progress(step: i, steps: schedule.count, timestep: t, x: r.xPrev, predX0: r.predX0))
        return r.xPrev
    }
}
