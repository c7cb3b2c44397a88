import Foundation
import FSCheckpoint
import FSDiffusion
import FSModels
import FSTensor

/// The one place a model's config is decided, in this order: a config file the caller names (our JSON
/// layout, a bare UNet JSON on top of vc2-512, or VideoCrafter's inference YAML); else the `config` JSON in
/// the checkpoint's metadata; else the vc2-512 preset when every UNet shape matches it; else the config read
/// off the tensor shapes (`ConfigInference`).
public enum ModelConfigResolver {
    /// `configFile` nil: from the checkpoint alone. Returns the config and where it came from (for run.json).
    public static func resolve(_ sd: StateDict, configFile: String? = nil) throws -> (config: VideoModelConfig, origin: String) {
        let resolved: (config: VideoModelConfig, origin: String)
        if let configFile {
            resolved = (try read(configFile), configFile)
        } else {
            resolved = try fromCheckpoint(sd)
        }
        try resolved.config.validate()
        return resolved
    }

    /// A config file: VideoCrafter YAML by extension, else JSON.
    public static func read(_ path: String) throws -> VideoModelConfig {
        guard FileManager.default.fileExists(atPath: path) else { throw FSError("\(path): no such file") }
        let ext = (path as NSString).pathExtension.lowercased()
        if ext == "yaml" || ext == "yml" {
            return try VideoCrafterYAML.read(path: path)
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw FSError("\(path): cannot read") }
        return try VideoModelConfig.decode(json: data, source: path)
    }

    /// Metadata, preset or inference (no file).
    public static func fromCheckpoint(_ sd: StateDict) throws -> (config: VideoModelConfig, origin: String) {
        if let json = sd.metadata["config"], (try? JSONSerialization.jsonObject(with: Data(json.utf8))) is [String: Any],
           json.contains("\"unet\"") {
            return (try VideoModelConfig.decode(json: Data(json.utf8), source: sd.source + " metadata"), "checkpoint metadata")
        }
        let preset = VideoModelConfig.vc2_512
        if let shapes = try? UNet3D.parameterShapes(config: preset.unet) {
            let v = sd.view(prefix: UNet3D.checkpointPrefix)
            if !shapes.isEmpty && shapes.allSatisfy({ v[$0.key]?.shape == $0.value }) { return (preset, "vc2-512 preset") }
        }
        return (try ConfigInference.infer(sd), "inferred from tensor shapes")
    }
}

extension VideoModel {
    /// The config a checkpoint gets when the caller names no config file (`ModelConfigResolver.fromCheckpoint`).
    public static func resolveConfig(for sd: StateDict) throws -> (config: VideoModelConfig, origin: String) {
        try ModelConfigResolver.fromCheckpoint(sd)
    }
}
