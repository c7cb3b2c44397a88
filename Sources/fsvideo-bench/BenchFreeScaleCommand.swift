import ArgumentParser
import Foundation
import FreeScale
import FSModels
import FSPipeline
import FSTensor
import FSCommandLine

/// `fsvideo-bench freescale`: the cost of FreeScale's UNet hooks at VideoCrafter2 scale (synthetic weights).
struct BenchFreeScaleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "freescale",
        abstract: "Scale fusion vs plain attention per UNet forward, and one guided FreeScale step (vc2-512, synthetic weights).")

    @Option(help: "UNet: vc2-512 (synthetic weights) or toy (the built-in toy model; its base 64x96 replaces --base).")
    var preset: String = "vc2-512"
    @Option(help: "Stage size HxW (the base is 320x512 for vc2-512).") var res: String = "640x1024"
    @Option(help: "Base size HxW of the model.") var base: String = "320x512"
    @Option(help: "Frames.") var frames: Int = 4
    @Option(help: "Runs per timing (the minimum is reported; the first run of each case also warms it up when > 1).")
    var repeats: Int = 1
    @Flag(help: "Skip the guided FreeScale step (batch 2).") var skipStep = false
    @Flag(help: "Skip fast mode.") var skipFast = false
    @Flag(help: "Only the guided FreeScale step (its time and peak RSS), no single forwards.") var stepOnly = false
    @Flag(help: "Only one level-0 self-attention (--channels, --heads) instead of whole UNet forwards.")
    var attentionOnly = false
    @Option(help: "Channels of the --attention-only self-attention (vc2-512 level 0: 320; toy: 32).") var channels: Int = 320
    @Option(help: "Heads of the --attention-only self-attention (vc2-512: 5; toy: 2).") var heads: Int = 5

    @OptionGroup(title: "Compute") var compute: ComputeOptions

    func run() throws {
        let precision = try compute.apply(toStdout: true)
        let toy = preset.lowercased() == "toy"
        guard toy || (try? UNet3DConfig.preset(preset)) != nil else {
            throw FSError("--preset: unknown UNet preset '\(preset)' (known: vc2-512, toy)")
        }
        let loaded = toy ? try ModelFiles.load(ckpt: nil, config: nil, precision: precision) : nil
        let config = try loaded?.model.config.unet ?? UNet3DConfig.preset(preset)
        let size = try FrameSize(parsing: res)
        let baseSize = try loaded.map { FrameSize(height: $0.model.config.baseResolution[0], width: $0.model.config.baseResolution[1]) }
            ?? FrameSize(parsing: base)
        guard frames >= 1 else { throw FSError("--frames must be at least 1") }
        guard repeats >= 1 else { throw FSError("--repeats must be at least 1") }
        print("fsvideo-bench freescale — \(preset), \(frames) frames at \(size) (base \(baseSize)), threads \(ParallelFor.threadCount)")
        let sgemm = Benchmark.sgemmBaselineGFLOPS(size: 2048, repeats: 3)
        print(String(format: "raw cblas_sgemm 2048³ baseline: %.1f GFLOP/s", sgemm))
        if attentionOnly { return try attentionBench(size: size, baseSize: baseSize) }
        let unet = try loaded?.model.unet ?? UNet3D(config: config, source: SyntheticWeights(seed: 1), precision: precision)
        let afterWeights = MemoryStats.currentRSSBytes()
        print("weights resident: \(MemoryStats.format(bytes: afterWeights))")
        let (lh, lw) = (size.height / 8, size.width / 8)
        let x = Benchmark.randomTensor([1, config.inChannels, frames, lh, lw], seed: 2)
        let ctx = Benchmark.randomTensor([1, 77, config.contextDim ?? 1024], seed: 3)

        var r = FreeScaleRequest(); r.stages = [baseSize, size]
        let plan = try FreeScalePlan(r, model: ModelGeometry(config: config, base: baseSize))
        let stage = plan.upper[0]

        func forward(_ strategy: SpatialSelfAttentionStrategy?) throws -> Double {
            try timed {
                _ = try unet.forward(x: x, timesteps: [500], context: ctx, fps: [28],
                                     options: UNet3DForwardOptions(spatialSelfAttention: strategy))
            }
        }
        let plain = stepOnly ? 0 : try forward(nil)
        if !stepOnly { print(String(format: "UNet forward, plain attention:        %8.2f s", plain)) }
        let fused = stepOnly ? 0 : try forward(ScaleFusionStrategy(settings: stage.fusion, seed: 1, stage: 1))
        if !stepOnly { print(String(format: "UNet forward, scale fusion:           %8.2f s   ×%.3f of plain", fused, fused / plain)) }
        if !skipFast && !stepOnly {
            var fs = stage.fusion; fs.fast = true
            let fast = try forward(ScaleFusionStrategy(settings: fs, seed: 1, stage: 1))
            print(String(format: "UNet forward, scale fusion --fast:    %8.2f s   ×%.3f of plain", fast, fast / plain))
        }
        if !skipStep {
            _ = MemoryStats.resetPeakRSS()
            let strategy = ScaleFusionStrategy(settings: stage.fusion, seed: 1, stage: 1)
            let t = try timed {
                _ = try unet.forwardGuided(x: x, timestep: 500, cond: ctx, uncond: ctx, fps: 28,
                                           options: UNet3DForwardOptions(convDilation: stage.dilation.map(step: 0),
                                                                         spatialSelfAttention: strategy))
            }
            let peak = MemoryStats.peakRSSBytes()
            print(String(format: "guided FreeScale step (batch 2, fusion + dilation d=%d): %.2f s, peak RSS %@",
                         stage.dilation.dilation, t, MemoryStats.format(bytes: peak)))
            if let peak, let w = afterWeights {
                let projected = w + (peak - w) * 16 / frames
                print(String(format: "projected 16 frames: %.1f s, peak RSS ≈ %@ (activations scale with frames)",
                             t * 16 / Double(frames), MemoryStats.format(bytes: projected)))
            }
        }
    }

    /// The fastest of `repeats` runs of `body`.
    func timed(_ body: () throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<repeats { best = Swift.min(best, try Benchmark.seconds(body)) }
        return best
    }

    /// One spatial self-attention at UNet level 0 (vc2-512: 320 channels, 5 heads of 64): plain vs fused vs fast.
    func attentionBench(size: FrameSize, baseSize: FrameSize) throws {
        guard channels >= 1, heads >= 1, channels % heads == 0 else {
            throw FSError("--channels must be a positive multiple of --heads")
        }
        let (h, w, c) = (size.height / 8, size.width / 8, channels)
        let x = Benchmark.randomTensor([frames, h * w, c], seed: 4)
        let attn = CrossAttention(selfAttention: SyntheticWeights(seed: 5), dim: c, heads: heads, headDim: c / heads)
        let plain = timed { _ = attn(x) }
        print(String(format: "attn1 %dx%d tokens × %d frames, plain:        %8.2f s", h, w, frames, plain))
        var settings = ScaleFusionSettings(scaleH: Double(size.height) / Double(baseSize.height),
                                           scaleW: Double(size.width) / Double(baseSize.width))
        for fast in skipFast ? [false] : [false, true] {
            settings.fast = fast
            var rng: SplitMix64? = SplitMix64(seed: 1)
            let t = try timed {
                _ = try ScaleFusion.fuse(x, height: h, width: w, frames: frames, settings: settings, rng: &rng, attention: attn)
            }
            print(String(format: "attn1 scale fusion%@:            %8.2f s   ×%.3f of plain", fast ? " --fast" : "       ", t, t / plain))
        }
    }
}
