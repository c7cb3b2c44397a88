import FSDiffusion
import FSModels
@testable import FSPipeline
import FSTensor
@testable import FreeScale
import XCTest

/// The up-front estimate against what was measured (docs/benchmarks.md, docs/reliability.md).
final class PlanCostTests: XCTestCase {
    let vc2 = ModelGeometry(base: FrameSize(height: 320, width: 512), levels: 4, numResBlocks: 2, temporalAttention: true)

    func testVC2ActivationsMatchTheMeasuredForward() throws {
        // bench unet, vc2-512, one unguided forward of 16×320×512: peak RSS 6.20 GB with 5.32 GB of weights.
        let act = PlanCost.unetActivationBytes(.vc2_512, latentHeight: 40, latentWidth: 64, frames: 16)
        XCTAssertGreaterThan(act, 0.7 * 0.88e9)
        XCTAssertLessThan(act, 1.3 * 0.88e9)
    }

    func testFLOPsFollowThePlan() throws {
        var r = FreeScaleRequest(); r.res = FrameSize(height: 640, width: 1024)
        let plan = try FreeScalePlan(r, model: vc2)
        let cost = PlanCost(plan: plan, model: .vc2_512, frames: 16, weightBytes: 8e9)
        // 50 base steps at 320x512 and 35 at 640x1024, both guidance branches (12.58 / 59.32 TFLOP per item).
        let expected = 2 * (50 * 12.58e12 + 35 * 59.32e12)
        XCTAssertEqual(cost.flops / expected, 1, accuracy: 0.01)
        XCTAssertGreaterThan(cost.peakBytes, 8e9 + cost.activationBytes - 1)
        // The largest stage with both branches: 4× the pixels of 320x512, ×2 (measured: 6.3 GB, docs/reliability.md).
        XCTAssertEqual(cost.activationBytes / PlanCost.unetActivationBytes(.vc2_512, latentHeight: 40, latentWidth: 64, frames: 16),
                       4 * 2, accuracy: 0.01)
    }

    func testAbsurdSizesGiveLargeFiniteNumbers() throws {
        var r = FreeScaleRequest(); r.res = FrameSize(height: 16384, width: 16384); r.method = .direct
        let plan = try FreeScalePlan(r, model: vc2)
        let cost = PlanCost(plan: plan, model: .vc2_512, frames: 1024, weightBytes: 8e9)
        XCTAssertTrue(cost.peakBytes.isFinite && cost.peakBytes > 1e14)
        XCTAssertTrue(cost.flops.isFinite && cost.flops > 1e18)
    }
}
