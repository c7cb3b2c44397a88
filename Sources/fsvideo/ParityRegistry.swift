import Foundation
import FSCheckpoint
import FSDiffusion
import FSPipeline
import FSEval
import FSModels
import FreeScale
import FSTensor

/// Maps a fixture's `kind` to the module code that checks it. Each line is owned by the issue that
/// builds that module; the runners themselves live in the modules (tests call the same functions).
enum ParityRegistry {
    typealias Runner = (ParityFixture) throws -> ParityReport

    static let runners: [String: Runner] = [
        "unet3d": { try UNet3DParity.run($0) },
        "ddim": { try DDIMParity.run($0) },
        "ddim_sample": { try DDIMSampleParity.run($0) },
        "pipeline": { try PipelineParity.run($0, extraDirectories: [BuiltinModel.directory]) },
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

    static func run(path: String) throws -> ParityReport {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw FSError("\(path): no such file")
        }
        if isDir.boolValue { throw FSError("\(path): is a directory, expected a fixture file") }
        if path.lowercased().hasSuffix(".json") { return try jsonFixture(path: path) }
        let fixture = try ParityFixture(path: path)
        guard let kind = fixture.kind else { throw FSError("\(path): fixture metadata has no 'kind'") }
        guard let runner = runners[kind] else {
            FileHandle.standardError.write(Data("fsvideo: error: \(path): fixture kind '\(kind)' has no implementation yet\n".utf8))
            exit(2)
        }
        return try runner(fixture)
    }

    /// JSON fixtures: tokenizer cases (an array of {text, tokens}).
    static func jsonFixture(path: String) throws -> ParityReport {
        guard let data = FileManager.default.contents(atPath: path) else { throw FSError("\(path): cannot read file") }
        return try TokenizerParity.run(json: data, name: path)
    }
}
