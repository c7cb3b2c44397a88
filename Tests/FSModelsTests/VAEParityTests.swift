import FSCheckpoint
import FSTensor
import XCTest
@testable import FSModels

final class VAEParityTests: XCTestCase {
    func testVAETinyFixturePasses() throws {
        let path = try textVAESharedFixture("lvdm/vae_tiny.safetensors")
        let report = try VAEParity.run(ParityFixture(path: path))
        print(report)
        XCTAssertTrue(report.passed, "first divergence: \(report.firstFailure?.name ?? "-")")
    }
}
