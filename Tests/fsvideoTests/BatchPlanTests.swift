import Foundation
@testable import fsvideo
import FSTensor
import XCTest

/// The pure parts of batches: seed derivation, shard assignment and detection, prompt lists, VBench names.
final class BatchPlanTests: XCTestCase {
    func testSeedDerivation() {
        // Item (0, 0) is the base seed itself; the rest are fixed forever (a change would alter every batch).
        XCTAssertEqual(ItemSeed.derive(base: 123, prompt: 0, sample: 0), 123)
        XCTAssertEqual(ItemSeed.derive(base: 123, prompt: 0, sample: 1), ItemSeed.derive(base: 123, prompt: 0, sample: 1))
        var seen = Set<UInt64>()
        for p in 0..<946 { for k in 0..<5 { seen.insert(ItemSeed.derive(base: 2, prompt: p, sample: k)) } }
        XCTAssertEqual(seen.count, 946 * 5, "derived seeds collide")
        XCTAssertTrue(seen.allSatisfy { $0 <= ItemSeed.mask })
        XCTAssertNotEqual(ItemSeed.derive(base: 1, prompt: 1, sample: 0), ItemSeed.derive(base: 1, prompt: 0, sample: 1))
        XCTAssertNotEqual(ItemSeed.derive(base: 1, prompt: 3, sample: 2), ItemSeed.derive(base: 2, prompt: 3, sample: 2))
        XCTAssertEqual(ItemSeed.fromJob("SLURM_ARRAY_JOB_ID=42"), ItemSeed.fromJob("SLURM_ARRAY_JOB_ID=42"))
        XCTAssertNotEqual(ItemSeed.fromJob("SLURM_ARRAY_JOB_ID=42"), ItemSeed.fromJob("SLURM_ARRAY_JOB_ID=43"))
        XCTAssertEqual(SeedChoice(argument: "-1"), .random)
        XCTAssertEqual(SeedChoice(argument: "18446744073709551615"), .fixed(.max))
        XCTAssertNil(SeedChoice(argument: "-2"))
        XCTAssertNil(SeedChoice(argument: "1.5"))
    }

    /// A video's seed depends on (base seed, prompt index, sample index) only — not on the shard that makes it.
    func testItemsAndSeedsDoNotDependOnSharding() throws {
        let entries = (0..<7).map { PromptEntry(prompt: "prompt \($0)") }
        let items = try BatchItems.make(entries, samples: 3, baseSeed: 99, layout: .vbench)
        XCTAssertEqual(items.count, 21)
        XCTAssertEqual(items[4].promptIndex, 1); XCTAssertEqual(items[4].sample, 1)
        XCTAssertEqual(items[4].seed, ItemSeed.derive(base: 99, prompt: 1, sample: 1))
        XCTAssertEqual(items[4].name, "prompt 1-1")
        for n in [1, 2, 3, 5, 21, 40] {
            var union: [Int] = []
            var sizes: [Int] = []
            for i in 0..<n {
                let s = ShardSpec(index: i, count: n, source: "test")
                let mine = items.filter { s.owns($0.index) }.map(\.index)
                union += mine
                sizes.append(mine.count)
            }
            XCTAssertEqual(union.sorted(), Array(0..<21), "shards of \(n) must cover every item exactly once")
            XCTAssertLessThanOrEqual(sizes.max()! - sizes.min()!, 1, "strided shards are balanced")
        }
        // A per-prompt seed replaces the base seed for that prompt's samples.
        var own = entries
        own[2].seed = 7
        let withOwn = try BatchItems.make(own, samples: 2, baseSeed: 99, layout: .folders)
        XCTAssertEqual(withOwn[4].seed, 7)
        XCTAssertEqual(withOwn[5].seed, ItemSeed.derive(base: 7, prompt: 0, sample: 1))
        XCTAssertEqual(withOwn[4].name, "003-prompt-2-0")
        // Duplicate VBench names are refused.
        XCTAssertThrowsError(try BatchItems.make([PromptEntry(prompt: "a"), PromptEntry(prompt: " a ")], samples: 1, baseSeed: 1, layout: .vbench))
    }

