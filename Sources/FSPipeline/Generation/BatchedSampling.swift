import Foundation
import FSDiffusion
import FSModels
import FSTensor

/// VideoCrafter's `--bs`: several text-to-video runs — different prompts, negative prompts and seeds, the same
/// model, size, frames, steps, η, guidance and fps conditioning — denoised together, every item and both
/// guidance branches in one UNet call per step. Each item keeps its own seeded noise (x_T and every step's
/// η-noise from its own seed's streams), so its result equals its batch-1 run within float tolerance (the UNet
/// treats batch entries independently; only BLAS blocking over the larger batch differs).
public enum BatchedSampling {
    /// Refuses runs that cannot share a sampler: other sizes, schedules or guidance, or regional prompts.
    public static func check(_ runs: [TextToVideo]) throws {
        guard let a = runs.first?.settings else { throw FSError("batched sampling: no runs") }
        for r in runs.dropFirst() {
            let b = r.settings
            guard a.height == b.height, a.width == b.width, a.frames == b.frames, a.steps == b.steps, a.eta == b.eta,
                  a.guidance == b.guidance, a.fps == b.fps else {
                throw FSError("batched sampling: items differ in size, frames, steps, eta, guidance or fps")
            }
        }
        guard runs.allSatisfy({ $0.region == nil }) else { throw FSError("batched sampling: regional prompts run one item at a time") }
    }

    /// z₀ (scaled latent `[1, C, F, h, w]`) of every run, sampled as one batch at the runs' size.
    public static func generate(_ runs: [TextToVideo], onStep: ((Int, Int) -> Void)? = nil) throws -> [Tensor] {
        try check(runs)
        let first = runs[0]
        let s = first.settings
        let b = runs.count
        let contexts = try runs.map { try $0.textContexts() }
        let cond = Tensor.concat(contexts.map(\.cond), axis: 0), uncond = Tensor.concat(contexts.map(\.uncond), axis: 0)
        let shape = first.latentShape(height: s.height, width: s.width)
        let xT = Tensor.concat(runs.map { $0.noise.normal(shape, stream: .initialLatent(stage: 0)) }, axis: 0)
        let unet = first.model.unet
        let n = first.schedule.count
        let z = try DDIMSampler(schedule: first.schedule).sample(
            from: xT,
            denoiser: { x, t, _ in
                if s.guidance == 1 {
                    return try unet.forward(x: x, timesteps: Array(repeating: t, count: b), context: cond,
                                            fps: Array(repeating: s.fps, count: b))
                }
                let e = try unet.forwardGuided(x: x, timestep: t, cond: cond, uncond: uncond, fps: s.fps)
                return try Guidance.combine(cond: e.cond, uncond: e.uncond, scale: s.guidance)
            },
            noise: { i, _ in Tensor.concat(runs.map { $0.noise.normal(shape, stream: .ddimStep(i, stage: 0)) }, axis: 0) },
            onStep: { p in onStep?(p.step + 1, n) })
        return (0..<b).map { z.slice(axis: 0, $0..<($0 + 1)) }
    }
}
