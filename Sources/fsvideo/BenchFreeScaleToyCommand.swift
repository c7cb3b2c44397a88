import ArgumentParser
import Foundation
import FreeScale
import FSDiffusion
import FSTensor

/// `fsvideo bench freescale-toy`: FreeScale vs direct inference on the built-in toy model — wall time at the
/// same final size and step count, and the object-count quality check (one object per video).
struct BenchFreeScaleToyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "freescale-toy",
        abstract: "FreeScale vs --method direct on the toy model: time ratio and object counts.")

    @Option(help: "Final size HxW.") var res: String = "128x192"
    @Option(help: "Caption/seed pairs.") var pairs: Int = 20
    @Option(help: "Frames.") var frames: Int = 16
    @Option(help: "DDIM steps.") var steps: Int = 50
    @Flag(help: "Also count objects at the base size.") var base = false

    static let captions = [
        "a red circle moving right on a black background", "a green square moving left on a gray background",
        "a blue diamond moving up on a purple background", "a yellow circle moving down on a brown background",
        "a white square staying still on a gray background", "a red diamond moving left on a black background",
        "a green circle moving up on a brown background", "a blue square moving right on a gray background",
        "a yellow diamond staying still on a purple background", "a white circle moving down on a black background",
    ]

    func log(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

    func run() throws {
        let loaded = try ModelFiles.load(ckpt: nil, config: nil)
        let mc = loaded.model.config
        let target = try FrameSize(parsing: res, flag: "--res")
        var single = ["freescale": 0, "direct": 0, "base": 0]
        var time = ["freescale": 0.0, "direct": 0.0]
        log("bench freescale-toy: \(pairs) pairs, \(frames) frames, \(steps) steps, \(target), threads \(ParallelFor.threadCount)")
        for k in 0..<pairs {
            var s = GenerationSettings(prompt: Self.captions[k % Self.captions.count], model: mc)
            s.frames = frames; s.steps = steps; s.seed = UInt64(1000 + k)
            var line = "pair \(k) seed \(s.seed) '\(s.prompt)':"
            for method in [GenerationMethod.freescale, .direct] {
                let t2v = try TextToVideo(model: loaded.model, settings: s)
                var r = FreeScaleRequest(); r.res = target; r.method = method; r.steps = t2v.schedule.count
                let plan = try FreeScalePlan(r, model: ModelGeometry(model: mc))
                let t0 = Date()
                let stages = try Cascade.run(plan: plan, backend: t2v, seed: s.seed)
                let v = try t2v.decode(stages.last!.latent)
                time[method.rawValue]! += Date().timeIntervalSince(t0)
                let n = ObjectCount.medianCount(video: v.data, frames: v.shape[1], height: v.shape[2], width: v.shape[3])
                if n == 1 { single[method.rawValue]! += 1 }
                line += " \(method.rawValue)=\(n)"
                if base && method == .freescale {
                    let b = try t2v.decode(stages[0].latent)
                    let nb = ObjectCount.medianCount(video: b.data, frames: b.shape[1], height: b.shape[2], width: b.shape[3])
                    if nb == 1 { single["base"]! += 1 }
                    line += " base=\(nb)"
                }
            }
            log(line)
        }
        let p = Double(pairs)
        print(String(format: "FreeScale: one object in %d/%d (%.0f%%), duplication rate %.0f%%, %.1f s/video",
                     single["freescale"]!, pairs, 100 * Double(single["freescale"]!) / p, 100 * (1 - Double(single["freescale"]!) / p), time["freescale"]! / p))
        print(String(format: "direct:    one object in %d/%d (%.0f%%), duplication rate %.0f%%, %.1f s/video",
                     single["direct"]!, pairs, 100 * Double(single["direct"]!) / p, 100 * (1 - Double(single["direct"]!) / p), time["direct"]! / p))
        if base { print("base \(mc.baseHeight)x\(mc.baseWidth): one object in \(single["base"]!)/\(pairs)") }
        print(String(format: "wall-time ratio FreeScale / direct: %.3f", time["freescale"]! / time["direct"]!))
    }
}
