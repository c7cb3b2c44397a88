import Foundation
import FreeScale
import FSDiffusion
import FSTensor
import FSVideo

/// The FreeScale part of one generation: the validated plan, the optional detail mask, and the stages
/// (for --keep-stages). `GenerationRun` asks it for the final latent.
final class FreeScaleRun {
    let options: FreeScaleOptions
    let plan: FreeScalePlan
    let mask: DetailMask?
    private(set) var stages: [CascadeStage] = []

    /// Validates every FreeScale flag against the loaded model (before any sampling).
    init(options: FreeScaleOptions, model: VideoModelConfig, steps: Int, frames: Int) throws {
        self.options = options
        plan = try FreeScalePlan(options.request(steps: steps), model: ModelGeometry(model: model))
        mask = try options.detailMask.map { try Self.readMask($0, frames: frames) }
    }

    /// True when only the base size is sampled (no cascade, not direct at another size).
    var isPlain: Bool { plan.method == .freescale && plan.upper.isEmpty }

    /// Runs the cascade (or direct sampling) with the pipeline; returns the final latent.
    func latents(_ t2v: TextToVideo) throws -> Tensor {
        stages = try Cascade.run(plan: plan, backend: t2v, seed: t2v.settings.seed, detailMask: mask)
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

    /// A mask image (or a directory of per-frame masks) → grey planes in [0, 1] at the image's size.
    static func readMask(_ path: String, frames: Int) throws -> DetailMask {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw FSError("--detail-mask \(path): no such file or directory")
        }
        let img: Frames
        do { img = try VideoReader.read(path) } catch {
            throw FSError("--detail-mask \(path): cannot read the mask image(s) (\(error))")
        }
        guard img.count >= 1 else { throw FSError("--detail-mask \(path): no mask image found") }
        let n = img.count == 1 ? 1 : img.count
        guard n == 1 || n == frames else {
            throw FSError("--detail-mask \(path): \(n) masks for \(frames) frames (give 1 or \(frames))")
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
