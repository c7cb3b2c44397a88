import FSTensor

/// lvdm `SpatialTransformer` (use_linear): GN(32, eps 1e-6) per frame → tokens `[(b·t), H·W, C]` (row-major
/// over H then W) → proj_in Linear → BasicTransformerBlock(s) with the text context → proj_out Linear →
/// back to `[(b·t), C, H, W]` → + input. attn1 goes through the run's `SpatialSelfAttentionStrategy`.
struct SpatialTransformer {
    let name: String
    let norm: GroupNormLayer
    let projIn: LinearLayer
    let blocks: [BasicTransformerBlock]
    let projOut: LinearLayer

    init(_ w: WeightScope, name: String, channels: Int, heads: Int, headDim: Int, depth: Int, contextDim: Int) {
        self.name = name
        let inner = heads * headDim
        norm = GroupNormLayer(w, "norm", channels: channels, eps: 1e-6)
        projIn = LinearLayer(w, "proj_in", in: channels, out: inner)
        blocks = (0..<depth).map {
            BasicTransformerBlock(w.scope("transformer_blocks.\($0)"), dim: heads * headDim, heads: heads,
                                  headDim: headDim, contextDim: contextDim)
        }
        projOut = LinearLayer(w, "proj_out", in: inner, out: channels)
    }

    /// `x [(b·t), C, H, W]`, `context [b, L, ctx]` (one per video; frames share it).
    func callAsFunction(_ x: Tensor, context: Tensor, run: UNetRun) throws -> Tensor {
        let n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3]
        let normed = norm(x)
        run.observe(name + ".norm", normed)
        var tokens = projIn(normed.reshaped([n, c, h * w]).permuted([0, 2, 1]))
        run.observe(name + ".proj_in", tokens)
        let ctx = VideoLayout.repeatInterleave(context, times: run.frames)
        for (i, block) in blocks.enumerated() {
            let blockName = "\(name).transformer_blocks.\(i)"
            let site = SpatialSelfAttentionSite(moduleName: blockName + ".attn1", height: h, width: w,
                                                frames: run.frames, batch: run.batch, step: run.options.step)
            let strategy = run.spatialStrategy
            tokens = try block(tokens, context: ctx, name: blockName, run: run) { t, attn in
                try strategy.selfAttention(t, attention: attn, site: site)
            }
            run.observe(blockName, tokens)
        }
        let out = projOut(tokens)
        run.observe(name + ".proj_out", out)
        var y = out.permuted([0, 2, 1]).reshaped([n, c, h, w])
        y += x
        return y
    }
}

/// One SpatialTransformer outside a UNet (benchmarks, memory checks): weights under `prefix` of `source`.
public struct StandaloneSpatialTransformer {
    let block: SpatialTransformer

    public init(channels: Int, headChannels: Int, contextDim: Int, source: WeightSource, prefix: String = "") {
        block = SpatialTransformer(WeightScope(source, prefix: prefix), name: "spatial_transformer", channels: channels,
                                   heads: channels / headChannels, headDim: headChannels, depth: 1,
                                   contextDim: contextDim)
    }

    /// `x [(b·t), C, H, W]`, `context [b, L, ctx]` → `[(b·t), C, H, W]`.
    public func callAsFunction(_ x: Tensor, context: Tensor, batch: Int, frames: Int,
                               strategy: SpatialSelfAttentionStrategy? = nil) throws -> Tensor {
        let run = UNetRun(options: UNet3DForwardOptions(), batch: batch, frames: frames,
                          spatialStrategy: strategy ?? GlobalSpatialSelfAttention())
        return try block(x, context: context, run: run)
    }
}
