import ArgumentParser
import Foundation
import FSPipeline
import FSTensor

/// Pads (or left-pads) a column to `width` characters.
private func pad(_ s: String, _ width: Int, left: Bool = false) -> String {
    let fill = String(repeating: " ", count: Swift.max(0, width - s.count))
    return left ? fill + s : s + fill
}

/// `fsvideo bench ops`: the compute core's kernels at UNet sizes, against raw sgemm from the same run.
struct BenchOpsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ops", abstract: "GEMM, conv2d, GroupNorm, attention vs raw sgemm.")

    @Option(help: "Timed runs per case (the best is reported).")
    var repeats: Int = 2

    @Option(help: "Run only the cases whose group matches: gemm, conv, temporal, groupnorm, activations, attention, bf16 (raw bf16 GEMM vs sgemm) (comma-separated).")
    var only: String?

    @Flag(help: "Measure process CPU time instead of wall time (for single-thread runs on a busy machine).")
    var cpuTime = false

    @Flag(help: "Skip the largest cases (80x128 conv, N = 10240 attention).")
    var quick = false

    @Option(help: "Precision of the GEMM, conv, temporal and attention cases: fp32, bf16 or auto.")
    var precision: PrecisionChoice = .fp32

    func run() throws {
        guard repeats >= 1 else { throw FSError("--repeats must be at least 1") }
        Benchmark.measureCPUTime = cpuTime
        print("fsvideo bench ops — threads: \(ParallelFor.threadCount) (FSVIDEO_THREADS), GEMM threads: \(BLAS.threadCount)")
        let baseline = Benchmark.sgemmBaselineGFLOPS(size: 2048, repeats: 3)
        print(pad("case", 46) + pad("time", 12, left: true) + pad("GFLOP/s", 10, left: true) + pad("of sgemm", 10, left: true))
        func report(_ name: String, seconds: Double, flops: Double?, extra: String = "") {
            if let flops {
                let g = flops / seconds / 1e9
                print(pad(name, 46) + String(format: "%9.1f ms %10.1f %9.0f%%  ", seconds * 1e3, g, 100 * g / baseline) + extra)
            } else {
                print(pad(name, 46) + String(format: "%9.1f ms", seconds * 1e3) + pad("-", 11, left: true) + pad("", 12) + extra)
            }
        }
        report("raw cblas_sgemm 2048³ (baseline)", seconds: 2 * pow(2048, 3) / baseline / 1e9, flops: 2 * pow(2048, 3))
        let groups = only.map { Set($0.split(separator: ",").map { $0.lowercased() }) }
        func wanted(_ g: String) -> Bool { groups?.contains(g) ?? true }
        let p = precision.resolved()
        print("precision of the cases: \(p.rawValue) (bf16 kernel: \(BF16Support.description))")
        if groups?.contains("bf16") ?? (p == .bf16) {
            let split = Benchmark.splitSgemmGFLOPS(size: 2048, repeats: 3)
            report("BLAS.sgemm 2048³ (split over the cores)", seconds: 2 * pow(2048, 3) / split / 1e9, flops: 2 * pow(2048, 3))
            let bf = Benchmark.bf16GEMMGFLOPS(size: 2048, repeats: 3)
            report("raw bf16 GEMM 2048³ (A packed, fp32 acc)", seconds: 2 * pow(2048, 3) / bf / 1e9, flops: 2 * pow(2048, 3),
                   extra: String(format: "%.2f× sgemm", bf / baseline))
        }


        // GEMM through the tensor API: a UNet feed-forward projection (16 frames × 2560 tokens, 320 → 1280).
        if wanted("gemm") {
            let x = Benchmark.randomTensor([16 * 2560, 320], seed: 1)
            let w = Benchmark.randomTensor([1280, 320], seed: 2, scale: 0.05)
            let b = Benchmark.randomTensor([1280], seed: 3)
            let lw = LinearWeight(w, precision: p)
            let t = Benchmark.bestSeconds(repeats: repeats) { _ = linear(x, weight: lw, bias: b) }
            report("linear [40960,320]·[320,1280]ᵀ + bias", seconds: t, flops: 2 * 40960 * 320 * 1280)
        }

        // conv2d 3×3, 320 → 320, 16 frames.
        for (h, w) in quick ? [(40, 64)] : [(40, 64), (80, 128)] where wanted("conv") {
            let x = Benchmark.randomTensor([16, 320, h, w], seed: 4)
            let wt = Benchmark.randomTensor([320, 320, 3, 3], seed: 5, scale: 0.02)
            let b = Benchmark.randomTensor([320], seed: 6)
            let cw = ConvWeight(wt, precision: p)
            let t = Benchmark.bestSeconds(repeats: repeats, warmup: h > 40 ? 0 : 1) {
                _ = conv2d(x, weight: cw, bias: b, stride: 1, padding: 1)
            }
            report("conv2d 3×3 320→320 [16,320,\(h),\(w)]", seconds: t, flops: 2 * 16 * 320 * 320 * 9 * Double(h * w))
        }

        // Temporal conv (k = 3 over 16 frames), as in every ResBlock's TemporalConvBlock.
        if wanted("temporal") {
            let x = Benchmark.randomTensor([1, 320, 16, 40, 64], seed: 7)
            let wt = Benchmark.randomTensor([320, 320, 3, 1, 1], seed: 8, scale: 0.02)
            let tw = TemporalConvWeight(wt, precision: p)
            let t = Benchmark.bestSeconds(repeats: repeats) { _ = temporalConv(x, weight: tw, bias: nil, padding: 1) }
            report("temporalConv k=3 320→320 [1,320,16,40,64]", seconds: t, flops: 2 * 320 * 320 * 3 * 16 * 2560)
        }

        // GroupNorm (32 groups, eps 1e-6) — memory bound: report bandwidth.
        for (h, w) in [(40, 64), (80, 128)] where wanted("groupnorm") {
            let x = Benchmark.randomTensor([1, 320, 16, h, w], seed: 9)
            let g = Benchmark.randomTensor([320], seed: 10), b = Benchmark.randomTensor([320], seed: 11)
            let t = Benchmark.bestSeconds(repeats: repeats) { _ = groupNorm(x, groups: 32, weight: g, bias: b, eps: 1e-6) }
            let gb = Double(x.count * 4 * 3) / t / 1e9   // two reads + one write
            report("groupNorm 32 groups [1,320,16,\(h),\(w)]", seconds: t, flops: nil, extra: String(format: "%.1f GB/s", gb))
        }

        // Activations (vectorised exp / erf): SiLU after every ResBlock GroupNorm, GELU in every GEGLU.
        if wanted("activations") {
            let x = Benchmark.randomTensor([1, 320, 16, 80, 128], seed: 15, scale: 4)
            let ts = Benchmark.bestSeconds(repeats: repeats) { _ = silu(x) }
            report("silu [1,320,16,80,128]", seconds: ts, flops: nil,
                   extra: String(format: "%.0f M elements/s", Double(x.count) / ts / 1e6))
            let tg = Benchmark.bestSeconds(repeats: repeats) { _ = gelu(x) }
            report("gelu (erf) [1,320,16,80,128]", seconds: tg, flops: nil,
                   extra: String(format: "%.0f M elements/s", Double(x.count) / tg / 1e6))
        }

        // Attention: 5 heads × d 64 (320 channels), self-attention over N tokens.
        for n in quick ? [2560] : [2560, 10240] where wanted("attention") {
            let q = Benchmark.randomTensor([1, n, 320], seed: 12), k = Benchmark.randomTensor([1, n, 320], seed: 13)
            let v = Benchmark.randomTensor([1, n, 320], seed: 14)
            MemoryStats.resetPeakRSS()
            let before = MemoryStats.currentRSSBytes() ?? 0
            let t = Benchmark.bestSeconds(repeats: repeats, warmup: n > 4096 ? 0 : 1) {
                _ = multiHeadAttention(q: q, k: k, v: v, heads: 5, precision: p)
            }
            let extra = "peak RSS +" + MemoryStats.format(bytes: (MemoryStats.peakRSSBytes() ?? before) - before)
            report("attention N=\(n) d=64 h=5", seconds: t, flops: 4 * Double(n) * Double(n) * 64 * 5, extra: extra)
        }
        print("peak RSS of the run: \(MemoryStats.format(bytes: MemoryStats.peakRSSBytes()))")
    }
}
