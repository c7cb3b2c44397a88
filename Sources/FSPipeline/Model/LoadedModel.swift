import Foundation
import FSCheckpoint
import FSDiffusion
import FSModels
import FSTensor

/// A checkpoint opened (memory-mapped; tensors not converted yet) with its config resolved, so a request can
/// be planned and refused before the model is built.
public struct OpenedModel {
    public let stateDict: StateDict
    public let config: VideoModelConfig
    public let weightsPath: String
    /// Where the config came from (a file, the checkpoint's metadata, the preset, inference).
    public let configOrigin: String

    /// Opens `weights` (.safetensors or PyTorch .ckpt) and resolves its config (`configFile` first, see
    /// `ModelConfigResolver`).
    public static func open(weights: String, configFile: String? = nil) throws -> OpenedModel {
        let sd = try Checkpoint.load(path: weights)
        let (config, origin) = try ModelConfigResolver.resolve(sd, configFile: configFile)
        return OpenedModel(stateDict: sd, config: config, weightsPath: weights, configOrigin: origin)
    }

    /// Bytes the weights take once built as Float32: the UNet, VAE and text tower's tensors (with bf16 the
    /// GEMM-shaped weights take half: this is an upper bound either way).
    public var weightBytes: Double {
        let parts = ["model.diffusion_model.", "first_stage_model.", "cond_stage_model."]
        let used = stateDict.tensors.filter { k, _ in parts.contains { k.hasPrefix($0) } }
        return Double((used.isEmpty ? stateDict.tensors : used).values.reduce(0) { $0 + $1.elementCount }) * 4
    }

    public func build(precision: Precision = .fp32) throws -> LoadedModel {
        LoadedModel(model: try VideoModel.load(stateDict, config: config, precision: precision), weightsPath: weightsPath,
                    configOrigin: configOrigin, precision: precision)
    }
}

/// A built model and where it came from (for run.json).
public struct LoadedModel {
    public let model: VideoModel
    public let weightsPath: String
    public let configOrigin: String
    /// What the model's GEMM-shaped layers compute in.
    public var precision: Precision = .fp32

    public init(model: VideoModel, weightsPath: String, configOrigin: String, precision: Precision = .fp32) {
        self.model = model; self.weightsPath = weightsPath; self.configOrigin = configOrigin; self.precision = precision
    }
}
