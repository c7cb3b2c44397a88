import Foundation
import FreeScale
import FSDiffusion
import FSModels

/// What a plan will cost before anything runs: UNet FLOPs over all sampled steps (`UNet3DFLOPs`) and the
/// estimated peak memory (weights + the largest stage's activations + the VAE's per-frame working set).
/// Memory arithmetic is in Double; sizes reach here range-checked (sides ≤ 16384, frames ≤ 1024).
///
/// The activation model counts what the UNet forward keeps alive: the skip connections of every input
/// block, plus about a dozen level-0 tensors in flight (ResBlock temporaries, q/k/v, the GEGLU hidden
/// layer), for both guidance branches. Calibrated on vc2-512: 16×320×512 measures 6.2 GB peak RSS with
/// 5.3 GB of UNet weights (the model says 0.9 GB of activations); a guided FreeScale step at 640x1024 measured
/// 6.3 GB of activations (11.6 GB peak projected to 16 frames) where the model says 7.0 GB. Scale fusion's
/// windows are processed in tiles and add little; the estimate errs on the high side.
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
            flops += steps * UNet3DFLOPs.count(config: model.unet, batch: Int(batch), frames: frames,
                                               height: size.height / plan.latentFactor, width: size.width / plan.latentFactor,
                                               contextLength: model.text.contextLength)
            act = Swift.max(act, batch * Self.unetActivationBytes(model.unet, latentHeight: h, latentWidth: w, frames: f))
        }
        let final = plan.final
        let vaeChannels = Double(model.vae.ddconfig.ch * (model.vae.ddconfig.chMult.first ?? 1))
        decodeBytes = 6 * vaeChannels * Double(final.height) * Double(final.width) * 4
        self.flops = flops
        self.weightBytes = weightBytes
        activationBytes = act
        peakBytes = Self.processBytes + weightBytes + Swift.max(act, decodeBytes)
    }

    /// What the process holds besides weights and activations: the Swift and libav* runtimes, OpenBLAS's
    /// buffers, thread stacks, the mapped checkpoint's pages (measured: the toy model at 64x96 peaks at 143 MB
    /// with 27 MB of weights and ~10 MB of activations).
    public static let processBytes = 110e6

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
