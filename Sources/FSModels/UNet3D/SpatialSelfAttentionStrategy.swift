import FSTensor

/// Where a spatial self-attention call happens: the token grid of one UNet level.
///
/// Tokens are laid out `[(b·t), H·W, C]`: row `i·frames + j` is batch element i (e.g. the conditional /
/// unconditional guidance branch), frame j; inside a row, token `y·width + x` (row-major over H then W).
public struct SpatialSelfAttentionSite: Sendable {
    /// lvdm module name of the attention, e.g. `input_blocks.1.1.transformer_blocks.0.attn1`.
    public let moduleName: String
    /// Token grid height and width at this UNet level (latent size / downsampleFactor).
    public let height: Int
    public let width: Int
    /// Frames per video (t) and videos in the batch (b); the token tensor holds b·t rows.
    public let frames: Int
    public let batch: Int
    /// 2^level: how much this level's grid is smaller than the latent (1, 2, 4, …).
    public let downsampleFactor: Int

    public init(moduleName: String, height: Int, width: Int, frames: Int, batch: Int, downsampleFactor: Int) {
        self.moduleName = moduleName; self.height = height; self.width = width
        self.frames = frames; self.batch = batch; self.downsampleFactor = downsampleFactor
    }
}

/// How the self-attention (`attn1`) of every SpatialTransformer block is computed.
///
/// The UNet calls `selfAttention` with the block's normalised tokens (`norm1(x)`, `[(b·t), H·W, C]`) and
/// the block's `CrossAttention` module; the result (`[(b·t), H·W, C]`, after `to_out`) is added to the
/// residual by the UNet. The default is `GlobalSpatialSelfAttention` (plain attention over all H·W tokens of
/// each frame). FreeScale's scale fusion lives outside FSModels and implements this protocol: it runs the
/// same module on windows / sub-grids (`attention(tokens)`), or, cheaper, projects once with
/// `attention.queries/keys/values`, slices those (`to_q/to_k/to_v` have no bias, so zero-padded tokens
/// project to zero, exactly as running the module on a zero-padded window) and finishes with
/// `attention.attend(q:k:v:)` + `attention.outputProjection(_:)`.
/// Cross-attention (`attn2`) and temporal transformers are never routed through a strategy.
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
