/// Analytic floating-point operation count of one UNet3D forward (2 per multiply-add): convolutions
/// (3×3, 1×1, temporal 3×1×1), every Linear (including cross-attention k/v of the context for each frame,
/// as lvdm repeats the context over frames), and the two attention products (q·kᵀ and ·v). Norms,
/// activations, softmax and the embedding MLPs are left out. For vc2-512, batch 1, 16 frames this gives
/// 12.58 TFLOP at 40×64 latents (320×512 pixels) and 59.32 TFLOP at 80×128, the reference counts.
public enum UNet3DFLOPs {
    public static func count(config c: UNet3DConfig, batch b: Int, frames t: Int, height: Int, width: Int,
                             contextLength L: Int = 77) -> Double {
        var total = 0.0
        let n = Double(b * t)
        let mc = c.modelChannels, ctx = Double(c.contextDim ?? 0)
        func conv(_ ci: Int, _ co: Int, _ k: Int, _ h: Int, _ w: Int) {
            total += 2 * Double(ci * co * k * k * h * w) * n
        }
        func lin(_ i: Int, _ o: Int, _ rows: Double) { total += 2 * Double(i * o) * rows }
        func res(_ ci: Int, _ co: Int, _ h: Int, _ w: Int) {
            conv(ci, co, 3, h, w); conv(co, co, 3, h, w)
            if ci != co { conv(ci, co, 1, h, w) }
            if c.temporalConv { total += 4 * 2 * Double(co * co * 3 * t * h * w * b) }
        }
        func block(_ inner: Int, rows: Double, seq: Int, seqs: Double, keys: Int, crossKV: Double?) {
            lin(inner, inner, rows * 4)                               // attn1 q, k, v, out
            total += 4 * Double(seq * seq * inner) * seqs
            lin(inner, inner, rows * 2)                               // attn2 q, out
            if let crossKV { total += 2 * 2 * ctx * Double(inner * L) * crossKV } else { lin(inner, inner, rows * 2) }
            total += 4 * Double(seq * keys * inner) * seqs
            lin(inner, 8 * inner, rows); lin(4 * inner, inner, rows)  // GEGLU feed-forward
        }
        func spatial(_ ch: Int, _ h: Int, _ w: Int) {
            let rows = n * Double(h * w)
            lin(ch, ch, rows); lin(ch, ch, rows)                      // proj_in, proj_out
            for _ in 0..<c.transformerDepth {
                block(ch, rows: rows, seq: h * w, seqs: n, keys: L, crossKV: n)
            }
        }
        func temporal(_ ch: Int, _ inner: Int, _ h: Int, _ w: Int, depth: Int) {
            let rows = n * Double(h * w)
            lin(ch, inner, rows); lin(inner, ch, rows)
            for _ in 0..<depth {
                block(inner, rows: rows, seq: t, seqs: Double(b * h * w), keys: t, crossKV: nil)
            }
        }
        var h = height, w = width
        conv(c.inChannels, mc, 3, h, w)
        if c.additionAttention { temporal(mc, 8 * c.numHeadChannels, h, w, depth: c.transformerDepth) }
        var chans = [mc], ch = mc, ds = 1
        for (level, mult) in c.channelMult.enumerated() {
            for _ in 0..<c.numResBlocks {
                res(ch, mult * mc, h, w); ch = mult * mc
                if c.attentionResolutions.contains(ds) {
                    spatial(ch, h, w)
                    if c.temporalAttention { temporal(ch, ch, h, w, depth: c.temporalTransformerDepth) }
                }
                chans.append(ch)
            }
            if level != c.channelMult.count - 1 {
                h /= 2; w /= 2; ds *= 2
                conv(ch, ch, 3, h, w); chans.append(ch)
            }
        }
        res(ch, ch, h, w); spatial(ch, h, w)
        if c.temporalAttention { temporal(ch, ch, h, w, depth: c.temporalTransformerDepth) }
        res(ch, ch, h, w)
        for (level, mult) in c.channelMult.enumerated().reversed() {
            for i in 0...c.numResBlocks {
                res(ch + chans.removeLast(), mult * mc, h, w); ch = mult * mc
                if c.attentionResolutions.contains(ds) {
                    spatial(ch, h, w)
                    if c.temporalAttention { temporal(ch, ch, h, w, depth: c.temporalTransformerDepth) }
                }
                if level != 0 && i == c.numResBlocks {
                    h *= 2; w *= 2; ds /= 2
                    conv(ch, ch, 3, h, w)
                }
            }
        }
        conv(mc, c.outChannels, 3, h, w)
        return total
    }
}
