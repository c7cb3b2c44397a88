import ArgumentParser
import Foundation
import FreeScale
import FSPipeline
import FSDiffusion
import FSTensor
import FSVideo
import FSTestSupport
import FSCommandLine

/// `fsvideo-bench upscale-toy`: how faithful vs how creative `upscale` is on the toy model. Toy clips are
/// generated at the base size, quantised to 8-bit frames (as a user's file would be), upscaled with three
/// restart/α settings through the shared cascade, and compared with the input after downscaling (PSNR) and
/// by object count; then the edit mask's confinement (mean change inside vs outside a left-half mask).
struct BenchUpscaleToyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upscale-toy",
        abstract: "upscale on the toy model: PSNR and object count for three restart/α settings, edit-mask confinement.")

    @Option(help: "Final size HxW.") var res: String = "128x192"
    @Option(help: "Clips (caption/seed pairs).") var clips: Int = 3
    @Option(help: "Frames.") var frames: Int = 16
    @Option(help: "DDIM steps.") var steps: Int = 50
    @Option(name: .customLong("edit-prompt"), help: "Prompt for the left-half edit mask.")
    var editPrompt: String = "a yellow square staying still on a gray background"
    @Flag(name: .customLong("no-edit"), help: "Skip the edit-mask measurement (fidelity table only).") var noEdit = false
    @Flag(name: .customLong("vae-only"), help: "Only the VAE round trip of each clip at --res (no sampling, no edit).")
    var vaeOnly = false

    func log(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

    @OptionGroup(title: "Compute") var compute: ComputeOptions

    func run() throws {
        let precision = try compute.apply(toStdout: true)
        let loaded = try ModelFiles.load(ckpt: nil, config: nil, precision: precision)
        let mc = loaded.model.config
        let target = try FrameSize(parsing: res)
        // (name, restart step, α): more restart steps and a smaller α keep more of the input.
        let settings: [(String, Int, Double)] = [
            ("creative", Int(0.2 * Double(steps)), 3.0),
            ("default", Int(0.3 * Double(steps)), 2.0),
            ("faithful", Int(0.6 * Double(steps)), 1.0),
        ]
        var psnr = [Double](repeating: 0, count: settings.count)
        var single = [Int](repeating: 0, count: settings.count)
        var edit = (inside: 0.0, outside: 0.0)
        var vaePSNR = 0.0
        log("fsvideo-bench upscale-toy: \(clips) clips, \(frames) frames, \(steps) steps, → \(target)")
        for k in 0..<clips {
            var s = GenerationSettings(prompt: ToyCaptions.all[k % ToyCaptions.all.count], model: mc)
            s.frames = frames; s.steps = steps; s.seed = UInt64(2000 + k)
            let t2v = try TextToVideo(model: loaded.model, settings: s)
            let input = try Frames(tensor: t2v.decode(t2v.generate())).tensor()       // 8-bit, like a file
            let z0 = try t2v.encodeMean(input)
            var line = "clip \(k) seed \(s.seed) '\(s.prompt)':"
            // The ceiling the VAE sets: the input upscaled, re-encoded and decoded, with no sampling.
            let roundTrip = try t2v.decode(Cascade.upscale(z0, to: target, mode: .rgb, stage: 1, backend: t2v))
            let vp = ClipFidelity.psnr(resize(roundTrip, height: mc.baseHeight, width: mc.baseWidth, mode: .bilinear), input)
            vaePSNR += vp
            line += String(format: " vae round trip %.1f dB", vp)
            guard !vaeOnly else { log(line); continue }
            var defaultOut: Tensor?
            for (i, (name, restart, alpha)) in settings.enumerated() {
                var r = FreeScaleRequest(); r.res = target; r.steps = t2v.schedule.count
                r.restartStep = restart; r.cosineScale = alpha
                let plan = try FreeScalePlan(r, model: ModelGeometry(model: mc))
                let out = try t2v.decode(Cascade.run(plan: plan, backend: t2v, seed: s.seed, initial: z0).last!.latent)
                let p = ClipFidelity.psnr(resize(out, height: mc.baseHeight, width: mc.baseWidth, mode: .bilinear), input)
                let n = ObjectCount.medianCount(out)
                psnr[i] += p
                if n == 1 { single[i] += 1 }
                if name == "default" { defaultOut = out }
                line += String(format: " %@ %.1f dB/%d", name, p, n)
            }
            guard !noEdit else { log(line); continue }
            // Edit: left half regenerated under the edit prompt, default restart/α elsewhere.
            let mask = try DetailMask(planes: Tensor(shape: [1, 2, 2], data: [1, 0, 1, 0]))
            t2v.region = RegionalPrompt(prompt: editPrompt, mask: mask)
            var r = FreeScaleRequest(); r.res = target; r.steps = t2v.schedule.count; r.hasEditMask = true
            let plan = try FreeScalePlan(r, model: ModelGeometry(model: mc))
            let out = try t2v.decode(Cascade.run(plan: plan, backend: t2v, seed: s.seed, editMask: mask,
                                                 initial: z0).last!.latent)
            let change = ClipFidelity.halfChange(out, defaultOut!)
            edit.inside += change.left; edit.outside += change.right
            line += String(format: " edit Δin %.3f Δout %.3f", change.left, change.right)
            log(line)
        }
        let c = Double(clips)
        print(String(format: "VAE round trip only (no sampling): %.1f dB", vaePSNR / c))
        guard !vaeOnly else { return }
        print("| setting | restart step | α | PSNR vs input (downscaled) | one object |")
        print("|---|---|---|---|---|")
        for (i, (name, restart, alpha)) in settings.enumerated() {
            print(String(format: "| %@ | %d / %d | %.1f | %.1f dB | %d/%d |", name, restart, steps, alpha, psnr[i] / c, single[i], clips))
        }
        guard !noEdit else { return }
        print(String(format: "edit (left-half mask, α_edit %.0f): mean |Δ| inside %.3f, outside %.3f, ratio %.1f",
                     FreeScalePlan.defaultEditCosineScale, edit.inside / c, edit.outside / c, edit.inside / max(1e-9, edit.outside)))
    }
}
