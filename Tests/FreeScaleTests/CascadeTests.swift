import FSModels
import FSTensor
@testable import FreeScale
import XCTest

/// A recording backend: checks the order of the cascade's calls without any model.
final class RecordingBackend: CascadeBackend {
    let timesteps: [Int]
    let trainingTimesteps = 1000
    var generated: [FrameSize] = []
    var steps: [(stage: Int, step: Int, dilation: [String: Int], fused: Bool)] = []
    var qSamples: [Int] = []
    init(steps: Int) { timesteps = (0..<steps).map { 1000 - 1000 / steps * $0 - 1000 / steps + 1 } }
    func generate(size: FrameSize) throws -> Tensor {
        generated.append(size); return Tensor(repeating: 1, shape: [1, 4, 2, size.height / 8, size.width / 8])
    }
    func decode(_ latent: Tensor) throws -> Tensor { Tensor(repeating: 0.5, shape: [3, latent.shape[2], latent.shape[3] * 8, latent.shape[4] * 8]) }
    func encode(_ video: Tensor, stage: Int) throws -> Tensor { Tensor(repeating: 2, shape: [1, 4, video.shape[1], video.shape[2] / 8, video.shape[3] / 8]) }
    func stageNoise(shape: [Int], stage: Int) -> Tensor { Tensor(zeros: shape) }
    func qSample(_ x0: Tensor, timestep: Int, noise: Tensor) throws -> Tensor { qSamples.append(timestep); return x0 }
    func denoise(_ z: Tensor, step i: Int, stage: Int, options: UNet3DForwardOptions) throws -> Tensor {
        steps.append((stage, i, options.convDilation, options.spatialSelfAttention is ScaleFusionStrategy)); return z
    }
    func report(stage: Int, of stages: Int, size: FrameSize, step: Int, of steps: Int) {}
}

final class CascadeTests: XCTestCase {
    func testStagesRestartDilationAndFusion() throws {
        let geometry = ModelGeometry(base: FrameSize(height: 64, width: 96), levels: 3, numResBlocks: 2, temporalAttention: true)
        var r = FreeScaleRequest()
        r.res = FrameSize(height: 256, width: 384); r.steps = 10; r.dilateTau = 6
        let plan = try FreeScalePlan(r, model: geometry)
        let backend = RecordingBackend(steps: 10)
        let stages = try Cascade.run(plan: plan, backend: backend, seed: 1)
        XCTAssertEqual(stages.map(\.size.description), ["64x96", "128x192", "256x384"])
        XCTAssertEqual(stages.last!.latent.shape, [1, 4, 2, 32, 48])
        XCTAssertEqual(backend.generated, [FrameSize(height: 64, width: 96)])
        // Steps 3..<10 per upper stage (restart ⌊0.3·10⌋ = 3); dilation d = 2 then 4 for i < 6 only.
        XCTAssertEqual(backend.steps.map(\.step), Array(3..<10) + Array(3..<10))
        for s in backend.steps {
            let d = s.stage == 1 ? 2 : 4
            if s.step < 6 { XCTAssertEqual(Set(s.dilation.values), [d]) } else { XCTAssertEqual(s.dilation, [:]) }
            XCTAssertTrue(s.fused)
        }
        var direct = r; direct.method = .direct
        let b2 = RecordingBackend(steps: 10)
        let d = try Cascade.run(plan: FreeScalePlan(direct, model: geometry), backend: b2, seed: 1)
        XCTAssertEqual(d.map(\.size.description), ["256x384"]); XCTAssertTrue(b2.steps.isEmpty)
    }
}
