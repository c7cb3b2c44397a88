import FSCheckpoint
import FSDiffusion
import FSPipeline
import FSTensor
@testable import FreeScale
import XCTest

/// Video-to-video: a toy clip as the base stage of the same cascade (what `fsvideo upscale` runs).
final class ToyUpscaleTests: XCTestCase {
    /// The toy pipeline for "a red circle moving right…" (8 frames, 20 steps, seed 2000), a clip it generated at
    /// 64x96 and that clip's posterior-mean scaled latent (what `upscale` encodes).
    static func toyClip() throws -> (t2v: TextToVideo, video: Tensor, latent: Tensor) {
        let model = try ToyCascadeTests.toyModel()
        var s = GenerationSettings(prompt: "a red circle moving right on a black background", model: model.config)
        s.frames = 8; s.steps = 20; s.seed = 2000
        let t2v = try TextToVideo(model: model, settings: s)
        let input = try t2v.decode(t2v.generate())                         // [3, 8, 64, 96]
        let z0 = try t2v.encodeMean(input)
        return (t2v, input, z0)
    }

    func testUpscaledClipStaysCloseToInput() throws {
        let (t2v, input, z0) = try Self.toyClip()
        let model = t2v.model
        var r = FreeScaleRequest(); r.res = FrameSize(height: 256, width: 384); r.steps = 20   // restart 6 (default)
        let plan = try FreeScalePlan(r, model: ModelGeometry(model: model.config))
        XCTAssertEqual(plan.sizes.map(\.description), ["64x96", "128x192", "256x384"])
        let stages = try Cascade.run(plan: plan, backend: t2v, seed: 2000, initial: z0)
        XCTAssertEqual(stages[0].latent.data, z0.data)
        for st in stages.dropFirst() {
            let out = try t2v.decode(st.latent)
            XCTAssertEqual(out.shape, [3, 8, st.size.height, st.size.width])
            let psnr = ClipFidelity.psnr(resize(out, height: 64, width: 96, mode: .bilinear), input)
            let objects = ObjectCount.medianCount(out)
            let colour = ColourFidelity.compare(out, base: input)
            print("toy upscale 64x96 → \(st.size), restart 6/20: PSNR of the downscaled output vs input \(psnr) dB, \(objects) object(s), "
                  + String(format: "colour distance to the input: mean %.1f, background %.1f", colour.pixel, colour.background))
            XCTAssertGreaterThan(psnr, 18, "\(st.size)")
            XCTAssertLessThan(colour.background, 15, "\(st.size)")
            // At 4x its training size the toy UNet breaks the circle into a cluster of blobs in place (2 here
            // with toy_shapes v2, whose VAE keeps them apart; v1's blurred them into one); at 2x it is one.
            if st.size.height <= 128 { XCTAssertEqual(objects, 1, "\(st.size)") } else { XCTAssertLessThanOrEqual(objects, 3, "\(st.size)") }
        }
    }

    /// Local editing: with an edit mask over the left half and a second prompt, the output changes mainly
    /// inside the mask (compared with the same upscale without the edit).
    func testEditMaskChangesMainlyTheMaskedRegion() throws {
        let (t2v, _, z0) = try Self.toyClip()
        let model = t2v.model
        var r = FreeScaleRequest(); r.res = FrameSize(height: 128, width: 192); r.steps = 20; r.restartStep = 6
        let plain = try Cascade.run(plan: FreeScalePlan(r, model: ModelGeometry(model: model.config)), backend: t2v, seed: 2000, initial: z0)
        let a = try t2v.decode(plain.last!.latent)

        // Mask: the left half of the frame (any grid; resized to each latent grid).
        let mask = try DetailMask(planes: Tensor(shape: [1, 8, 12], data: (0..<96).map { Float($0 % 12 < 6 ? 1 : 0) }))
        t2v.region = RegionalPrompt(prompt: "a yellow square staying still on a gray background", mask: mask)
        r.hasEditMask = true
        let plan = try FreeScalePlan(r, model: ModelGeometry(model: model.config))
        XCTAssertEqual(plan.cosineScaleEdit, FreeScalePlan.defaultEditCosineScale)
        let edited = try Cascade.run(plan: plan, backend: t2v, seed: 2000, editMask: mask, initial: z0)
        let b = try t2v.decode(edited.last!.latent)

        let (inside, outside) = ClipFidelity.halfChange(b, a)
        let ratio = inside / max(1e-9, outside)
        print("toy edit mask (left half): mean |Δ| inside \(inside), outside \(outside), ratio \(ratio)")
        // Measured: inside 0.017, outside 0.008 (ratio 2.1; `bench upscale-toy` gives the same case). The toy
        // model keeps one uniform background, so an edit leaks outside the mask; the ratio shows it is
        // mainly inside.
        XCTAssertGreaterThan(inside, 0.005, "the edit changed nothing")
        XCTAssertGreaterThan(ratio, 1.5, "the edit is not mainly inside the mask")
    }

    /// The edit blend: ε(main) outside the mask, ε(edit) inside, per latent pixel and frame.
    func testRegionalPromptBlend() throws {
        let mask = try DetailMask(planes: Tensor(shape: [2, 1, 2], data: [1, 0, 0, 1]))
        let rp = RegionalPrompt(prompt: "x", mask: mask)
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
