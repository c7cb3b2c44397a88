import Foundation
import FSPipeline
import FSTensor
import FSTestSupport

/// The toy model the toy benches run, found as `fsvideo generate` finds its built-in model: the folder
/// `FSVIDEO_TOY_MODEL`, else the bundled toy_shapes v2 (FSTestSupport's `ToyModel.directory`); the v2
/// weights file, else v1's; the `toy_shapes.json` beside them.
enum BenchToyModel {
    static let weightsFiles = ["toy_shapes_v2.safetensors", "toy_shapes.safetensors"]

    static var directory: String {
        if let d = ProcessInfo.processInfo.environment["FSVIDEO_TOY_MODEL"], !d.isEmpty { return d }
        return ToyModel.directory.path
    }

    static func load(precision: Precision = .fp32) throws -> LoadedModel {
        let paths = weightsFiles.map { (directory as NSString).appendingPathComponent($0) }
        guard let weights = paths.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw FSError("built-in toy model not found at \(paths[0]) (set FSVIDEO_TOY_MODEL to its directory)")
        }
        let config = (directory as NSString).appendingPathComponent("toy_shapes.json")
        return try OpenedModel.open(weights: weights, configFile: FileManager.default.fileExists(atPath: config) ? config : nil)
            .build(precision: precision)
    }
}
