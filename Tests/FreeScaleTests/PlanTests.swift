@testable import FreeScale
import FSTensor
import XCTest

final class PlanTests: XCTestCase {
    let toy = ModelGeometry(base: FrameSize(height: 64, width: 96), levels: 3, numResBlocks: 2, temporalAttention: true)
    let vc2 = ModelGeometry(base: FrameSize(height: 320, width: 512), levels: 4, numResBlocks: 2, temporalAttention: true)

    func testResDoublesFromBase() throws {
        var r = FreeScaleRequest(); r.res = FrameSize(height: 256, width: 384)
        let p = try FreeScalePlan(r, model: toy)
        XCTAssertEqual(p.sizes.map(\.description), ["64x96", "128x192", "256x384"])
        XCTAssertEqual(p.restartStep, 15)
        XCTAssertEqual(p.upper.map(\.dilation.dilation), [2, 4])
        XCTAssertEqual(p.upper[0].fusion.kernelSize, 3)
        var d = FreeScaleRequest(); d.res = FrameSize(height: 640, width: 1024); d.method = .direct
        XCTAssertEqual(try FreeScalePlan(d, model: vc2).sizes.map(\.description), ["640x1024"])
    }

    func testBadFlagsAreRejected() {
        func fails(_ edit: (inout FreeScaleRequest) -> Void, _ needle: String) {
            var r = FreeScaleRequest(); edit(&r)
            XCTAssertThrowsError(try FreeScalePlan(r, model: vc2)) { e in
                XCTAssertTrue("\(e)".contains(needle), "\(e)")
            }
        }
        fails({ $0.stages = [FrameSize(height: 640, width: 1024), FrameSize(height: 320, width: 512)] }, "not larger")
        fails({ $0.res = FrameSize(height: 600, width: 1024) }, "multiples of 64")
        fails({ $0.res = FrameSize(height: 640, width: 1024); $0.restartStep = 50 }, "restart step")
        fails({ $0.cosineScaleBackground = 1 }, "detail mask")
        fails({ $0.dilateLayers = ["output_blocks.99.conv"] }, "dilated layer")
        fails({ $0.res = FrameSize(height: 640, width: 1024); $0.stages = [FrameSize(height: 640, width: 1024)] }, "either")
    }

    func testVC2DefaultLayerSet() {
        let l = DilationPlan.defaultLayers(for: .vc2)
        XCTAssertEqual(l.first, "input_blocks.6.0.op")
        XCTAssertTrue(l.contains("input_blocks.9.0.op") && l.contains("input_blocks.11.0.out_layers.3"))
        XCTAssertTrue(l.contains("middle_block.3.in_layers.2"))
        XCTAssertFalse(l.contains { $0.hasPrefix("output_blocks") || $0.contains("temopral") || $0.hasPrefix("input_blocks.5.") })
        XCTAssertEqual(l.count, 2 + 4 * 2 + 4)
    }

    /// The derived layer set for the dilated UNet fixture's config is exactly the fixture's `dilated` list.
    func testDerivedLayerSetMatchesDilatedFixture() throws {
        let meta = try safetensorsMetadata(try sharedFixture("lvdm/unet3d_tiny_dilated.safetensors"))
        let names = try JSONSerialization.jsonObject(with: Data(meta["dilated"]!.utf8)) as! [String]
        let cfg = try JSONSerialization.jsonObject(with: Data(meta["config"]!.utf8)) as! [String: Any]
        let layout = UNetLayout(levels: (cfg["channel_mult"] as! [Int]).count, numResBlocks: cfg["num_res_blocks"] as! Int,
                                temporalAttention: cfg["temporal_attention"] as! Bool)
        XCTAssertEqual(DilationPlan.defaultLayers(for: layout), names)
        XCTAssertEqual(DilationPlan.factor(targetWidth: 2 * 96, baseWidth: 96), Int(meta["dilation"]!))
    }

    func testDilationOnlyBeforeTau() {
        let p = DilationPlan(layers: ["a", "b"], dilation: 2, tau: 35)
        XCTAssertEqual(p.map(step: 0), ["a": 2, "b": 2])
        XCTAssertEqual(p.map(step: 34), ["a": 2, "b": 2])
        XCTAssertEqual(p.map(step: 35), [:])
        XCTAssertEqual(p.map(step: 49), [:])
    }

    /// Cosine factor and blend at the first, middle and last DDIM timesteps of 50 (t = 981, 491, 1).
    func testCosineFactorAndBlend() {
        for (t, alpha) in [(981, 2.0), (491, 2.0), (1, 2.0), (491, 0.5)] {
            let expected = pow((1 + cos(Double.pi * Double(1000 - t) / 1000)) / 2, alpha)
            XCTAssertEqual(CosineBlend.factor(timestep: t, alpha: alpha, trainingTimesteps: 1000), expected, accuracy: 1e-12)
            let z = Tensor(shape: [3], data: [1, -2, 0.5]), x = Tensor(shape: [3], data: [0, 4, 0.25])
            let y = CosineBlend.blend(z, toward: x, c: expected)
            for i in 0..<3 { XCTAssertEqual(Double(y.data[i]), (1 - expected) * Double(z.data[i]) + expected * Double(x.data[i]), accuracy: 1e-6) }
        }
        XCTAssertGreaterThan(CosineBlend.factor(timestep: 981, alpha: 2, trainingTimesteps: 1000), 0.99)
        XCTAssertLessThan(CosineBlend.factor(timestep: 1, alpha: 2, trainingTimesteps: 1000), 1e-10)
    }

    func testMaskedBlendUsesAlphaInsideAndBackgroundOutside() throws {
        let mask = try DetailMask(planes: Tensor(shape: [1, 1, 2], data: [1, 0]))
        let z = Tensor(repeating: 1, shape: [1, 1, 1, 1, 2]), x = Tensor(repeating: 0, shape: [1, 1, 1, 1, 2])
        let y = CosineBlend.blend(z, toward: x, timestep: 491, alpha: 2, alphaBackground: 0.5, mask: mask,
                                  trainingTimesteps: 1000)
        XCTAssertEqual(Double(y.data[0]), 1 - CosineBlend.factor(timestep: 491, alpha: 2, trainingTimesteps: 1000), accuracy: 1e-6)
        XCTAssertEqual(Double(y.data[1]), 1 - CosineBlend.factor(timestep: 491, alpha: 0.5, trainingTimesteps: 1000), accuracy: 1e-6)
    }
}
