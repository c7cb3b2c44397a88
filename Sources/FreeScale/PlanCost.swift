import Foundation
import FSDiffusion
import FSModels

/// What a plan will cost before anything runs: UNet FLOPs over all sampled steps and the estimated peak
/// memory (weights + the largest stage's activations + the VAE's per-frame working set). All arithmetic is
/// in Double, so absurd sizes give huge numbers, never an overflow.
///
/// The activation model counts what the UNet forward keeps alive: the skip connections of every input
/// block, plus about a dozen level-0 tensors in flight (ResBlock temporaries, q/k/v, the GEGLU hidden
/// layer), for both guidance branches. Calibrated on vc2-512: 16×320×512 measures 6.2 GB peak RSS with
/// 5.3 GB of UNet weights (the model says 0.9 GB of activations); scale fusion adds a quarter at upper stages.
public struct PlanCost: Sendable {
    public var flops: Double
    public var peakBytes: Double
    public var weightBytes: Double
    public var activationBytes: Double
    public var decodeBytes: Double

    /// `weightBytes`: the in-memory size of the loaded weights (fp32 element count × 4).
    public init(plan: FreeScalePlan, model: VideoModelConfig, frames: Int, weightBytes: Double, guided: Bool = true) {
        let batch = guided ? 2.0 : 1.0
        let f = Double(frames)
        var flops = 0.0, act = 0.0
        for (i, size) in plan.sizes.enumerated() {
            let h = Double(size.height / plan.latentFactor), w = Double(size.width / plan.latentFactor)
            let steps = Double(i == 0 ? plan.steps : plan.steps - plan.restartStep)
            flops += steps * batch * Self.unetFlops(model.unet, latentHeight: h, latentWidth: w, frames: f,
                                                    contextLength: Double(model.text.contextLength))
            let fusion = i > 0 ? 1.25 : 1.0
            act = Swift.max(act, fusion * batch * Self.unetActivationBytes(model.unet, latentHeight: h, latentWidth: w, frames: f))
        }
        let final = plan.final
        let vaeChannels = Double(model.vae.ddconfig.ch * (model.vae.ddconfig.chMult.first ?? 1))
        decodeBytes = 6 * vaeChannels * Double(final.height) * Double(final.width) * 4
        self.flops = flops
        self.weightBytes = weightBytes
        activationBytes = act
        peakBytes = weightBytes + Swift.max(act, decodeBytes)
    }

    /// FLOPs (2 per multiply-add) of one UNet forward on one item.
    static func unetFlops(_ c: UNet3DConfig, latentHeight h: Double, latentWidth w: Double, frames t: Double,
                          contextLength ctx: Double) -> Double {
        let mc = Double(c.modelChannels), ctxDim = Double(c.contextDim ?? c.modelChannels)
        var total = 0.0
        func resBlock(_ cin: Double, _ cout: Double, _ p: Double) -> Double {
            var x = 2 * 9 * (cin + cout) * cout * p * t
            if c.temporalConv { x += 2 * 4 * 3 * cout * cout * p * t }
            return x
        }
        func transformer(_ ch: Double, _ p: Double) -> Double {
            let n = p * t
            var x = 2 * ch * ch * n * 2                                      // proj_in / proj_out
            x += 2 * (4 * ch * ch * n + 2 * p * p * ch * t)                  // self-attention
            x += 2 * (2 * ch * ch * n + 2 * ctx * ch * ctxDim + 2 * p * ctx * ch * t)   // cross-attention
            x += 2 * 12 * ch * ch * n                                        // GEGLU feed-forward
            if c.temporalAttention { x += 2 * (4 * ch * ch * n + 2 * t * t * ch * p) + 2 * 12 * ch * ch * n }
            return x * Double(c.transformerDepth)
        }
        var chans: [Double] = [mc]
        var ch = mc
        for (level, mult) in c.channelMult.enumerated() {
            let p = (h / Double(1 << level)) * (w / Double(1 << level))
            let out = mc * Double(mult)
            let attends = c.attentionResolutions.contains(1 << level)
            for _ in 0..<c.numResBlocks {
                total += resBlock(ch, out, p) + (attends ? transformer(out, p) : 0)
                ch = out; chans.append(ch)
            }
            if level < c.channelMult.count - 1 {
                total += 2 * 9 * ch * ch * p / 4 * t
                chans.append(ch)
            }
        }
        let deepest = (h / Double(1 << (c.levels - 1))) * (w / Double(1 << (c.levels - 1)))
        total += 2 * resBlock(ch, ch, deepest) + transformer(ch, deepest)
        for (level, mult) in c.channelMult.enumerated().reversed() {
            let p = (h / Double(1 << level)) * (w / Double(1 << level))
            let out = mc * Double(mult)
            let attends = c.attentionResolutions.contains(1 << level)
            for _ in 0...c.numResBlocks {
                let skip = chans.popLast() ?? out
                total += resBlock(ch + skip, out, p) + (attends ? transformer(out, p) : 0)
                ch = out
            }
            if level > 0 { total += 2 * 9 * ch * ch * p * 4 * t }
        }
        return total
    }

    /// Bytes of activations alive at the peak of one UNet forward on one item.
    static func unetActivationBytes(_ c: UNet3DConfig, latentHeight h: Double, latentWidth w: Double, frames t: Double) -> Double {
        let mc = Double(c.modelChannels)
        var skips = mc * h * w * t
        for (level, mult) in c.channelMult.enumerated() {
            let p = (h / Double(1 << level)) * (w / Double(1 << level))
            skips += Double(c.numResBlocks) * mc * Double(mult) * p * t
            if level < c.channelMult.count - 1 { skips += mc * Double(mult) * p / 4 * t }
        }
        let level0 = mc * Double(c.channelMult.first ?? 1) * h * w * t
        return (skips + 12 * level0) * 4
    }
}
