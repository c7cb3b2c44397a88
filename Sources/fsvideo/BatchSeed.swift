import Foundation
import FSTensor

/// The base seed of a batch. `--seed N` is N. `--seed -1` is drawn once per batch and recorded in batch.json:
/// a resumed run reuses the recorded one; the shards of one scheduler job agree on one derived from the
/// job's id (they start at the same moment, before any batch.json exists); a lone process draws one at random.
enum BatchSeed {
    static func resolve(_ choice: SeedChoice, batchPath: String, request: String, shard: ShardSpec, overwrite: Bool,
                        quiet: Bool, environment env: [String: String] = ProcessInfo.processInfo.environment) throws -> UInt64 {
        if case .fixed(let v) = choice { return v }
        if !overwrite, let old = BatchRecord.read(in: batchPath), old.request == request {
            if !quiet { say("resuming with the batch's recorded random base seed \(old.baseSeed)") }
            return old.baseSeed
        }
        let seed: UInt64
        if shard.isSharded {
            guard let job = ShardSpec.jobIdentity(env) else {
                throw FSError("--seed -1 with shards needs one base seed for all of them: give --seed N, or run under a scheduler job id "
                              + "(SLURM_ARRAY_JOB_ID, SLURM_JOB_ID, TORCHELASTIC_RUN_ID or FSVIDEO_JOB_ID)")
            }
            seed = ItemSeed.fromJob(job)
            if !quiet { say("random base seed \(seed) (from \(job), shared by every shard)") }
        } else {
            seed = ItemSeed.random()
            if !quiet { say("random base seed \(seed)") }
        }
        return seed
    }

    private static func say(_ s: String) { FileHandle.standardError.write(Data("fsvideo: \(s)\n".utf8)) }
}
