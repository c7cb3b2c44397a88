import Foundation
import FreeScale
import FSPipeline
import FSTensor
import FSVideo
import FSCommandLine

/// `generate --compare direct`: the same prompt, seed and size made a second time with the other method, into
/// `compare-<method>/` of the same output, and `compare.png`: the run's frames (top row) above the other
/// method's (bottom row), the same frame numbers in each column — FreeScale against plain sampling at the
/// target size, the comparison the paper makes.
enum MethodComparison {
    static func check(_ compare: GenerationMethod?, method: GenerationMethod, isBatch: Bool) throws {
        guard let compare else { return }
        guard compare != method else { throw FSError("--compare \(compare.rawValue) is already the --method; compare with the other one") }
        guard !isBatch else { throw FSError("--compare makes one comparison; it is not available for batches") }
    }

    /// Makes the other method's video in `output` and writes compare.png; returns a summary.
    static func run(_ compare: GenerationMethod, plan: VideoPlan, inputs: VideoInputs, loaded: LoadedModel,
                    output: OutputDirectory, writer: RunOutput, quiet: Bool) throws -> String {
        var request = plan.request
        request.freescale.method = compare
        request.freescale.keepStages = false
        let other = try VideoPlan(request, model: plan.model)
        let sub = "compare-\(compare.rawValue)/"
        do { try FileManager.default.createDirectory(atPath: output.file(String(sub.dropLast())), withIntermediateDirectories: true) } catch {
            throw FSError("\(output.finalFile(sub)): cannot create (\(OutputDirectory.reason(error)))")
        }
        let result = try PipelineProgress.run(other, loaded: loaded, inputs: inputs, quiet: quiet)
        var w = writer
        w.dumpFrames = false
        let summary = try w.write(result, to: output, subdirectory: sub)
        let sheet = try ContactSheet(comparing: [output.file("video.mp4"), output.file(sub + "video.mp4")], count: 8)
        try sheet.writePNG(to: output.file("compare.png"))
        return "\(compare.rawValue): \(summary)"
    }
}
