import ArgumentParser
import Foundation
import FSEval
import FSPipeline
import FSTensor

/// `fsvideo bench eval`: I3D features of one 16-frame clip and RAFT flow of one frame pair (synthetic
/// seeded weights), time and peak RSS, against raw sgemm from the same run.
struct BenchEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval", abstract: "I3D (16x224x224 clip), RAFT (frame pair) and CLIP ViT-L/14 time and peak RSS vs raw sgemm; --throughput: videos/min per metric.")

    @Option(help: "RAFT frame size HxW.")
    var res: String = "320x512"

    @Option(help: "Frames of the I3D clip.")
    var frames: Int = 16

    @Option(help: "Timed runs per case (the best is reported).")
    var repeats: Int = 2

    @Option(help: "RAFT refinement iterations (VBench: 20).")
    var iterations: Int = 20

    @Option(name: .customLong("clip-batch"), help: "Frames per CLIP ViT-L/14 forward pass (aesthetic quality).")
    var clipBatch: Int = 8

    @Flag(help: "Also measure videos per minute for each metric on one 16-frame video of --res (decoding vs networks).")
    var throughput = false

    /// Process CPU seconds (user + system), to read wall times on a loaded machine.
    static func cpuSeconds() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
    }

    func run() throws {
        let parts = res.lowercased().split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2, parts[0] >= 128, parts[1] >= 128 else { throw FSError("--res must be HxW with sides ≥ 128, got \(res)") }
        guard frames >= 9, repeats >= 1 else { throw FSError("--frames must be ≥ 9 and --repeats ≥ 1") }
        var load = [Double](repeating: 0, count: 3)
        _ = getloadavg(&load, 3)
        print(String(format: "load average %.1f (machine cores: %d)", load[0], ProcessInfo.processInfo.activeProcessorCount))
        print("fsvideo bench eval — threads: \(ParallelFor.threadCount), GEMM threads: \(BLAS.threadCount)")
        let baseline = Benchmark.sgemmBaselineGFLOPS(size: 2048, repeats: 3)
        print(String(format: "raw cblas_sgemm 2048³ (baseline): %.1f GFLOP/s", baseline))

        let i3d = try I3D(SyntheticEvalWeights.i3d().view(prefix: ""))
        let clip = Benchmark.randomTensor([1, 3, frames, 224, 224], seed: 7)
        MemoryStats.resetPeakRSS()
        EvalConv.flops = 0
        _ = try i3d(clip)
        let convFlops = EvalConv.flops
        if ProcessInfo.processInfo.environment["FSVIDEO_BENCH_DETAIL"] != nil {
            var last = Date()
            _ = try i3d.mixed5c(clip) { name, _ in
                print(String(format: "  %@ %.0f ms", name, Date().timeIntervalSince(last) * 1e3)); last = Date()
            }
        }
        var cpu0 = BenchEvalCommand.cpuSeconds()
        let t = try Benchmark.bestSeconds(repeats: repeats, warmup: 0) { _ = try i3d(clip) }
        let i3dCPU = (BenchEvalCommand.cpuSeconds() - cpu0) / Double(repeats)
        print(String(format: "I3D logits, 1x3x%dx224x224: %8.1f ms   conv %.1f GFLOP → %.1f GFLOP/s (%.0f%% of sgemm)   CPU %.1f s/run   peak RSS %@",
                     frames, t * 1e3, convFlops / 1e9, convFlops / t / 1e9, 100 * convFlops / t / 1e9 / baseline, i3dCPU,
                     MemoryStats.format(bytes: MemoryStats.peakRSSBytes())))

        let raft = try RAFT(SyntheticEvalWeights.raft().view(prefix: "module."))
        let padder = RAFTPadder(height: parts[0], width: parts[1])
        let a = padder.pad(Benchmark.randomTensor([1, 3, parts[0], parts[1]], seed: 8).map { 127.5 + 127.5 * $0 })
        let b = padder.pad(Benchmark.randomTensor([1, 3, parts[0], parts[1]], seed: 9).map { 127.5 + 127.5 * $0 })
        MemoryStats.resetPeakRSS()
        EvalConv.flops = 0
        _ = try raft(a, b, iterations: iterations)
        let rf = EvalConv.flops
        cpu0 = BenchEvalCommand.cpuSeconds()
        let tr = try Benchmark.bestSeconds(repeats: repeats, warmup: 0) { _ = try raft(a, b, iterations: iterations) }
        let raftCPU = (BenchEvalCommand.cpuSeconds() - cpu0) / Double(repeats)
        let n = Double(a.shape[2] * a.shape[3] / 64)
        let corrGB = n * n * 4 * (1 + 0.25 + 0.0625 + 0.015625) / 1e9
        print(String(format: "RAFT flow, %@ pair, %d iterations: %8.1f ms   conv %.1f GFLOP → %.1f GFLOP/s (%.0f%% of sgemm)   CPU %.1f s/run   correlation pyramid %.2f GB (%@)   peak RSS %@",
                     res, iterations, tr * 1e3, rf / 1e9, rf / tr / 1e9, 100 * rf / tr / 1e9 / baseline, raftCPU, corrGB,
                     RAFT.materialisesCorrelation(height: a.shape[2], width: a.shape[3]) ? "materialised" : "on the fly",
                     MemoryStats.format(bytes: MemoryStats.peakRSSBytes())))

        let tower = try clipTower()
        try benchCLIP(tower, batch: clipBatch, baseline: baseline)
        if throughput { try benchThroughput(tower: tower, height: parts[0], width: parts[1], frames: frames) }
        print(String(format: "raw cblas_sgemm 2048³ (baseline, end of run): %.1f GFLOP/s", Benchmark.sgemmBaselineGFLOPS(size: 2048, repeats: 3)))
    }
}
