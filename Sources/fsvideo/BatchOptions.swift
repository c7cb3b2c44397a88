import ArgumentParser
import Foundation
import FreeScale
import FSPipeline
import FSTensor

extension BatchLayout: ExpressibleByArgument {}

/// `generate`'s batch flags: samples per prompt, layout, and which shard of the batch this process makes.
struct BatchOptions: ParsableArguments {
    static let maxSamples = 10_000
    static let maxBatchSize = 64
    static let autoBatchCap = 4

    @Option(help: "Videos per prompt (VBench uses 5); each gets its own seed derived from (base seed, prompt index, sample index).")
    var samples: Int = 1
    @Option(help: "Batch layout: folders (NNN-<slug>/video.mp4, run.json, contact sheet) or vbench (flat '{prompt}-{index}.mp4' + records/).")
    var layout: BatchLayout = .folders
    @Option(help: "Make only shard INDEX/COUNT of the batch (0-based; items strided); auto: from Slurm arrays, Kubernetes indexed jobs or RANK/WORLD_SIZE; none: all items.")
    var shard: String = "auto"
    @Option(name: .customLong("batch-size"), help: "Items sampled together, every item and both guidance branches in one UNet call per step (base-size generation); auto: as many as the memory estimate allows, at most 4; default 1: byte-identical videos whatever the sharding.")
    var batchSize: BatchSizeChoice = .fixed(1)
    @Option(name: .customLong("shard-count"), help: "Number of shards when the environment gives only an index (Kubernetes JOB_COMPLETION_INDEX); default: FSVIDEO_SHARD_COUNT.")
    var shardCount: Int?

    func checkFlags() throws {
        try FlagCheck.int(samples, "--samples", 1...Self.maxSamples)
        try FlagCheck.int(shardCount, "--shard-count", 1...ShardSpec.maxCount)
        if case .fixed(let b) = batchSize { try FlagCheck.int(b, "--batch-size", 1...Self.maxBatchSize) }
    }

    /// The batch size to use: 1 for FreeScale cascades (they run one item at a time); refused when B items'
    /// UNet activations would not fit the memory budget.
    func effectiveBatchSize(plain: Bool, cost: PlanCost, budget: Double, maxMemory: String?) throws -> Int {
        guard case .fixed(let batchSize) = self.batchSize else {
            // auto: what fits the estimate (one item's peak + one more item's UNet activations each), capped.
            guard plain, cost.activationBytes > 0 else { return 1 }
            let more = ((budget - cost.peakBytes) / cost.activationBytes).rounded(.down)
            return Swift.max(1, Swift.min(Self.autoBatchCap, 1 + Int(Swift.max(0, Swift.min(more, 1000)))))
        }
        guard batchSize > 1 else { return 1 }
        guard plain else {
            CLIWarning.print("--batch-size \(batchSize) applies to base-size generation; the FreeScale cascade runs one item at a time")
            return 1
        }
        let peak = cost.peakBytes + Double(batchSize - 1) * cost.activationBytes
        guard peak <= budget else {
            throw FSError("--batch-size \(batchSize): estimated peak memory \(MemoryBudget.format(peak)) exceeds "
                          + "\(maxMemory == nil ? "the \(MemoryBudget.format(budget)) available" : "--max-memory \(MemoryBudget.format(budget))")"
                          + " (one item: \(MemoryBudget.format(cost.peakBytes)); each more: \(MemoryBudget.format(cost.activationBytes)))")
        }
        return batchSize
    }

    /// The vbench layout keeps only each video and its record: extra outputs would be silently dropped.
    func checkLayout(dumpFrames: Bool, keepStages: Bool) throws {
        guard layout == .vbench else { return }
        if dumpFrames { throw FSError("--dump-frames needs --layout folders (the vbench layout keeps only the videos and their records)") }
        if keepStages { throw FSError("--keep-stages needs --layout folders (the vbench layout keeps only the videos and their records)") }
    }

    /// True when this request is a batch even for one prompt (several samples, or the VBench layout).
    var forcesBatch: Bool { samples > 1 || layout == .vbench }

    func resolveShard(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ShardSpec {
        try ShardSpec.resolve(flag: shard, shardCount: shardCount, environment: environment)
    }
}

/// `--batch-size N` or `--batch-size auto`.
enum BatchSizeChoice: ExpressibleByArgument, Equatable {
    case fixed(Int)
    case auto

    init?(argument: String) {
        let t = argument.trimmingCharacters(in: .whitespaces).lowercased()
        if t == "auto" { self = .auto } else if let n = Int(t) { self = .fixed(n) } else { return nil }
    }

    var defaultValueDescription: String {
        switch self { case .fixed(let n): return String(n); case .auto: return "auto" }
    }
}
