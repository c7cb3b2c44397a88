import FSTensor

/// lvdm `ae_modules.Encoder`: conv_in → per level num_res_blocks ResnetBlocks (+ AttnBlocks at the
/// attn_resolutions) and a Downsample except after the last level → mid (block_1, attn_1, block_2) →
/// norm_out → swish → conv_out (2·z_channels when double_z).
struct VAEEncoder {
    struct Level {
        let blocks: [VAEResnetBlock]
        let attns: [VAEAttnBlock]
        let downsample: VAEDownsample?
    }
    let convIn: VAEConv
    let levels: [Level]
    let mid1: VAEResnetBlock, midAttn: VAEAttnBlock, mid2: VAEResnetBlock
    let normOut: GroupNormLayer
    let convOut: VAEConv

    init(_ w: WeightScope, _ c: AutoencoderKLConfig.DDConfig) {
        convIn = VAEConv(w, "conv_in", in: c.inChannels, out: c.ch, kernel: 3, padding: 1)
        var levels: [Level] = []
        var blockIn = c.ch
        var res = c.resolution
        let inMult = [1] + c.chMult
        for (i, mult) in c.chMult.enumerated() {
            let lw = w.scope("down.\(i)")
            blockIn = c.ch * inMult[i]
            let blockOut = c.ch * mult
            var blocks: [VAEResnetBlock] = [], attns: [VAEAttnBlock] = []
            for j in 0..<c.numResBlocks {
                blocks.append(VAEResnetBlock(lw.scope("block.\(j)"), in: blockIn, out: blockOut))
                blockIn = blockOut
                if c.attnResolutions.contains(res) { attns.append(VAEAttnBlock(lw.scope("attn.\(j)"), channels: blockIn)) }
            }
            var down: VAEDownsample? = nil
            if i != c.chMult.count - 1 { down = VAEDownsample(lw.scope("downsample"), channels: blockIn); res /= 2 }
            levels.append(Level(blocks: blocks, attns: attns, downsample: down))
        }
        self.levels = levels
        mid1 = VAEResnetBlock(w.scope("mid.block_1"), in: blockIn, out: blockIn)
        midAttn = VAEAttnBlock(w.scope("mid.attn_1"), channels: blockIn)
        mid2 = VAEResnetBlock(w.scope("mid.block_2"), in: blockIn, out: blockIn)
        normOut = vaeNorm(w, "norm_out", channels: blockIn)
        convOut = VAEConv(w, "conv_out", in: blockIn, out: c.doubleZ ? 2 * c.zChannels : c.zChannels, kernel: 3, padding: 1)
    }

    func callAsFunction(_ x: Tensor, probe: ActivationProbe? = nil) -> Tensor {
        var h = convIn(x)
        probe?("encoder.conv_in", h)
        for (i, level) in levels.enumerated() {
            for (j, block) in level.blocks.enumerated() {
                h = block(h)
                if !level.attns.isEmpty { h = level.attns[j](h) }
                probe?("encoder.down.\(i).block.\(j)", h)
            }
            if let d = level.downsample { h = d(h); probe?("encoder.down.\(i).downsample", h) }
        }
        h = mid1(h); probe?("encoder.mid.block_1", h)
        h = midAttn(h); probe?("encoder.mid.attn_1", h)
        h = mid2(h); probe?("encoder.mid.block_2", h)
        h = convOut(silu(normOut(h)))
        probe?("encoder", h)
        return h
    }
}
