import ArgumentParser
import Foundation
import FreeScale
import FSDiffusion
import FSTensor
import FSVideo

/// `fsvideo upscale`: FreeScale on an existing clip. The clip (resampled to the model's frame count, resized
/// to cover the base size and centre-cropped) is VAE-encoded (posterior mean) and used as the base stage;
/// the upper stages are the generation cascade itself (`Cascade.run(…, initial:)`).
struct UpscaleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "upscale", abstract: "Upscale an existing video with FreeScale (video-to-video).")

    @Argument(help: "Input video (any format FSVideo reads) or a folder of frames.")
    var input: String
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
    @Flag(help: "Replace a non-empty output directory.") var overwrite = false
    @Flag(help: "No progress bars.") var quiet = false
    @Option(name: .customLong("edit-mask"), help: "PNG/JPEG mask (white = regenerate under --edit-prompt), or a directory of per-frame masks.")
    var editMask: String?
    @Option(name: .customLong("edit-prompt"), help: "Text for the masked region (local semantic editing).")
    var editPrompt: String?
    @OptionGroup(title: "FreeScale") var freescale: FreeScaleOptions
    @OptionGroup(title: "Compute") var compute: ComputeOptions

    func run() throws {
        if prompt.trimmingCharacters(in: .whitespaces).isEmpty {
            FileHandle.standardError.write(Data("fsvideo: warning: empty --prompt: the unconditional model decides the content\n".utf8))
        }
        if freescale.method.lowercased() == "direct" { throw FSError("upscale: --method direct does not apply (the input is the base stage)") }
        guard (editMask == nil) == (editPrompt == nil) else { throw FSError("--edit-mask and --edit-prompt go together") }
        if let editPrompt, editPrompt.trimmingCharacters(in: .whitespaces).isEmpty {
            throw FSError("--edit-prompt is empty (say what the masked region should become)")
        }
        guard startFrame >= 0 else { throw FSError("--start-frame must be ≥ 0") }
        guard FileManager.default.fileExists(atPath: input) else { throw FSError("\(input): no such file or directory") }
        let info = try VideoReader.info(input)
        let all = try VideoReader.read(input)
        guard all.count > startFrame else { throw FSError("\(input): \(all.count) frames, nothing at --start-frame \(startFrame)") }

        let output = try OutputDirectory(path: out ?? OutputDirectory.defaultPath(prompt: "upscale"), overwrite: overwrite)
        defer { output.discard() }
        let precision = try compute.apply()
        let loaded = try ModelFiles.load(ckpt: ckpt, config: config, precision: precision)
        let mc = loaded.model.config
        let f = frames ?? mc.frames
        guard f >= 1 else { throw FSError("--frames must be ≥ 1") }
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
        let fs = try FreeScaleRun(options: freescale, model: mc, steps: t2v.schedule.count, frames: f,
                                  input: (info.height, info.width), editMask: editMask)
        if let editPrompt, let m = fs.editMask { t2v.region = try RegionalPrompt(prompt: editPrompt, mask: m.planes) }
        guard !fs.plan.upper.isEmpty else { throw FSError("upscale: give --res or --stages larger than the base size \(mc.baseHeight)x\(mc.baseWidth)") }
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
                                  "edit_prompt": editPrompt ?? NSNull(), "edit_mask": editMask ?? NSNull()]
        try output.write(try JSONSerialization.data(withJSONObject: run, options: [.prettyPrinted, .sortedKeys]), to: "run.json")
        try output.commit()
        print("wrote \(output.finalFile("video.mp4"))  (\(frames.count) frames \(frames.height)x\(frames.width), stages \(fs.plan.sizes.map(\.description).joined(separator: " → ")))")
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
