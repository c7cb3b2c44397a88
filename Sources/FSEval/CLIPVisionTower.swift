import Foundation
import FSCheckpoint
import FSTensor

/// OpenAI CLIP's image tower (`VisionTransformer` + `CLIP.encode_image`, clip/model.py): conv1 patch
/// embedding (no bias) → class token + positional embedding → ln_pre → residual attention blocks
/// (pre-LN, full multi-head attention, QuickGELU MLP) → ln_post of the class token → `@ proj`.
/// Weights bind by the checkpoint keys under `visual.` (`ViT-L-14.pt`, open_clip exports).
public final class CLIPVisionTower: @unchecked Sendable {
    public let config: CLIPVisionConfig
    let patchWeight: Tensor          // conv1.weight as [width, 3·patch·patch]
    let classEmbedding: Tensor       // [width]
    let positionalEmbedding: Tensor  // [tokens, width]
    let lnPre: (weight: Tensor, bias: Tensor)
    let blocks: [Block]
    let lnPost: (weight: Tensor, bias: Tensor)
    let proj: Tensor                 // [width, output_dim], multiplies from the right (not a Linear weight)

    /// Intermediate values of frame 0 (patch_tokens, ln_pre, block_i, ln_post_cls), for parity checks.
    public typealias Probe = (String, Tensor) -> Void

    struct Block {
        let ln1w, ln1b, ln2w, ln2b: Tensor
        let inProjWeight, inProjBias, outProjWeight, outProjBias: Tensor
        let fcWeight, fcBias, projWeight, projBias: Tensor
        let heads: Int
        let eps: Float

        init(_ w: WeightLoader, _ p: String, _ c: CLIPVisionConfig) {
            let d = c.width, h = c.mlpWidth
            ln1w = w.tensor("\(p).ln_1.weight", shape: [d]); ln1b = w.tensor("\(p).ln_1.bias", shape: [d])
            ln2w = w.tensor("\(p).ln_2.weight", shape: [d]); ln2b = w.tensor("\(p).ln_2.bias", shape: [d])
            inProjWeight = CLIPVisionTower.half(w.tensor("\(p).attn.in_proj_weight", shape: [3 * d, d]))
            inProjBias = CLIPVisionTower.half(w.tensor("\(p).attn.in_proj_bias", shape: [3 * d]))
            outProjWeight = CLIPVisionTower.half(w.tensor("\(p).attn.out_proj.weight", shape: [d, d]))
            outProjBias = CLIPVisionTower.half(w.tensor("\(p).attn.out_proj.bias", shape: [d]))
            fcWeight = CLIPVisionTower.half(w.tensor("\(p).mlp.c_fc.weight", shape: [h, d]))
            fcBias = CLIPVisionTower.half(w.tensor("\(p).mlp.c_fc.bias", shape: [h]))
            projWeight = CLIPVisionTower.half(w.tensor("\(p).mlp.c_proj.weight", shape: [d, h]))
            projBias = CLIPVisionTower.half(w.tensor("\(p).mlp.c_proj.bias", shape: [d]))
            heads = c.heads
            eps = Float(c.layerNormEps)
        }

        /// x [N, tokens, width] → x + attn(ln_1(x)), then + c_proj(QuickGELU(c_fc(ln_2(x)))).
        func callAsFunction(_ x: Tensor) -> Tensor {
            let qkv = linear(layerNorm(x, weight: ln1w, bias: ln1b, eps: eps), weight: inProjWeight, bias: inProjBias)
                .chunked(3, axis: -1)
            var h = x + linear(multiHeadAttention(q: qkv[0], k: qkv[1], v: qkv[2], heads: heads),
                               weight: outProjWeight, bias: outProjBias)
            let hidden = quickGELU(linear(layerNorm(h, weight: ln2w, bias: ln2b, eps: eps), weight: fcWeight, bias: fcBias))
            h += linear(hidden, weight: projWeight, bias: projBias)
            return h
        }
    }

    /// `clip.model.build_model` runs `convert_weights` before `load_state_dict`, so Conv/Linear/attention
    /// weights and biases and `proj` are rounded to float16 even on the float32 CPU path (on purpose).
    static func half(_ t: Tensor) -> Tensor { t.map { Float(Float16($0)) } }

