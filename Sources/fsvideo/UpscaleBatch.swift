import Foundation
import FSPipeline
import FSTensor

/// `upscale` over several clips (several inputs, or a folder of videos): the same items, seeds, layouts,
/// shards, verified resume and manifests as a `generate` batch. Clip i, sample k is item i·S + k with seed
/// derived from (--seed, i, k); its name is the clip's file name without extension (plus `-k`).
struct UpscaleBatch {
    let command: UpscaleCommand
    let inputs: [String]

    /// The inputs, with folders of videos replaced by their videos (sorted); a folder of frames stays one clip.
    static func expand(_ given: [String]) throws -> [String] {
        guard !given.isEmpty else { throw FSError("upscale: give an input video, folder of frames or folder of videos") }
        var out: [String] = []
        for path in given {
            if isFolderOfVideos(path) {
                let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
                    .filter { !$0.hasPrefix(".") && EvalVideoInput.videoExtensions.contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
                out += names.map { (path as NSString).appendingPathComponent($0) }
            } else { out.append(path) }
        }
        return out
    }

    static func isFolderOfVideos(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else { return false }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.contains { !$0.hasPrefix(".") && EvalVideoInput.videoExtensions.contains(($0 as NSString).pathExtension.lowercased()) }
    }

    func run() throws {
        let c = command
        try c.batchOptions.checkFlags()
        try c.batchOptions.checkLayout(dumpFrames: false, keepStages: c.freescale.keepStages)
        if c.batchOptions.batchSize != .fixed(1) { CLIWarning.print("upscale runs one item at a time (--batch-size applies to generate)") }
        let shard = try c.batchOptions.resolveShard()
        let outPath = c.out ?? OutputDirectory.defaultPath(prompt: "upscale-batch", seed: c.seed)
        try InputOutputGuard.check(output: outPath, isDirectory: true, inputs: inputs + [c.ckpt, c.config, c.editMask, c.freescale.detailMask])
        let entries = inputs.map { PromptEntry(prompt: c.prompt, negativePrompt: nil, seed: nil,
                                               name: OutputDirectory.slug(((($0 as NSString).lastPathComponent) as NSString).deletingPathExtension, maxLength: 60)) }
        let items = try BatchItems.make(entries, samples: c.batchOptions.samples, baseSeed: c.seed, layout: c.batchOptions.layout)
        if c.dryRun {
            _ = try c.upscale(inputs[0], seed: items[0].seed, outPath: outPath, loaded: nil, into: nil)
            print("batch: \(inputs.count) clips × \(c.batchOptions.samples) samples = \(items.count) videos"
                  + (shard.isSharded ? "; shard \(shard) (\(shard.source)) makes \(items.filter { shard.owns($0.index) }.count)" : "")
                  + "; layout \(c.batchOptions.layout.rawValue); output \(outPath)")
            return
        }
        var h = SHA256()
        let parts: [String] = ["upscale"] + inputs + [c.prompt, "\(c.frames ?? -1)", "\(c.startFrame)", "\(c.loop)", "\(c.steps)", "\(c.cfg ?? .nan)",
                                                      "\(c.saveFps ?? .nan)", c.ckpt ?? "builtin", c.config ?? "", c.editMask ?? "", c.editPrompt ?? ""] + c.freescale.digestParts + [
"samples=\(c.batchOptions.samples)", "layout=\(c.batchOptions.layout.rawValue)"]
        for p in parts { h.update(Data((p + "\u{1F}").utf8)) }
        let request = h.finalize()
        let record = BatchRecord(request: request, baseSeed: c.seed, seedWasRandom: false, samples: c.batchOptions.samples,
                                 layout: c.batchOptions.layout.rawValue, prompts: inputs.count, command: BatchRecord.commandLine(),
                                 created: ShardManifest.timestamp(),
                                 items: items.map { .init(item: $0.index, name: $0.name, promptIndex: $0.promptIndex, sample: $0.sample,
                                                          seed: $0.seed, prompt: $0.entry.prompt, output: c.batchOptions.layout.videoPath($0.name)) })
        let t0 = Date()
        let batch = BatchRun(items: items, layout: c.batchOptions.layout, shard: shard, outPath: outPath, overwrite: c.overwrite,
                             quiet: c.quiet, expectedBytes: 0, request: request, record: record)
        let opened = try ModelFiles.open(ckpt: c.ckpt, config: c.config)
        let done = try batch.run(
            load: { try opened.build(precision: try c.compute.apply()) },
            sampleTogether: { _, _ in throw FSError("upscale runs one item at a time") },
            generate: { item, loaded, output, _ in
                try c.upscale(inputs[item.promptIndex], seed: item.seed, outPath: nil, loaded: loaded, into: output)
            })
        print("wrote \(done.path)  (\(done.written) new, \(done.skipped) already done\(done.failed > 0 ? ", \(done.failed) failed" : ""), "
              + "\(done.owned) items; total \(ProgressBar.duration(Date().timeIntervalSince(t0))))")
        if done.failed > 0 {
            throw FSError("\(done.failed) of \(done.owned) items failed (see \(done.path)/\(ShardManifest.folder)/); re-run the same command to retry them")
        }
    }
}
