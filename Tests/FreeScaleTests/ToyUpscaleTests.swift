import FSCheckpoint
import FSDiffusion
import FSTensor
@testable import FreeScale
import XCTest

/// Video-to-video: a toy clip as the base stage of the same cascade (what `fsvideo upscale` runs).
final class ToyUpscaleTests: XCTestCase {
    /// A toy clip at 64x96 (4 frames) and its posterior-mean scaled latent (what `upscale` encodes).
    static func toyClip(_ t2v: TextToVideo) throws -> (video: Tensor, latent: Tensor) {
        let model = t2v.model
        let input = try t2v.decode(t2v.generate())                         // [3, 4, 64, 96]
        var z0 = try model.vae.encodeVideo(input).mean.map { $0 * Float(model.config.scaleFactor) }
        if z0.rank == 4 { z0 = z0.reshaped([1] + z0.shape) }
        return (input, z0)
    }

    static func psnr(_ a: Tensor, _ b: Tensor) -> Double {
        var mse = 0.0
        for (x, y) in zip(a.data, b.data) {
            let d = Double(max(-1, min(1, x)) - max(-1, min(1, y))) / 2; mse += d * d
        }
        return 10 * log10(1 / (mse / Double(a.count)))
    }

    func testUpscaledClipStaysCloseToInput() throws {
        let model = try ToyCascadeTests.toyModel()
        var s = GenerationSettings(prompt: "a red circle moving right on a black background", model: model.config)
        s.frames = 8; s.steps = 20; s.seed = 2000
        let t2v = try TextToVideo(model: model, settings: s)
        let (input, z0) = try Self.toyClip(t2v)
        var r = FreeScaleRequest(); r.res = FrameSize(height: 256, width: 384); r.steps = 20   // restart 6 (default)
        let plan = try FreeScalePlan(r, model: ModelGeometry(model: model.config))
        XCTAssertEqual(plan.sizes.map(\.description), ["64x96", "128x192", "256x384"])
        let stages = try Cascade.run(plan: plan, backend: t2v, seed: 2000, initial: z0)
        XCTAssertEqual(stages[0].latent.data, z0.data)
        for st in stages.dropFirst() {
            let out = try t2v.decode(st.latent)
            XCTAssertEqual(out.shape, [3, 8, st.size.height, st.size.width])
            let psnr = Self.psnr(resize(out, height: 64, width: 96, mode: .bilinear), input)
            let objects = ObjectCount.medianCount(video: out.data, frames: 8, height: out.shape[2], width: out.shape[3])
            print("toy upscale 64x96 → \(st.size), restart 6/20: PSNR of the downscaled output vs input \(psnr) dB, \(objects) object(s)")
            XCTAssertGreaterThan(psnr, 18, "\(st.size)")
            XCTAssertEqual(objects, 1, "\(st.size)")
        }
    }

    /// Local editing: with an edit mask over the left half and a second prompt, the output changes mainly
    /// inside the mask (compared with the same upscale without the edit).
    func testEditMaskChangesMainlyTheMaskedRegion() throws {
        let model = try ToyCascadeTests.toyModel()
        var s = GenerationSettings(prompt: "a red circle moving right on a black background", model: model.config)
        s.frames = 8; s.steps = 20; s.seed = 2000
        let t2v = try TextToVideo(model: model, settings: s)
        let (_, z0) = try Self.toyClip(t2v)
        var r = FreeScaleRequest(); r.res = FrameSize(height: 128, width: 192); r.steps = 20; r.restartStep = 6
        let plain = try Cascade.run(plan: FreeScalePlan(r, model: ModelGeometry(model: model.config)), backend: t2v, seed: 2000, initial: z0)
        let a = try t2v.decode(plain.last!.latent)

        // Mask: the left half of the frame (any grid; resized to each latent grid).
        let mask = Tensor(shape: [1, 8, 12], data: (0..<96).map { Float($0 % 12 < 6 ? 1 : 0) })
        t2v.region = try RegionalPrompt(prompt: "a yellow square staying still on a gray background", mask: mask)
        r.hasEditMask = true
        let plan = try FreeScalePlan(r, model: ModelGeometry(model: model.config))
        XCTAssertEqual(plan.cosineScaleEdit, FreeScalePlan.defaultEditCosineScale)
        let edited = try Cascade.run(plan: plan, backend: t2v, seed: 2000, editMask: DetailMask(planes: mask), initial: z0)
        let b = try t2v.decode(edited.last!.latent)

        var inside = 0.0, outside = 0.0, nIn = 0, nOut = 0
        let (f, h, w) = (b.shape[1], b.shape[2], b.shape[3])
        for c in 0..<3 { for t in 0..<f { for y in 0..<h { for x in 0..<w {
            let i = ((c * f + t) * h + y) * w + x
            let d = Double(abs(max(-1, min(1, b.data[i])) - max(-1, min(1, a.data[i]))))
            if x < w / 2 { inside += d; nIn += 1 } else { outside += d; nOut += 1 }
        } } } }
        let ratio = (inside / Double(nIn)) / max(1e-9, outside / Double(nOut))
        print("toy edit mask (left half): mean |Δ| inside \(inside / Double(nIn)), outside \(outside / Double(nOut)), ratio \(ratio)")
        // Measured: inside 0.017, outside 0.008 (ratio 2.1; `bench upscale-toy` gives the same case). The toy
        // model keeps one uniform background, so an edit leaks outside the mask; the ratio shows it is
        // mainly inside.
        XCTAssertGreaterThan(inside / Double(nIn), 0.005, "the edit changed nothing")
        XCTAssertGreaterThan(ratio, 1.5, "the edit is not mainly inside the mask")
    }

    /// The edit blend: ε(main) outside the mask, ε(edit) inside, per latent pixel and frame.
    func testRegionalPromptBlend() throws {
        let mask = Tensor(shape: [2, 1, 2], data: [1, 0, 0, 1])
        let rp = try RegionalPrompt(prompt: "x", mask: mask)
        let main = Tensor(shape: [1, 2, 2, 2, 4], data: (0..<32).map { _ in 1 })
        let edit = Tensor(shape: [1, 2, 2, 2, 4], data: (0..<32).map { _ in 5 })
        let y = try rp.blend(main: main, edit: edit)
        // frame 0: left half edit; frame 1: right half edit; same for both channels.
        let row0: [Float] = [5, 5, 1, 1], row1: [Float] = [1, 1, 5, 5]
        XCTAssertEqual(Array(y.data[0..<8]), row0 + row0)
        XCTAssertEqual(Array(y.data[8..<16]), row1 + row1)
        XCTAssertEqual(Array(y.data[16..<24]), row0 + row0)
    }
}