    /// Builds the tower over a view at `visual.`; every missing, unexpected or mis-shaped key is reported
    /// in one FSError.
    public init(_ weights: StateDictView, config: CLIPVisionConfig) throws {
        try config.validate()
        self.config = config
        let w = WeightLoader(weights, what: "CLIP vision tower")
        let d = config.width, p = config.patch
        patchWeight = Self.half(w.tensor("conv1.weight", shape: [d, 3, p, p])).reshaped([d, 3 * p * p])
        classEmbedding = w.tensor("class_embedding", shape: [d])
        positionalEmbedding = w.tensor("positional_embedding", shape: [config.tokens, d])
        lnPre = (w.tensor("ln_pre.weight", shape: [d]), w.tensor("ln_pre.bias", shape: [d]))
        blocks = (0..<config.layers).map { Block(w, "transformer.resblocks.\($0)", config) }
        lnPost = (w.tensor("ln_post.weight", shape: [d]), w.tensor("ln_post.bias", shape: [d]))
        proj = Self.half(w.tensor("proj", shape: [d, config.outputDim]))
        try w.finish()
    }

    /// pixel values [N, 3, image, image] → image features [N, output_dim] (before normalisation).
    public func callAsFunction(_ pixels: Tensor, probe: Probe? = nil) throws -> Tensor {
        let c = config, n = pixels.shape[0], g = c.grid, p = c.patch, d = c.width, s = c.imageSize
        guard pixels.rank == 4, pixels.shape[1] == 3, pixels.shape[2] == s, pixels.shape[3] == s else {
            throw FSError("CLIP vision tower: input \(pixels.shape), expected [N,3,\(s),\(s)]")
        }
        // conv1 with stride = kernel is a GEMM over non-overlapping patches; token = row·grid + col.
        let k = 3 * p * p
        let patches = Tensor(shape: [n * g * g, k]) { out in
            pixels.data.withUnsafeBufferPointer { src in
                ParallelFor.forEach(n * g * g) { row in
                    let b = row / (g * g), gy = (row / g) % g, gx = row % g
                    let dst = out.baseAddress! + row * k
                    for ch in 0..<3 { for y in 0..<p {
                        let from = src.baseAddress! + ((b * 3 + ch) * s + gy * p + y) * s + gx * p
                        (dst + (ch * p + y) * p).update(from: from, count: p)
                    } }
                }
            }
        }
        let tokens = matmul(patches, patchWeight, transposeB: true)   // [N·grid², width]
        if let probe { probe("patch_tokens", Tensor(shape: [g * g, d], data: Array(tokens.data[0..<(g * g * d)]))) }
        let t = c.tokens
        var x = Tensor(shape: [n, t, d]) { out in
            for b in 0..<n {
                let base = out.baseAddress! + b * t * d
                for j in 0..<d { base[j] = classEmbedding.data[j] + positionalEmbedding.data[j] }
                for i in 1..<t { for j in 0..<d {
                    base[i * d + j] = tokens.data[(b * (t - 1) + i - 1) * d + j] + positionalEmbedding.data[i * d + j]
                } }
            }
        }
        let eps = Float(c.layerNormEps)
        x = layerNorm(x, weight: lnPre.weight, bias: lnPre.bias, eps: eps)
        probe?("ln_pre", Self.firstItem(x))
        for (i, block) in blocks.enumerated() {
            x = block(x)
            probe?("block_\(i)", Self.firstItem(x))
        }
        var cls = Tensor(zeros: [n, d])
        for b in 0..<n { for j in 0..<d { cls.data[b * d + j] = x.data[b * t * d + j] } }
        cls = layerNorm(cls, weight: lnPost.weight, bias: lnPost.bias, eps: eps)
        probe?("ln_post_cls", Tensor(shape: [d], data: Array(cls.data[0..<d])))
        return matmul(cls, proj)
    }

    static func firstItem(_ x: Tensor) -> Tensor {
        let per = x.count / x.shape[0]
        return Tensor(shape: Array(x.shape.dropFirst()), data: Array(x.data[0..<per]))
    }

    /// Multiply-adds of one image through the tower, ×2 (for GFLOP/s figures).
    public var flopsPerImage: Double {
        let c = config, t = Double(c.tokens), d = Double(c.width), g2 = Double(c.grid * c.grid)
        let patch = g2 * d * Double(3 * c.patch * c.patch)
        let perBlock = t * d * 3 * d + 2 * t * t * d + t * d * d + 2 * t * d * Double(c.mlpWidth)
        return 2 * (patch + Double(c.layers) * perBlock + d * Double(c.outputDim))
    }
}

/// QuickGELU `x · sigmoid(1.702 x)` (OpenAI CLIP's activation, not the erf GELU), written as
/// `silu(1.702 x) / 1.702` to use FSTensor's vectorised exp.
func quickGELU(_ x: Tensor) -> Tensor { silu(x * 1.702) * (1 / 1.702) }
