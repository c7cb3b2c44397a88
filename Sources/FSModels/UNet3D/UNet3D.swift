import Foundation
import FSCheckpoint
import FSTensor

/// VideoCrafter2's 3D UNet (lvdm `openaimodel3d.UNetModel`), ε-prediction.
///
/// `forward(x: [b, c, t, h, w], timesteps: [b], context: [b, L, context_dim], fps: [b])` → ε `[b, c, t, h, w]`.
/// Frames are folded into the batch internally (`(b t)`, frame index fastest). Each video of the batch is
/// computed independently, so the two classifier-free-guidance branches can run as one batch of 2
/// (`forwardGuided`). Weights bind by the lvdm keys under `model.diffusion_model.`.
public final class UNet3D {
    public let config: UNet3DConfig
    public let precision: Precision

    enum Layer {
        case conv(Conv2DLayer)
        case res(ResBlock)
        case spatial(SpatialTransformer)
        case temporal(TemporalTransformer)
        case down(Downsample)
        case up(Upsample)
    }
    struct Block {
        let name: String
        let layers: [Layer]
    }

    let timeEmbed: EmbeddingMLP
    let fpsEmbedding: EmbeddingMLP?
    let inputBlocks: [Block]
    let initAttn: TemporalTransformer?
    let middleBlock: Block
    let outputBlocks: [Block]
    let outNorm: GroupNormLayer
    let outConv: Conv2DLayer
    /// lvdm names of every 3×3 Conv2d (what the dilation hook may name).
    public let dilatableConvs: Set<String>

    /// The key prefix of the UNet in a VideoCrafter2 checkpoint.
    public static let checkpointPrefix = "model.diffusion_model."

    /// Builds the UNet over a checkpoint's state dict (`sd.view(prefix: "model.diffusion_model.")`); every
    /// missing, unexpected or mis-shaped key is reported in one FSError.
    public convenience init(config: UNet3DConfig, weights: StateDictView, precision: Precision = .fp32) throws {
        let loader = WeightLoader(weights, what: "UNet3D")
        try self.init(config: config, source: loader, precision: precision)
        try loader.finish()
    }

    /// Builds the UNet from any weight source (checkpoint loader, seeded synthetic weights, shape recorder).
    /// `precision`: what the convolutions, linears and attention products compute in (weights stored in it);
    /// the timestep/fps embeddings, norms and softmax stay fp32.
    public init(config: UNet3DConfig, source: WeightSource, precision: Precision = .fp32) throws {
        try config.validate()
        self.config = config
        self.precision = precision
        let w = WeightScope(source, precision: precision)
        let mc = config.modelChannels, embDim = config.timeEmbedDim
        let ctxDim = config.contextDim ?? 0
        var convs = Set<String>()

        timeEmbed = EmbeddingMLP(w.scope("time_embed"), modelChannels: mc)
        fpsEmbedding = config.fpsCond ? EmbeddingMLP(w.scope("fps_embedding"), modelChannels: mc) : nil

        func res(_ name: String, _ inC: Int, _ outC: Int) -> Layer {
            convs.insert(name + ".in_layers.2"); convs.insert(name + ".out_layers.3")
            return .res(ResBlock(w.scope(name), name: name, inChannels: inC, outChannels: outC, embChannels: embDim,
                                 temporalConv: config.temporalConv))
        }
        func transformers(_ name: String, _ j: Int, _ ch: Int) -> [Layer] {
            let (heads, headDim) = config.heads(channels: ch)
            var ls: [Layer] = [.spatial(SpatialTransformer(w.scope("\(name).\(j)"), name: "\(name).\(j)", channels: ch,
                                                           heads: heads, headDim: headDim,
                                                           depth: config.transformerDepth, contextDim: ctxDim))]
            if config.temporalAttention {
                ls.append(.temporal(TemporalTransformer(w.scope("\(name).\(j + 1)"), name: "\(name).\(j + 1)",
                                                        channels: ch, heads: heads, headDim: headDim,
                                                        depth: config.temporalTransformerDepth,
                                                        useLinear: config.useLinear)))
            }
            return ls
        }

        // Input blocks.
        var inputs: [Block] = []
        let in0 = Conv2DLayer(w, "input_blocks.0.0", name: "input_blocks.0.0", in: config.inChannels, out: mc,
                              kernel: 3, padding: 1)
        convs.insert("input_blocks.0.0")
        inputs.append(Block(name: "input_blocks.0", layers: [.conv(in0)]))
        // init_attn: 8 heads of num_head_channels, depth transformer_depth, Conv1d projections (no use_linear).
        initAttn = config.additionAttention
            ? TemporalTransformer(w.scope("init_attn.0"), name: "init_attn.0", channels: mc, heads: 8,
                                  headDim: config.numHeadChannels, depth: config.transformerDepth, useLinear: false)
            : nil
        var chans = [mc]
        var ch = mc, ds = 1
        for (level, mult) in config.channelMult.enumerated() {
            for _ in 0..<config.numResBlocks {
                let name = "input_blocks.\(inputs.count)"
                var layers = [res(name + ".0", ch, mult * mc)]
                ch = mult * mc
                if config.attentionResolutions.contains(ds) { layers += transformers(name, 1, ch) }
                inputs.append(Block(name: name, layers: layers))
                chans.append(ch)
            }
            if level != config.channelMult.count - 1 {
                let name = "input_blocks.\(inputs.count)"
                convs.insert(name + ".0.op")
                inputs.append(Block(name: name, layers: [.down(Downsample(w.scope(name + ".0"), name: name + ".0",
                                                                          channels: ch))]))
                chans.append(ch)
                ds *= 2
            }
        }
        inputBlocks = inputs

        // Middle block: ResBlock, SpatialTransformer, TemporalTransformer, ResBlock.
        var mid = [res("middle_block.0", ch, ch)]
        mid += transformers("middle_block", 1, ch)
        mid.append(res("middle_block.\(mid.count)", ch, ch))
        middleBlock = Block(name: "middle_block", layers: mid)

        // Output blocks.
        var outputs: [Block] = []
        for (level, mult) in config.channelMult.enumerated().reversed() {
            for i in 0...config.numResBlocks {
                let name = "output_blocks.\(outputs.count)"
                let skipC = chans.removeLast()
                var layers = [res(name + ".0", ch + skipC, mc * mult)]
                ch = mc * mult
                if config.attentionResolutions.contains(ds) { layers += transformers(name, 1, ch) }
                if level != 0 && i == config.numResBlocks {
                    let upName = "\(name).\(layers.count)"
                    convs.insert(upName + ".conv")
                    layers.append(.up(Upsample(w.scope(upName), name: upName, channels: ch)))
                    ds /= 2
                }
                outputs.append(Block(name: name, layers: layers))
            }
        }
        outputBlocks = outputs
        outNorm = GroupNormLayer(w, "out.0", channels: ch, eps: 1e-5)
        outConv = Conv2DLayer(w, "out.2", name: "out.2", in: mc, out: config.outChannels, kernel: 3, padding: 1)
        convs.insert("out.2")
        dilatableConvs = convs
    }

