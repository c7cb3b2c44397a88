import FSTensor

/// lvdm `ae_modules.Decoder`: conv_in → mid (block_1, attn_1, block_2) → levels from the deepest to level 0,
/// each num_res_blocks + 1 ResnetBlocks (+ AttnBlocks at the attn_resolutions) and an Upsample except at
/// level 0 → norm_out → swish → conv_out. Key `up.0` is the full-resolution level.
struct VAEDecoder {
    struct Level {
        let blocks: [VAEResnetBlock]
        let attns: [VAEAttnBlock]
        let upsample: VAEUpsample?
    }
    let convIn: VAEConv
    let mid1: VAEResnetBlock, midAttn: VAEAttnBlock, mid2: VAEResnetBlock
    let levels: [Level]          // indexed by level (0 = full resolution); run from the last to 0
    let normOut: GroupNormLayer
    let convOut: VAEConv
    let givePreEnd: Bool
    let tanhOut: Bool

    init(_ w: WeightScope, _ c: AutoencoderKLConfig.DDConfig) {
        let n = c.chMult.count
        var blockIn = c.ch * c.chMult[n - 1]
        var res = c.resolution >> (n - 1)
        convIn = VAEConv(w, "conv_in", in: c.zChannels, out: blockIn, kernel: 3, padding: 1)
        mid1 = VAEResnetBlock(w.scope("mid.block_1"), in: blockIn, out: blockIn)
        midAttn = VAEAttnBlock(w.scope("mid.attn_1"), channels: blockIn)
        mid2 = VAEResnetBlock(w.scope("mid.block_2"), in: blockIn, out: blockIn)
        var levels = [Level?](repeating: nil, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            let lw = w.scope("up.\(i)")
            let blockOut = c.ch * c.chMult[i]
            var blocks: [VAEResnetBlock] = [], attns: [VAEAttnBlock] = []
            for j in 0...c.numResBlocks {
                blocks.append(VAEResnetBlock(lw.scope("block.\(j)"), in: blockIn, out: blockOut))
                blockIn = blockOut
                if c.attnResolutions.contains(res) { attns.append(VAEAttnBlock(lw.scope("attn.\(j)"), channels: blockIn)) }
            }
            var up: VAEUpsample? = nil
            if i != 0 { up = VAEUpsample(lw.scope("upsample"), channels: blockIn); res *= 2 }
            levels[i] = Level(blocks: blocks, attns: attns, upsample: up)
        }
        self.levels = levels.map { $0! }
        normOut = vaeNorm(w, "norm_out", channels: blockIn)
        // The final layers (norm_out, conv_out) stay fp32 in bf16 mode.
        convOut = VAEConv(w.with(.fp32), "conv_out", in: blockIn, out: c.outCh, kernel: 3, padding: 1)
        givePreEnd = c.givePreEnd ?? false
        tanhOut = c.tanhOut ?? false
    }

    func callAsFunction(_ z: Tensor, probe: ActivationProbe? = nil) -> Tensor {
        var h = convIn(z)
        probe?("decoder.conv_in", h)
        h = mid1(h); probe?("decoder.mid.block_1", h)
        h = midAttn(h); probe?("decoder.mid.attn_1", h)
        h = mid2(h); probe?("decoder.mid.block_2", h)
        for i in stride(from: levels.count - 1, through: 0, by: -1) {
            let level = levels[i]
            for (j, block) in level.blocks.enumerated() {
                h = block(h)
                if !level.attns.isEmpty { h = level.attns[j](h) }
                probe?("decoder.up.\(i).block.\(j)", h)
            }
            if let u = level.upsample { h = u(h); probe?("decoder.up.\(i).upsample", h) }
        }
        if givePreEnd { return h }
        h = normOut(h)
        probe?("decoder.norm_out", h)
        h = convOut(silu(h))
        if tanhOut { h = h.map { tanhf($0) } }
        probe?("decoder", h)
        return h
    }
}

import Foundation
