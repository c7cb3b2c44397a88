import Foundation
import FreeScale
import FSDiffusion
import FSTensor
import FSFrames

/// Prompt → video as one call: text encoding, sampling at the base size (or the input clip as the base
/// stage), the FreeScale cascade, VAE decoding, with every step reported on one event channel. The command
/// line and the benches call this; they only turn flags into a `VideoRequest`, read and write files, and print.
///
///     let plan = try VideoPlan(request, model: loaded.model.config)
///     let result = try VideoPipeline(loaded).run(plan) { event in … }
public final class VideoPipeline {
    public let loaded: LoadedModel

    public init(_ loaded: LoadedModel) { self.loaded = loaded }

    /// A base latent sampled beforehand together with other requests (`BatchedSampling`), and this request's
    /// share of that time.
    public struct PresetLatent {
        public let latent: Tensor
        public let seconds: Double
        public init(latent: Tensor, seconds: Double) { self.latent = latent; self.seconds = seconds }
    }

    /// Runs `plan` (made for this model's config) and returns the frames of the final stage (and of the
    /// earlier ones when the plan keeps stages), the latents, the timings and the run's record.
    public func run(_ plan: VideoPlan, inputs: VideoInputs = VideoInputs(), preset: PresetLatent? = nil,
                    onEvent: ((GenerationEvent) -> Void)? = nil) throws -> VideoResult {
        let t2v = try textToVideo(plan)
        t2v.onEvent = onEvent
        if let prompt = plan.request.editPrompt {
            guard let mask = inputs.editMask else { throw FSError("an edit prompt needs an edit mask") }
            t2v.region = try RegionalPrompt(prompt: prompt, mask: mask)
        }
        var timings = RunTimings()
        let stages: [CascadeStage]
        if let preset {
            timings.add("denoising", preset.seconds)
            stages = [CascadeStage(size: plan.plan.base, latent: preset.latent, seconds: preset.seconds)]
        } else if plan.request.isUpscale {
            guard let clip = inputs.clip else { throw FSError("video-to-video needs the input clip") }
            let z0 = try timings.time("vae_encode") { try t2v.encodeMean(clip.frames.tensor()) }
            stages = try timings.time("denoising") {
                try Cascade.run(plan: plan.plan, backend: t2v, seed: plan.settings.seed, detailMask: inputs.detailMask,
                                editMask: inputs.editMask, initial: z0)
            }
        } else {
            _ = try timings.time("text_encoding") { try t2v.textContexts() }
            if plan.isPlain {
                let z = try timings.time("denoising") { try t2v.generate() }
                stages = [CascadeStage(size: plan.plan.base, latent: z, seconds: timings["denoising"])]
            } else {
                stages = try timings.time("denoising") {
                    try Cascade.run(plan: plan.plan, backend: t2v, seed: plan.settings.seed, detailMask: inputs.detailMask,
                                    editMask: inputs.editMask)
                }
            }
        }
        let kept = plan.plan.keepStages && stages.count > 1
            ? try stages.dropLast().map { try Frames(tensor: try t2v.decode($0.latent)) } : []
        let final = stages.last!.latent
        let video = try timings.time("vae_decode") { try t2v.decode(final) }
        let frames = try Frames(tensor: video)
        var record = RunRecord(command: plan.request.isUpscale ? "upscale" : "generate", settings: plan.settings,
                               model: loaded, timings: timings, latentShape: final.shape)
        if !plan.isPlain { record.freescale = plan.plan.summary.merging(["stage_seconds": stages.map(\.seconds)]) { a, _ in a } }
        if plan.request.isUpscale, let clip = inputs.clip {
            record.extra["frames_used"] = clip.indices
            record.extra["edit_prompt"] = plan.request.editPrompt ?? NSNull()
        }
        return VideoResult(video: video, frames: frames, stages: stages, stageFrames: kept, timings: timings, record: record,
                           steps: t2v.schedule.count)
    }

    /// The text-to-video run of a plan (for callers that drive sampling themselves, e.g. batched sampling).
    public func textToVideo(_ plan: VideoPlan) throws -> TextToVideo {
        try TextToVideo(model: loaded.model, settings: plan.settings)
    }
}

/// What a run produced.
public struct VideoResult {
    /// The final video as decoded, `[3, F, H, W]` in about [-1, 1] (not clamped).
    public let video: Tensor
    /// The final video, uint8 RGB.
    public let frames: Frames
    /// Every stage's size, latent (scaled, `[1, C, F, h, w]`) and time; the last one is the result.
    public let stages: [CascadeStage]
    /// The earlier stages decoded (when the plan keeps stages), in order.
    public let stageFrames: [Frames]
    public let timings: RunTimings
    /// run.json's content; the caller adds what only it knows (files written, the encoder, the checksum).
    public var record: RunRecord
    /// DDIM steps run per full stage.
    public let steps: Int
}

/// Named wall-clock timings, in order, summed by name.
public struct RunTimings {
    public private(set) var entries: [(String, Double)] = []
    public init() {}

    public mutating func add(_ name: String, _ seconds: Double) { entries.append((name, seconds)) }

    public mutating func time<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        let t = Date()
        let r = try body()
        add(name, Date().timeIntervalSince(t))
        return r
    }

    /// The total for `name` (0 if absent).
    public subscript(name: String) -> Double { entries.filter { $0.0 == name }.reduce(0) { $0 + $1.1 } }
}
