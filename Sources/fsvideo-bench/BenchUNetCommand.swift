import ArgumentParser
import Foundation
import FSModels
import FSPipeline
import FSTensor
import FSCommandLine

/// `fsvideo-bench unet`: one UNet3D forward over seeded synthetic weights (no checkpoint needed), with the
/// analytic FLOP count, peak RSS and the raw sgemm rate of the same run. `--spatial-transformer` times one
/// SpatialTransformer of the first level instead (the memory check at 640x1024).
struct BenchUNetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unet", abstract: "UNet3D forward time, GFLOP/s and peak RSS vs raw sgemm (synthetic weights).")

    @Option(help: "UNet preset.") var preset = "vc2-512"
    @Option(help: "Frames.") var frames = 16
    @Option(help: "Pixel resolution HxW (latent = /8).") var res = "320x512"
    @Option(help: "Batch (2 = both guidance branches).") var batch = 1
    @Option(help: "Timed forwards.") var iterations = 1
    @Option(help: "Weight seed.") var seed: UInt64 = 1
    @Flag(help: "Time one SpatialTransformer of level 0 (model_channels wide) instead of the whole UNet.")
    var spatialTransformer = false
    @OptionGroup(title: "Compute") var compute: ComputeOptions

    func run() throws {
        let precision = try compute.apply(toStdout: true)
        let config = try UNet3DConfig.preset(preset)
        let parts = res.lowercased().split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2, parts[0] > 0, parts[1] > 0, parts[0] % 8 == 0, parts[1] % 8 == 0 else {
            throw FSError("--res must be HxW with sides multiples of 8, got '\(res)'")
        }
        guard frames >= 1, batch >= 1, iterations >= 1 else { throw FSError("--frames, --batch, --iterations must be ≥ 1") }
        let lh = parts[0] / 8, lw = parts[1] / 8
        guard lh % config.sizeUnit == 0, lw % config.sizeUnit == 0 else {
            throw FSError("--res sides must be multiples of \(8 * config.sizeUnit) for preset \(preset), got '\(res)'")
        }
        print("fsvideo-bench unet — preset \(preset), \(batch)×\(frames) frames, \(parts[0])x\(parts[1]) px (latent \(lh)x\(lw)), threads \(ParallelFor.threadCount), GEMM threads \(BLAS.threadCount)")
        // The machine is shared: report wall-clock rates and CPU-time rates (FLOPs per process CPU-second,
        // all threads), each against raw sgemm measured the same way in this run.
        let baseline = Benchmark.sgemmBaselineGFLOPS(size: 2048, repeats: 3)
        let baselineCPU = sgemmCPUGFLOPS(size: 2048, repeats: 3)
        print(String(format: "raw cblas_sgemm 2048³ (baseline, same run): %.1f GFLOP/s wall, %.1f GFLOP per CPU-second",
                     baseline, baselineCPU))
        func rates(_ flops: Double, wall: Double, cpu: Double) -> String {
            String(format: "wall %.2f s = %.1f GFLOP/s (%.0f%% of sgemm); CPU %.2f s = %.1f GFLOP/CPU-s (%.0f%% of sgemm)",
                   wall, flops / wall / 1e9, 100 * flops / wall / 1e9 / baseline,
                   cpu, flops / cpu / 1e9, 100 * flops / cpu / 1e9 / baselineCPU)
        }
        let ctxDim = config.contextDim ?? 0
        let context = Benchmark.randomTensor([batch, 77, ctxDim], seed: seed &+ 2)

        if spatialTransformer {
            let c = config.modelChannels
            let block = StandaloneSpatialTransformer(channels: c, headChannels: config.numHeadChannels,
                                                     contextDim: ctxDim, source: SyntheticWeights(seed: seed))
            let x = Benchmark.randomTensor([batch * frames, c, lh, lw], seed: seed &+ 1)
            MemoryStats.resetPeakRSS()
            let before = MemoryStats.currentRSSBytes()
            var seconds = [Double](), cpus = [Double]()
            for _ in 0..<iterations {
                var wall = 0.0
                cpus.append(try Benchmark.cpuSeconds {
                    wall = try Benchmark.seconds { _ = try block(x, context: context, batch: batch, frames: frames) }
                })
                seconds.append(wall)
            }
            let n = Double(batch * frames), tokens = Double(lh * lw), cd = Double(c)
            let flops = n * (2 * tokens * cd * cd * 8 + 4 * tokens * tokens * cd + 4 * tokens * 77 * cd
                             + 4 * 77 * Double(ctxDim) * cd + 2 * tokens * cd * 8 * cd + 2 * tokens * 4 * cd * cd)
            print(String(format: "SpatialTransformer %d ch, %d×%d tokens × %d frames, %.3f TFLOP: ", c, lh, lw, batch * frames, flops / 1e12)
                  + rates(flops, wall: seconds.min()!, cpu: cpus.min()!)
                  + "; RSS before \(MemoryStats.format(bytes: before)), peak \(MemoryStats.format(bytes: MemoryStats.peakRSSBytes()))")
            return
        }

        let t0 = Date()
        let model = try UNet3D(config: config, source: SyntheticWeights(seed: seed), precision: precision)
        let buildSeconds = Date().timeIntervalSince(t0)
        let weightsRSS = MemoryStats.currentRSSBytes()
        print(String(format: "synthetic weights built in %.1f s; RSS %@", buildSeconds, MemoryStats.format(bytes: weightsRSS)))
        let x = Benchmark.randomTensor([batch, config.inChannels, frames, lh, lw], seed: seed &+ 1)
        let flops = UNet3DFLOPs.count(config: config, batch: batch, frames: frames, height: lh, width: lw)
        for i in 0..<iterations {
            var wall = 0.0
            let cpu = try Benchmark.cpuSeconds {
                wall = try Benchmark.seconds {
                    _ = try model.forward(x: x, timesteps: Array(repeating: 981, count: batch), context: context,
                                          fps: Array(repeating: 28, count: batch))
                }
            }
            print(String(format: "forward %d (%.2f TFLOP): ", i + 1, flops / 1e12) + rates(flops, wall: wall, cpu: cpu)
                  + "; peak RSS \(MemoryStats.format(bytes: MemoryStats.peakRSSBytes()))")
        }
    }
}

/// Raw cblas_sgemm FLOPs per process CPU-second on a size³ product (best of `repeats`).
private func sgemmCPUGFLOPS(size: Int, repeats: Int) -> Double {
    let a = Tensor(repeating: 0.5, shape: [size, size]), b = Tensor(repeating: 0.25, shape: [size, size])
    _ = matmul(a, b)
    var best = Double.infinity
    for _ in 0..<repeats { best = Swift.min(best, Benchmark.cpuSeconds { _ = matmul(a, b) }) }
    return 2 * pow(Double(size), 3) / best / 1e9
}
