import FSTensor

/// lvdm `CrossAttention`: q from x, k/v from the context (or from x for self-attention).
/// to_q/to_k/to_v are Linear without bias; heads split as `(h d)`; logits scaled by d_head^−0.5;
/// `to_out.0` is Linear with bias. Used as self-attention it is a `ProjectedSelfAttention`.
public final class CrossAttention: ProjectedSelfAttention {
    public let heads: Int
    public let headDim: Int
    private let toQ: LinearWeight, toK: LinearWeight, toV: LinearWeight
    private let toOut: LinearWeight, toOutBias: Tensor
    /// Precision of the projections and the attention products (softmax is fp32 either way).
    public let precision: Precision

    /// `to_out.0.weight` as fp32 values (the bf16-rounded ones in bf16 mode).
    public var outputWeight: Tensor { toOut.tensor }

    public var innerDim: Int { heads * headDim }

    init(_ w: WeightScope, queryDim: Int, contextDim: Int, heads: Int, headDim: Int) {
        self.heads = heads
        self.headDim = headDim
        let inner = heads * headDim
        precision = w.precision
        toQ = w.linearWeight("to_q.weight", [inner, queryDim])
        toK = w.linearWeight("to_k.weight", [inner, contextDim])
        toV = w.linearWeight("to_v.weight", [inner, contextDim])
        toOut = w.linearWeight("to_out.0.weight", [queryDim, inner])
        toOutBias = w("to_out.0.bias", [queryDim])
    }

    /// A self-attention module on its own (tests, benchmarks, parity fixtures): `to_q.weight`, `to_k.weight`,
    /// `to_v.weight` `[heads·headDim, dim]`, `to_out.0.weight` `[dim, heads·headDim]` and `to_out.0.bias`
    /// under `prefix` of `source`.
    public convenience init(selfAttention source: WeightSource, prefix: String = "", dim: Int, heads: Int,
                            headDim: Int, precision: Precision = .fp32) {
        self.init(WeightScope(source, prefix: prefix, precision: precision), queryDim: dim, contextDim: dim,
                  heads: heads, headDim: headDim)
    }

    /// `x [B, N, queryDim]`, `context [B, M, contextDim]` (nil = self-attention) → `[B, N, queryDim]`.
    public func callAsFunction(_ x: Tensor, context: Tensor? = nil) -> Tensor {
        guard let c = context else { return selfAttention(x) }
        return outputProjection(attend(q: queries(x), k: keys(c), v: values(c)))
    }

    /// `x [B, N, queryDim]` → `[B, N, heads·headDim]`.
    public func queries(_ x: Tensor) -> Tensor { linear(x, weight: toQ, bias: nil) }
    public func keys(_ c: Tensor) -> Tensor { linear(c, weight: toK, bias: nil) }
    public func values(_ c: Tensor) -> Tensor { linear(c, weight: toV, bias: nil) }

    /// Multi-head softmax attention on projected `q [B, N, h·d]`, `k/v [B, M, h·d]` → `[B, N, h·d]`.
    public func attend(q: Tensor, k: Tensor, v: Tensor) -> Tensor {
        multiHeadAttention(q: q, k: k, v: v, heads: heads, scale: 1 / Float(headDim).squareRoot(), precision: precision)
    }

    /// `to_out.0`: `[B, N, h·d]` → `[B, N, queryDim]`.
    public func outputProjection(_ x: Tensor) -> Tensor { linear(x, weight: toOut, bias: toOutBias) }
}
