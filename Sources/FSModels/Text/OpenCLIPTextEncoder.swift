import FSCheckpoint
import FSTensor

/// The text tower of VideoCrafter2's `FrozenOpenCLIPEmbedder` (`encode_with_transformer`, open_clip 2.22):
/// token + positional embedding → resblocks (pre-LN, causal multi-head attention, exact-GELU MLP), with the
/// last resblock skipped for layer "penultimate" → ln_final. All 77 token states are returned
/// `[n, 77, width]` (no pooling, no text_projection). Weights bind under `cond_stage_model.model.`.
public final class OpenCLIPTextEncoder: @unchecked Sendable {
    public let config: OpenCLIPTextConfig
    public let layer: OpenCLIPLayer
    public let precision: Precision
    let tokenEmbedding: Tensor      // [vocab, width]
    let positionalEmbedding: Tensor // [context, width]
    let blocks: [ResidualAttentionBlock]
    let lnFinal: LayerNormLayer

    public static let checkpointPrefix = "cond_stage_model.model."

    struct ResidualAttentionBlock {
        let ln1: LayerNormLayer, ln2: LayerNormLayer
        let inProjWeight: LinearWeight     // [3w, w]: rows 0…w−1 q, then k, then v
        let inProjBias: Tensor
        let outProj: LinearLayer
        let fc: LinearLayer, proj: LinearLayer
        let heads: Int
        let precision: Precision

        init(_ w: WeightScope, width: Int, heads: Int, mlp: Int) {
            ln1 = LayerNormLayer(w, "ln_1", channels: width)
            ln2 = LayerNormLayer(w, "ln_2", channels: width)
            inProjWeight = w.linearWeight("attn.in_proj_weight", [3 * width, width])
            precision = w.precision
            inProjBias = w("attn.in_proj_bias", [3 * width])
            outProj = LinearLayer(w, "attn.out_proj", in: width, out: width)
            fc = LinearLayer(w, "mlp.c_fc", in: width, out: mlp)
            proj = LinearLayer(w, "mlp.c_proj", in: mlp, out: width)
            self.heads = heads
        }

        func callAsFunction(_ x: Tensor) -> Tensor {
            let qkv = linear(ln1(x), weight: inProjWeight, bias: inProjBias).chunked(3, axis: -1)
            // attention runs across the tokens of each prompt (open_clip 2.22 is sequence-first); causal mask.
            var h = x + outProj(multiHeadAttention(q: qkv[0], k: qkv[1], v: qkv[2], heads: heads, causal: true,
                                                             precision: precision))
            h += proj(gelu(fc(ln2(h))))
            return h
        }
    }

    /// Builds the encoder over a checkpoint view (`sd.view(prefix: "cond_stage_model.model.")`); every
    /// missing, unexpected or mis-shaped key is reported in one FSError.
    public convenience init(config: OpenCLIPTextConfig, layer: OpenCLIPLayer = .penultimate, weights: StateDictView,
                            precision: Precision = .fp32) throws {
        let loader = WeightLoader(weights, what: "text encoder (OpenCLIP)")
        try self.init(config: config, layer: layer, source: loader, precision: precision)
        try loader.finish()
    }

    /// Builds the encoder from any weight source. `text_projection` and `logit_scale` are bound (they are
    /// part of the checkpoint) but never used.
    /// `precision`: what the projections, MLPs and attention products compute in (see `Precision`).
    public init(config: OpenCLIPTextConfig, layer: OpenCLIPLayer = .penultimate, source: WeightSource,
                precision: Precision = .fp32) throws {
        try config.validate()
        self.config = config
        self.layer = layer
        self.precision = precision
        let w = WeightScope(source, precision: precision)
        let t = config.textCfg
        tokenEmbedding = w("token_embedding.weight", [t.vocabSize, t.width])
        positionalEmbedding = w("positional_embedding", [t.contextLength, t.width])
        blocks = (0..<t.layers).map {
            ResidualAttentionBlock(w.scope("transformer.resblocks.\($0)"), width: t.width, heads: t.heads, mlp: config.mlpWidth)
        }
        lnFinal = LayerNormLayer(w, "ln_final", channels: t.width)
        _ = w("text_projection", [t.width, config.embedDim])
        _ = w("logit_scale", [])
    }

    public var width: Int { config.textCfg.width }
    public var contextLength: Int { config.textCfg.contextLength }

    /// Token ids (one row of `contextLength` per prompt) → `[n, contextLength, width]`.
    public func encode(tokens: [[Int]], layer: OpenCLIPLayer? = nil, probe: ActivationProbe? = nil) throws -> Tensor {
        let n = tokens.count, l = contextLength, wd = width, vocab = config.textCfg.vocabSize
        guard n > 0 else { throw FSError("text encoder: no prompts") }
        for (i, row) in tokens.enumerated() {
            guard row.count == l else { throw FSError("text encoder: prompt \(i) has \(row.count) tokens, expected \(l)") }
            if let bad = row.first(where: { $0 < 0 || $0 >= vocab }) {
                throw FSError("text encoder: token id \(bad) of prompt \(i) is outside the vocabulary (0..<\(vocab))")
            }
        }
        let emb = Tensor(shape: [n, l, wd]) { dst in
            tokenEmbedding.data.withUnsafeBufferPointer { table in
                for (i, row) in tokens.enumerated() {
                    for (p, id) in row.enumerated() {
                        (dst.baseAddress! + (i * l + p) * wd).update(from: table.baseAddress! + id * wd, count: wd)
                    }
                }
            }
        }
        probe?("token_embedding", emb)
        var x = emb
        x.data.withUnsafeMutableBufferPointer { xs in
            positionalEmbedding.data.withUnsafeBufferPointer { pos in
                for i in 0..<n { for k in 0..<(l * wd) { xs[i * l * wd + k] += pos[k] } }
            }
        }
        probe?("x_embed", x)
        let count = (layer ?? self.layer) == .penultimate ? blocks.count - 1 : blocks.count
        for i in 0..<count {
            x = blocks[i](x)
            probe?("resblocks.\(i)", x)
        }
        return lnFinal(x)
    }

    /// Tokenizes (open_clip rules) and encodes prompts → `[n, 77, width]`.
    public func encode(prompts: [String], tokenizer: CLIPTokenizer? = nil) throws -> Tensor {
        let tokenizer = try tokenizer ?? .sharedOrThrow()
        return try encode(tokens: prompts.map { tokenizer.tokenize($0, contextLength: contextLength) })
    }
}
