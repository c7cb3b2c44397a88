import Foundation
import FreeScale
import FSDiffusion
import FSModels
import FSTensor

/// What a generation reports while it runs (for progress bars).
public enum GenerationEvent {
    case textEncoding(done: Int, of: Int)
    /// Upper stage `index` (1-based) of `of` begins, at `size` (the FreeScale cascade).
    case stage(index: Int, of: Int, size: FrameSize)
    /// DDIM step `step` (1-based) of `of` finished in stage `stage` (0 = base; upper stages count their steps
    /// from the restart step).
    case denoising(stage: Int, step: Int, of: Int)
    case decoding(frame: Int, of: Int)
    case encoding(frame: Int, of: Int)
}

/// Text-to-video at any size with one model: prompt → context, seeded DDIM with classifier-free guidance
/// (both branches in one UNet batch), VAE decode/encode per frame. The FreeScale cascade drives the same
/// object stage by stage (its `CascadeBackend` conformance, TextToVideo+Cascade.swift).
///
/// Latents are *scaled* latents `[1, C, F, h, w]`; videos are `[3, F, H, W]` in [-1, 1].
public final class TextToVideo {
    public let model: VideoModel
    public let settings: GenerationSettings
    public let schedule: DDIMSchedule
    public let noise: SeededNoise
    public var onEvent: ((GenerationEvent) -> Void)?
    /// Warnings from validating the settings (the CLI prints them).
    public let warnings: [String]

    private var contexts: (cond: Tensor, uncond: Tensor)?
    /// Local editing: a second prompt for the masked region (`nil` = the main prompt everywhere).
    public var region: RegionalPrompt? { didSet { regionContext = nil } }
    private var regionContext: Tensor?

    public init(model: VideoModel, settings: GenerationSettings) throws {
        warnings = try settings.validate(for: model.config)
        self.model = model
        self.settings = settings
        schedule = try DDIMSchedule(config: model.config.schedule, steps: settings.steps, eta: settings.eta)
        noise = SeededNoise(seed: settings.seed)
    }

    /// DDIM timesteps in sampling order (981 … 1 for 50 steps).
    public var timesteps: [Int] { schedule.samplingTimesteps }

    /// Prompt and negative-prompt contexts `[1, 77, width]` (encoded once).
    public func textContexts() throws -> (cond: Tensor, uncond: Tensor) {
        if let contexts { return contexts }
        onEvent?(.textEncoding(done: 0, of: 2))
        let tok = model.tokenizer
        let ids = [tok.tokenize(settings.prompt), tok.tokenize(settings.negativePrompt)]
        let both = try model.textEncoder.encode(tokens: ids)
        let c = (both.slice(axis: 0, 0..<1), both.slice(axis: 0, 1..<2))
        onEvent?(.textEncoding(done: 2, of: 2))
        contexts = c
        return c
    }

    /// The region prompt's context `[1, 77, width]` (encoded once).
    func regionContext(_ region: RegionalPrompt) throws -> Tensor {
        if let regionContext { return regionContext }
        let c = try model.textEncoder.encode(tokens: [model.tokenizer.tokenize(region.prompt)])
        regionContext = c
        return c
    }

    /// Uses the given contexts instead of encoding the prompts (parity and tests).
    public func setContexts(cond: Tensor, uncond: Tensor) { contexts = (cond, uncond) }

    /// Latent shape for a frame size.
    public func latentShape(height: Int, width: Int) -> [Int] {
        let f = model.config.vaeFactor
        return [1, model.config.latentChannels, settings.frames, height / f, width / f]
    }

    /// Guided ε at `timestep` (one UNet call on a batch of 2; only the conditional branch when guidance is 1).
    /// With a `region`, the batch also holds the region prompt's branch and the conditional ε is blended per
    /// latent pixel before guidance.
    public func guidedEps(_ z: Tensor, timestep: Int, options: UNet3DForwardOptions = UNet3DForwardOptions()) throws -> Tensor {
        let (cond, uncond) = try textContexts()
        let fps = settings.fps
        if let region {
            let edit = try regionContext(region)
            let withUncond = settings.guidance != 1
            let ctx = withUncond ? [cond, edit, uncond] : [cond, edit]
            let n = ctx.count
            let eps = try model.unet.forward(x: Tensor.concat(Array(repeating: z, count: n), axis: 0),
                                             timesteps: Array(repeating: timestep, count: n),
                                             context: Tensor.concat(ctx, axis: 0), fps: Array(repeating: fps, count: n),
                                             options: options)
            let c = try region.blend(main: eps.slice(axis: 0, 0..<1), edit: eps.slice(axis: 0, 1..<2))
            guard withUncond else { return c }
            return try Guidance.combine(cond: c, uncond: eps.slice(axis: 0, 2..<3), scale: settings.guidance)
        }
        if settings.guidance == 1 {
            return try model.unet.forward(x: z, timesteps: [timestep], context: cond, fps: [fps], options: options)
        }
        let e = try model.unet.forwardGuided(x: z, timestep: timestep, cond: cond, uncond: uncond, fps: fps, options: options)
        return try Guidance.combine(cond: e.cond, uncond: e.uncond, scale: settings.guidance)
    }

