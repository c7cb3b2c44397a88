// The generation pipeline (FSDiffusion.TextToVideo) as the cascade's backend: one implementation of
// sampling, decoding and encoding shared by plain generation and FreeScale.
import FSDiffusion
import FSTensor

extension TextToVideo: CascadeBackend {
    public func generate(size: FrameSize) throws -> Tensor { try generate(height: size.height, width: size.width) }
    public var trainingTimesteps: Int { schedule.ddpm.config.timesteps }
}

extension ModelGeometry {
    /// The geometry of a loaded model's config (base size, size unit, UNet layout, VAE factor).
    public init(model: VideoModelConfig) {
        self.init(base: FrameSize(height: model.baseHeight, width: model.baseWidth), sizeUnit: model.sizeUnit,
                  layout: UNetLayout(model.unet), latentFactor: model.vaeFactor)
    }
}
