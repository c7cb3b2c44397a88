// Scale fusion plugged into the UNet's spatial self-attention hook.
import FSModels
import FSTensor

/// The UNet's `SpatialSelfAttentionStrategy` for an upper FreeScale stage. Window jitter is drawn from a
/// generator keyed by (run seed, stage, the site's step, module name), so it is the same for every frame
/// and both guidance branches (they share one call) and independent of thread count and call order.
public final class ScaleFusionStrategy: SpatialSelfAttentionStrategy, Sendable {
    public let settings: ScaleFusionSettings
    public let seed: UInt64
    public let stage: Int

    public init(settings: ScaleFusionSettings, seed: UInt64, stage: Int) {
        self.settings = settings; self.seed = seed; self.stage = stage
    }

    public func selfAttention(_ tokens: Tensor, attention: CrossAttention, site: SpatialSelfAttentionSite) throws -> Tensor {
        var rng: SplitMix64? = settings.jitter
            ? SplitMix64(seed: SplitMix64.seed(seed, UInt64(stage), UInt64(site.step), fnv1a(site.moduleName))) : nil
        return try ScaleFusion.fuse(tokens, height: site.height, width: site.width, frames: site.frames,
                                    settings: settings, rng: &rng, attention: attention)
    }

    func fnv1a(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }
}

extension UNetLayout {
    /// The layout of a UNet config (lvdm UNetModel).
    public init(_ config: UNet3DConfig) {
        self.init(levels: config.levels, numResBlocks: config.numResBlocks, temporalAttention: config.temporalAttention)
    }
}

extension ModelGeometry {
    /// Geometry from the UNet config and the model's native size (VAE downsampling 8).
    public init(config: UNet3DConfig, base: FrameSize) {
        self.init(base: base, levels: config.levels, numResBlocks: config.numResBlocks,
                  temporalAttention: config.temporalAttention)
    }
}