    /// Every key (relative to `model.diffusion_model.`) and shape this config needs, without allocating weights.
    public static func parameterShapes(config: UNet3DConfig) throws -> [String: [Int]] {
        let rec = ParameterShapeRecorder()
        _ = try UNet3D(config: config, source: rec)
        return rec.requested
    }

    // MARK: forward

    /// ε for `x [b, c, t, h, w]` at integer `timesteps [b]` with `context [b, L, context_dim]` and `fps [b]`
    /// (fps is used when the config has fps_cond). Bad shapes throw one FSError before any compute.
    public func forward(x: Tensor, timesteps: [Int], context: Tensor, fps: [Int],
                        options: UNet3DForwardOptions = UNet3DForwardOptions()) throws -> Tensor {
        try validate(x: x, timesteps: timesteps, context: context, fps: fps, options: options)
        let b = x.shape[0], t = x.shape[2]
        let run = UNetRun(options: options, batch: b, frames: t,
                          spatialStrategy: options.spatialSelfAttention ?? GlobalSpatialSelfAttention())
        let mc = config.modelChannels

        let tEmb = timestepEmbedding(timesteps.map(Double.init), dim: mc)
        run.observe("t_emb", tEmb)
        var emb = timeEmbed(tEmb)
        run.observe("time_embed", emb)
        if let fpsEmbedding {
            let fEmb = timestepEmbedding(fps.map(Double.init), dim: mc)
            run.observe("fps_t_emb", fEmb)
            let f = fpsEmbedding(fEmb)
            run.observe("fps_embedding", f)
            emb += f
        }
        run.observe("emb", emb)
        let embFrames = VideoLayout.repeatInterleave(emb, times: t)

        var h = VideoLayout.toFrames(x)
        var skips: [Tensor] = []
        for (i, block) in inputBlocks.enumerated() {
            h = try apply(block, h, emb: embFrames, context: context, run: run)
            if i == 0, let initAttn {
                // init_attn runs right after input_blocks.0; its output is the first skip.
                h = try initAttn(h, run: run)
                if run.observing {
                    run.observe("init_attn.0", VideoLayout.toVideo(h, batch: b))
                    run.observe("init_attn", h)
                }
            }
            skips.append(h)
        }
        h = try apply(middleBlock, h, emb: embFrames, context: context, run: run)
        for block in outputBlocks {
            h = Tensor.concat([h, skips.removeLast()], axis: 1)   // current features first, then the skip
            h = try apply(block, h, emb: embFrames, context: context, run: run)
        }
        h = outConv(silu(outNorm(h)), run)
        run.observe("out", h)
        return VideoLayout.toVideo(h, batch: b)
    }

