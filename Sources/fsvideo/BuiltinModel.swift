import Foundation
import FSCheckpoint
import FSDiffusion
import FSTensor

/// The built-in demo model (Fixtures/models/toy_shapes/ in the repository): used when `--ckpt` is absent.
/// Found through `FSVIDEO_TOY_MODEL` (a directory), else relative to this source file's checkout.
enum BuiltinModel {
    static let weightsFile = "toy_shapes.safetensors"
    static let configFile = "toy_shapes.json"

    static var directory: String {
        if let d = ProcessInfo.processInfo.environment["FSVIDEO_TOY_MODEL"], !d.isEmpty { return d }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/models/toy_shapes").standardized.path
    }

    static var weightsPath: String { (directory as NSString).appendingPathComponent(weightsFile) }
    static var configPath: String { (directory as NSString).appendingPathComponent(configFile) }
}
