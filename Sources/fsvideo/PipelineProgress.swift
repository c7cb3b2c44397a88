import Foundation
import FSPipeline
import FSCommandLine

/// The pipeline's event channel as progress bars on stderr, one per phase: text encoding, DDIM at the base
/// size, each FreeScale stage ("DDIM stage 1/2 128x192"), VAE encode and decode; each with its rate and ETA.
final class PipelineProgress {
    let quiet: Bool
    private var bar: ProgressBar?
    private var key = ""
    private var stageLabel: [Int: String] = [:]

    init(quiet: Bool) { self.quiet = quiet }

    func handle(_ e: GenerationEvent) {
        let (key, label, n, total, unit): (String, String, Int, Int, String)
        switch e {
        case .stage(let index, let of, let size):
            stageLabel[index] = "DDIM stage \(index)/\(of) \(size)"
            return
        case .textEncoding(let d, let of): (key, label, n, total, unit) = ("text", "text encoding", d, of, "prompt")
        case .denoising(let st, let s, let of):
            (key, label, n, total, unit) = ("ddim\(st)", st == 0 ? "DDIM" : stageLabel[st] ?? "DDIM stage \(st)", s, of, "it")
        case .decoding(let f, let of): (key, label, n, total, unit) = ("dec", "VAE decode", f, of, "frame")
        case .encoding(let f, let of): (key, label, n, total, unit) = ("enc", "VAE encode", f, of, "frame")
        }
        if key != self.key || bar == nil { bar?.finish(); bar = ProgressBar(label, total: total, unit: unit, quiet: quiet); self.key = key }
        bar?.update(n)
    }

    func finish() { bar?.finish(); bar = nil }

    /// One `VideoPipeline` run with its progress bars (finished even when the run throws).
    static func run(_ plan: VideoPlan, loaded: LoadedModel, inputs: VideoInputs, preset: VideoPipeline.PresetLatent? = nil,
                    quiet: Bool) throws -> VideoResult {
        let progress = PipelineProgress(quiet: quiet)
        defer { progress.finish() }
        return try VideoPipeline(loaded).run(plan, inputs: inputs, preset: preset, onEvent: progress.handle)
    }
}