    /// Both classifier-free-guidance branches of every item in one UNet call (a batch of 2b):
    /// `x [b, c, t, h, w]`, `cond`/`uncond` `[b, L, ctx]` (one context per item) or `[1, L, ctx]` (shared)
    /// → (ε_cond, ε_uncond), each `[b, c, t, h, w]`. Item k's result equals a batch-1 call on item k alone
    /// (the UNet treats batch entries independently; only the BLAS blocking differs).
    public func forwardGuided(x: Tensor, timestep: Int, cond: Tensor, uncond: Tensor, fps: Int,
                              options: UNet3DForwardOptions = UNet3DForwardOptions()) throws -> (cond: Tensor, uncond: Tensor) {
        guard x.rank == 5, x.shape[0] >= 1 else { throw FSError("UNet3D.forwardGuided: x must be [b, c, t, h, w], got \(x.shape)") }
        let b = x.shape[0]
        guard cond.shape == uncond.shape else {
            throw FSError("UNet3D.forwardGuided: cond \(cond.shape) and uncond \(uncond.shape) differ")
        }
        guard cond.rank >= 1, cond.shape[0] == b || cond.shape[0] == 1 else {
            throw FSError("UNet3D.forwardGuided: \(cond.shape[0]) contexts for a batch of \(b) (give one per item, or one for all)")
        }
        // Every item and both guidance branches in one UNet call: [x_1…x_b, x_1…x_b] with [cond…, uncond…].
        let perItem = { (c: Tensor) in c.shape[0] == b ? c : Tensor.concat(Array(repeating: c, count: b), axis: 0) }
        let eps = try forward(x: Tensor.concat([x, x], axis: 0),
                              timesteps: Array(repeating: timestep, count: 2 * b),
                              context: Tensor.concat([perItem(cond), perItem(uncond)], axis: 0),
                              fps: Array(repeating: fps, count: 2 * b), options: options)
        return (eps.slice(axis: 0, 0..<b), eps.slice(axis: 0, b..<(2 * b)))
    }

    private func apply(_ block: Block, _ x: Tensor, emb: Tensor, context: Tensor, run: UNetRun) throws -> Tensor {
        var h = x
        for (j, layer) in block.layers.enumerated() {
            switch layer {
            case .conv(let c): h = c(h, run)
            case .res(let r): h = r(h, emb: emb, run: run)
            case .spatial(let s): h = try s(h, context: context, run: run)
            case .temporal(let tt):
                h = try tt(h, run: run)
                if run.observing && block.layers.count > 1 {
                    run.observe("\(block.name).\(j)", VideoLayout.toVideo(h, batch: run.batch))
                }
            case .down(let d): h = d(h, run: run)
            case .up(let u): h = u(h, run: run)
            }
            if block.layers.count > 1, case .temporal = layer {} else if block.layers.count > 1 {
                run.observe("\(block.name).\(j)", h)
            }
        }
        run.observe(block.name, h)
        return h
    }

    /// Shape checks of `forward` (one FSError naming the problem, before any compute).
    func validate(x: Tensor, timesteps: [Int], context: Tensor, fps: [Int], options: UNet3DForwardOptions) throws {
        guard x.rank == 5 else { throw FSError("UNet3D: latent x must be [b, c, t, h, w], got shape \(x.shape)") }
        let b = x.shape[0], c = x.shape[1], t = x.shape[2], h = x.shape[3], w = x.shape[4]
        guard b >= 1 else { throw FSError("UNet3D: batch size is 0") }
        guard c == config.inChannels else {
            throw FSError("UNet3D: latent has \(c) channels, the model expects \(config.inChannels)")
        }
        guard t >= 1 else { throw FSError("UNet3D: latent has 0 frames") }
        let unit = config.sizeUnit
        guard h >= 1, w >= 1, h % unit == 0, w % unit == 0 else {
            throw FSError("UNet3D: latent size \(h)x\(w) is not a multiple of \(unit) (2^(levels − 1) for \(config.levels) levels)")
        }
        guard timesteps.count == b else { throw FSError("UNet3D: \(timesteps.count) timesteps for a batch of \(b)") }
        if config.fpsCond && fps.count != b { throw FSError("UNet3D: \(fps.count) fps values for a batch of \(b)") }
        let ctx = config.contextDim ?? 0
        guard context.rank == 3, context.shape[0] == b, context.shape[1] >= 1 else {
            throw FSError("UNet3D: context must be [\(b), L, \(ctx)], got shape \(context.shape)")
        }
        guard context.shape[2] == ctx else {
            throw FSError("UNet3D: context width is \(context.shape[2]), the model expects \(ctx)")
        }
        for (name, d) in options.convDilation {
            guard dilatableConvs.contains(name) else {
                throw FSError("UNet3D: dilation map names '\(name)', which is not a 3×3 Conv2d of this UNet")
            }
            guard d >= 1 else { throw FSError("UNet3D: dilation \(d) for '\(name)' (must be ≥ 1)") }
        }
    }
}
