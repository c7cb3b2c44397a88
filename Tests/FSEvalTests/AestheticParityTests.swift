import Foundation
import XCTest
import FSCheckpoint
@testable import FSEval

final class AestheticParityTests: XCTestCase {
    func testFixture() throws { assertPasses(try AestheticParity.run(evalFixture("aesthetic.safetensors"))) }

    func testResizeAndCropRules() {
        // torchvision truncates the long side and rounds the crop offset half to even.
        XCTAssertEqual(CLIPPreprocess.resizedSize(height: 120, width: 90).height, 298)
        XCTAssertEqual(CLIPPreprocess.resizedSize(height: 60, width: 84).width, 313)
        XCTAssertEqual(CLIPPreprocess.resizedSize(height: 50, width: 50).height, 224)
        XCTAssertEqual(CLIPPreprocess.cropOffset(313), 44)
        XCTAssertEqual(CLIPPreprocess.cropOffset(295), 36)
    }

    func testConfigInferredFromViTL14Manifest() throws {
        let sd = StateDict()
        for (k, s) in [("visual.conv1.weight", [1024, 3, 14, 14]), ("visual.positional_embedding", [257, 1024]),
                       ("visual.proj", [1024, 768])] {
            sd[k] = StoredTensor(dtype: .f16, shape: s, bytes: Data())
        }
        for i in 0..<24 { sd["visual.transformer.resblocks.\(i).attn.in_proj_weight"] = StoredTensor(dtype: .f16, shape: [3072, 1024], bytes: Data()) }
        XCTAssertEqual(try CLIPVisionConfig.inferred(from: sd.view(prefix: "visual.")), .vitL14)
    }
}
