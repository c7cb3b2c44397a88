// The FreeScale cascade driver: the base generation, then each upper stage (docs/freescale.md: upscale, re-noise, blend, dilate, fuse).
import Foundation
import FSModels
import FSTensor

/// What the cascade needs from the generation pipeline. The pipeline (FSDiffusion + models) implements it;
/// FreeScale only orders the calls. Latents are scaled latents `[1, C, F, h, w]`, videos `[3, F, H, W]` in
/// [-1, 1].
public protocol CascadeBackend: AnyObject {
    /// DDIM timesteps in sampling order (descending, e.g. 981 … 1 for 50 steps).
    var timesteps: [Int] { get }
    /// The noise schedule's number of training timesteps T (1000 for VideoCrafter2); the cosine blend's period.
    var trainingTimesteps: Int { get }
    /// Plain sampling from pure noise at `size` (the base generation; with `--method direct`, the target).
    /// Same seed ⇒ same result as `fsvideo generate` at that size without FreeScale.
    func generate(size: FrameSize) throws -> Tensor
    /// VAE decode per frame (divides by the latent scale factor).
    func decode(_ latent: Tensor) throws -> Tensor
    /// VAE encode per frame with a posterior *sample*, multiplied by the latent scale factor.
    func encode(_ video: Tensor, stage: Int) throws -> Tensor
    /// Standard normal noise of `shape` for the pre-noising of stage `stage` (one draw per stage).
    func stageNoise(shape: [Int], stage: Int) -> Tensor
    /// VideoCrafter2's q_sample (with use_scale): x̃ₜ = √ᾱₜ·scaleₜ·x₀ + √(1−ᾱₜ)·noise.
    func qSample(_ x0: Tensor, timestep: Int, noise: Tensor) throws -> Tensor
    /// One guided DDIM step at step index `i` (ε from the UNet with `options`, classifier-free guidance,
    /// eta noise from the run's generator for `stage`).
    func denoise(_ z: Tensor, step i: Int, stage: Int, options: UNet3DForwardOptions) throws -> Tensor
    /// Progress of the upper-stage loop: step `step` (1-based, counted from the restart step) of `steps` of
    /// upper stage `stage` (1-based) of `stages` at `size` is done.
    func report(stage: Int, of stages: Int, size: FrameSize, step: Int, of steps: Int)
}

/// One finished stage.
public struct CascadeStage {
    public let size: FrameSize
    public let latent: Tensor
    public let seconds: Double

    public init(size: FrameSize, latent: Tensor, seconds: Double) { self.size = size; self.latent = latent; self.seconds = seconds }
}

public enum Cascade {
    /// Runs the whole plan; returns every stage (the last one is the result).
    /// `detailMask` and `editMask` (at any grid) are resized to each stage's latent grid; inside the edit mask
    /// the cosine blend uses `plan.cosineScaleEdit` (the backend blends the guidance itself). `initial`
    /// (video-to-video, a scaled latent at the base size) replaces the base generation; the upper stages are
    /// the same code path.
    public static func run(plan: FreeScalePlan, backend: CascadeBackend, seed: UInt64,
                           detailMask: DetailMask? = nil, editMask: DetailMask? = nil,
                           initial: Tensor? = nil) throws -> [CascadeStage] {
        guard backend.timesteps.count == plan.steps else {
            throw FSError("FreeScale: the sampler has \(backend.timesteps.count) steps, the plan \(plan.steps)")
        }
        var stages: [CascadeStage] = []
        var start = Date()
        var latent = try initial ?? backend.generate(size: plan.sizes[0])
        stages.append(CascadeStage(size: plan.sizes[0], latent: latent, seconds: Date().timeIntervalSince(start)))
        if plan.method == .direct { return stages }
        for (k, stage) in plan.upper.enumerated() {
            start = Date()
            latent = try runStage(stage, index: k + 1, previous: latent, plan: plan, backend: backend, seed: seed,
                                  detailMask: detailMask, editMask: editMask)
            stages.append(CascadeStage(size: stage.size, latent: latent, seconds: Date().timeIntervalSince(start)))
        }
        return stages
    }

    /// The upscaled previous result x̃₀ at the stage's latent size.
    public static func upscale(_ previous: Tensor, to size: FrameSize, mode: UpsampleMode, stage: Int,
                               latentFactor: Int = 8, backend: CascadeBackend) throws -> Tensor {
        let (lh, lw) = (size.height / latentFactor, size.width / latentFactor)
        switch mode {
        case .rgb:
            let video = try backend.decode(previous)                 // [3, F, H, W]
            let big = resize(video, height: size.height, width: size.width, mode: .bicubic)
            return try backend.encode(big, stage: stage)
        case .latent:
            return resize(previous, height: lh, width: lw, mode: .bicubic)
        }
    }

    static func runStage(_ stage: StagePlan, index: Int, previous: Tensor, plan: FreeScalePlan,
                         backend: CascadeBackend, seed: UInt64, detailMask: DetailMask?, editMask: DetailMask?) throws -> Tensor {
        let x0 = try upscale(previous, to: stage.size, mode: plan.upsample, stage: index,
                             latentFactor: plan.latentFactor, backend: backend)
        let noise = backend.stageNoise(shape: x0.shape, stage: index)
        let ts = backend.timesteps
        let (lh, lw) = (x0.shape[3], x0.shape[4])
        let detail = plan.cosineScaleBackground == nil ? nil : try detailMask?.resized(height: lh, width: lw)
        let edit = plan.cosineScaleEdit == nil ? nil : try editMask?.resized(height: lh, width: lw)
        let exponents = detail == nil && edit == nil ? nil
            : CosineBlend.exponents(frames: x0.shape[2], alpha: plan.cosineScale, detail: detail,
                                    alphaBackground: plan.cosineScaleBackground, edit: edit, alphaEdit: plan.cosineScaleEdit)
        let strategy = ScaleFusionStrategy(settings: stage.fusion, seed: seed, stage: index)
        // x̃ₜ is computed per step from x̃₀ and the one noise draw (same values as precomputing them all).
        var z = try backend.qSample(x0, timestep: ts[plan.restartStep], noise: noise)
        for i in plan.restartStep..<plan.steps {
            let t = ts[i]
            if i > plan.restartStep {   // at the restart step z is x̃ₜ already (the blend is the identity)
                let xt = try backend.qSample(x0, timestep: t, noise: noise)
                if let exponents {
                    z = CosineBlend.blend(z, toward: xt, timestep: t, exponents: exponents,
                                          trainingTimesteps: backend.trainingTimesteps)
                } else {
                    z = CosineBlend.blend(z, toward: xt, c: CosineBlend.factor(timestep: t, alpha: plan.cosineScale,
                                                                                trainingTimesteps: backend.trainingTimesteps))
                }
            }
            let options = UNet3DForwardOptions(convDilation: stage.dilation.map(step: i), spatialSelfAttention: strategy,
                                               step: i)
            z = try backend.denoise(z, step: i, stage: index, options: options)
            backend.report(stage: index, of: plan.sizes.count - 1, size: stage.size, step: i - plan.restartStep + 1,
                           of: plan.steps - plan.restartStep)
        }
        return z
    }
}
