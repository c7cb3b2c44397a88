import ArgumentParser
import Foundation
import FreeScale
import FSTensor

/// The FreeScale flags of `generate` and `upscale` (docs/freescale.md).
struct FreeScaleOptions: ParsableArguments {
    @Option(help: "Final size HxW; stages double from the model's base size (e.g. 640x1024).")
    var res: FrameSize?
    @Option(help: "Explicit stages HxW,HxW,... (the first may be the base size).")
    var stages: FrameSizeList?
    @Option(help: "freescale: the cascade; direct: plain sampling at the target size (the 'DI' baseline).")
    var method: GenerationMethod = .freescale
    @Option(name: .customLong("restart-step"), help: "DDIM steps skipped at the start of each upper stage (default ⌊0.3·steps⌋).")
    var restartStep: Int?
    @Option(name: .customLong("cosine-scale"), help: "α of the cosine blend toward the upscaled previous stage.")
    var cosineScale: Double = 2.0
    @Option(name: .customLong("cosine-scale-bg"), help: "α outside the --detail-mask (default 1.0); for upscale, α inside the --edit-mask (default 8).")
    var cosineScaleBg: Double?
    @Option(help: "Upscaling between stages: rgb (VAE decode, bicubic, encode) or latent (bicubic on latents).")
    var upsample: UpsampleMode = .rgb
    @Option(name: .customLong("dilate-tau"), help: "Dilated convolutions for steps i < tau.")
    var dilateTau: Int = 35
    @Option(name: .customLong("dilate-layers"), help: "Comma-separated lvdm conv names to dilate (default: derived set).")
    var dilateLayers: String?
    @Flag(help: "Fast scale fusion: global branch as strided sub-grid attentions.")
    var fast = false
    @Option(name: .customLong("fusion-temporal-sigma"), help: "Temporal Gaussian low-pass σ (frames) of the local branch; 0 = off.")
    var fusionTemporalSigma: Double = 0
    @Flag(name: .customLong("no-jitter"), help: "Disable the seeded jitter of the local windows.")
    var noJitter = false
    @Option(name: .customLong("detail-mask"), help: "PNG/JPEG mask (white = more detail), or a directory of per-frame masks.")
    var detailMask: String?
    @Flag(name: .customLong("keep-stages"), help: "Also write every stage's video.")
    var keepStages = false

    /// Range checks of the numeric FreeScale flags (before any file is opened).
    func checkFlags() throws {
        try FlagCheck.size(res.map { [$0] } ?? [], "--res")
        try FlagCheck.size(stages?.sizes ?? [], "--stages")
        if let stages, stages.sizes.count > 16 { throw FSError("--stages: at most 16 stages") }
        try FlagCheck.int(restartStep, "--restart-step", 0...FlagCheck.maxSteps)
        try FlagCheck.double(cosineScale, "--cosine-scale", 0...100)
        try FlagCheck.double(cosineScaleBg, "--cosine-scale-bg", 0...100)
        try FlagCheck.int(dilateTau, "--dilate-tau", 0...FlagCheck.maxSteps)
        try FlagCheck.double(fusionTemporalSigma, "--fusion-temporal-sigma", 0...100)
    }

    /// The FreeScale part of a request (the pipeline fills in the step count and the masks).
    var request: FreeScaleRequest {
        var r = FreeScaleRequest()
        r.method = method; r.upsample = upsample
        r.res = res
        r.stages = stages?.sizes
        r.restartStep = restartStep; r.cosineScale = cosineScale; r.cosineScaleBackground = cosineScaleBg
        r.dilateTau = dilateTau
        r.dilateLayers = dilateLayers.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
        r.fast = fast; r.fusionTemporalSigma = fusionTemporalSigma; r.jitter = !noJitter
        r.keepStages = keepStages
        return r
    }

    /// Every value, for the digest that identifies a batch's outputs.
    var digestParts: [String] {
        [res?.description ?? "", stages?.description ?? "", method.rawValue, "\(restartStep ?? -1)", "\(cosineScale)",
         "\(cosineScaleBg ?? .nan)", upsample.rawValue, "\(dilateTau)", dilateLayers ?? "", "\(fast)", "\(fusionTemporalSigma)",
         "\(noJitter)", detailMask ?? "", "\(keepStages)"]
    }
}
