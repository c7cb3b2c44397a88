import Foundation
import FSCheckpoint
import FSDiffusion
import FSModels
import FSTensor

/// Parity runner for kind `ddim_sample` (sample_tiny.safetensors, and sample_batch3.safetensors with a batch
/// of three items, each with its own contexts and noise, all sampled in one UNet call per step): a whole DDIM
/// run of a tiny UNet with guidance, x_T and per-step noise injected from the fixture (a parity-only path;
/// `generate` draws noise from `SeededNoise`).
public enum DDIMSampleParity {
    struct Config: Decodable {
        let unet: UNet3DConfig
        let steps: Int
        let eta: Double
        let guidance: Double
        let fps: Int
        let schedule: ScheduleConfig
    }

    public static func run(_ f: ParityFixture) throws -> ParityReport {
        guard let json = f.configJSON else { throw FSError("\(f.path): fixture has no 'config' metadata") }
        let cfg: Config
        do { cfg = try JSONDecoder().decode(Config.self, from: json) } catch {
            throw FSError("\(f.path): 'config' metadata is invalid: \(error)")
        }
        let batch = try f.input("x_T").shape.first ?? 1
        var report = ParityReport(title: "ddim_sample (\(cfg.steps) steps, guidance \(cfg.guidance), eta \(cfg.eta)\(batch > 1 ? ", batch \(batch)" : "")): \(f.path)")
        let unet = try UNet3D(config: cfg.unet, weights: f.params.view(UNet3D.checkpointPrefix))
        let sched = try DDIMSchedule(config: cfg.schedule, steps: cfg.steps, eta: cfg.eta)
        if f.has("input/ddim_timesteps") {
            let ref = try f.stored("input/ddim_timesteps").int64s().map(Int.init)
            report.record("input/ddim_timesteps", passed: ref == sched.timesteps, note: "got \(sched.timesteps)")
        }
        let cond = try f.input("cond"), uncond = try f.input("uncond")
        let sampler = DDIMSampler(schedule: sched)
        var steps: [DDIMSampler.Progress] = []
        let samples = try sampler.sample(
            from: try f.input("x_T"),
            denoiser: { x, t, _ in
                let e = try unet.forwardGuided(x: x, timestep: t, cond: cond, uncond: uncond, fps: cfg.fps)
                return try Guidance.combine(cond: e.cond, uncond: e.uncond, scale: cfg.guidance)
            },
            noise: { i, _ in try f.input("noise/\(i)") },
            onStep: { steps.append($0) })
        for p in steps {
            try report.check("output/x/\(p.step)", got: p.x, fixture: f)
            try report.check("output/pred_x0/\(p.step)", got: p.predX0, fixture: f)
        }
        try report.check("output/samples", got: samples, fixture: f)
        return report
    }

    /// The final samples of the fixture's run for `items` of its batch only (nil: all of them, in one batch).
    public static func sample(_ f: ParityFixture, items: Range<Int>?) throws -> Tensor {
        guard let json = f.configJSON else { throw FSError("\(f.path): fixture has no 'config' metadata") }
        let cfg = try JSONDecoder().decode(Config.self, from: json)
        let unet = try UNet3D(config: cfg.unet, weights: f.params.view(UNet3D.checkpointPrefix))
        let sched = try DDIMSchedule(config: cfg.schedule, steps: cfg.steps, eta: cfg.eta)
        let pick = { (t: Tensor) in items.map { t.slice(axis: 0, $0) } ?? t }
        let cond = pick(try f.input("cond")), uncond = pick(try f.input("uncond"))
        return try DDIMSampler(schedule: sched).sample(
            from: pick(try f.input("x_T")),
            denoiser: { x, t, _ in
                let e = try unet.forwardGuided(x: x, timestep: t, cond: cond, uncond: uncond, fps: cfg.fps)
                return try Guidance.combine(cond: e.cond, uncond: e.uncond, scale: cfg.guidance)
            },
            noise: { i, _ in pick(try f.input("noise/\(i)")) },
            onStep: { _ in })
    }
}
