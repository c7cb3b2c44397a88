import FSCheckpoint
@testable import FSModels
import FSTensor
import XCTest

final class VAEParityTests: XCTestCase {
    func testVAETinyFixturePasses() throws {
        let path = try textVAESharedFixture("lvdm/vae_tiny.safetensors")
        let report = try VAEParity.run(ParityFixture(path: path))
        print(report)
        XCTAssertTrue(report.passed, "first divergence: \(report.firstFailure?.name ?? "-")")
    }
}
