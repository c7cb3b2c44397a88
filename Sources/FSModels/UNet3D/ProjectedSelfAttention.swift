import FSTensor

/// A self-attention module seen as its stages: per-token projections, multi-head attention on projected
/// tokens, and an affine output projection. A `SpatialSelfAttentionStrategy` can project all tokens once
/// and run `attend` on any subset of them; running the stages in order is the module call itself.
/// The q/k/v projections have no bias, so a zero token projects to zero (a zero-padded token set gives the
/// same projections as projecting the padded tokens).
public protocol ProjectedSelfAttention {
    /// `x [B, N, dim]` → `[B, N, inner]`.
    func queries(_ x: Tensor) -> Tensor
    func keys(_ x: Tensor) -> Tensor
    func values(_ x: Tensor) -> Tensor
    /// Multi-head softmax attention on projected `q [B, N, inner]`, `k/v [B, M, inner]` → `[B, N, inner]`.
    func attend(q: Tensor, k: Tensor, v: Tensor) -> Tensor
    /// The output projection `W·a + b`: `[B, N, inner]` → `[B, N, dim]`.
    func outputProjection(_ x: Tensor) -> Tensor
    /// W of the output projection, `[dim, inner]`, as fp32 values (the ones it computes with).
    var outputWeight: Tensor { get }
}

extension ProjectedSelfAttention {
    /// The whole self-attention, `x [B, N, dim]` → `[B, N, dim]`.
    public func selfAttention(_ x: Tensor) -> Tensor {
        outputProjection(attend(q: queries(x), k: keys(x), v: values(x)))
    }
}
