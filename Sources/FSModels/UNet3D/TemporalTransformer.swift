import FSTensor

/// lvdm `TemporalTransformer` with only_self_att: GN(32, eps 1e-6) over the 5-D clip (statistics per video
/// and group over all t frames) → one sequence per pixel along time `[(b·H·W), t, C]` → proj_in →
/// BasicTransformerBlock(s) with no context (attn1 and attn2 both self-attention over the frames) →
/// proj_out → + input. proj_in/proj_out are Linear (use_linear) or Conv1d with kernel 1 (`init_attn`).
struct TemporalTransformer {
    let name: String
    let norm: GroupNormLayer
    let projInW: LinearWeight, projInB: Tensor
    let projOutW: LinearWeight, projOutB: Tensor
    let blocks: [BasicTransformerBlock]
    let channels: Int
    let inner: Int
    let useLinear: Bool

    init(_ w: WeightScope, name: String, channels: Int, heads: Int, headDim: Int, depth: Int, useLinear: Bool) {
        self.name = name
        self.channels = channels
        self.useLinear = useLinear
        inner = heads * headDim
        norm = GroupNormLayer(w, "norm", channels: channels, eps: 1e-6)
        // Conv1d kernel-1 weights [out, in, 1] hold the same numbers as a Linear [out, in].
        projInW = w.linearWeight("proj_in.weight", useLinear ? [inner, channels] : [inner, channels, 1])
        projInB = w("proj_in.bias", [inner])
        projOutW = w.linearWeight("proj_out.weight", useLinear ? [channels, inner] : [channels, inner, 1])
        projOutB = w("proj_out.bias", [channels])
        blocks = (0..<depth).map {
            BasicTransformerBlock(w.scope("transformer_blocks.\($0)"), dim: heads * headDim, heads: heads,
                                  headDim: headDim, contextDim: nil)
        }
    }

    /// `x [(b·t), C, H, W]` → same shape. Observed outputs use lvdm's 5-D layout.
    func callAsFunction(_ x: Tensor, run: UNetRun) throws -> Tensor {
        let b = run.batch, t = run.frames, c = channels, h = x.shape[2], w = x.shape[3], hw = h * w
        let video = VideoLayout.toVideo(x, batch: b)                       // [b, C, t, H, W]
        let normed = norm(video)
        run.observe(name + ".norm", normed)
        // [b, C, t, HW] → [b, HW, t, C] = [(b·H·W), t, C]
        let seq = normed.reshaped([b, c, t, hw]).permuted([0, 3, 2, 1]).reshaped([b * hw, t, c])
        var tokens = linear(seq, weight: projInW, bias: projInB)
        if run.observing {
            run.observe(name + ".proj_in", useLinear ? tokens : tokens.permuted([0, 2, 1]))
        }
        for (i, block) in blocks.enumerated() {
            let blockName = "\(name).transformer_blocks.\(i)"
            tokens = try block(tokens, context: nil, name: blockName, run: run)
            run.observe(blockName, tokens)
        }
        let out = linear(tokens, weight: projOutW, bias: projOutB)      // [(b·HW), t, C]
        if run.observing {
            run.observe(name + ".proj_out", useLinear ? out.reshaped([b, hw, t, c]) : out.permuted([0, 2, 1]))
        }
        // [b, HW, t, C] → [b, t, C, HW] = [(b·t), C, H, W]
        var y = out.reshaped([b, hw, t, c]).permuted([0, 2, 3, 1]).reshaped([b * t, c, h, w])
        y += x
        return y
    }
}
