import FSCheckpoint
import FSTensor
import XCTest
@testable import FSModels
import FSParity

final class VAEParityTests: XCTestCase {
    func testVAETinyFixturePasses() throws {
        let path = try sharedFixture("lvdm/vae_tiny.safetensors")
        let report = try VAEParity.run(ParityFixture(path: path))
        print(report)
        XCTAssertTrue(report.passed, "first divergence: \(report.firstFailure?.name ?? "-")")
    }
}
