// PLACEHOLDER SIGNATURES — the FSTensor owner replaces these bodies (and splits them into files:
// Elementwise.swift, GEMM.swift, Conv2D.swift, TemporalConv.swift, Norms.swift, Attention.swift,
// Resize.swift, GaussianBlur.swift). Signatures are the contract other modules code against.

public enum ResizeMode: String, Sendable { case nearest, bilinear, bicubic }

extension Tensor {
    public static func + (a: Tensor, b: Tensor) -> Tensor { fatalError("unimplemented") }
    public static func - (a: Tensor, b: Tensor) -> Tensor { fatalError("unimplemented") }
    /// Elementwise product (same shape).
    public static func * (a: Tensor, b: Tensor) -> Tensor { fatalError("unimplemented") }
    public static func * (a: Tensor, s: Float) -> Tensor { fatalError("unimplemented") }
    public static func + (a: Tensor, s: Float) -> Tensor { fatalError("unimplemented") }
    public static func += (a: inout Tensor, b: Tensor) { fatalError("unimplemented") }
    public func map(_ f: (Float) -> Float) -> Tensor { fatalError("unimplemented") }
    /// Adds `bias[c]` to every element whose index along `axis` is c (e.g. conv bias on axis 1).
    public func addingBias(_ bias: Tensor, axis: Int) -> Tensor { fatalError("unimplemented") }
    /// Multiplies by `scale[c]` along `axis`.
    public func scaling(_ scale: Tensor, axis: Int) -> Tensor { fatalError("unimplemented") }
}

public func silu(_ x: Tensor) -> Tensor { fatalError("unimplemented") }
/// GELU, erf form (torch default).
public func gelu(_ x: Tensor) -> Tensor { fatalError("unimplemented") }

/// 2-D [M,K]·[K,N] → [M,N], or batched 3-D [B,M,K]·[B,K,N] → [B,M,N], through cblas_sgemm.
public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor { fatalError("unimplemented") }
/// x [..., in] · weightᵀ ([out, in]) + bias [out] → [..., out].
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor { fatalError("unimplemented") }

/// x [N,C,H,W], weight [O,C,kh,kw] → [N,O,H',W']. groups = 1. im2col tiled (bounded scratch).
public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, stride: Int = 1, padding: Int = 0, dilation: Int = 1) -> Tensor { fatalError("unimplemented") }
public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int)) -> Tensor { fatalError("unimplemented") }
/// x [N,C,T,H,W], weight [O,C,k,1,1] (Conv3d with kernel (k,1,1), padding (padding,0,0)) → [N,O,T',H,W].
public func temporalConv(_ x: Tensor, weight: Tensor, bias: Tensor?, padding: Int) -> Tensor { fatalError("unimplemented") }
/// Constant padding of the last two axes of x [..., H, W].
public func pad2d(_ x: Tensor, left: Int, right: Int, top: Int, bottom: Int, value: Float = 0) -> Tensor { fatalError("unimplemented") }

/// x [N,C,...]: groups over C, statistics over (C/groups × rest); affine weight/bias [C].
public func groupNorm(_ x: Tensor, groups: Int, weight: Tensor?, bias: Tensor?, eps: Float) -> Tensor { fatalError("unimplemented") }
/// Normalises over the last axis; weight/bias [last].
public func layerNorm(_ x: Tensor, weight: Tensor?, bias: Tensor?, eps: Float) -> Tensor { fatalError("unimplemented") }
/// Softmax over the last axis.
public func softmax(_ x: Tensor) -> Tensor { fatalError("unimplemented") }

/// Scaled dot-product attention. q [B,N,d], k [B,M,d], v [B,M,dv] → [B,N,dv].
/// softmax(q·kᵀ·scale)·v, computed in tiles with an online softmax: never an N×M matrix for large N.
/// `causal`: query i sees keys 0...i.
public func attention(q: Tensor, k: Tensor, v: Tensor, scale: Float, causal: Bool = false) -> Tensor { fatalError("unimplemented") }
/// Multi-head convenience: q [B,N,h·d], k/v [B,M,h·d] → [B,N,h·d]; scale defaults to 1/√d.
public func multiHeadAttention(q: Tensor, k: Tensor, v: Tensor, heads: Int, scale: Float? = nil, causal: Bool = false) -> Tensor { fatalError("unimplemented") }

/// Nearest-neighbour ×2 upsampling of the last two axes.
public func upsampleNearest2x(_ x: Tensor) -> Tensor { fatalError("unimplemented") }
/// Resize of the last two axes of x [..., H, W] like torch F.interpolate(size:, mode:, align_corners=False)
/// (bicubic: a = −0.75, clamped edge taps; nearest: torch's legacy 'nearest').
public func resize(_ x: Tensor, height: Int, width: Int, mode: ResizeMode) -> Tensor { fatalError("unimplemented") }

/// Normalised 1-D Gaussian taps (size odd), as torch/FreeScale build them.
public func gaussianKernel1D(size: Int, sigma: Float) -> [Float] { fatalError("unimplemented") }
/// Separable Gaussian blur along each of `axes` with zero padding (size/2 each side).
public func gaussianBlur(_ x: Tensor, kernelSize: Int, sigma: Float, axes: [Int]) -> Tensor { fatalError("unimplemented") }
