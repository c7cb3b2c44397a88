import ArgumentParser
import Foundation
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
    @Flag(help: "Replace a non-empty output directory.")
    var overwrite = false
    @Flag(help: "No progress bars (errors and warnings still go to stderr).")
    var quiet = false
    @OptionGroup(title: "FreeScale")
    var freescale: FreeScaleOptions
    @OptionGroup(title: "Compute")
    var compute: ComputeOptions

    func run() throws {
        let prompts = try readPrompts()
        if let frames, frames < 1 { throw FSError("--frames must be ≥ 1, got \(frames)") }
        if steps < 1 { throw FSError("--steps must be ≥ 1, got \(steps)") }
        if let saveFps, !(saveFps > 0 && saveFps <= 1000) { throw FSError("--save-fps must be in (0, 1000], got \(saveFps)") }
        let outPath = out ?? OutputDirectory.defaultPath(prompt: prompts[0])
        let output = try OutputDirectory(path: outPath, overwrite: overwrite)
        defer { output.discard() }

        let t0 = Date()
        let loadBar = ProgressBar("loading model", total: 1, quiet: quiet)
        let precision = try compute.apply()
        let loaded = try ModelFiles.load(ckpt: ckpt, config: config, precision: precision)
        loadBar.finish()
        let loadSeconds = Date().timeIntervalSince(t0)
        let mc = loaded.model.config

        var summaries: [String] = []
        for (k, p) in prompts.enumerated() {
            var s = GenerationSettings(prompt: p, model: mc)
            s.negativePrompt = negativePrompt
            if let frames { s.frames = frames }
            s.steps = steps; s.eta = eta; s.seed = seed
            if let cfg { s.guidance = cfg }
            if let fps { s.fps = fps }
            let sub = prompts.count == 1 ? "" : String(format: "%03d-", k + 1) + OutputDirectory.slug(p, maxLength: 32) + "/"
            if !sub.isEmpty { try FileManager.default.createDirectory(atPath: output.file(sub), withIntermediateDirectories: true) }
            if prompts.count > 1 && !quiet { FileHandle.standardError.write(Data("[\(k + 1)/\(prompts.count)] \(p)\n".utf8)) }
            let run = try GenerationRun(loaded: loaded, settings: s, quiet: quiet)
            run.freeScale = try FreeScaleRun(options: freescale, model: mc, steps: run.t2v.schedule.count, frames: s.frames)
            let record = try run.execute(output: output, subdirectory: sub, saveFps: saveFps ?? mc.defaultSaveFps,
                                         dumpFrames: dumpFrames, loadSeconds: loadSeconds)
            summaries.append(record)
        }
        try output.commit()
        let total = Date().timeIntervalSince(t0)
        let video = prompts.count == 1 ? output.finalFile("video.mp4") : output.finalPath
        print("wrote \(video)  (\(summaries.joined(separator: "; ")); total \(ProgressBar.duration(total)))")
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
