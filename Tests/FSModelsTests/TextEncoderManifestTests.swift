import FSTensor
import XCTest
@testable import FSModels

final class TextEncoderManifestTests: XCTestCase {
    func testViTH14PresetAsksForExactlyTheManifestTextRows() throws {
        let expected = try textVAEManifestRows(prefix: "cond_stage_model.model.")
        XCTAssertEqual(expected.count, 294)
        let recorder = ParameterShapeRecorder()
        _ = try OpenCLIPTextEncoder(config: .vitH14, source: recorder)
        XCTAssertEqual(Set(recorder.requested.keys).subtracting(expected.keys).sorted(), [], "asked for but not in the manifest")
        XCTAssertEqual(Set(expected.keys).subtracting(recorder.requested.keys).sorted(), [], "in the manifest but never asked for")
        for (k, shape) in expected { XCTAssertEqual(recorder.requested[k], shape, k) }
    }
}
