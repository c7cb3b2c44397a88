import FSCheckpoint
import FSDiffusion
import FSPipeline
import FSTensor
@testable import FreeScale
import XCTest

/// Golden hashes of the toy model's latents for fixed seeds: a refactor of the pipeline must leave every
/// bit of them unchanged (fp32 on this machine's OpenBLAS kernels). If a deliberate numerical change moves
/// them, record the new values here and say why in the commit.
final class GoldenLatentTests: XCTestCase {
    /// FNV-1a (64-bit) over the Float bit patterns.
    static func hash(_ t: Tensor) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for v in t.data {
            var b = v.bitPattern
            for _ in 0..<4 { h = (h ^ UInt64(b & 0xff)) &* 0x100_0000_01b3; b >>= 8 }
        }
        return String(h, radix: 16)
    }

    func settings(_ model: VideoModel, seed: UInt64) -> GenerationSettings {
        var s = GenerationSettings(prompt: "a red circle moving right on a black background", model: model.config)
        s.steps = 4; s.frames = 4; s.seed = seed
        return s
    }

    func cascade(_ model: VideoModel, method: GenerationMethod, seed: UInt64) throws -> [Tensor] {
        let t2v = try TextToVideo(model: model, settings: settings(model, seed: seed))
        var r = FreeScaleRequest()
        r.method = method; r.res = FrameSize(height: 128, width: 192); r.steps = 4; r.restartStep = 1; r.dilateTau = 3
        let plan = try FreeScalePlan(r, model: ModelGeometry(model: model.config))
        return try Cascade.run(plan: plan, backend: t2v, seed: seed).map(\.latent)
    }

    func testToyLatentsAreBitIdentical() throws {
        let model = try ToyCascadeTests.toyModel()
        let plain = try TextToVideo(model: model, settings: settings(model, seed: 11)).generate()
        let fs = try cascade(model, method: .freescale, seed: 11)
        let direct = try cascade(model, method: .direct, seed: 11)
        let got = ["plain": Self.hash(plain), "freescale_stage0": Self.hash(fs[0]), "freescale_stage1": Self.hash(fs[1]),
                   "direct": Self.hash(direct[0])]
        print("golden latents: \(got.sorted { $0.key < $1.key })")
        let expected = ["plain": "d6427fd43e75f366", "freescale_stage0": "d6427fd43e75f366",
                        "freescale_stage1": "a3de8104a7d74ffb", "direct": "8cdae1338947f694"]
        for (k, v) in expected { XCTAssertEqual(got[k], v, k) }
        XCTAssertEqual(got["plain"], got["freescale_stage0"], "stage 0 is plain generation")
    }

    /// The library's one entry point gives the same bits, and reports every stage's steps on its event channel.
    func testVideoPipelineGivesTheGoldenLatents() throws {
        let model = try ToyCascadeTests.toyModel()
        let loaded = LoadedModel(model: model, weightsPath: "toy", configOrigin: "test")
        var request = VideoRequest(prompt: "a red circle moving right on a black background")
        request.seed = 11; request.steps = 4; request.frames = 4
        request.freescale.res = FrameSize(height: 128, width: 192); request.freescale.restartStep = 1; request.freescale.dilateTau = 3
        var events: [String] = []
        let result = try VideoPipeline(loaded).run(try VideoPlan(request, model: model.config)) { e in
            switch e {
            case .stage(let i, let of, let size): events.append("stage \(i)/\(of) \(size)")
            case .denoising(let st, let step, let of): events.append("ddim \(st) \(step)/\(of)")
            default: break
            }
        }
        XCTAssertEqual(result.stages.map { Self.hash($0.latent) }, ["d6427fd43e75f366", "a3de8104a7d74ffb"])
        XCTAssertEqual(events, ["ddim 0 1/4", "ddim 0 2/4", "ddim 0 3/4", "ddim 0 4/4",
                                "stage 1/1 128x192", "ddim 1 1/3", "ddim 1 2/3", "ddim 1 3/3"])
        XCTAssertEqual(result.frames.count, 4)
        XCTAssertEqual([result.frames.height, result.frames.width], [128, 192])

        request.freescale = FreeScaleRequest()
        let plain = try VideoPipeline(loaded).run(try VideoPlan(request, model: model.config))
        XCTAssertEqual(plain.stages.map { Self.hash($0.latent) }, ["d6427fd43e75f366"])
        request.freescale.method = .direct; request.freescale.res = FrameSize(height: 128, width: 192)
        let direct = try VideoPipeline(loaded).run(try VideoPlan(request, model: model.config))
        XCTAssertEqual(direct.stages.map { Self.hash($0.latent) }, ["8cdae1338947f694"])
    }
}
