import FSCheckpoint
import FSDiffusion
import FSTensor
@testable import FreeScale
import XCTest

/// Video-to-video: a toy clip as the base stage of the same cascade (what `fsvideo upscale` runs).
final class ToyUpscaleTests: XCTestCase {
    func testUpscaledClipStaysCloseToInput() throws {
        let model = try ToyCascadeTests.toyModel()
        var s = GenerationSettings(prompt: "a red circle moving right on a black background", model: model.config)
        s.frames = 4; s.steps = 10; s.seed = 7
        let t2v = try TextToVideo(model: model, settings: s)
        let input = try t2v.decode(t2v.generate())                         // [3, 4, 64, 96]
        var z0 = try model.vae.encodeVideo(input).mean.map { $0 * Float(model.config.scaleFactor) }
        if z0.rank == 4 { z0 = z0.reshaped([1] + z0.shape) }
        var r = FreeScaleRequest(); r.res = FrameSize(height: 128, width: 192); r.steps = 10; r.restartStep = 6
        let plan = try FreeScalePlan(r, model: ModelGeometry(model: model.config))
        let stages = try Cascade.run(plan: plan, backend: t2v, seed: 7, initial: z0)
        XCTAssertEqual(stages[0].latent.data, z0.data)
        let out = try t2v.decode(stages.last!.latent)
        let down = resize(out, height: 64, width: 96, mode: .bilinear)
        var mse = 0.0
        for (a, b) in zip(down.data, input.data) {
            let d = Double(max(-1, min(1, a)) - max(-1, min(1, b))) / 2; mse += d * d
        }
        let psnr = 10 * log10(1 / (mse / Double(input.count)))
        print("toy upscale 64x96 → 128x192, restart 6/10: PSNR of the downscaled output vs input \(psnr) dB")
        XCTAssertGreaterThan(psnr, 18)
        XCTAssertEqual(ObjectCount.medianCount(video: out.data, frames: 4, height: 128, width: 192), 1)
    }
}
