import FSCheckpoint
import FSDiffusion
import FSTensor
import XCTest
import FSParity

/// DDIM schedule, steps and q_sample against the lvdm fixtures (../shared/fixtures/lvdm/README.md §6, §9).
final class DDIMParityTests: XCTestCase {
    func testScheduleStepsAndQSamplePass() throws {
        let report = try DDIMParity.run(ParityFixture(path: sharedFixture("lvdm/ddim_vc2.safetensors")))
        print(report)
        XCTAssertTrue(report.passed, "first divergence: \(report.firstFailure?.name ?? "-")")
        XCTAssertEqual(report.lines.count, 22)
    }

    func testWholeSamplingRunPasses() throws {
        let report = try DDIMSampleParity.run(ParityFixture(path: sharedFixture("lvdm/sample_tiny.safetensors")))
        print(report)
        XCTAssertTrue(report.passed, "first divergence: \(report.firstFailure?.name ?? "-")")
        XCTAssertEqual(report.lines.count, 12)
    }

    /// The reference's uniform discretisation: S requested → len(range(0, 1000, 1000 // S)) steps.
    func testStepCountsFollowTheReference() throws {
        XCTAssertEqual(try DDIMSchedule(steps: 10, eta: 1).timesteps, Array(stride(from: 1, to: 1000, by: 100)))
        XCTAssertEqual(try DDIMSchedule(steps: 12, eta: 1).count, 13)
        XCTAssertEqual(try DDIMSchedule(steps: 50, eta: 1).samplingTimesteps.first, 981)
        XCTAssertThrowsError(try DDIMSchedule(steps: 0, eta: 1))
        XCTAssertThrowsError(try DDIMSchedule(steps: 600, eta: 1))
        XCTAssertThrowsError(try DDIMSchedule(steps: 3, eta: 1))   // 333 divides 999: timestep 1000
        XCTAssertThrowsError(try DDIMSchedule(steps: 9, eta: 1))
    }

    /// eta 0 gives σ = 0 everywhere, and a step needs no noise then.
    func testEtaZeroIsDeterministic() throws {
        let s = try DDIMSchedule(steps: 5, eta: 0)
        XCTAssertTrue(s.sigmas.allSatisfy { $0 == 0 })
        let x = Tensor(repeating: 0.5, shape: [1, 4, 1, 2, 2])
        let r = try s.step(x: x, eps: x, index: 4, noise: nil)
        // naive scalar: pred = (x − √(1−a)e)/√a/scale, x_prev = √a_prev·scale_prev·pred + √(1−a_prev)·e
        let a = s.alphas[4], ap = s.alphasPrev[4]
        let pred = (0.5 - (1 - a).squareRoot() * 0.5) / a.squareRoot() / s.scaleArr[4]
        let xp = ap.squareRoot() * s.scaleArrPrev[4] * pred + (1 - ap).squareRoot() * 0.5
        XCTAssertEqual(Double(r.predX0.data[0]), pred, accuracy: 1e-5 * abs(pred))
        XCTAssertEqual(Double(r.xPrev.data[0]), xp, accuracy: 1e-5 * abs(xp))
    }
}

/// VideoCrafter's batched sampling (`DDIMSampler.sample` with batch_size 3, a context and noise per item): every
/// item and both guidance branches in one UNet call per step (section 10 of the fixtures' README).
final class DDIMBatchParityTests: XCTestCase {
    func testBatchOfThreeMatchesTheReference() throws {
        let path = try sharedFixture("lvdm/sample_batch3.safetensors")
        let report = try DDIMSampleParity.run(ParityFixture(path: path))
        print(report)
        XCTAssertTrue(report.passed, "first divergence: \(report.firstFailure?.name ?? "-")")
    }

    /// Item k of the batch equals item k sampled alone (the batch it ran in does not change a video).
    func testItemsOfTheBatchEqualTheirBatchOneRuns() throws {
        let f = try ParityFixture(path: try sharedFixture("lvdm/sample_batch3.safetensors"))
        // Within the fixture's own tolerance (atol 1.9e-3): BLAS blocks a batch of 6 differently from a batch of 2
        // (measured: max |Δ| ≈ 2e-4 over the 5 steps).
        let batched = try DDIMSampleParity.sample(f, items: nil)
        for k in 0..<3 {
            let alone = try DDIMSampleParity.sample(f, items: k..<(k + 1))
            let part = batched.slice(axis: 0, k..<(k + 1))
            let diff = zip(alone.data, part.data).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThan(diff, 1.9e-3, "item \(k): batch-3 and batch-1 results differ by \(diff)")
        }
    }
}
