import Foundation
import FSCommandLine
import FSCheckpoint
import FSParity
import FSTensor

/// Where `fsvideo parity` finds the model weights a `pipeline` fixture names (its `model` metadata):
/// `--model` (a weights file, or a folder holding the named file); else beside the fixture, in
/// ../../models/toy_shapes/ relative to it (the shared layout), or in the built-in model's folder.
enum ParityModelLookup {
    static func weights(for f: ParityFixture, model: String?) throws -> String {
        let name = PipelineParity.modelName(of: f)
        if let model {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: model, isDirectory: &isDir) else {
                throw FSError("--model \(model): no such file or folder")
            }
            if !isDir.boolValue { return model }
            let path = (model as NSString).appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: path) else {
                throw FSError("\(f.path): model weights '\(name)' not found in --model \(model)")
            }
            return path
        }
        // Absolute first: `standardized` on a relative URL ("../shared/…") drops its leading "..".
        let dir = URL(fileURLWithPath: f.path).absoluteURL.standardized.deletingLastPathComponent()
        let candidates = [dir.appendingPathComponent(name).path,
                          dir.appendingPathComponent("../../models/toy_shapes/" + name).standardized.path,
                          URL(fileURLWithPath: BuiltinModel.directory).appendingPathComponent(name).path]
        guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw FSError("\(f.path): model weights '\(name)' not found (looked in \(candidates.joined(separator: ", ")))")
        }
        return path
    }
}
