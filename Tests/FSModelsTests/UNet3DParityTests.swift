import FSCheckpoint
import FSModels
import FSTensor
import XCTest

/// UNet3D against the lvdm reference fixtures (../shared/fixtures/lvdm/README.md §1, §2).
final class UNet3DParityTests: XCTestCase {
    func testTinyFixturePasses() throws {
        let f = try ParityFixture(path: try unet3DSharedFixture("lvdm/unet3d_tiny.safetensors"))
        let report = try UNet3DParity.run(f)
        print(report)
        XCTAssertTrue(report.passed, "first divergence: \(report.firstFailure?.name ?? "-")")
        XCTAssertGreaterThan(report.lines.count, 80)   // the 85 debug tensors + eps
    }

    func testDilatedFixturePasses() throws {
        let f = try ParityFixture(path: try unet3DSharedFixture("lvdm/unet3d_tiny_dilated.safetensors"))
        XCTAssertEqual(try UNet3DParity.dilationMap(of: f).count, 9)
        let report = try UNet3DParity.run(f)
        print(report)
        XCTAssertTrue(report.passed, "first divergence: \(report.firstFailure?.name ?? "-")")
    }

    /// The guidance pair as one batch of 2 equals two batch-1 calls.
    func testGuidedBatchEqualsSeparateCalls() throws {
        let f = try ParityFixture(path: try unet3DSharedFixture("lvdm/unet3d_tiny.safetensors"))
        let model = try UNet3DParity.makeModel(f, weights: f.params.view(UNet3D.checkpointPrefix))
        let x = try f.input("x").slice(axis: 0, 0..<1)
        let ctx = try f.input("context")
        let cond = ctx.slice(axis: 0, 0..<1), uncond = ctx.slice(axis: 0, 1..<2)
        let pair = try model.forwardGuided(x: x, timestep: 500, cond: cond, uncond: uncond, fps: 28)
        let c = try model.forward(x: x, timesteps: [500], context: cond, fps: [28])
        let u = try model.forward(x: x, timesteps: [500], context: uncond, fps: [28])
        XCTAssertLessThan(maxAbsDiff(pair.cond, c), 1e-5)
        XCTAssertLessThan(maxAbsDiff(pair.uncond, u), 1e-5)
        XCTAssertGreaterThan(maxAbsDiff(c, u), 1e-3)
    }

    private func maxAbsDiff(_ a: Tensor, _ b: Tensor) -> Float {
        XCTAssertEqual(a.shape, b.shape)
        return zip(a.data, b.data).map { abs($0 - $1) }.max() ?? 0
    }
}
