import XCTest
import FSCompute
import FSTensor
@testable import FSCUDA

final class CPUBackendTests: XCTestCase {
    func testWindowGatherAndScatterAdd() throws {
        // Grid 2×3, one channel, values 1…6; a 2×2 window at (0, 2) reaches one column past the edge.
        let x = Tensor(shape: [1, 6, 1], data: [1, 2, 3, 4, 5, 6])
        let windows = [WindowRect(top: 0, left: 0, height: 2, width: 2), WindowRect(top: 0, left: 2, height: 2, width: 2)]
        let b = CPUBackend()
        let g = try b.download(try b.gatherWindows(try b.upload(x), height: 2, width: 3, windows: windows))
        XCTAssertEqual(g.shape, [2, 4, 1])
        XCTAssertEqual(g.data, [1, 2, 4, 5, 3, 0, 6, 0])
        let s = try b.download(try b.scatterAddWindows(try b.upload(g), into: try b.upload(Tensor(zeros: [1, 6, 1])),
                                                       height: 2, width: 3, windows: windows))
        XCTAssertEqual(s.data, [1, 2, 3, 4, 5, 6])
    }

    func testDDIMStepMatchesTheFormula() throws {
        let b = CPUBackend()
        let c = DDIMCoefficients(cx: 2, ce: 0.5, cp: 3, cd: 0.25, cn: 0.1)
        let r = try b.ddimStep(x: try b.upload(Tensor(shape: [2], data: [1, 2])), eps: try b.upload(Tensor(shape: [2], data: [4, 8])),
                               noise: try b.upload(Tensor(shape: [2], data: [10, 20])), c)
        XCTAssertEqual(try b.download(r.predX0).data, [0, 0])
        XCTAssertEqual(try b.download(r.xPrev).data, [2, 4])
    }

    func testCUDABackendWithoutGPUSaysWhy() throws {
        if case .usable = GPUAvailability.probe() { throw XCTSkip("a GPU is present") }
        XCTAssertThrowsError(try CUDABackend()) { error in
            XCTAssertFalse("\(error)".isEmpty)
            print("CUDABackend() here: \(error)")
        }
    }

    func testForeignTensorsAreRejected() throws {
        let b = CPUBackend()
        let fake = DeviceTensor(shape: [1], dtype: .fp32, device: .cuda, storage: HostStorage(Tensor(zeros: [1])))
        XCTAssertThrowsError(try b.requireLocal(fake, "silu"))
    }
}
