import FSCheckpoint
import FSTensor
import XCTest
@testable import FSModels

final class TextEncoderParityTests: XCTestCase {
    func testClipTextTinyFixturePasses() throws {
        let path = try textVAESharedFixture("lvdm/clip_text_tiny.safetensors")
        let report = try OpenCLIPTextParity.run(ParityFixture(path: path))
        print(report)
        XCTAssertTrue(report.passed, "first divergence: \(report.firstFailure?.name ?? "-")")
    }

    func testFixtureTokensMatchTokenizer() throws {
        let path = try textVAESharedFixture("lvdm/clip_text_tiny.safetensors")
        let f = try ParityFixture(path: path)
        let prompts = try XCTUnwrap(f.json("prompts") as? [String])
        let ids = try f.stored("input/tokens").int64s().map { Int($0) }
        XCTAssertEqual((try CLIPTokenizer.sharedOrThrow()).tokenize(prompts).flatMap { $0 }, ids)
    }
}
