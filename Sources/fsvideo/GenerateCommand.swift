import ArgumentParser
import Foundation
import FreeScale
import FSDiffusion
import FSTensor
import FSVideo

/// `fsvideo generate`: prompt → MP4 at the model's base size (the FreeScale cascade plugs in at
/// `GenerationRun.latents`). Everything is written into a temporary directory renamed into place at the end.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate a video from a prompt (built-in toy model unless --ckpt is given).",
        discussion: """
        Defaults come from the model: VideoCrafter2 samples 16 frames at 320x512, 50 DDIM steps, eta 1.0,
        guidance 12, fps conditioning 28, and saves at 10 fps; the built-in toy model samples at 64x96 with
        guidance 7.5 and fps 8. Output: DIR/video.mp4, run.json, contact_sheet.png, frames/*.png with --dump-frames.
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
    @Option(help: "Seed of the noise generator (Philox-4x32; same seed ⇒ same video on any machine).")
    var seed: UInt64 = 123
    @Option(name: .customLong("negative-prompt"), help: "Prompt for the unconditional branch (default: empty).")
    var negativePrompt: String = ""
    @Option(name: .customLong("prompt-file"), help: "Text file with one prompt per line; one sub-directory per prompt.")
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

    /// Every numeric flag within range, before any file is opened.
    func checkFlags() throws {
        try FlagCheck.int(frames, "--frames", 1...FlagCheck.maxFrames)
        try FlagCheck.int(steps, "--steps", 1...FlagCheck.maxSteps)
        try FlagCheck.double(cfg, "--cfg", -1000...1000)
        try FlagCheck.double(eta, "--eta", 0...10)
        try FlagCheck.int(fps, "--fps", 0...1000)
        try FlagCheck.double(saveFps, "--save-fps", 0...1000, openLower: true)
        try freescale.checkFlags(steps: steps)
        if let maxMemory { _ = try MemoryBudget.parse(maxMemory) }
    }

    func run() throws {
        let prompts = try readPrompts()
        try checkFlags()
        for p in Set(prompts) { PromptCheck.warn(p) }
        if !negativePrompt.isEmpty { PromptCheck.warn(negativePrompt, what: "negative prompt") }
        let outPath = out ?? OutputDirectory.defaultPath(prompt: prompts[0], seed: seed)
        try InputOutputGuard.check(output: outPath, isDirectory: true,
                                   inputs: [ckpt, config, promptFile, freescale.detailMask, BuiltinModel.weightsPath])

        let t0 = Date()
        let opened = try ModelFiles.open(ckpt: ckpt, config: config)
        let mc = opened.config
        var base = GenerationSettings(prompt: prompts[0], model: mc)
        base.negativePrompt = negativePrompt
        if let frames { base.frames = frames }
        base.steps = steps; base.eta = eta; base.seed = seed
        if let cfg { base.guidance = cfg }
        if let fps { base.fps = fps }
        _ = try base.validate(for: mc)
        let scheduleSteps = try DDIMSchedule(config: mc.schedule, steps: steps, eta: eta).count
        let planned = try FreeScaleRun(options: freescale, model: mc, steps: scheduleSteps, frames: base.frames)
        let cost = PlanCost(plan: planned.plan, model: mc, frames: base.frames, weightBytes: opened.weightBytes)
        let budget = try maxMemory.map(MemoryBudget.parse) ?? MemoryBudget.available()
        let final = planned.plan.final
        let outputBytes = base.frames * final.height * final.width * 3 / (dumpFrames ? 1 : 10) * (freescale.keepStages ? 2 : 1)
        if dryRun {
            printPlan(planned, cost: cost, budget: budget, prompts: prompts, settings: base, outPath: outPath)
            return
        }
        try CostReport.refuseIfTooLarge(cost, budget: budget, limitGiven: maxMemory != nil, what: "\(base.frames) frames at \(final)")

        if prompts.count == 1 {
            let output = try OutputDirectory(path: outPath, overwrite: overwrite, expectedBytes: outputBytes)
            defer { output.discard() }
            let loaded = try build(opened, quiet: quiet)
            let summary = try generate(prompts[0], settings: base, loaded: loaded, into: output, loadSeconds: Date().timeIntervalSince(t0))
            try output.commit()
            print("wrote \(output.finalFile("video.mp4"))  (\(summary); total \(ProgressBar.duration(Date().timeIntervalSince(t0))))")
            return
        }

        // A batch: each item is published as soon as it is done; a re-run of the same command resumes.
        let batch = try BatchDirectory(path: outPath, overwrite: overwrite, request: requestDigest(prompts, planned))
        defer { batch.release() }
        let names = prompts.enumerated().map { String(format: "%03d-", $0.offset + 1) + OutputDirectory.slug($0.element, maxLength: 32) }
        let missing = names.indices.filter { !batch.isComplete(names[$0]) }
        if missing.count < prompts.count && !quiet {
            FileHandle.standardError.write(Data("resuming \(batch.path): \(prompts.count - missing.count) of \(prompts.count) items already done\n".utf8))
        }
        var loaded: LoadedModel?
        var written = 0
        for k in missing {
            let p = prompts[k]
            if !quiet { FileHandle.standardError.write(Data("[\(k + 1)/\(prompts.count)] \(p)\n".utf8)) }
            let item = try batch.item(names[k], expectedBytes: outputBytes)
            defer { item.discard() }
            if loaded == nil { loaded = try build(opened, quiet: quiet) }
            var s = base
            s.prompt = p
            let summary = try generate(p, settings: s, loaded: loaded!, into: item, loadSeconds: Date().timeIntervalSince(t0))
            try item.commit()
            written += 1
            if !quiet { FileHandle.standardError.write(Data("wrote \(item.publishedPath)  (\(summary))\n".utf8)) }
        }
        print("wrote \(batch.path)  (\(written) new, \(prompts.count - written) already done, \(prompts.count) items; total \(ProgressBar.duration(Date().timeIntervalSince(t0))))")
    }

    private func build(_ opened: OpenedModel, quiet: Bool) throws -> LoadedModel {
        let bar = ProgressBar("loading model", total: 1, quiet: quiet)
        defer { bar.finish() }
        return try opened.build()
    }

    /// One prompt → video.mp4, contact_sheet.png, run.json (and frames/, stages) in `output`; returns a summary.
    private func generate(_ prompt: String, settings: GenerationSettings, loaded: LoadedModel, into output: OutputDirectory,
                          loadSeconds: Double) throws -> String {
        let mc = loaded.model.config
        let run = try GenerationRun(loaded: loaded, settings: settings, quiet: quiet)
        run.freeScale = try FreeScaleRun(options: freescale, model: mc, steps: run.t2v.schedule.count, frames: settings.frames)
        return try run.execute(output: output, subdirectory: "", saveFps: saveFps ?? mc.defaultSaveFps,
                               dumpFrames: dumpFrames, loadSeconds: loadSeconds)
    }

    /// What identifies a batch's outputs: a re-run with the same digest resumes it.
    private func requestDigest(_ prompts: [String], _ planned: FreeScaleRun) -> String {
        var h = SHA256()
        let parts: [String] = prompts + [negativePrompt, "\(seed)", "\(frames ?? -1)", "\(steps)", "\(cfg ?? .nan)", "\(eta)",
                                         "\(fps ?? -1)", "\(saveFps ?? .nan)", ckpt ?? "builtin", config ?? "", "\(dumpFrames)",
                                         String(describing: planned.plan.summary.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }),
                                         freescale.detailMask ?? ""]
        for p in parts { h.update(Data((p + "\u{1F}").utf8)) }
        return h.finalize()
    }

    private func printPlan(_ planned: FreeScaleRun, cost: PlanCost, budget: Double, prompts: [String],
                           settings s: GenerationSettings, outPath: String) {
        let plan = planned.plan
        let stages = plan.sizes.map(\.description).joined(separator: " → ")
        print("plan: \(plan.method.rawValue) \(stages), \(s.frames) frames, \(plan.steps) DDIM steps"
              + (plan.upper.isEmpty ? "" : " (upper stages from step \(plan.restartStep))")
              + ", guidance \(s.guidance), seed \(s.seed), \(prompts.count) prompt\(prompts.count == 1 ? "" : "s")")
        for line in CostReport.lines(cost, budget: budget, limitGiven: maxMemory != nil) { print(line) }
        let target = prompts.count == 1 ? (outPath as NSString).appendingPathComponent("video.mp4") : outPath + "/NNN-<prompt>/video.mp4"
        print("output: \(target) (--dry-run: nothing written)")
    }

    func readPrompts() throws -> [String] {
        switch (prompt, promptFile) {
        case (.some, .some): throw FSError("give either a prompt or --prompt-file, not both")
        case (nil, nil): throw FSError("missing prompt: give a prompt or --prompt-file")
        case (let p?, nil): return [p]
        case (nil, let f?):
            guard let data = FileManager.default.contents(atPath: f) else { throw FSError("\(f): cannot read the prompt file") }
            guard let text = String(data: data, encoding: .utf8) else { throw FSError("\(f): prompt file is not valid UTF-8") }
            let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !lines.isEmpty else { throw FSError("\(f): prompt file has no prompts") }
            return lines
        }
    }

    /// "HxW" → (height, width).
    static func parseSize(_ text: String) throws -> (Int, Int) {
        let parts = text.lowercased().split(separator: "x")
        guard parts.count == 2, let h = Int(parts[0]), let w = Int(parts[1]), h > 0, w > 0 else {
            throw FSError("--res '\(text)': expected HEIGHTxWIDTH, e.g. 320x512")
        }
        return (h, w)
    }
}

/// One prompt's generation: sampling with progress bars, decoding, MP4 / PNG / run.json writing.
final class GenerationRun {
    let loaded: LoadedModel
    let t2v: TextToVideo
    let quiet: Bool
    var timings: [(String, Double)] = []
    var freeScale: FreeScaleRun?
    private var bar: ProgressBar?
    private var barKey = ""

    init(loaded: LoadedModel, settings: GenerationSettings, quiet: Bool) throws {
        self.loaded = loaded
        self.quiet = quiet
        t2v = try TextToVideo(model: loaded.model, settings: settings)
        for w in t2v.warnings { FileHandle.standardError.write(Data("fsvideo: warning: \(w)\n".utf8)) }
        t2v.onEvent = { [unowned self] e in self.progress(e) }
    }

    private func progress(_ e: GenerationEvent) {
        let (key, label, n, total, unit): (String, String, Int, Int, String)
        switch e {
        case .textEncoding(let d, let of): (key, label, n, total, unit) = ("text", "text encoding", d, of, "prompt")
        case .denoising(let st, let s, let of): (key, label, n, total, unit) = ("ddim\(st)", st == 0 ? "DDIM" : "DDIM stage \(st)", s, of, "it")
        case .decoding(let f, let of): (key, label, n, total, unit) = ("dec", "VAE decode", f, of, "frame")
        case .encoding(let f, let of): (key, label, n, total, unit) = ("enc", "VAE encode", f, of, "frame")
        }
        if key != barKey || bar == nil { bar?.finish(); bar = ProgressBar(label, total: total, unit: unit, quiet: quiet); barKey = key }
        bar?.update(n)
    }

    func timed<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        let t = Date()
        let r = try body()
        timings.append((name, Date().timeIntervalSince(t)))
        return r
    }

    /// The final latent (scaled, `[1, C, F, h, w]`). The FreeScale cascade replaces this for upper stages.
    func latents() throws -> Tensor {
        _ = try timed("text_encoding") { try t2v.textContexts() }
        if let fs = freeScale, !fs.isPlain { return try timed("denoising") { try fs.latents(t2v) } }
        return try timed("denoising") { try t2v.generate() }
    }

    /// Runs and writes video.mp4, contact_sheet.png, frames/, run.json under `subdirectory`; returns a summary.
    func execute(output: OutputDirectory, subdirectory sub: String, saveFps: Double, dumpFrames: Bool,
                 loadSeconds: Double) throws -> String {
        let s = t2v.settings
        let z = try latents()
        try freeScale?.writeKeptStages(t2v, output: output, subdirectory: sub, saveFps: saveFps)
        let video = try timed("vae_decode") { try t2v.decode(z) }
        bar?.finish(); bar = nil
        let frames = try Frames(tensor: video)
        let mux = ProgressBar("muxing", total: 1, quiet: quiet)
        var options = VideoWriterOptions()
        options.fps = Rational(approximating: saveFps)
        let summary = try timed("mux") { try VideoWriter.write(frames, to: output.file(sub + "video.mp4"), options: options) }
        mux.finish()
        try timed("frames") {
            if dumpFrames { try PNGWriter.dumpFrames(frames, to: output.file(sub + "frames")) }
            try ContactSheet(frames: frames).writePNG(to: output.file(sub + "contact_sheet.png"))
        }
        let record = RunRecord(settings: s, model: loaded, saveFps: saveFps, encoder: summary.encoder,
                               loadSeconds: loadSeconds, timings: timings, latentShape: z.shape,
                               outputs: ["video.mp4", "contact_sheet.png"] + (dumpFrames ? ["frames/"] : []),
                               freescale: freeScale.flatMap { $0.isPlain ? nil : $0.summary })
        try output.write(try record.json(), to: sub + "run.json")
        let parts = timings.filter { ["denoising", "vae_decode"].contains($0.0) }.map { "\($0.0) \(ProgressBar.duration($0.1))" }
        return "\(frames.count) frames \(frames.height)x\(frames.width), \(t2v.schedule.count) steps, seed \(s.seed), " + parts.joined(separator: ", ")
    }
}
