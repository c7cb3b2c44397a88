import Foundation
import FSCheckpoint
import FSDiffusion
import FSTensor

/// Finds and loads the model `generate` runs: `--ckpt` (+ optional `--config`) or the built-in toy model.
struct LoadedModel {
    let model: VideoModel
    let weightsPath: String
    /// Where the config came from (for run.json and the summary).
    let configOrigin: String
}

enum ModelFiles {
    /// Reads a checkpoint by extension: .safetensors, or a PyTorch zip (.ckpt/.pt/.pth).
    static func readStateDict(_ path: String) throws -> StateDict {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw FSError("\(path): no such file") }
        if isDir.boolValue { throw FSError("\(path): is a directory, expected a checkpoint file") }
        let ext = (path as NSString).pathExtension.lowercased()
        switch ext {
        case "safetensors": return try SafeTensors.read(path: path)
        case "ckpt", "pt", "pth", "bin": return try readTorch(path)
        default:
            // Sniff: a zip starts with "PK"; anything else is tried as safetensors.
            let head = (try? FileHandle(forReadingFrom: URL(fileURLWithPath: path)).readData(ofLength: 2)) ?? Data()
            return head == Data([0x50, 0x4B]) ? try readTorch(path) : try SafeTensors.read(path: path)
        }
    }

    static func readTorch(_ path: String) throws -> StateDict {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
            throw FSError("\(path): cannot read (\(OutputDirectory.reason(error)))")
        }
        return try TorchCheckpoint.read(data: data, source: path)
    }

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

    static func load(ckpt: String?, config: String?) throws -> LoadedModel {
        let path = ckpt ?? BuiltinModel.weightsPath
        if ckpt == nil && !FileManager.default.fileExists(atPath: path) {
            throw FSError("built-in toy model not found at \(path) (set FSVIDEO_TOY_MODEL to its directory or pass --ckpt)")
        }
        let sd = try readStateDict(path)
        let cfg: VideoModelConfig, origin: String
        if let config {
            cfg = try readConfig(config); origin = config
        } else if ckpt == nil, FileManager.default.fileExists(atPath: BuiltinModel.configPath) {
            cfg = try readConfig(BuiltinModel.configPath); origin = BuiltinModel.configPath
        } else {
            (cfg, origin) = try VideoModel.resolveConfig(for: sd)
        }
        let model = try VideoModel.load(sd, config: cfg)
        return LoadedModel(model: model, weightsPath: path, configOrigin: origin)
    }
}

/// VideoCrafter inference YAML (`configs/inference_t2v_512_v2.0.yaml`). This build reads no YAML; it
/// recognises the VideoCrafter2 512 config by its UNet numbers and maps it to the vc2-512 preset.
enum VideoCrafterYAML {
    static func read(path: String) throws -> VideoModelConfig {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw FSError("\(path): cannot read") }
        func value(_ key: String) -> String? {
            for line in text.split(separator: "\n") {
                let t = line.trimmingCharacters(in: .whitespaces)
                if t.hasPrefix(key + ":") { return t.dropFirst(key.count + 1).trimmingCharacters(in: .whitespaces) }
            }
            return nil
        }
        var cfg = VideoModelConfig.vc2_512
        guard value("model_channels") == "320", value("context_dim") == "1024" else {
            throw FSError("\(path): only VideoCrafter2's inference_t2v_512_v2.0.yaml is recognised among YAML configs; pass a JSON config instead")
        }
        if let s = value("scale_factor").flatMap(Double.init) { cfg.scaleFactor = s }
        if let s = value("scale_b").flatMap(Double.init) { cfg.schedule.scaleB = s }
        if let s = value("mid_step").flatMap(Int.init) { cfg.schedule.midStep = s }
        if let s = value("temporal_length").flatMap(Int.init) { cfg.unet.temporalLength = s }
        return cfg
    }
}
