import ArgumentParser
import Foundation
import FSTensor

extension BatchLayout: ExpressibleByArgument {}

/// `generate`'s batch flags: samples per prompt, layout, and which shard of the batch this process makes.
struct BatchOptions: ParsableArguments {
    static let maxSamples = 10_000

    @Option(help: "Videos per prompt (VBench uses 5); each gets its own seed derived from (base seed, prompt index, sample index).")
    var samples: Int = 1
    @Option(help: "Batch layout: folders (NNN-<slug>/video.mp4, run.json, contact sheet) or vbench (flat '{prompt}-{index}.mp4' + records/).")
    var layout: BatchLayout = .folders
    @Option(help: "Make only shard INDEX/COUNT of the batch (0-based; items strided); auto: from Slurm arrays, Kubernetes indexed jobs or RANK/WORLD_SIZE; none: all items.")
    var shard: String = "auto"
    @Option(name: .customLong("shard-count"), help: "Number of shards when the environment gives only an index (Kubernetes JOB_COMPLETION_INDEX); default: FSVIDEO_SHARD_COUNT.")
    var shardCount: Int?

    func checkFlags() throws {
        try FlagCheck.int(samples, "--samples", 1...Self.maxSamples)
        try FlagCheck.int(shardCount, "--shard-count", 1...ShardSpec.maxCount)
    }

    /// True when this request is a batch even for one prompt (several samples, or the VBench layout).
    var forcesBatch: Bool { samples > 1 || layout == .vbench }

    func resolveShard(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ShardSpec {
        try ShardSpec.resolve(flag: shard, shardCount: shardCount, environment: environment)
    }
}
