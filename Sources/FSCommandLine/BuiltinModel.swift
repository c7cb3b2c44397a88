import Foundation
import FSCheckpoint
import FSPipeline
import FSTensor

/// The built-in demo model (Fixtures/models/toy_shapes_v2/ in the repository: toy_shapes v2, the toy model
/// with the VAE fine-tuned for frames above 64x96): used when `--ckpt` is absent. Found through
/// `FSVIDEO_TOY_MODEL` (a directory), else relative to this source file's checkout. A directory holding the
/// v1 weights (`toy_shapes.safetensors`, e.g. ../shared/models/toy_shapes) works too.
public enum BuiltinModel {
    /// Weight file names, the first one present in the directory is used (v2, then v1).
    public static let weightsFiles = ["toy_shapes_v2.safetensors", "toy_shapes.safetensors"]
    public static let configFile = "toy_shapes.json"

    public static var directory: String {
        if let d = ProcessInfo.processInfo.environment["FSVIDEO_TOY_MODEL"], !d.isEmpty { return d }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/models/toy_shapes_v2").standardized.path
    }

    public static var weightsPath: String {
        let paths = weightsFiles.map { (directory as NSString).appendingPathComponent($0) }
        return paths.first { FileManager.default.fileExists(atPath: $0) } ?? paths[0]
    }
    public static var configPath: String { (directory as NSString).appendingPathComponent(configFile) }
}

/// The model a command runs (fsvideo and fsvideo-bench): `--ckpt` (+ optional `--config`), or the built-in toy model with its config file.
public enum ModelFiles {
    public static func open(ckpt: String?, config: String?) throws -> OpenedModel {
        let path = ckpt ?? BuiltinModel.weightsPath
        if ckpt == nil && !FileManager.default.fileExists(atPath: path) {
            throw FSError("built-in toy model not found at \(path) (set FSVIDEO_TOY_MODEL to its directory or pass --ckpt)")
        }
        let builtinConfig = ckpt == nil && FileManager.default.fileExists(atPath: BuiltinModel.configPath) ? BuiltinModel.configPath : nil
        return try OpenedModel.open(weights: path, configFile: config ?? builtinConfig)
    }

    public static func load(ckpt: String?, config: String?, precision: Precision = .fp32) throws -> LoadedModel {
        try open(ckpt: ckpt, config: config).build(precision: precision)
    }
}
