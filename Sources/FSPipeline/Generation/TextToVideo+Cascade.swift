// The generation pipeline (FSDiffusion.TextToVideo) as the cascade's backend: one implementation of
// sampling, decoding and encoding shared by plain generation and FreeScale.
import FreeScale
import FSDiffusion
import FSTensor

extension TextToVideo: CascadeBackend {
    public func generate(size: FrameSize) throws -> Tensor { try generate(height: size.height, width: size.width) }

    public var trainingTimesteps: Int { schedule.ddpm.config.timesteps }

    public func encode(_ video: Tensor, stage: Int) throws -> Tensor { try encode(video, posteriorNoise: .posterior(stage: stage)) }

    public func stageNoise(shape: [Int], stage: Int) -> Tensor { noise.normal(shape, stream: .stageNoise(stage: stage)) }

    public func report(stage: Int, of stages: Int, size: FrameSize, step: Int, of steps: Int) {
        if step == 1 { onEvent?(.stage(index: stage, of: stages, size: size)) }
        onEvent?(.denoising(stage: stage, step: step, of: steps))
    }
}

/// The cascade's own noise draws; their ids are fixed (purpose 3 and 4) so a seed gives the same video in
/// every version.
extension NoiseStream {
    /// The VAE posterior sample of stage `stage` (re-encoding before an upper stage).
    public static func posterior(stage: Int) -> NoiseStream { NoiseStream(purpose: 3, stage: stage) }
    /// The one pre-noising draw of an upper stage (FreeScale's x̃ₜ).
    public static func stageNoise(stage: Int) -> NoiseStream { NoiseStream(purpose: 4, stage: stage) }
}

extension ModelGeometry {
    /// The geometry of a loaded model's config (base size, size unit, UNet layout, VAE factor).
    public init(model: VideoModelConfig) {
        self.init(base: FrameSize(height: model.baseHeight, width: model.baseWidth), sizeUnit: model.sizeUnit,
                  layout: UNetLayout(model.unet), latentFactor: model.vaeFactor)
    }
}
