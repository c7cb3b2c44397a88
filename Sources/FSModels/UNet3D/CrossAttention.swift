import FSTensor

/// lvdm `CrossAttention`: q from x, k/v from the context (or from x for self-attention).
/// to_q/to_k/to_v are Linear without bias; heads split as `(h d)`; logits scaled by d_head^−0.5;
/// `to_out.0` is Linear with bias.
public final class CrossAttention {
    public let heads: Int
    public let headDim: Int
    public let toQ: Tensor, toK: Tensor, toV: Tensor
    public let toOutWeight: Tensor, toOutBias: Tensor

    public var innerDim: Int { heads * headDim }

    init(_ w: WeightScope, queryDim: Int, contextDim: Int, heads: Int, headDim: Int) {
        self.heads = heads
        self.headDim = headDim
        let inner = heads * headDim
        toQ = w("to_q.weight", [inner, queryDim])
        toK = w("to_k.weight", [inner, contextDim])
        toV = w("to_v.weight", [inner, contextDim])
        toOutWeight = w("to_out.0.weight", [queryDim, inner])
        toOutBias = w("to_out.0.bias", [queryDim])
    }

    /// `x [B, N, queryDim]`, `context [B, M, contextDim]` (nil = self-attention) → `[B, N, queryDim]`.
    public func callAsFunction(_ x: Tensor, context: Tensor? = nil) -> Tensor {
        let c = context ?? x
        let out = attend(q: queries(x), k: keys(c), v: values(c))
        return outputProjection(out)
    }

    /// `x [B, N, queryDim]` → `[B, N, heads·headDim]`.
    public func queries(_ x: Tensor) -> Tensor { linear(x, weight: toQ, bias: nil) }
    public func keys(_ c: Tensor) -> Tensor { linear(c, weight: toK, bias: nil) }
    public func values(_ c: Tensor) -> Tensor { linear(c, weight: toV, bias: nil) }

    /// Multi-head softmax attention on projected `q [B, N, h·d]`, `k/v [B, M, h·d]` → `[B, N, h·d]`.
    public func attend(q: Tensor, k: Tensor, v: Tensor) -> Tensor {
        multiHeadAttention(q: q, k: k, v: v, heads: heads, scale: 1 / Float(headDim).squareRoot())
    }

    /// `to_out.0`: `[B, N, h·d]` → `[B, N, queryDim]`.
    public func outputProjection(_ x: Tensor) -> Tensor { linear(x, weight: toOutWeight, bias: toOutBias) }
}
