import FSCheckpoint
import FSModels
import FSTensor
import XCTest
import FSParity

/// UNet3D against the lvdm reference fixtures (../shared/fixtures/lvdm/README.md §1, §2).
final class UNet3DParityTests: XCTestCase {
    func testTinyFixturePasses() throws {
        let f = try ParityFixture(path: try sharedFixture("lvdm/unet3d_tiny.safetensors"))
        let report = try UNet3DParity.run(f)
        print(report)
        XCTAssertTrue(report.passed, "first divergence: \(report.firstFailure?.name ?? "-")")
        XCTAssertGreaterThan(report.lines.count, 80)   // the 85 debug tensors + eps
    }

    func testDilatedFixturePasses() throws {
        let f = try ParityFixture(path: try sharedFixture("lvdm/unet3d_tiny_dilated.safetensors"))
        XCTAssertEqual(try UNet3DParity.dilationMap(of: f).count, 9)
        let report = try UNet3DParity.run(f)
        print(report)
        XCTAssertTrue(report.passed, "first divergence: \(report.firstFailure?.name ?? "-")")
    }

    /// tiny_vc2.ckpt holds the same UNet with float16 weights (README §8): the model built from it equals the
    /// fixture model with its float32 weights rounded to float16, and stays near the float32 reference.
    func testCheckpointFP16WeightsGiveSameOutputWithinFP16Rounding() throws {
        let f = try ParityFixture(path: try sharedFixture("lvdm/unet3d_tiny.safetensors"))
        let ckpt = try Checkpoint.load(path: try sharedFixture("lvdm/tiny_vc2.ckpt"))
        let fromCkpt = try UNet3DParity.makeModel(f, weights: ckpt.view(prefix: UNet3D.checkpointPrefix))
        let (epsCkpt, _) = try UNet3DParity.forward(fromCkpt, f, observe: false)

        let rounded = StateDict(source: "fixture weights rounded to float16")
        let params = f.params
        for key in params.keys where key.hasPrefix(UNet3D.checkpointPrefix) {
            let t = params[key]!
            let values = t.floats().map { Float(Float16($0)) }
            rounded[key] = StoredTensor(dtype: .f32, shape: t.shape, bytes: values.withUnsafeBufferPointer { Data(buffer: $0) })
        }
        let fromRounded = try UNet3DParity.makeModel(f, weights: rounded.view(prefix: UNet3D.checkpointPrefix))
        let (epsRounded, _) = try UNet3DParity.forward(fromRounded, f, observe: false)
        XCTAssertLessThan(maxAbsDiff(epsCkpt, epsRounded), 1e-6)

        let ref = try f.output("eps")
        let drift = maxAbsDiff(epsCkpt, ref)
        print("tiny_vc2.ckpt (fp16 weights) vs float32 reference eps: max |Δ| \(drift)")
        XCTAssertLessThan(drift, 0.02)   // fp16 weight rounding (rel 2^-11) through 2.98 M weights; eps std 0.53
    }

    /// The guidance pair as one batch of 2 equals two batch-1 calls.
    func testGuidedBatchEqualsSeparateCalls() throws {
        let f = try ParityFixture(path: try sharedFixture("lvdm/unet3d_tiny.safetensors"))
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
