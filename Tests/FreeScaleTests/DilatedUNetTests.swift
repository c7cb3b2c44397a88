import FSCheckpoint
import FSModels
import FSTensor
@testable import FreeScale
import XCTest

/// The dilated UNet fixture, driven through FreeScale's plan: the derived layer set and d = round(s)
/// of a 2× stage must reproduce the reference's dilated forward.
final class DilatedUNetTests: XCTestCase {
    func testDilatedFixtureThroughPlan() throws {
        let f = try ParityFixture(path: try sharedFixture("lvdm/unet3d_tiny_dilated.safetensors"))
        let config = try UNet3DConfig.decode(json: XCTUnwrap(f.configJSON))
        let unet = try UNet3D(config: config, weights: f.params.view("model.diffusion_model."))
        let geometry = ModelGeometry(config: config, base: FrameSize(height: 64, width: 96))
        var request = FreeScaleRequest()
        request.res = FrameSize(height: 128, width: 192)
        let plan = try FreeScalePlan(request, model: geometry)
        let dilation = plan.upper[0].dilation
        XCTAssertEqual(dilation.map(step: plan.upper[0].dilation.tau), [:])
        let eps = try unet.forward(x: f.input("x"), timesteps: f.stored("input/timesteps").int64s().map { Int($0) },
                                   context: f.input("context"), fps: f.stored("input/fps").int64s().map { Int($0) },
                                   options: UNet3DForwardOptions(convDilation: dilation.map(step: 0)))
        var report = ParityReport(title: "unet3d dilated via FreeScalePlan")
        try report.check("output/eps", got: eps, fixture: f)
        print(report)
        XCTAssertTrue(report.passed, report.description)
    }
}
