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
/// the upper stages are the generation cascade itself (one `VideoPipeline` call).
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
        try freescale.checkFlags()
        if let maxMemory { _ = try MemoryBudget.parse(maxMemory) }
        let device = try compute.resolveDevice()
        PromptCheck.warn(prompt)
        if freescale.method == .direct { throw FSError("upscale: --method direct does not apply (the input is the base stage)") }
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
        // Plan and estimate before a frame is decoded or the model is built.
        var request = VideoRequest(prompt: prompt)
        request.seed = seed; request.frames = frames; request.steps = steps; request.guidance = cfg
        request.freescale = freescale.request
        request.inputSize = FrameSize(height: info.height, width: info.width)
        request.editPrompt = editPrompt
        request.hasDetailMask = freescale.detailMask != nil
        let plan: VideoPlan
        do { plan = try VideoPlan(request, model: mc) } catch VideoPlanError.noUpperStages(let base) {
            throw FSError("upscale: give --res or --stages larger than the base size \(base)")
        }
        for w in plan.warnings { CLIWarning.print(w) }
        var inputs = VideoInputs()
        inputs.detailMask = try freescale.detailMask.map { try MaskFile.read($0, flag: "--detail-mask", plan: plan) }
        inputs.editMask = try editMask.map { try MaskFile.read($0, flag: "--edit-mask", plan: plan) }
        let f = plan.settings.frames
        let cost = plan.cost(weightBytes: opened.weightBytes)
        let budget = try maxMemory.map(MemoryBudget.parse) ?? MemoryBudget.available()
        if dryRun && item == nil {
            print("plan: upscale \(input) (\(info.height)x\(info.width)) → \(plan.plan.sizes.map(\.description).joined(separator: " → ")), \(f) frames, "
                  + "\(plan.plan.steps) DDIM steps (from step \(plan.plan.restartStep)), seed \(seed)")
            for line in CostReport.lines(cost, budget: budget, limitGiven: maxMemory != nil) { print(line) }
            print("output: \((outPath as NSString).appendingPathComponent("video.mp4")) (--dry-run: nothing written)")
            return ""
        }
        try CostReport.refuseIfTooLarge(cost, budget: budget, limitGiven: maxMemory != nil, what: "\(f) frames at \(plan.final)")
        let final = plan.final
        let output = try item ?? OutputDirectory(path: outPath, overwrite: overwrite,
                                                 expectedBytes: f * final.height * final.width * 3 / 10 * (freescale.keepStages ? 2 : 1))
        defer { if item == nil { output.discard() } }
        let all = try VideoReader.read(input)
        do { inputs.clip = try plan.clip(all, startFrame: startFrame, loop: loop) } catch let e as VideoPlanError {
            switch e {
            case .nothingAtStartFrame(let n, let start): throw FSError("\(input): \(n) frames, nothing at --start-frame \(start)")
            case .clipTooShort(let available, _, let needed):
                throw FSError("\(input): \(available) frames from --start-frame, fewer than \(needed) (use --loop to repeat)")
            case .noUpperStages: throw FSError(e.description)
            }
        }
        let t0 = Date()
        let loaded = try preloaded ?? opened.build(precision: try compute.apply(device: device))
        let loadSeconds = preloaded == nil ? Date().timeIntervalSince(t0) : 0
        var result = try PipelineProgress.run(plan, loaded: loaded, inputs: inputs, quiet: quiet)
        let inFps = info.fps.den == 0 ? 0 : Double(info.fps.num) / Double(info.fps.den)
        let available = inputs.clip!.available
        let fps = saveFps ?? (inFps > 0 ? inFps * Double(f) / Double(Swift.max(1, available)) : mc.defaultSaveFps)
        result.record.extra["input"] = input
        result.record.extra["edit_mask"] = editMask ?? NSNull()
        let writer = RunOutput(saveFps: fps, quiet: quiet, loadSeconds: loadSeconds,
                               weightsChecksum: RunOutput.checksum(opened.weightsPath), device: device.runRecord)
        let summary = try writer.write(result, to: output)
        if item != nil { return summary }
        try output.commit()
        print("wrote \(output.finalFile("video.mp4"))  (\(summary))")
        return summary
    }
}