    /// One guided DDIM sampling step i (0 = first) with the η-noise of (stage, i) from the seeded generator.
    public func denoise(_ z: Tensor, step i: Int, stage: Int, options: UNet3DForwardOptions = UNet3DForwardOptions()) throws -> Tensor {
        try DDIMSampler(schedule: schedule).step(
            z, step: i,
            denoiser: { x, t, _ in try self.guidedEps(x, timestep: t, options: options) },
            noise: { i, shape in self.noise.normal(shape, stream: .ddimStep(i, stage: stage)) })
    }

    /// Plain sampling from seeded x_T at `height`x`width`; returns z₀ (scaled latent).
    public func generate(height: Int, width: Int, stage: Int = 0) throws -> Tensor {
        let unit = model.config.sizeUnit
        guard height > 0, width > 0, height % unit == 0, width % unit == 0 else {
            throw FSError("size \(height)x\(width): sides must be multiples of \(unit) for this model")
        }
        let xT = noise.normal(latentShape(height: height, width: width), stream: .initialLatent(stage: stage))
        return try sample(from: xT, stage: stage)
    }

    /// The base generation at the settings' size.
    public func generate() throws -> Tensor { try generate(height: settings.height, width: settings.width) }

    /// The DDIM loop from `x` (x_T) with the run's noise; `noiseSource` overrides it (parity only).
    public func sample(from x: Tensor, stage: Int = 0, noiseSource: DDIMSampler.NoiseSource? = nil,
                       onStep: ((DDIMSampler.Progress) throws -> Void)? = nil) throws -> Tensor {
        _ = try textContexts()
        let n = schedule.count
        return try DDIMSampler(schedule: schedule).sample(
            from: x,
            denoiser: { x, t, _ in try self.guidedEps(x, timestep: t) },
            noise: noiseSource ?? { i, shape in self.noise.normal(shape, stream: .ddimStep(i, stage: stage)) },
            onStep: { p in
                try onStep?(p)
                self.onEvent?(.denoising(stage: stage, step: p.step + 1, of: n))
            })
    }

    /// VAE decode per frame of a scaled latent `[1, C, F, h, w]` → video `[3, F, H, W]` (not clamped).
    public func decode(_ latent: Tensor) throws -> Tensor {
        let s = Float(1 / model.config.scaleFactor)
        let z = latent.map { $0 * s }
        let v = try model.vae.decodeVideo(z) { self.onEvent?(.decoding(frame: $0, of: $1)) }
        return v.rank == 5 ? v.reshaped(Array(v.shape.dropFirst())) : v
    }

    /// VAE encode per frame of a video `[3, F, H, W]` with a posterior sample drawn from `stream`, times the
    /// scale factor → `[1, C, F, h, w]`.
    public func encode(_ video: Tensor, posteriorNoise stream: NoiseStream) throws -> Tensor {
        let post = try model.vae.encodeVideo(video) { self.onEvent?(.encoding(frame: $0, of: $1)) }
        return scaledLatent(try post.sample(noise: noise.normal(post.mean.shape, stream: stream)))
    }

    /// VAE encode per frame with the posterior *mean* (an input clip for video-to-video), times the scale
    /// factor → `[1, C, F, h, w]`.
    public func encodeMean(_ video: Tensor) throws -> Tensor {
        scaledLatent(try model.vae.encodeVideo(video) { self.onEvent?(.encoding(frame: $0, of: $1)) }.mean)
    }

    /// An unscaled VAE latent `[C, F, h, w]` or `[1, C, F, h, w]` → the scaled `[1, C, F, h, w]` the UNet sees.
    func scaledLatent(_ z: Tensor) -> Tensor {
        let s = Float(model.config.scaleFactor)
        let out = z.map { $0 * s }
        return out.rank == 4 ? out.reshaped([1] + out.shape) : out
    }

    /// VideoCrafter2's q_sample with use_scale.
    public func qSample(_ x0: Tensor, timestep: Int, noise: Tensor) throws -> Tensor {
        try schedule.ddpm.qSample(x0, timestep: timestep, noise: noise)
    }
}
