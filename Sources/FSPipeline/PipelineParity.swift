import Foundation
import FreeScale
import FSCheckpoint
import FSDiffusion
import FSModels
import FSTensor

/// Parity runner for kind `pipeline` (toy_pipeline.safetensors): tokenize → text encode → guided DDIM from
/// the given x_T and per-step noise (a parity-only injection) → VAE decode, against the reference chain.
public enum PipelineParity {
    struct Config: Decodable {
        let prompt: String
        let negativePrompt: String?
        let steps: Int
        let eta: Double
        let guidance: Double
        let fps: Int
        let frames: Int
        let size: [Int]
        enum CodingKeys: String, CodingKey {
            case prompt, negativePrompt = "negative_prompt", steps, eta, guidance, fps, frames, size
        }
    }

    /// Finds the weights the fixture's `model` metadata names: beside the fixture, in
    /// ../../models/toy_shapes/ (the shared layout), or in `extraDirectories`.
    public static func run(_ f: ParityFixture, extraDirectories: [String] = [], precision: Precision = .fp32) throws -> ParityReport {
        let name = f.metadata["model"] ?? "toy_shapes.safetensors"
        // Absolute first: `standardized` on a relative URL ("../shared/…") drops its leading "..".
        let dir = URL(fileURLWithPath: f.path).absoluteURL.standardized.deletingLastPathComponent()
        let candidates = [dir.appendingPathComponent(name).path,
                          dir.appendingPathComponent("../../models/toy_shapes/" + name).standardized.path]
            + extraDirectories.map { URL(fileURLWithPath: $0).appendingPathComponent(name).path }
        guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw FSError("\(f.path): model weights '\(name)' not found (looked in \(candidates.joined(separator: ", ")))")
        }
        let sd = try SafeTensors.read(path: path)
        let model = try VideoModel.load(sd, config: VideoModel.resolveConfig(for: sd).config, precision: precision)
        return try run(f, model: model)
    }

    public static func run(_ f: ParityFixture, model: VideoModel) throws -> ParityReport {
        guard let json = f.configJSON else { throw FSError("\(f.path): fixture has no 'config' metadata") }
        let cfg: Config
        do { cfg = try JSONDecoder().decode(Config.self, from: json) } catch {
            throw FSError("\(f.path): 'config' metadata is invalid: \(error)")
        }
        var report = ParityReport(title: "pipeline (\"\(cfg.prompt)\", \(cfg.steps) steps, guidance \(cfg.guidance)): \(f.path)")
        var settings = GenerationSettings(prompt: cfg.prompt, model: model.config)
        settings.negativePrompt = cfg.negativePrompt ?? ""
        settings.steps = cfg.steps; settings.eta = cfg.eta; settings.guidance = cfg.guidance; settings.fps = cfg.fps
        settings.frames = cfg.frames; settings.height = cfg.size[0]; settings.width = cfg.size[1]
        let t2v = try TextToVideo(model: model, settings: settings)

        for (name, text) in [("input/tokens", settings.prompt), ("input/uncond_tokens", settings.negativePrompt)] where f.has(name) {
            let ref = try f.stored(name).int64s().map(Int.init)
            let got = model.tokenizer.tokenize(text)
            report.record(name, passed: ref == got, note: ref == got ? "" : "got \(got.prefix(12))… ref \(ref.prefix(12))…")
        }
        let (cond, uncond) = try t2v.textContexts()
        try report.check("output/context", got: cond, fixture: f)
        try report.check("output/uncond_context", got: uncond, fixture: f)
        if f.has("input/ddim_timesteps") {
            let ref = try f.stored("input/ddim_timesteps").int64s().map(Int.init)
            report.record("input/ddim_timesteps", passed: ref == t2v.schedule.timesteps, note: "got \(t2v.schedule.timesteps)")
        }
        var xs: [Tensor] = []
        let samples = try t2v.sample(from: f.input("x_T"), noiseSource: { i, _ in try f.input("noise/\(i)") },
                                     onStep: { xs.append($0.x) })
        for (i, x) in xs.enumerated() where f.has("output/x/\(i)") { try report.check("output/x/\(i)", got: x, fixture: f) }
        try report.check("output/samples", got: samples, fixture: f)
        // Frames [T, 3, H, W], clamped to [-1, 1] as the reference stores them.
        let video = try t2v.decode(samples).map { Swift.min(Swift.max($0, -1), 1) }
        try report.check("output/frames", got: video.permuted([1, 0, 2, 3]), fixture: f)
        return report
    }
}
