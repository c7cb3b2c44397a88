import Foundation
import FSCheckpoint
import FSDiffusion
import FSModels
import FSTensor

/// Finds and loads the model `generate` runs: `--ckpt` (+ optional `--config`) or the built-in toy model.
struct LoadedModel {
    let model: VideoModel
    let weightsPath: String
    /// Where the config came from (for run.json and the summary).
    let configOrigin: String
    /// What the model's GEMM-shaped layers compute in.
    var precision: Precision = .fp32
}

enum ModelFiles {
    /// A `--config` file: our JSON model config, or a bare UNet JSON config on top of vc2-512 defaults.
    static func readConfig(_ path: String) throws -> VideoModelConfig {
        guard FileManager.default.fileExists(atPath: path) else { throw FSError("\(path): no such file") }
        let ext = (path as NSString).pathExtension.lowercased()
        if ext == "yaml" || ext == "yml" {
            return try VideoCrafterYAML.read(path: path)
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw FSError("\(path): cannot read") }
        return try VideoModelConfig.decode(json: data, source: path)
    }

    /// Opens the checkpoint (memory-mapped; tensors are not converted yet) and resolves the config, so a
    /// request can be planned and refused before the model is built.
    static func open(ckpt: String?, config: String?) throws -> OpenedModel {
        let path = ckpt ?? BuiltinModel.weightsPath
        if ckpt == nil && !FileManager.default.fileExists(atPath: path) {
            throw FSError("built-in toy model not found at \(path) (set FSVIDEO_TOY_MODEL to its directory or pass --ckpt)")
        }
        let sd = try Checkpoint.load(path: path)
        let cfg: VideoModelConfig, origin: String
        if let config {
            cfg = try readConfig(config); origin = config
        } else if ckpt == nil, FileManager.default.fileExists(atPath: BuiltinModel.configPath) {
            cfg = try readConfig(BuiltinModel.configPath); origin = BuiltinModel.configPath
        } else {
            (cfg, origin) = try VideoModel.resolveConfig(for: sd)
        }
        try cfg.validate()
        return OpenedModel(stateDict: sd, config: cfg, weightsPath: path, configOrigin: origin)
    }

    static func load(ckpt: String?, config: String?, precision: Precision = .fp32) throws -> LoadedModel {
        try open(ckpt: ckpt, config: config).build(precision: precision)
    }
}

/// A checkpoint opened and its config resolved, not yet built into a model.
struct OpenedModel {
    let stateDict: StateDict
    let config: VideoModelConfig
    let weightsPath: String
    let configOrigin: String

    /// Bytes the weights take once built as Float32: the UNet, VAE and text tower's tensors (with
    /// `--precision bf16` the GEMM-shaped weights take half: this is an upper bound either way).
    var weightBytes: Double {
        let parts = ["model.diffusion_model.", "first_stage_model.", "cond_stage_model."]
        let used = stateDict.tensors.filter { k, _ in parts.contains { k.hasPrefix($0) } }
        return Double((used.isEmpty ? stateDict.tensors : used).values.reduce(0) { $0 + $1.elementCount }) * 4
    }

    func build(precision: Precision = .fp32) throws -> LoadedModel {
        LoadedModel(model: try VideoModel.load(stateDict, config: config, precision: precision), weightsPath: weightsPath,
                    configOrigin: configOrigin, precision: precision)
    }
}

/// VideoCrafter inference YAML (`configs/inference_t2v_512_v2.0.yaml` layout): `model.params` gives the
/// schedule and scale_factor, `unet_config.params` the UNet, `first_stage_config.params` the VAE,
/// `image_size` (latent) × 8 the base size; the text tower is ViT-H-14's (the only arch VideoCrafter2 uses).
enum VideoCrafterYAML {
    static func read(path: String) throws -> VideoModelConfig {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw FSError("\(path): cannot read") }
        let root = try YAMLSubset.parse(text, source: path)
        func dict(_ any: Any?, _ what: String) throws -> [String: Any] {
            guard let d = any as? [String: Any] else { throw FSError("\(path): YAML has no '\(what)' mapping") }
            return d
        }
        let params = try dict(try dict(try dict(root, "root")["model"], "model")["params"], "model.params")
        let unetParams = try dict(try dict(params["unet_config"], "unet_config")["params"], "unet_config.params")
        let vaeParams = try dict(try dict(params["first_stage_config"], "first_stage_config")["params"], "first_stage_config.params")
        func json(_ obj: Any) throws -> Data { try JSONSerialization.data(withJSONObject: obj) }
        var cfg = VideoModelConfig.vc2_512
        cfg.name = (path as NSString).lastPathComponent
        cfg.unet = try UNet3DConfig.decode(json: json(unetParams))
        do { cfg.vae = try JSONDecoder().decode(AutoencoderKLConfig.self, from: json(vaeParams)) } catch {
            throw FSError("\(path): first_stage_config.params is not a valid AutoencoderKL config (\(error))")
        }
        var sched = ScheduleConfig.videoCrafter2
        if let v = params["linear_start"] as? Double { sched.linearStart = v }
        if let v = params["linear_end"] as? Double { sched.linearEnd = v }
        if let v = params["timesteps"] as? Int { sched.timesteps = v }
        sched.useScale = params["use_scale"] as? Bool ?? false
        sched.scaleA = (params["scale_a"] as? NSNumber)?.doubleValue ?? 1
        sched.scaleB = (params["scale_b"] as? NSNumber)?.doubleValue ?? 0.3   // LatentDiffusion's default
        sched.midStep = params["mid_step"] as? Int ?? 400
        sched.fixScaleBug = params["fix_scale_bug"] as? Bool ?? false
        cfg.schedule = sched
        if let s = (params["scale_factor"] as? NSNumber)?.doubleValue { cfg.scaleFactor = s }
        if let size = params["image_size"] as? [Int], size.count == 2 {
            cfg.baseResolution = size.map { $0 * cfg.vae.downsamplingFactor }
        }
        if let t = cfg.unet.temporalLength { cfg.frames = t }
        if let cond = (params["cond_stage_config"] as? [String: Any])?["params"] as? [String: Any],
           let layer = cond["layer"] as? String {
            guard let l = OpenCLIPLayer(rawValue: layer) else { throw FSError("\(path): text layer '\(layer)' is not supported") }
            cfg.text.layer = l
        }
        if let ctx = cfg.unet.contextDim, ctx != cfg.text.width {
            throw FSError("\(path): context_dim \(ctx) does not match the ViT-H-14 text tower (1024)")
        }
        return cfg
    }
}
