import Foundation
import XCTest
import FSCheckpoint
@testable import FSEval
import FSEvalParity

/// The eval reference fixture ../shared/fixtures/eval/<name> (skipped with a reason when absent).
func evalFixture(_ name: String) throws -> ParityFixture { try ParityFixture(path: sharedFixture("eval/" + name)) }

func assertPasses(_ report: ParityReport, file: StaticString = #filePath, line: UInt = #line) {
    print(report)
    XCTAssertTrue(report.passed, "first divergence: \(report.firstFailure?.name ?? "-")", file: file, line: line)
}

final class FixtureParityTests: XCTestCase {
    func testI3D() throws { assertPasses(try I3DParity.run(evalFixture("i3d.safetensors"))) }
}

final class FVDParityTests: XCTestCase {
    func testPreprocess() throws { assertPasses(try FVDPreprocessParity.run(evalFixture("fvd_preprocess.safetensors"))) }
    func testFrechet() throws { assertPasses(try FrechetParity.run(evalFixture("frechet.safetensors"))) }
}

final class DynamicDegreeParityTests: XCTestCase {
    func testDecision() throws { assertPasses(try DynamicDegreeParity.run(evalFixture("dynamic_degree.safetensors"))) }

    func testRoundingRules() {
        XCTAssertEqual(DynamicDegree.interval(fps: 20), 2)   // round(2.5) = 2
        XCTAssertEqual(DynamicDegree.interval(fps: 28), 4)   // round(3.5) = 4
        XCTAssertEqual(DynamicDegree.countNeeded(sampledFrames: 10), 2)
        XCTAssertEqual(DynamicDegree.countNeeded(sampledFrames: 2), 0)
        XCTAssertFalse(DynamicDegree.isDynamic(scores: [], threshold: 1, countNeeded: 0))
        XCTAssertFalse(DynamicDegree.isDynamic(scores: [1.5], threshold: 1.5, countNeeded: 1))
    }
}

final class RAFTParityTests: XCTestCase {
    func testRAFT() throws { assertPasses(try RAFTParity.run(evalFixture("raft.safetensors"))) }
}
