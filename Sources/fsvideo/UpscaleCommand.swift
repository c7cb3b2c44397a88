import ArgumentParser
import Foundation
import FreeScale
import FSPipeline
import FSDiffusion
import FSTensor
import FSVideo
import FSCommandLine

/// `fsvideo upscale`: FreeScale on an existing clip. The clip (resampled to the model's frame count, resized
/// to cover the base size and centre-cropped) is VAE-encoded (posterior mean) and used as the base stage;
/// the upper stages are the generation cascade itself (`Cascade.run(…, initial:)`).
struct UpscaleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "upscale", abstract: "Upscale an existing video with FreeScale (video-to-video).")

    @Argument(help: "Input videos (any format FSVideo reads), folders of frames, or folders of videos (several make a batch).")
    var input: [String] = []
    @Option(help: "Text describing the clip.") var prompt: String = ""
    @Option(help: "Checkpoint (default: the built-in toy model).") var ckpt: String?
    @Option(help: "Model config (JSON or VideoCrafter2 YAML).") var config: String?
    @Option(help: "Frames taken from the clip (default: the model's).") var frames: Int?
    @Option(name: .customLong("start-frame"), help: "First frame used.") var startFrame: Int = 0
    @Flag(help: "Repeat a clip shorter than --frames.") var loop = false
    @Option(help: "DDIM steps.") var steps: Int = 50
    @Option(help: "Guidance scale (default: the model's).") var cfg: Double?
    @Option(help: "Seed.") var seed: UInt64 = 123
    @Option(help: "Output directory (default: outputs/<timestamp>-upscale).") var out: String?
    @Option(name: .customLong("save-fps"), help: "Frame rate of the written MP4 (default: keeps the input's duration).")
    var saveFps: Double?
    @Flag(help: "Replace an earlier fsvideo output at --out (never a directory holding other files).") var overwrite = false
    @Flag(help: "No progress bars.") var quiet = false
    @Flag(name: .customLong("dry-run"), help: "Print the plan, the memory/FLOP estimate and the output path; write nothing.")
    var dryRun = false
    @Option(name: .customLong("max-memory"), help: "Refuse a run whose estimated peak memory exceeds this (e.g. 16G; default: the memory available now).")
    var maxMemory: String?
    @Option(name: .customLong("edit-mask"), help: "PNG/JPEG mask (white = regenerate under --edit-prompt), or a directory of per-frame masks.")
    var editMask: String?
    @Option(name: .customLong("edit-prompt"), help: "Text for the masked region (local semantic editing).")
    var editPrompt: String?
    @OptionGroup(title: "FreeScale") var freescale: FreeScaleOptions
    @OptionGroup(title: "Batches") var batchOptions: BatchOptions
    @OptionGroup(title: "Compute") var compute: ComputeOptions

    func run() throws {
        let inputs = try UpscaleBatch.expand(input)
        if inputs.count == 1 && !batchOptions.forcesBatch && !UpscaleBatch.isFolderOfVideos(input[0]) {
            _ = try upscale(inputs[0], seed: seed, outPath: out, loaded: nil, into: nil)
            return
        }
        try UpscaleBatch(command: self, inputs: inputs).run()
    }

    /// One clip → video.mp4, contact_sheet.png, run.json in a new output at `outPath`, or (in a batch) in `item`
    /// with the batch's model `loaded`; returns a summary.
    func upscale(_ input: String, seed: UInt64, outPath given: String?, loaded preloaded: LoadedModel?,
                 into item: OutputDirectory?) throws -> String {
        try FlagCheck.int(frames, "--frames", 1...FlagCheck.maxFrames)
        try FlagCheck.int(startFrame, "--start-frame", 0...10_000_000)
        try FlagCheck.int(steps, "--steps", 1...FlagCheck.maxSteps)
        try FlagCheck.double(cfg, "--cfg", -1000...1000)
        try FlagCheck.double(saveFps, "--save-fps", 0...1000, openLower: true)
        try FlagCheck.int(compute.threads, "--threads", 1...4096)
        try freescale.checkFlags(steps: steps)
        if let maxMemory { _ = try MemoryBudget.parse(maxMemory) }
        PromptCheck.warn(prompt)
        if freescale.method.lowercased() == "direct" { throw FSError("upscale: --method direct does not apply (the input is the base stage)") }
        guard (editMask == nil) == (editPrompt == nil) else { throw FSError("--edit-mask and --edit-prompt go together") }
        if let editPrompt {
            if editPrompt.trimmingCharacters(in: .whitespaces).isEmpty {
                throw FSError("--edit-prompt is empty (say what the masked region should become)")
            }
            PromptCheck.warn(editPrompt, what: "edit prompt")
        }
        guard FileManager.default.fileExists(atPath: input) else { throw FSError("\(input): no such file or directory") }
        let outPath = item?.finalPath ?? given ?? OutputDirectory.defaultPath(prompt: "upscale", seed: seed)
        try InputOutputGuard.check(output: outPath, isDirectory: true,
                                   inputs: [input, ckpt, config, editMask, freescale.detailMask, BuiltinModel.weightsPath])
        let info = try VideoReader.info(input)
        let opened = try ModelFiles.open(ckpt: ckpt, config: config)
        let mc = opened.config
        let f = frames ?? mc.frames
        // Plan and estimate before a frame is decoded or the model is built.
        let scheduleSteps = try DDIMSchedule(config: mc.schedule, steps: steps, eta: 1.0).count
        let planned = try FreeScaleRun(options: freescale, model: mc, steps: scheduleSteps, frames: f,
                                       input: (info.height, info.width), editMask: editMask)
        guard !planned.plan.upper.isEmpty else { throw FSError("upscale: give --res or --stages larger than the base size \(mc.baseHeight)x\(mc.baseWidth)") }
        let cost = PlanCost(plan: planned.plan, model: mc, frames: f, weightBytes: opened.weightBytes)
        let budget = try maxMemory.map(MemoryBudget.parse) ?? MemoryBudget.available()
        if dryRun && item == nil {
            print("plan: upscale \(input) (\(info.height)x\(info.width)) → \(planned.plan.sizes.map(\.description).joined(separator: " → ")), \(f) frames, "
                  + "\(planned.plan.steps) DDIM steps (from step \(planned.plan.restartStep)), seed \(seed)")
            for line in CostReport.lines(cost, budget: budget, limitGiven: maxMemory != nil) { print(line) }
            print("output: \((outPath as NSString).appendingPathComponent("video.mp4")) (--dry-run: nothing written)")
            return ""
        }
        try CostReport.refuseIfTooLarge(cost, budget: budget, limitGiven: maxMemory != nil, what: "\(f) frames at \(planned.plan.final)")
        let final = planned.plan.final
        let output = try item ?? OutputDirectory(path: outPath, overwrite: overwrite,
                                                 expectedBytes: f * final.height * final.width * 3 / 10 * (freescale.keepStages ? 2 : 1))
        defer { if item == nil { output.discard() } }
        let all = try VideoReader.read(input)
        guard all.count > startFrame else { throw FSError("\(input): \(all.count) frames, nothing at --start-frame \(startFrame)") }
        let loaded = try preloaded ?? opened.build(precision: try compute.apply())
        let available = all.count - startFrame
        let indices: [Int]
        if available >= f {
            indices = (0..<f).map { startFrame + ($0 * available) / f }          // evenly sampled
        } else if loop {
            indices = (0..<f).map { startFrame + $0 % available }
        } else {
            throw FSError("\(input): \(available) frames from --start-frame, fewer than \(f) (use --loop to repeat)")
        }
        let clip = Self.coverAndCrop(all.selecting(indices), height: mc.baseHeight, width: mc.baseWidth)

        var s = GenerationSettings(prompt: prompt, model: mc)
        s.frames = f; s.steps = steps; s.seed = seed
        if let cfg { s.guidance = cfg }
        let t2v = try TextToVideo(model: loaded.model, settings: s)
        let fs = planned
        if let editPrompt, let m = fs.editMask { t2v.region = try RegionalPrompt(prompt: editPrompt, mask: m.planes) }
        let bar = ProgressBar("upscaling", total: fs.plan.upper.count, quiet: quiet)
        let z0 = try t2v.encodeMean(clip.tensor())
        let stages = try Cascade.run(plan: fs.plan, backend: t2v, seed: seed, detailMask: fs.mask, editMask: fs.editMask, initial: z0)
        bar.finish()
        let frames = try Frames(tensor: try t2v.decode(stages.last!.latent))
        var options = VideoWriterOptions()
        let inFps = info.fps.den == 0 ? 0 : Double(info.fps.num) / Double(info.fps.den)
        let fps = saveFps ?? (inFps > 0 ? inFps * Double(f) / Double(Swift.max(1, available)) : mc.defaultSaveFps)
        options.fps = Rational(approximating: fps)
        _ = try VideoWriter.write(frames, to: output.file("video.mp4"), options: options)
        try ContactSheet(frames: frames).writePNG(to: output.file("contact_sheet.png"))
        if fs.plan.keepStages {
            for (k, st) in stages.dropLast().enumerated() {
                _ = try VideoWriter.write(try Frames(tensor: try t2v.decode(st.latent)), to: output.file("stage-\(k)-\(st.size).mp4"), options: options)
            }
        }
        let run: [String: Any] = ["tool": "fsvideo", "command": "upscale", "input": input, "frames_used": indices,
                                  "prompt": prompt, "seed": seed, "freescale": fs.summary, "save_fps": fps,
                                  "settings": ["prompt": prompt, "seed": seed] as [String: Any],
                                  "edit_prompt": editPrompt ?? NSNull(), "edit_mask": editMask ?? NSNull()]
        try output.write(try JSONSerialization.data(withJSONObject: run, options: [.prettyPrinted, .sortedKeys]), to: "run.json")
        let summary = "\(frames.count) frames \(frames.height)x\(frames.width), stages \(fs.plan.sizes.map(\.description).joined(separator: " → ")), seed \(seed)"
        if item != nil { return summary }
        try output.commit()
        print("wrote \(output.finalFile("video.mp4"))  (\(summary))")
        return summary
    }

    /// Resize (bicubic) so the clip covers height×width with its aspect ratio kept, then centre-crop.
    static func coverAndCrop(_ frames: Frames, height: Int, width: Int) -> Frames {
        let scale = Swift.max(Double(height) / Double(frames.height), Double(width) / Double(frames.width))
        let h = Swift.max(height, Int((Double(frames.height) * scale).rounded())), w = Swift.max(width, Int((Double(frames.width) * scale).rounded()))
        var t = frames.tensor()                                          // [3, F, H, W]
        if h != frames.height || w != frames.width { t = resize(t, height: h, width: w, mode: .bicubic) }
        let top = (h - height) / 2, left = (w - width) / 2
        t = t.slice(axis: 2, top..<(top + height)).slice(axis: 3, left..<(left + width))
        return (try? Frames(tensor: t)) ?? frames
    }
}
