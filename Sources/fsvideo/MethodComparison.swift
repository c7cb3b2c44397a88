import Foundation
import FreeScale
import FSPipeline
import FSDiffusion
import FSTensor
import FSVideo

/// `generate --compare direct`: the same prompt, seed and size made a second time with the other method, into
/// `compare-<method>/` of the same output, and `compare.png`: the run's frames (top row) above the other
/// method's (bottom row), the same frame numbers in each column — FreeScale against plain sampling at the
/// target size, the comparison the paper makes.
enum MethodComparison {
    static let methods = ["direct", "freescale"]

    static func check(_ compare: String?, method: String, isBatch: Bool) throws {
        guard let compare else { return }
        guard methods.contains(compare) else { throw FSError("--compare '\(compare)': expected direct or freescale") }
        guard compare != method else { throw FSError("--compare \(compare) is already the --method; compare with the other one") }
        guard !isBatch else { throw FSError("--compare makes one comparison; it is not available for batches") }
    }

    /// Makes the other method's video in `output` and writes compare.png; returns a summary.
    static func run(_ compare: String, options: FreeScaleOptions, settings: GenerationSettings, loaded: LoadedModel,
                    output: OutputDirectory, saveFps: Double, quiet: Bool, loadSeconds: Double) throws -> String {
        var other = options
        other.method = compare
        other.keepStages = false
        let sub = "compare-\(compare)/"
        do { try FileManager.default.createDirectory(atPath: output.file(String(sub.dropLast())), withIntermediateDirectories: true) } catch {
            throw FSError("\(output.finalFile(sub)): cannot create (\(OutputDirectory.reason(error)))")
        }
        let run = try GenerationRun(loaded: loaded, settings: settings, quiet: quiet)
        run.freeScale = try FreeScaleRun(options: other, model: loaded.model.config, steps: run.t2v.schedule.count, frames: settings.frames)
        let summary = try run.execute(output: output, subdirectory: sub, saveFps: saveFps, dumpFrames: false, loadSeconds: loadSeconds)
        let sheet = try ContactSheet(comparing: [output.file("video.mp4"), output.file(sub + "video.mp4")], count: 8)
        try sheet.writePNG(to: output.file("compare.png"))
        return "\(compare): \(summary)"
    }
}
