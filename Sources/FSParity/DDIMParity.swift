import Foundation
import FSCheckpoint
import FSDiffusion
import FSTensor

/// Parity runner for kind `ddim` (ddim_vc2.safetensors): schedule arrays, three guided steps, q_sample.
public enum DDIMParity {
    public static func run(_ f: ParityFixture) throws -> ParityReport {
        var report = ParityReport(title: "ddim (VideoCrafter2 schedule, DDIM 50 steps, eta 1): \(f.path)")
        let steps = try f.stored("output/ddim_timesteps").int64s().count
        let sched = try DDIMSchedule(config: .videoCrafter2, steps: steps, eta: 1.0)
        let d = sched.ddpm
        let arrays: [(String, [Double])] = [
            ("betas", d.betas), ("alphas_cumprod", d.alphasCumprod), ("alphas_cumprod_prev", d.alphasCumprodPrev),
            ("sqrt_alphas_cumprod", d.sqrtAlphasCumprod), ("sqrt_one_minus_alphas_cumprod", d.sqrtOneMinusAlphasCumprod),
            ("scale_arr", d.scaleArr), ("ddim_alphas", sched.alphas), ("ddim_alphas_prev", sched.alphasPrev),
            ("ddim_sigmas", sched.sigmas), ("ddim_sqrt_one_minus_alphas", sched.sqrtOneMinusAlphas),
            ("ddim_scale_arr", sched.scaleArr), ("ddim_scale_arr_prev", sched.scaleArrPrev),
        ]
        for (name, got) in arrays { try report.check("output/" + name, got: got, fixture: f) }
        let refT = try f.stored("output/ddim_timesteps").int64s().map(Int.init)
        report.record("output/ddim_timesteps", passed: refT == sched.timesteps,
                      note: refT == sched.timesteps ? "" : "got \(sched.timesteps.prefix(5))… ref \(refT.prefix(5))…")
        for k in 0..<3 where f.has("input/step\(k)/x") {
            let p = "input/step\(k)/"
            let index = Int(try f.stored(p + "index").int64s()[0])
            let eps = try Guidance.combine(cond: f.tensor(p + "e_t"), uncond: f.tensor(p + "e_t_uncond"), scale: 12.0)
            let r = try sched.step(x: f.tensor(p + "x"), eps: eps, index: index, noise: f.tensor(p + "noise"))
            try report.check("output/step\(k)/x_prev", got: r.xPrev, fixture: f)
            try report.check("output/step\(k)/pred_x0", got: r.predX0, fixture: f)
        }
        for k in 0..<3 where f.has("input/qsample\(k)/x_start") {
            let p = "input/qsample\(k)/"
            let ts = try f.stored(p + "t").int64s().map(Int.init)
            let xt = try d.qSample(f.tensor(p + "x_start"), timesteps: ts, noise: f.tensor(p + "noise"))
            try report.check("output/qsample\(k)/x_t", got: xt, fixture: f)
        }
        return report
    }
}
