import FSTensor

/// Where and when a spatial self-attention call happens: the token grid of one UNet level, in one forward.
///
/// Tokens are laid out `[(b·t), H·W, C]`: row `i·frames + j` is batch element i (e.g. the conditional /
/// unconditional guidance branch), frame j; inside a row, token `y·width + x` (row-major over H then W).
public struct SpatialSelfAttentionSite: Sendable {
    /// lvdm module name of the attention, e.g. `input_blocks.1.1.transformer_blocks.0.attn1`.
    public let moduleName: String
    /// Token grid height and width at this UNet level (the latent grid divided by 2^level).
    public let height: Int
    public let width: Int
    /// Frames per video (t) and videos in the batch (b); the token tensor holds b·t rows.
    public let frames: Int
    public let batch: Int
    /// The sampler's step index of this forward (`UNet3DForwardOptions.step`).
    public let step: Int

    public init(moduleName: String, height: Int, width: Int, frames: Int, batch: Int, step: Int = 0) {
        self.moduleName = moduleName; self.height = height; self.width = width
        self.frames = frames; self.batch = batch; self.step = step
    }
}

/// How the self-attention (`attn1`) of every SpatialTransformer block is computed.
///
/// The UNet calls `selfAttention` with the block's normalised tokens (`norm1(x)`, `[(b·t), H·W, C]`), the
/// block's attention module and the call's site; the result (`[(b·t), H·W, C]`, after the output
/// projection) is added to the residual by the UNet. A strategy may run the module on any token set
/// (`attention(tokens)`) or use its stages (`ProjectedSelfAttention`). The default is
/// `GlobalSpatialSelfAttention`. Cross-attention (`attn2`) and temporal transformers never go through a
/// strategy.
public protocol SpatialSelfAttentionStrategy: AnyObject {
    func selfAttention(_ tokens: Tensor, attention: CrossAttention, site: SpatialSelfAttentionSite) throws -> Tensor
}

/// The reference behaviour: global attention over all tokens of each frame.
public final class GlobalSpatialSelfAttention: SpatialSelfAttentionStrategy {
    public init() {}
    public func selfAttention(_ tokens: Tensor, attention: CrossAttention, site: SpatialSelfAttentionSite) throws -> Tensor {
        attention(tokens)
    }
}
