import FSTensor

/// lvdm `BasicTransformerBlock`: `x = attn1(LN1(x)) + x; x = attn2(LN2(x), ctx) + x; x = ff(LN3(x)) + x`.
/// With no context (temporal transformers with only_self_att) attn2 is a second self-attention.
final class BasicTransformerBlock {
    let norm1: LayerNormLayer, norm2: LayerNormLayer, norm3: LayerNormLayer
    let attn1: CrossAttention
    let attn2: CrossAttention
    let ff: FeedForward

    init(_ w: WeightScope, dim: Int, heads: Int, headDim: Int, contextDim: Int?) {
        norm1 = LayerNormLayer(w, "norm1", channels: dim)
        norm2 = LayerNormLayer(w, "norm2", channels: dim)
        norm3 = LayerNormLayer(w, "norm3", channels: dim)
        attn1 = CrossAttention(w.scope("attn1"), queryDim: dim, contextDim: dim, heads: heads, headDim: headDim)
        attn2 = CrossAttention(w.scope("attn2"), queryDim: dim, contextDim: contextDim ?? dim, heads: heads, headDim: headDim)
        ff = FeedForward(w.scope("ff"), dim: dim)
    }

    /// `x [B, N, dim]`; `selfAttention` replaces attn1 (the spatial strategy hook); `name` is the block's
    /// lvdm path for the observer.
    func callAsFunction(_ x: Tensor, context: Tensor?, name: String, run: UNetRun,
                        selfAttention: ((Tensor, CrossAttention) throws -> Tensor)? = nil) throws -> Tensor {
        var x = x
        let n1 = norm1(x)
        let a1 = try selfAttention?(n1, attn1) ?? attn1(n1)
        run.observe(name + ".attn1", a1)
        x += a1
        let a2 = attn2(norm2(x), context: context)
        run.observe(name + ".attn2", a2)
        x += a2
        let f = ff(norm3(x))
        run.observe(name + ".ff", f)
        x += f
        return x
    }
}
