import ArgumentParser
import Foundation
import FreeScale
import FSCUDA
import FSPipeline
import FSDiffusion
import FSTensor
import FSVideo
import FSCommandLine

/// `fsvideo generate`: flags → `VideoRequest` → `VideoPipeline` → files. Everything is written into a
/// temporary directory renamed into place at the end; batches publish item by item (BatchRun).
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate a video from a prompt (built-in toy model unless --ckpt is given).",
        discussion: """
        Defaults come from the model: VideoCrafter2 samples 16 frames at 320x512, 50 DDIM steps, eta 1.0,
        guidance 12, fps conditioning 28, and saves at 10 fps; the built-in toy model samples at 64x96 with
        guidance 7.5 and fps 8. Output: DIR/video.mp4, run.json, contact_sheet.png, frames/*.png with --dump-frames.
        Batches (--prompt-file, --samples, --layout vbench) publish every video on its own, resume, and split into
        shards (--shard, Slurm arrays, Kubernetes indexed jobs): docs/usage.md, docs/cluster.md.
        """)

    @Argument(help: "The prompt (or use --prompt-file).")
    var prompt: String?

    @Option(help: "Checkpoint (.ckpt or .safetensors) in the VideoCrafter2 layout; default: the built-in toy model.")
    var ckpt: String?
    @Option(help: "Model config: JSON (toy_shapes.json layout) or VideoCrafter2's inference YAML.")
    var config: String?
    @Option(help: "Number of frames (default: the model's, 16).")
    var frames: Int?
    @Option(help: "DDIM steps (as the reference: len(range(0, 1000, 1000 // steps)) are run).")
    var steps: Int = 50
    @Option(help: "Classifier-free guidance scale (default: the model's; 12 for VideoCrafter2, 7.5 for the toy model).")
    var cfg: Double?
    @Option(help: "DDIM eta (1.0 = VideoCrafter2's stochastic sampling).")
    var eta: Double = 1.0
    @Option(help: "fps conditioning value (default: the model's; 28 for VideoCrafter2, 8 for the toy model).")
    var fps: Int?
    @Option(help: "Seed of the noise generator (Philox-4x32; same seed and --precision ⇒ same video on any machine); -1: random, printed and recorded. In a batch, the base seed every video's seed is derived from.")
    var seed: SeedChoice = .fixed(123)
    @Option(name: .customLong("negative-prompt"), help: "Prompt for the unconditional branch (default: empty).")
    var negativePrompt: String = ""
    @Option(name: .customLong("prompt-file"), help: "Prompt list: one prompt per line, or JSON lines (prompt, negative_prompt, seed, name); '-' reads stdin.")
    var promptFile: String?
    @Option(help: "Output directory (default: outputs/<timestamp>-<slug>).")
    var out: String?
    @Option(name: .customLong("save-fps"), help: "Frame rate of the written MP4 (default: the model's; 10 for VideoCrafter2).")
    var saveFps: Double?
    @Flag(name: .customLong("dump-frames"), help: "Also write every frame as PNG under frames/.")
    var dumpFrames = false
    @Flag(help: "Replace an earlier fsvideo output at --out (never a directory holding other files).")
    var overwrite = false
    @Flag(help: "No progress bars (errors and warnings still go to stderr).")
    var quiet = false
    @Flag(name: .customLong("dry-run"), help: "Print the plan, the memory/FLOP estimate and the output path; write nothing.")
    var dryRun = false
    @Option(name: .customLong("max-memory"), help: "Refuse a run whose estimated peak memory exceeds this (e.g. 16G; default: the memory available now).")
    var maxMemory: String?
    @OptionGroup(title: "FreeScale")
    var freescale: FreeScaleOptions
    @Option(help: "Also make the video with the other method at the same size and seed, into compare-<method>/, and a side-by-side compare.png.")
    var compare: GenerationMethod?
    @OptionGroup(title: "Batches")
    var batchOptions: BatchOptions
    @OptionGroup(title: "Compute")
    var compute: ComputeOptions

    /// Every numeric flag within range, before any file is opened.
    func checkFlags() throws {
        try FlagCheck.int(frames, "--frames", 1...FlagCheck.maxFrames)
        try FlagCheck.int(steps, "--steps", 1...FlagCheck.maxSteps)
        try FlagCheck.double(cfg, "--cfg", -1000...1000)
        try FlagCheck.double(eta, "--eta", 0...10)
        try FlagCheck.int(fps, "--fps", 0...1000)
        try FlagCheck.double(saveFps, "--save-fps", 0...1000, openLower: true)
        try freescale.checkFlags()
        if let maxMemory { _ = try MemoryBudget.parse(maxMemory) }
        try batchOptions.checkFlags()
        try FlagCheck.int(compute.threads, "--threads", 1...4096)
    }

    func run() throws {
        let entries = try readPrompts()
        let prompts = entries.map(\.prompt)
        try checkFlags()
        let device = try compute.resolveDevice()
        for p in Set(prompts) { PromptCheck.warn(p) }
        for n in Set(entries.map { $0.negativePrompt ?? negativePrompt }) where !n.isEmpty { PromptCheck.warn(n, what: "negative prompt") }
        let isBatch = promptFile != nil || batchOptions.forcesBatch
        try MethodComparison.check(compare, method: freescale.method, isBatch: isBatch)
        try batchOptions.checkLayout(dumpFrames: dumpFrames, keepStages: freescale.keepStages)
        var seed = UInt64(123)
        if case .fixed(let v) = self.seed { seed = v }
        if !isBatch, self.seed == .random, !dryRun {
            seed = ItemSeed.random()
            FileHandle.standardError.write(Data("fsvideo: random seed \(seed)\n".utf8))
        }
        let outPath = out ?? OutputDirectory.defaultPath(prompt: prompts[0], seed: self.seed == .random && isBatch ? nil : seed)
        try InputOutputGuard.check(output: outPath, isDirectory: true,
                                   inputs: [ckpt, config, promptFile == "-" ? nil : promptFile, freescale.detailMask, BuiltinModel.weightsPath])

        let t0 = Date()
        let opened = try ModelFiles.open(ckpt: ckpt, config: config)
        let mc = opened.config
        let plan = try VideoPlan(request(prompt: prompts[0], negativePrompt: negativePrompt, seed: seed), model: mc)
        for w in plan.warnings { CLIWarning.print(w) }
        let detailMask = try freescale.detailMask.map { try MaskFile.read($0, flag: "--detail-mask", plan: plan) }
        let cost = plan.cost(weightBytes: opened.weightBytes)
        let budget = try maxMemory.map(MemoryBudget.parse) ?? MemoryBudget.available()
        let final = plan.final
        let frameCount = plan.settings.frames
        let outputBytes = frameCount * final.height * final.width * 3 / (dumpFrames ? 1 : 10) * (freescale.keepStages ? 2 : 1)
        if dryRun {
            printPlan(plan, cost: cost, budget: budget, prompts: prompts, outPath: outPath, isBatch: isBatch)
            return
        }
        try CostReport.refuseIfTooLarge(cost, budget: budget, limitGiven: maxMemory != nil, what: "\(frameCount) frames at \(final)")
        let writer = RunOutput(saveFps: saveFps ?? mc.defaultSaveFps, dumpFrames: dumpFrames, quiet: quiet,
                               weightsChecksum: RunOutput.checksum(opened.weightsPath), device: device.runRecord)
        let inputs = VideoInputs(detailMask: detailMask)

        if !isBatch {
            let output = try OutputDirectory(path: outPath, overwrite: overwrite, expectedBytes: outputBytes)
            defer { output.discard() }
            let loaded = try build(opened, quiet: quiet, device: device)
            var w = writer
            w.loadSeconds = Date().timeIntervalSince(t0)
            var summary = try w.write(try PipelineProgress.run(plan, loaded: loaded, inputs: inputs, quiet: quiet), to: output)
            if let compare {
                summary += "; " + (try MethodComparison.run(compare, plan: plan, inputs: inputs, loaded: loaded, output: output,
                                                            writer: w, quiet: quiet))
            }
            try output.commit()
            print("wrote \(output.finalFile("video.mp4"))\(compare == nil ? "" : " and \(output.finalFile("compare.png"))")  (\(summary); total \(ProgressBar.duration(Date().timeIntervalSince(t0))))")
            return
        }

        // A batch: each item is published as soon as it is done; a re-run of the same command resumes.
        let shard = try batchOptions.resolveShard()
        let withoutSeed = requestDigest(entries, plan, seed: nil)
        let baseSeed = try BatchSeed.resolve(self.seed, batchPath: outPath, request: withoutSeed, shard: shard, overwrite: overwrite, quiet: quiet)
        let items = try BatchItems.make(entries, samples: batchOptions.samples, baseSeed: baseSeed, layout: batchOptions.layout)
        let record = BatchRecord(request: withoutSeed, baseSeed: baseSeed, seedWasRandom: self.seed == .random,
                                 samples: batchOptions.samples, layout: batchOptions.layout.rawValue, prompts: entries.count,
                                 command: BatchRecord.commandLine(), created: ShardManifest.timestamp(),
                                 items: items.map { .init(item: $0.index, name: $0.name, promptIndex: $0.promptIndex, sample: $0.sample,
                                                          seed: $0.seed, prompt: $0.entry.prompt, output: batchOptions.layout.videoPath($0.name)) })
        let batchSize = try batchOptions.effectiveBatchSize(plain: plan.isPlain, cost: cost, budget: budget, maxMemory: maxMemory)
        let batch = BatchRun(items: items, layout: batchOptions.layout, shard: shard, outPath: outPath, overwrite: overwrite,
                             quiet: quiet, expectedBytes: outputBytes, request: requestDigest(entries, plan, seed: baseSeed), record: record,
                             batchSize: batchSize)
        let itemPlan = { (item: BatchItem) -> VideoPlan in
            try VideoPlan(request(prompt: item.entry.prompt, negativePrompt: item.entry.negativePrompt ?? negativePrompt, seed: item.seed), model: mc)
        }
        let done = try batch.run(
            load: { try build(opened, quiet: quiet, device: device) },
            sampleTogether: { group, loaded in
                let pipeline = VideoPipeline(loaded)
                let runs = try group.map { try pipeline.textToVideo(try itemPlan($0)) }
                let bar = ProgressBar("DDIM ×\(group.count)", total: runs[0].schedule.count, unit: "it", quiet: quiet)
                defer { bar.finish() }
                return try BatchedSampling.generate(runs) { step, _ in bar.update(step) }
            },
            generate: { item, loaded, output, preset in
                var w = writer
                w.loadSeconds = Date().timeIntervalSince(t0)
                return try w.write(try PipelineProgress.run(try itemPlan(item), loaded: loaded, inputs: inputs,
                                                            preset: preset.map { .init(latent: $0.z, seconds: $0.seconds) }, quiet: quiet), to: output)
            })
        let scope = shard.isSharded ? "\(done.owned) items of shard \(shard) (\(items.count) in the batch)" : "\(done.owned) items"
        print("wrote \(done.path)  (\(done.written) new, \(done.skipped) already done\(done.failed > 0 ? ", \(done.failed) failed" : ""), \(scope); "
              + "base seed \(baseSeed); total \(ProgressBar.duration(Date().timeIntervalSince(t0))))")
        if done.failed > 0 {
            throw FSError("\(done.failed) of \(done.owned) items failed (see \(done.path)/\(ShardManifest.folder)/); re-run the same command to retry them")
        }
    }

    private func build(_ opened: OpenedModel, quiet: Bool, device: ResolvedDevice) throws -> LoadedModel {
        let bar = ProgressBar("loading model", total: 1, quiet: quiet)
        defer { bar.finish() }
        return try opened.build(precision: try compute.apply(device: device))
    }

    /// The request for one prompt (all other values from the flags).
    func request(prompt: String, negativePrompt: String, seed: UInt64) -> VideoRequest {
        var r = VideoRequest(prompt: prompt)
        r.negativePrompt = negativePrompt
        r.seed = seed
        r.frames = frames; r.steps = steps; r.eta = eta; r.guidance = cfg; r.fps = fps
        r.freescale = freescale.request
        r.hasDetailMask = freescale.detailMask != nil
        return r
    }

    /// What identifies a batch's outputs (`seed` nil: everything but the base seed): a re-run with the same
    /// digest resumes. The shard is not part of it: every shard of a batch shares it.
    private func requestDigest(_ entries: [PromptEntry], _ plan: VideoPlan, seed: UInt64?) -> String {
        var h = SHA256()
        let listed = entries.map { [$0.prompt, $0.negativePrompt ?? "\u{1E}", $0.seed.map(String.init) ?? "\u{1E}", $0.name ?? "\u{1E}"].joined(separator: "\u{1D}") }
        let parts: [String] = listed + [negativePrompt, seed.map(String.init) ?? "-", "\(frames ?? -1)", "\(steps)", "\(cfg ?? .nan)", "\(eta)",
                                        "\(fps ?? -1)", "\(saveFps ?? .nan)", ckpt ?? "builtin", config ?? "", "\(dumpFrames)",
                                        String(describing: plan.plan.summary.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }),
                                        freescale.detailMask ?? "", "samples=\(batchOptions.samples)", "layout=\(batchOptions.layout.rawValue)"]
        for p in parts { h.update(Data((p + "\u{1F}").utf8)) }
        return h.finalize()
    }

    private func printPlan(_ planned: VideoPlan, cost: PlanCost, budget: Double, prompts: [String], outPath: String, isBatch: Bool) {
        let plan = planned.plan
        let s = planned.settings
        let stages = plan.sizes.map(\.description).joined(separator: " → ")
        print("plan: \(plan.method.rawValue) \(stages), \(s.frames) frames, \(plan.steps) DDIM steps"
              + (plan.upper.isEmpty ? "" : " (upper stages from step \(plan.restartStep))")
              + ", guidance \(s.guidance), seed \(seed == .random ? "random" : String(s.seed)), \(prompts.count) prompt\(prompts.count == 1 ? "" : "s")")
        for line in CostReport.lines(cost, budget: budget, limitGiven: maxMemory != nil) { print(line) }
        let target = !isBatch ? (outPath as NSString).appendingPathComponent("video.mp4")
            : outPath + (batchOptions.layout == .vbench ? "/{prompt}-{index}.mp4" : "/NNN-<prompt>\(batchOptions.samples > 1 ? "-K" : "")/video.mp4")
        if isBatch {
            let n = prompts.count * batchOptions.samples
            let shard = (try? batchOptions.resolveShard()) ?? .single
            let mine = (0..<n).filter { shard.owns($0) }.count
            print("batch: \(prompts.count) prompt\(prompts.count == 1 ? "" : "s") × \(batchOptions.samples) sample\(batchOptions.samples == 1 ? "" : "s") = \(n) videos"
                  + (shard.isSharded ? "; shard \(shard) (\(shard.source)) makes \(mine)" : "") + "; layout \(batchOptions.layout.rawValue)"
                  + "; batch size \((try? batchOptions.effectiveBatchSize(plain: planned.isPlain, cost: cost, budget: budget, maxMemory: maxMemory)).map(String.init) ?? "refused (memory)")")
        }
        print("output: \(target) (--dry-run: nothing written)")
    }

    func readPrompts() throws -> [PromptEntry] {
        switch (prompt, promptFile) {
        case (.some, .some): throw FSError("give either a prompt or --prompt-file, not both")
        case (nil, nil): throw FSError("missing prompt: give a prompt or --prompt-file")
        case (let p?, nil): return [PromptEntry(prompt: p)]
        case (nil, let f?): return try PromptList.read(f)
        }
    }
}
