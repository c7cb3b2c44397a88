import ArgumentParser
import Foundation
import FSPipeline
import FSDiffusion
import FreeScale
import FSTensor
import FSTestSupport
import FSCommandLine

/// `fsvideo-bench precision-toy`: the toy model generating caption/seed pairs in fp32 and in bf16 with the
/// same seeds: decoded-video PSNR between the two, one-object counts of both, and the time of each
/// (docs/precision.md). With `--res` the FreeScale cascade to that size is compared instead.
struct BenchPrecisionToyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "precision-toy", abstract: "Toy model fp32 vs bf16: PSNR between the videos, object counts, time.")

    @Option(help: "Caption/seed pairs.") var pairs: Int = 8
    @Option(help: "Frames.") var frames: Int = 16
    @Option(help: "DDIM steps.") var steps: Int = 50
    @Option(help: "FreeScale target HxW (default: plain generation at the base size).") var res: String?
    @Option(help: "Worker threads (default: FSVIDEO_THREADS, else all cores).") var threads: Int?

    func run() throws {
        if let threads { ParallelFor.threadCount = threads }
        guard pairs >= 1, frames >= 1, steps >= 1 else { throw FSError("--pairs, --frames, --steps must be ≥ 1") }
        print("bf16 kernel: \(BF16Support.description), threads \(ParallelFor.threadCount)")
        let models = try [Precision.fp32, .bf16].map { try ModelFiles.load(ckpt: nil, config: nil, precision: $0) }
        let mc = models[0].model.config
        let target = try res.map { try FrameSize(parsing: $0) }
        var single = [0, 0], same = 0, psnrs: [Double] = [], time = [0.0, 0.0]
        print("| pair | caption | seed | PSNR fp32 vs bf16 (dB) | objects fp32 | objects bf16 |")
        print("|---|---|---|---|---|---|")
        for k in 0..<pairs {
            var request = VideoRequest(prompt: ToyCaptions.all[k % ToyCaptions.all.count])
            request.frames = frames; request.steps = steps; request.seed = UInt64(1000 + k)
            request.freescale.res = target
            let plan = try VideoPlan(request, model: mc)
            let s = plan.settings
            var videos: [Tensor] = []
            for (i, loaded) in models.enumerated() {
                let t0 = Date()
                videos.append(try VideoPipeline(loaded).run(plan).video)
                time[i] += Date().timeIntervalSince(t0)
            }
            let p = Self.psnr(videos[0], videos[1])
            let counts = videos.map { ObjectCount.medianCount($0) }
            for i in 0..<2 where counts[i] == 1 { single[i] += 1 }
            if counts[0] == counts[1] { same += 1 }
            psnrs.append(p)
            print(String(format: "| %d | %@ | %d | %.1f | %d | %d |", k, s.prompt, s.seed, p, counts[0], counts[1]))
        }
        let size = target?.description ?? "\(mc.baseResolution[0])x\(mc.baseResolution[1])"
        print(String(format: "%@, %d frames, %d steps: PSNR min %.1f dB, mean %.1f dB; one object fp32 %d/%d, bf16 %d/%d; identical counts %d/%d; time fp32 %.1f s/video, bf16 %.1f s/video (%.2f×)",
                     size, frames, steps, psnrs.min()!, psnrs.reduce(0, +) / Double(pairs), single[0], pairs, single[1], pairs,
                     same, pairs, time[0] / Double(pairs), time[1] / Double(pairs), time[1] / time[0]))
    }

    /// PSNR (dB) between two videos in [−1, 1] (clamped), peak = the range 2.
    static func psnr(_ a: Tensor, _ b: Tensor) -> Double {
        precondition(a.shape == b.shape, "psnr: shapes differ")
        var se = 0.0
        for i in 0..<a.count {
            let d = Double(Swift.min(1, Swift.max(-1, a.data[i])) - Swift.min(1, Swift.max(-1, b.data[i])))
            se += d * d
        }
        let mse = se / Double(Swift.max(a.count, 1))
        return mse == 0 ? .infinity : 10 * log10(4 / mse)
    }
}
