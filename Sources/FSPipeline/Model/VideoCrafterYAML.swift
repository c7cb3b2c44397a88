import Foundation
import FSDiffusion
import FSModels
import FSTensor

/// VideoCrafter inference YAML (`configs/inference_t2v_512_v2.0.yaml` layout): `model.params` gives the
/// schedule and scale_factor, `unet_config.params` the UNet, `first_stage_config.params` the VAE,
/// `image_size` (latent) × 8 the base size; the text tower is ViT-H-14's (the only arch VideoCrafter2 uses).
public enum VideoCrafterYAML {
    public static func read(path: String) throws -> VideoModelConfig {
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
