import ArgumentParser
import Foundation
import FSModels
import FSPipeline
import FSTensor

/// `fsvideo bench vae`: VideoCrafter2's VAE over seeded synthetic weights: decode and encode of one frame at
/// each size (what the per-frame video path does for every frame), time, GFLOP/s and peak RSS per phase.
struct BenchVAECommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vae", abstract: "AutoencoderKL decode/encode of one frame (VideoCrafter2 sizes, synthetic weights).")

    @Option(help: "Comma-separated frame sizes HxW (multiples of 8).")
    var res: String = "320x512,640x1024"

    @Option(help: "Timed runs per case (the best is reported).")
    var repeats: Int = 1

    @Flag(help: "Decode only.")
    var skipEncode = false

    @Flag(help: "Report process CPU time instead of wall time (on a busy machine).")
    var cpuTime = false

    @OptionGroup(title: "Compute") var compute: ComputeOptions

    func run() throws {
        let precision = try compute.apply(toStdout: true)
        Benchmark.measureCPUTime = cpuTime
        if cpuTime { print("times below are process CPU seconds (all threads)") }
        guard repeats >= 1 else { throw FSError("--repeats must be at least 1") }
        let sizes: [(Int, Int)] = try res.split(separator: ",").map { s in
            let p = s.lowercased().split(separator: "x").compactMap { Int($0) }
            guard p.count == 2, p[0] > 0, p[1] > 0, p[0] % 8 == 0, p[1] % 8 == 0 else {
                throw FSError("--res: '\(s)' is not HxW with sides that are positive multiples of 8")
            }
            return (p[0], p[1])
        }
        print("fsvideo bench vae — threads: \(ParallelFor.threadCount), GEMM threads: \(BLAS.threadCount)")
        let baseline = Benchmark.sgemmBaselineGFLOPS(size: 2048, repeats: 3)
        print(String(format: "raw cblas_sgemm 2048³ (baseline): %.1f GFLOP/s", baseline))
        let config = AutoencoderKLConfig.vc2
        let vae = try AutoencoderKL(config: config, source: SyntheticWeights(seed: 11), precision: precision)
        let canReset = MemoryStats.resetPeakRSS()
        print("VAE built (synthetic weights), RSS \(MemoryStats.format(bytes: MemoryStats.currentRSSBytes()))"
              + (canReset ? "" : " — peak RSS cannot be reset here: peaks count from process start"))
        for (h, w) in sizes {
            let f = vae.downsamplingFactor
            let z = Benchmark.randomTensor([1, 4, h / f, w / f], seed: 3)
            MemoryStats.resetPeakRSS()
            let before = MemoryStats.currentRSSBytes()
            let td = try Benchmark.bestSeconds(repeats: repeats, warmup: 0) { _ = try vae.decode(z) }
            report("decode 1 frame \(h)x\(w)", td, config.decodeFLOPs(latentHeight: h / f, latentWidth: w / f), baseline, before)
            if skipEncode { continue }
            let image = Benchmark.randomTensor([1, 3, h, w], seed: 4)
            MemoryStats.resetPeakRSS()
            let before2 = MemoryStats.currentRSSBytes()
            let te = try Benchmark.bestSeconds(repeats: repeats, warmup: 0) { _ = try vae.encode(image) }
            report("encode 1 frame \(h)x\(w)", te, config.encodeFLOPs(height: h, width: w), baseline, before2)
        }
    }

    func report(_ name: String, _ t: Double, _ flops: Double, _ baseline: Double, _ before: Int?) {
        let g = flops / t / 1e9
        print(String(format: "%-28@ %8.2f s  %7.1f GFLOP  %6.1f GFLOP/s (%3.0f%% of sgemm)  peak RSS %@ (RSS before %@)",
                     name, t, flops / 1e9, g, 100 * g / baseline,
                     MemoryStats.format(bytes: MemoryStats.peakRSSBytes()), MemoryStats.format(bytes: before)))
    }
}
