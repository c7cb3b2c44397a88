import Foundation
import FreeScale
import FSPipeline
import FSDiffusion
import FSTensor
import FSVideo

/// The FreeScale part of one generation: the validated plan, the optional detail mask, and the stages
/// (for --keep-stages). `GenerationRun` asks it for the final latent.
final class FreeScaleRun {
    let options: FreeScaleOptions
    let plan: FreeScalePlan
    let mask: DetailMask?
    /// `upscale --edit-mask`: the region regenerated under the edit prompt.
    let editMask: DetailMask?
    private(set) var stages: [CascadeStage] = []

    /// Validates every FreeScale flag against the loaded model (before any sampling). `input` is the size of
    /// an upscaled clip: masks drawn on it are cover-cropped like the clip.
    init(options: FreeScaleOptions, model: VideoModelConfig, steps: Int, frames: Int,
         input: (height: Int, width: Int)? = nil, editMask editPath: String? = nil) throws {
        self.options = options
        var request = try options.request(steps: steps)
        request.hasEditMask = editPath != nil
        let plan = try FreeScalePlan(request, model: ModelGeometry(model: model))
        self.plan = plan
        mask = try options.detailMask.map { try Self.readMask($0, flag: "--detail-mask", frames: frames, output: plan.final, input: input) }
        editMask = try editPath.map { try Self.readMask($0, flag: "--edit-mask", frames: frames, output: plan.final, input: input) }
    }

    /// True when only the base size is sampled (no cascade, not direct at another size).
    var isPlain: Bool { plan.method == .freescale && plan.upper.isEmpty }

    /// Runs the cascade (or direct sampling) with the pipeline; returns the final latent.
    func latents(_ t2v: TextToVideo) throws -> Tensor {
        stages = try Cascade.run(plan: plan, backend: t2v, seed: t2v.settings.seed, detailMask: mask, editMask: editMask)
        return stages.last!.latent
    }

    /// Writes `stage-<k>-<H>x<W>.mp4` for every stage but the last (with --keep-stages).
    func writeKeptStages(_ t2v: TextToVideo, output: OutputDirectory, subdirectory sub: String, saveFps: Double) throws {
        guard plan.keepStages, stages.count > 1 else { return }
        var options = VideoWriterOptions()
        options.fps = Rational(approximating: saveFps)
        for (k, st) in stages.dropLast().enumerated() {
            let frames = try Frames(tensor: try t2v.decode(st.latent))
            _ = try VideoWriter.write(frames, to: output.file(sub + "stage-\(k)-\(st.size).mp4"), options: options)
        }
    }

    /// A mask image (or a directory of per-frame masks) → binary planes at the image's size. The mask must
    /// have the output's aspect ratio (±2 %), or, for `upscale`, the input clip's (it is then cover-cropped
    /// exactly like the clip); anything else cannot be mapped onto the frames and is refused.
    static func readMask(_ path: String, flag: String, frames: Int, output: FrameSize,
                         input: (height: Int, width: Int)? = nil) throws -> DetailMask {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw FSError("\(flag) \(path): no such file or directory")
        }
        var img: Frames
        do { img = try VideoReader.read(path) } catch {
            throw FSError("\(flag) \(path): cannot read the mask image(s) (\(error))")
        }
        guard img.count >= 1 else { throw FSError("\(flag) \(path): no mask image found") }
        let n = img.count == 1 ? 1 : img.count
        guard n == 1 || n == frames else {
            throw FSError("\(flag) \(path): \(n) masks for \(frames) frames (give 1 or \(frames))")
        }
        func sameAspect(_ h: Int, _ w: Int) -> Bool {
            abs(Double(img.width) * Double(h) / (Double(img.height) * Double(w)) - 1) <= 0.02
        }
        if !sameAspect(output.height, output.width) {
            guard let input, sameAspect(input.height, input.width) else {
                let inputNote = input.map { " or the input's \($0.height)x\($0.width)" } ?? ""
                throw FSError("\(flag) \(path): a \(img.height)x\(img.width) mask cannot be mapped onto \(output) frames "
                              + "(give the output's aspect ratio\(inputNote))")
            }
            img = UpscaleCommand.coverAndCrop(img, height: output.height, width: output.width)
        }
        let (h, w) = (img.height, img.width)
        var grey = [Float](repeating: 0, count: n * h * w)
        for i in 0..<n {
            let f = Array(img.frame(i))
            for p in 0..<(h * w) {
                grey[i * h * w + p] = (Float(f[3 * p]) + Float(f[3 * p + 1]) + Float(f[3 * p + 2])) / (3 * 255)
            }
        }
        return try DetailMask.fromImages(Tensor(shape: [n, h, w], data: grey), latentHeight: h, latentWidth: w, frames: frames)
    }

    /// The plan for run.json.
    var summary: [String: Any] { plan.summary.merging(["stage_seconds": stages.map(\.seconds)]) { a, _ in a } }
}
