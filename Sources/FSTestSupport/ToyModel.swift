import Foundation
import FSCheckpoint
import FSDiffusion
import FSPipeline
import FSTensor

/// The toy model for tests and toy benches: the bundled v2 (Fixtures/models/toy_shapes_v2/, in the
/// repository) and the v1 weights the reference fixtures were computed with (../shared/models/toy_shapes/).
public enum ToyModel {
    /// Fixtures/models/toy_shapes_v2/ in this checkout.
    public static let directory = SharedFiles.packageRoot.appendingPathComponent("Fixtures/models/toy_shapes_v2")
    /// The bundled v2 weights.
    public static let weights = directory.appendingPathComponent("toy_shapes_v2.safetensors")
    nonisolated(unsafe) private static var cached: VideoModel?

    /// The bundled v2 model in fp32, loaded once per process (callers must not change it).
    public static func load() throws -> VideoModel {
        if let cached { return cached }
        let m = try make()
        cached = m
        return m
    }

    /// A fresh copy of the bundled v2 model (config from toy_shapes.json beside the weights, which equals
    /// the weights' `config` metadata).
    public static func make(precision: Precision = .fp32) throws -> VideoModel {
        let sd = try SafeTensors.read(path: weights.path)
        let json = try Data(contentsOf: directory.appendingPathComponent("toy_shapes.json"))
        return try VideoModel.load(sd, config: VideoModelConfig.decode(json: json, source: "toy_shapes.json"),
                                   precision: precision)
    }

    /// The v1 weights file in ../shared/models/toy_shapes/ (what `pipeline` fixtures name); throws
    /// `SharedFiles.Absent` when ../shared is not there.
    public static func v1Weights() throws -> String { try SharedFiles.model("toy_shapes/toy_shapes.safetensors") }

    /// Generation settings for the bundled model.
    public static func settings(_ prompt: String, steps: Int, frames: Int = 16, seed: UInt64) throws -> GenerationSettings {
        var s = GenerationSettings(prompt: prompt, model: try load().config)
        s.steps = steps; s.frames = frames; s.seed = seed
        return s
    }
}