    func testShardFlagAndEnvironment() throws {
        func r(_ env: [String: String], _ flag: String = "auto", count: Int? = nil) throws -> ShardSpec {
            try ShardSpec.resolve(flag: flag, shardCount: count, environment: env)
        }
        XCTAssertEqual(try r([:], "1/4").description, "1/4")
        XCTAssertEqual(try r(["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4"], "none"), .single)
        XCTAssertThrowsError(try r([:], "4/4"))
        XCTAssertThrowsError(try r([:], "-1/4"))
        XCTAssertThrowsError(try r([:], "1/0"))
        XCTAssertThrowsError(try r([:], "x"))
        XCTAssertEqual(try r([:]), .single)
        // Slurm arrays: ids need not start at 0 (--array=1-3, or 5-9:2 with a step).
        XCTAssertEqual(try r(["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "3"]).description, "2/3")
        XCTAssertEqual(try r(["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "5", "SLURM_ARRAY_TASK_MIN": "0"]).description, "0/5")
        XCTAssertEqual(try r(["SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_MIN": "5", "SLURM_ARRAY_TASK_MAX": "9",
                              "SLURM_ARRAY_TASK_STEP": "2"]).description, "1/3")
        XCTAssertThrowsError(try r(["SLURM_ARRAY_TASK_ID": "3"]))
        XCTAssertThrowsError(try r(["SLURM_ARRAY_TASK_ID": "x", "SLURM_ARRAY_TASK_COUNT": "4"]))
        // Kubernetes indexed jobs: the count comes from --shard-count or FSVIDEO_SHARD_COUNT.
        XCTAssertEqual(try r(["JOB_COMPLETION_INDEX": "2", "FSVIDEO_SHARD_COUNT": "3"]).description, "2/3")
        XCTAssertEqual(try r(["JOB_COMPLETION_INDEX": "2"], count: 4).description, "2/4")
        XCTAssertThrowsError(try r(["JOB_COMPLETION_INDEX": "2"]))
        XCTAssertThrowsError(try r(["JOB_COMPLETION_INDEX": "5", "FSVIDEO_SHARD_COUNT": "3"]))
        // torchrun-style and multi-task srun.
        XCTAssertEqual(try r(["RANK": "1", "WORLD_SIZE": "8"]).description, "1/8")
        XCTAssertEqual(try r(["SLURM_PROCID": "2", "SLURM_NTASKS": "4"]).description, "2/4")
        XCTAssertEqual(try r(["SLURM_PROCID": "0", "SLURM_NTASKS": "1"]), .single)
        // The array wins over RANK/WORLD_SIZE.
        XCTAssertEqual(try r(["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "2", "RANK": "0", "WORLD_SIZE": "8"]).description, "1/2")
        XCTAssertEqual(ShardSpec.jobIdentity(["SLURM_ARRAY_JOB_ID": "77", "SLURM_JOB_ID": "78"]), "SLURM_ARRAY_JOB_ID=77")
    }

    func testRandomSeedIsSharedByShardsOfOneJob() throws {
        let shard = ShardSpec(index: 1, count: 3, source: "test")
        let a = try BatchSeed.resolve(.random, batchPath: "/nonexistent", request: "r", shard: shard, overwrite: false, quiet: true,
                                      environment: ["SLURM_ARRAY_JOB_ID": "5"])
        let b = try BatchSeed.resolve(.random, batchPath: "/nonexistent", request: "r", shard: .init(index: 2, count: 3, source: "t"),
                                      overwrite: false, quiet: true, environment: ["SLURM_ARRAY_JOB_ID": "5"])
        XCTAssertEqual(a, b)
        XCTAssertThrowsError(try BatchSeed.resolve(.random, batchPath: "/nonexistent", request: "r", shard: shard, overwrite: false,
                                                   quiet: true, environment: [:]))
        XCTAssertEqual(try BatchSeed.resolve(.fixed(5), batchPath: "/x", request: "r", shard: shard, overwrite: false, quiet: true, environment: [:]), 5)
    }

    func testPromptLists() throws {
        XCTAssertEqual(try PromptList.parse("a cat\n\n  a dog  \n", source: "f").map(\.prompt), ["a cat", "a dog"])
        let jl = try PromptList.parse("""
        {"prompt": "a cat", "seed": 5, "name": "cat"}

        {"prompt": "a dog", "negative_prompt": "blurry"}
        """, source: "f")
        XCTAssertEqual(jl, [PromptEntry(prompt: "a cat", negativePrompt: nil, seed: 5, name: "cat"),
                            PromptEntry(prompt: "a dog", negativePrompt: "blurry", seed: nil, name: nil)])
        for bad in [#"{"prompt": "a", "sed": 5}"#, #"{"prompt": 3}"#, #"{"prompt": "a", "seed": -1}"#, #"{"prompt": "a", "seed": 1.5}"#,
                    #"{"prompt": "a", "seed": "5"}"#, #"{"prompt": "a", "name": "../x"}"#, #"{"prompt": "a", "name": ".hidden"}"#,
                    "{\"prompt\": \"a\"}\nnot json"] {
            XCTAssertThrowsError(try PromptList.parse(bad, source: "f"), bad) { e in
                XCTAssertTrue((e as? FSError)?.message.hasPrefix("f:") == true, "\(e)")
            }
        }
    }

    func testVBenchNames() {
        XCTAssertEqual(BatchLayout.vbenchPrompt("  A 3D model of a 1800s victorian house. \n"), "A 3D model of a 1800s victorian house.")
        XCTAssertEqual(BatchLayout.vbenchPrompt(String(repeating: "é", count: 200)).unicodeScalars.count, 180)
        XCTAssertEqual(BatchLayout.vbenchPrompt("AC/DC on stage"), "AC_DC on stage")
        XCTAssertEqual(BatchLayout.vbench.name(entry: PromptEntry(prompt: "Garden, zoom in."), promptIndex: 4, sample: 2, samples: 3),
                       "Garden, zoom in.-2")
        XCTAssertEqual(BatchLayout.vbench.videoPath("Garden, zoom in.-2"), "Garden, zoom in.-2.mp4")
        XCTAssertEqual(BatchRecord.commandLine(["generate", "--prompt-file", "p.txt", "--shard", "1/3", "--shard-count=3", "--samples", "5"]),
                       ["generate", "--prompt-file", "p.txt", "--samples", "5"])
        XCTAssertNil(BatchRecord.commandLine(["xctest"]))
    }
}
