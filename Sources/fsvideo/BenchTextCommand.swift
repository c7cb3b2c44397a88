import ArgumentParser
import Foundation
import FSModels
import FSPipeline
import FSTensor

/// `fsvideo bench text`: VideoCrafter2's text encoder (ViT-H-14 text tower, layer "penultimate") over seeded
/// synthetic weights: tokenize + encode the conditional and the empty prompt, against raw sgemm.
struct BenchTextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "text", abstract: "OpenCLIP ViT-H-14 text encoding (VideoCrafter2 sizes, synthetic weights).")

    @Option(help: "Prompts encoded per call (VideoCrafter2 encodes 2: the prompt and the empty prompt).")
    var prompts: Int = 2

    @Option(help: "Timed runs (the best is reported).")
    var repeats: Int = 3

    @OptionGroup(title: "Compute") var compute: ComputeOptions

    func run() throws {
        let precision = try compute.apply(toStdout: true)
        guard prompts >= 1, repeats >= 1 else { throw FSError("--prompts and --repeats must be at least 1") }
        print("fsvideo bench text — threads: \(ParallelFor.threadCount), GEMM threads: \(BLAS.threadCount)")
        let baseline = Benchmark.sgemmBaselineGFLOPS(size: 2048, repeats: 3)
        print(String(format: "raw cblas_sgemm 2048³ (baseline): %.1f GFLOP/s", baseline))
        let config = OpenCLIPTextConfig.vitH14
        var encoder: OpenCLIPTextEncoder!
        let build = try Benchmark.seconds { encoder = try OpenCLIPTextEncoder(config: config, source: SyntheticWeights(seed: 7), precision: precision) }
        print(String(format: "build ViT-H-14 text tower (synthetic weights): %.2f s, RSS %@", build,
                     MemoryStats.format(bytes: MemoryStats.currentRSSBytes())))
        let tokenizer = try CLIPTokenizer.sharedOrThrow()
        let texts = (0..<prompts).map { $0 == 1 ? "" : "A tiger walks in the forest, photorealistic, 4k, high definition \($0)" }
        var tokenizeTime = Double.infinity
        var tokens: [[Int]] = []
        for _ in 0..<repeats { tokenizeTime = min(tokenizeTime, Benchmark.seconds { tokens = tokenizer.tokenize(texts) }) }
        MemoryStats.resetPeakRSS()
        let t = try Benchmark.bestSeconds(repeats: repeats, warmup: 1) { _ = try encoder.encode(tokens: tokens) }
        let flops = config.encodeFLOPs(prompts: prompts, layers: config.textCfg.layers - 1)
        let g = flops / t / 1e9
        print(String(format: "tokenize %d prompts: %.2f ms", prompts, tokenizeTime * 1e3))
        print(String(format: "encode %d prompts (23 of 24 resblocks): %.1f ms, %.1f GFLOP, %.1f GFLOP/s (%.0f%% of sgemm), peak RSS %@",
                     prompts, t * 1e3, flops / 1e9, g, 100 * g / baseline, MemoryStats.format(bytes: MemoryStats.peakRSSBytes())))
    }
}
