import Foundation
import FSCheckpoint
import FSDiffusion
import FSEvalParity
import FSModels
import FSParity
import FreeScale
import FSTensor

/// `fsvideo parity`: maps a fixture's `kind` to its runner (FSParity, FSEvalParity, FreeScale; the tests call the
/// runners directly).
public enum ParityRegistry {
    public typealias Runner = (ParityFixture) throws -> ParityReport

    /// A fixture whose `kind` no runner checks.
    public struct UnknownKind: Error, CustomStringConvertible {
        public let path: String
        public let kind: String
        public var description: String { "\(path): fixture kind '\(kind)' has no implementation yet" }
    }

    /// The runners by kind. `pipelineWeights` gives the weights file of a `pipeline` fixture's model (the
    /// registry looks up no paths itself).
    public static func runners(pipelineWeights: @escaping (ParityFixture) throws -> String) -> [String: Runner] {
        [
            "unet3d": { try UNet3DParity.run($0) },
            "ddim": { try DDIMParity.run($0) },
            "ddim_sample": { try DDIMSampleParity.run($0) },
            "pipeline": { try PipelineParity.run($0, weights: pipelineWeights($0)) },
            "eval/i3d": { try I3DParity.run($0) },
            "eval/fvd_preprocess": { try FVDPreprocessParity.run($0) },
            "eval/frechet": { try FrechetParity.run($0) },
            "eval/dynamic_degree": { try DynamicDegreeParity.run($0) },
            "eval/raft": { try RAFTParity.run($0) },
            "eval/aesthetic": { try AestheticParity.run($0) },
            "scale_fusion": { try ScaleFusionParity.run($0) },
            "clip_text": { try OpenCLIPTextParity.run($0) },
            "vae": { try VAEParity.run($0) },
        ]
    }

    /// Runs the fixture file at `path`: a safetensors fixture by its `kind`, or tokenizer cases (`.json`).
    /// Throws `UnknownKind` for a kind without a runner.
    public static func run(path: String, pipelineWeights: @escaping (ParityFixture) throws -> String) throws -> ParityReport {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw FSError("\(path): no such file")
        }
        if isDir.boolValue { throw FSError("\(path): is a directory, expected a fixture file") }
        if path.lowercased().hasSuffix(".json") { return try jsonFixture(path: path) }
        let fixture = try ParityFixture(path: path)
        guard let kind = fixture.kind else { throw FSError("\(path): fixture metadata has no 'kind'") }
        guard let runner = runners(pipelineWeights: pipelineWeights)[kind] else { throw UnknownKind(path: path, kind: kind) }
        return try runner(fixture)
    }

    /// JSON fixtures: tokenizer cases (an array of {text, tokens}).
    static func jsonFixture(path: String) throws -> ParityReport {
        guard let data = FileManager.default.contents(atPath: path) else { throw FSError("\(path): cannot read file") }
        return try TokenizerParity.run(json: data, name: path)
    }
}
