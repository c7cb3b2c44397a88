import Foundation
import FSCheckpoint
import FSModels
import FSTensor

/// Parity runner for `vae` fixtures (../shared/fixtures/lvdm/vae_tiny.safetensors): AutoencoderKL from the
/// fixture's config and `param/first_stage_model.*`; encode → moments/mean/logvar/std/posterior sample,
/// decode(input/z), the clamp on `input/moments_extreme`, and every debug activation in compute order.
public enum VAEParity {
    public static func run(_ f: ParityFixture, precision: Precision = .fp32) throws -> ParityReport {
        guard let json = f.configJSON else { throw FSError("\(f.path): vae fixture has no config") }
        let config: AutoencoderKLConfig
        do { config = try JSONDecoder().decode(AutoencoderKLConfig.self, from: json) } catch {
            throw FSError("\(f.path): vae config does not decode: \(error)")
        }
        let vae = try AutoencoderKL(config: config, weights: f.stateDict.view(prefix: "param/" + AutoencoderKL.checkpointPrefix),
                                    precision: precision)
        var report = ParityReport(title: "vae \(f.path)")
        var debug: [(String, Tensor)] = []
        let probe: ActivationProbe = { debug.append(($0, $1)) }

        let moments = try vae.moments(f.input("image"), probe: probe)
        let post = try DiagonalGaussian(moments: moments)
        let decoded = try vae.decode(f.input("z"), probe: probe)
        for (name, t) in debug where f.has("debug/" + name) { try report.check("debug/" + name, got: t, fixture: f) }

        try report.check("output/moments", got: moments, fixture: f)
        try report.check("output/mean", got: post.mean, fixture: f)
        try report.check("output/logvar", got: post.logvar, fixture: f)
        try report.check("output/std", got: post.std, fixture: f)
        try report.check("output/posterior_sample", got: post.sample(noise: f.input("posterior_noise")), fixture: f)
        try report.check("output/decoded", got: decoded, fixture: f)
        if f.has("input/moments_extreme") {
            let extreme = try DiagonalGaussian(moments: f.input("moments_extreme"))
            try report.check("output/moments_extreme_mean", got: extreme.mean, fixture: f)
            try report.check("output/moments_extreme_logvar", got: extreme.logvar, fixture: f)
            try report.check("output/moments_extreme_std", got: extreme.std, fixture: f)
            try report.check("output/moments_extreme_var", got: extreme.variance, fixture: f)
        }
        return report
    }
}
