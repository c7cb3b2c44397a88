import Foundation
import FreeScale
import FSPipeline
import FSDiffusion
import FSTensor

/// A batch of videos (prompts × samples) in one output folder, or this process's shard of it: the items the
/// shard owns that are not complete yet are generated one by one, each published atomically as soon as it is
/// done, each recorded in the shard's manifest. The model is loaded once, and only if something is left to do.
struct BatchRun {
    var items: [BatchItem]
    var layout: BatchLayout
    var shard: ShardSpec
    var outPath: String
    var overwrite: Bool
    var quiet: Bool
    var expectedBytes: Int
    /// Digest of the request (base seed included): a re-run with the same digest resumes.
    var request: String
    var record: BatchRecord
    /// Items sampled together in one UNet call per step (`--batch-size`; 1 = one at a time).
    var batchSize: Int = 1

    struct Outcome { var written: Int; var skipped: Int; var failed: Int; var owned: Int; var path: String }

    typealias Preset = (z: Tensor, seconds: Double)

    /// `load` builds the model (called at most once); `sampleTogether` samples a group of items in one batch
    /// (their z₀, in order); `generate` makes one item's files in an output directory, from its preset z₀ if any.
    func run(load: () throws -> LoadedModel,
             sampleTogether: ([BatchItem], LoadedModel) throws -> [Tensor],
             generate: (BatchItem, LoadedModel, OutputDirectory, Preset?) throws -> String) throws -> Outcome {
        let batch = try BatchDirectory(path: outPath, overwrite: overwrite, request: request, shard: shard)
        defer { batch.release() }
        let path = batch.path
        let inForce = try record.publish(in: path)
        guard inForce.request == record.request, inForce.baseSeed == record.baseSeed else {
            throw FSError("\(path): holds a batch with another request or base seed (\(BatchRecord.fileName)); use another --out")
        }
        if layout == .vbench {
            let records = (path as NSString).appendingPathComponent("records")
            try? FileManager.default.createDirectory(atPath: records, withIntermediateDirectories: true)
        }
        let manifest = try ShardManifest(batchPath: path, shard: shard)
        let owned = items.filter { shard.owns($0.index) }
        var skippedEntries: [ManifestEntry] = []
        var todo: [BatchItem] = []
        for it in owned {
            if ItemVerification.isComplete(it, in: path, layout: layout) {
                skippedEntries.append(entry(it, status: "skipped", seconds: 0))
            } else { todo.append(it) }
        }
        if !skippedEntries.isEmpty { try manifest.record(skippedEntries) }
        if !quiet {
            let where_ = shard.isSharded ? " (shard \(shard) from \(shard.source): \(owned.count) of \(items.count) items)" : ""
            if todo.count < owned.count {
                note("resuming \(path)\(where_): \(owned.count - todo.count) of \(owned.count) items already done")
            } else if shard.isSharded { note("batch \(path)\(where_)") }
        }
        var loaded: LoadedModel?
        var written = 0, failed = 0
        var presets: [Int: Preset] = [:]
        for (n, it) in todo.enumerated() {
            if !quiet { note("[\(n + 1)/\(todo.count)] item \(it.index + 1)/\(items.count) seed \(it.seed): \(it.entry.prompt)") }
            let t = Date()
            do {
                if loaded == nil { loaded = try load() }
                if batchSize > 1 && n % batchSize == 0 && n + 1 < todo.count {
                    // The next group, sampled together; each item is then decoded and published on its own.
                    let group = Array(todo[n..<min(n + batchSize, todo.count)])
                    let zs = try sampleTogether(group, loaded!)
                    let share = Date().timeIntervalSince(t) / Double(group.count)
                    for (k, g) in group.enumerated() { presets[g.index] = (zs[k], share) }
                }
                let preset = presets.removeValue(forKey: it.index)
                let published = try make(it, in: batch, loaded: loaded!, preset: preset, generate: generate)
                written += 1
                try manifest.record([entry(it, status: "done", seconds: Date().timeIntervalSince(t))])
                if !quiet { note("wrote \(published)") }
            } catch {
                failed += 1
                let message = (error as? FSError)?.message ?? String(describing: error)
                var e = entry(it, status: "failed", seconds: Date().timeIntervalSince(t))
                e.error = message
                try manifest.record([e])
                CLIWarning.print("item \(it.index + 1) (\(it.name)) failed: \(message)")
                if loaded == nil { throw error }   // the model itself could not be loaded: nothing else can run
            }
        }
        return Outcome(written: written, skipped: owned.count - todo.count, failed: failed, owned: owned.count, path: path)
    }

    /// Generates one item into a temporary and publishes it; returns where its video went.
    private func make(_ it: BatchItem, in batch: BatchDirectory, loaded: LoadedModel, preset: Preset?,
                      generate: (BatchItem, LoadedModel, OutputDirectory, Preset?) throws -> String) throws -> String {
        let out = try batch.item(it.name, expectedBytes: expectedBytes)
        defer { out.discard() }
        _ = try generate(it, loaded, out, preset)
        try ItemVerification.stamp(record: out.file("run.json"), video: out.file("video.mp4"), item: it, shard: shard, layout: layout)
        switch layout {
        case .folders:
            try out.commit()
            return out.finalFile("video.mp4")
        case .vbench:
            // The record first, then the video: a video is never there without its record.
            let record = (batch.path as NSString).appendingPathComponent(layout.recordPath(it.name))
            let video = (batch.path as NSString).appendingPathComponent(layout.videoPath(it.name))
            for (from, to) in [(out.file("run.json"), record), (out.file("video.mp4"), video)] where rename(from, to) != 0 {
                throw FSError("\(to): cannot move into place (\(String(cString: strerror(errno))))")
            }
            return video
        }
    }

    private func entry(_ it: BatchItem, status: String, seconds: Double) -> ManifestEntry {
        ManifestEntry(item: it.index, promptIndex: it.promptIndex, sample: it.sample, name: it.name, prompt: it.entry.prompt,
                      seed: it.seed, status: status, seconds: (seconds * 1000).rounded() / 1000,
                      output: layout.videoPath(it.name), error: nil, shard: shard.description,
                      host: OutputLock.hostName, finished: ShardManifest.timestamp())
    }

    private func note(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }
}
