import FSCheckpoint
import FSDiffusion
import FSPipeline
import FSTensor
@testable import FreeScale
import XCTest

/// End-to-end cascade on the built-in toy model (few steps to stay quick).
final class ToyCascadeTests: XCTestCase {
    static func toyModel(filePath: String = #filePath) throws -> VideoModel {
        let root = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let path = root.appendingPathComponent("Fixtures/models/toy_shapes_v2/toy_shapes_v2.safetensors").path
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("toy model absent at \(path)") }
        let sd = try SafeTensors.read(path: path)
        return try VideoModel.load(sd, config: VideoModel.resolveConfig(for: sd).config)
    }

    func pipeline(_ model: VideoModel, steps: Int, seed: UInt64) throws -> TextToVideo {
        var s = GenerationSettings(prompt: "a red circle moving right on a black background", model: model.config)
        s.steps = steps; s.seed = seed
        return try TextToVideo(model: model, settings: s)
    }

    func testCascadeToyTo256x384AndStageZeroIsPlainGeneration() throws {
        let model = try Self.toyModel()
        let t2v = try pipeline(model, steps: 2, seed: 5)
        var r = FreeScaleRequest()
        r.res = FrameSize(height: 256, width: 384); r.steps = 2; r.restartStep = 1   // one step per upper stage
        let plan = try FreeScalePlan(r, model: ModelGeometry(model: model.config))
        XCTAssertEqual(plan.sizes.map(\.description), ["64x96", "128x192", "256x384"])
        let stages = try Cascade.run(plan: plan, backend: t2v, seed: 5)
        XCTAssertEqual(stages.last!.latent.shape, [1, 4, 16, 32, 48])
        XCTAssertTrue(stages.last!.latent.data.allSatisfy(\.isFinite))
        let video = try t2v.decode(stages.last!.latent)
        XCTAssertEqual(video.shape, [3, 16, 256, 384])
        // Stage 0 equals the plain base generation for the same seed (a fresh pipeline).
        let plain = try pipeline(model, steps: 2, seed: 5).generate()
        XCTAssertEqual(stages[0].latent.data, plain.data)
    }
}
