import FSModels
import FSTensor

/// One SpatialTransformer outside a UNet (the UNet bench's per-block timing): weights under `prefix` of
/// `source`. Builds on FSModels' package-level layer types.
struct StandaloneSpatialTransformer {
    let block: SpatialTransformer

    init(channels: Int, headChannels: Int, contextDim: Int, source: WeightSource, prefix: String = "") {
        block = SpatialTransformer(WeightScope(source, prefix: prefix), name: "spatial_transformer", channels: channels,
                                   heads: channels / headChannels, headDim: headChannels, depth: 1,
                                   contextDim: contextDim)
    }

    /// `x [(b·t), C, H, W]`, `context [b, L, ctx]` → `[(b·t), C, H, W]`.
    func callAsFunction(_ x: Tensor, context: Tensor, batch: Int, frames: Int,
                        strategy: SpatialSelfAttentionStrategy? = nil) throws -> Tensor {
        let run = UNetRun(options: UNet3DForwardOptions(), batch: batch, frames: frames,
                          spatialStrategy: strategy ?? GlobalSpatialSelfAttention())
        return try block(x, context: context, run: run)
    }
}
