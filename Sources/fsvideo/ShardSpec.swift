import Foundation
import FSTensor

/// Which share of a batch this process makes: shard `index` of `count` (0-based) takes the items whose global
/// index g has g mod count == index — strided, so every shard gets the same mix of prompts and the shards
/// finish together.
struct ShardSpec: Equatable, CustomStringConvertible {
    var index: Int
    var count: Int
    /// Where it came from: "--shard", "Slurm job array", "Kubernetes indexed job", "RANK/WORLD_SIZE", …
    var source: String

    static let single = ShardSpec(index: 0, count: 1, source: "unsharded")
    static let maxCount = 1_000_000

    var description: String { "\(index)/\(count)" }
    var isSharded: Bool { count > 1 }

    func owns(_ item: Int) -> Bool { item % count == index }

    /// The shard from `--shard` ("i/n", "auto", "none") and, for "auto", the scheduler's environment.
    static func resolve(flag: String, shardCount: Int?, environment env: [String: String]) throws -> ShardSpec {
        let t = flag.trimmingCharacters(in: .whitespaces).lowercased()
        if t == "none" { return .single }
        if t != "auto" {
            let parts = t.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
                throw FSError("--shard '\(flag)': expected INDEX/COUNT (0-based, e.g. 0/4), auto or none")
            }
            return try checked(i, n, "--shard")
        }
        return try fromEnvironment(env, shardCount: shardCount) ?? .single
    }

    /// Slurm job arrays, then Kubernetes Indexed Jobs, then multi-task `srun`, then torchrun-style launchers.
    static func fromEnvironment(_ env: [String: String], shardCount: Int?) throws -> ShardSpec? {
        func int(_ key: String) throws -> Int? {
            guard let v = env[key]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            guard let n = Int(v) else { throw FSError("environment \(key)='\(v)' is not a whole number") }
            return n
        }
        if let id = try int("SLURM_ARRAY_TASK_ID") {
            let step = try int("SLURM_ARRAY_TASK_STEP") ?? 1
            guard step >= 1 else { throw FSError("environment SLURM_ARRAY_TASK_STEP=\(step) must be ≥ 1") }
            let lo = try int("SLURM_ARRAY_TASK_MIN")
            let hi = try int("SLURM_ARRAY_TASK_MAX")
            let count = try int("SLURM_ARRAY_TASK_COUNT") ?? hi.flatMap { h in lo.map { (h - $0) / step + 1 } }
            guard let count else {
                throw FSError("SLURM_ARRAY_TASK_ID is set but neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MIN/MAX: give --shard INDEX/COUNT")
            }
            let index = (id - (lo ?? 0)) / step
            return try checked(index, shardCount ?? count, "Slurm job array (SLURM_ARRAY_TASK_ID=\(id))")
        }
        if let index = try int("JOB_COMPLETION_INDEX") {
            guard let n = try shardCount ?? int("FSVIDEO_SHARD_COUNT") else {
                throw FSError("JOB_COMPLETION_INDEX is set (a Kubernetes indexed job) but not the number of shards: give --shard-count N or FSVIDEO_SHARD_COUNT (= .spec.completions)")
            }
            return try checked(index, n, "Kubernetes indexed job (JOB_COMPLETION_INDEX=\(index))")
        }
        if let n = try int("SLURM_NTASKS"), n > 1, let rank = try int("SLURM_PROCID") {
            return try checked(rank, shardCount ?? n, "srun tasks (SLURM_PROCID=\(rank))")
        }
        if let rank = try int("RANK"), let n = try shardCount ?? int("WORLD_SIZE") {
            return try checked(rank, n, "RANK/WORLD_SIZE (RANK=\(rank))")
        }
        return nil
    }

    private static func checked(_ i: Int, _ n: Int, _ source: String) throws -> ShardSpec {
        guard (1...maxCount).contains(n) else { throw FSError("\(source): shard count must be in 1...\(maxCount), got \(n)") }
        guard (0..<n).contains(i) else { throw FSError("\(source): shard index must be in 0...\(n - 1), got \(i)") }
        return ShardSpec(index: i, count: n, source: source)
    }

    /// An identifier every task of one scheduler job shares (for `--seed -1` in shards), if there is one.
    static func jobIdentity(_ env: [String: String]) -> String? {
        for key in ["FSVIDEO_JOB_ID", "SLURM_ARRAY_JOB_ID", "SLURM_JOB_ID", "TORCHELASTIC_RUN_ID"] {
            if let v = env[key], !v.isEmpty { return "\(key)=\(v)" }
        }
        return nil
    }
}
