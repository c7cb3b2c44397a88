import XCTest
import FSCompute
import FSTensor
@testable import FSCUDA

final class DeviceSelectionTests: XCTestCase {
    let h200 = GPUInfo(ordinal: 0, name: "NVIDIA H200", computeCapability: (9, 0), multiprocessors: 132,
                       totalMemoryBytes: 150_000_000_000, driverVersion: "12.4", cublasLtVersion: "12.4.5",
                       nvrtcVersion: "12.4")

    func testChoicesAreTheFlagValues() {
        XCTAssertEqual(DeviceChoice.allCases.map(\.rawValue), ["cpu", "cuda", "auto"])
    }

    func testCPUNeverProbes() throws {
        let r = try DeviceSelection.resolve(.cpu, availability: .usable(h200))
        XCTAssertEqual(r.kind, .cpu)
        XCTAssertNil(r.notice)
        XCTAssertEqual(r.runRecord["device"] as? String, "cpu")
    }

    func testAutoFallsBackWithOneLine() throws {
        let r = try DeviceSelection.resolve(.auto, availability: .unavailable("no NVIDIA driver"))
        XCTAssertEqual(r.kind, .cpu)
        let notice = try XCTUnwrap(r.notice)
        XCTAssertFalse(notice.contains("\n"))
        XCTAssertTrue(notice.contains("no usable NVIDIA GPU (no NVIDIA driver); running on the CPU"), notice)
        XCTAssertEqual(r.runRecord["device_choice"] as? String, "auto")
    }

    func testCudaWithoutGPUIsOneClearError() {
        XCTAssertThrowsError(try DeviceSelection.resolve(.cuda, availability: .unavailable("no NVIDIA driver"))) { error in
            XCTAssertEqual("\(error)", "--device cuda: no usable NVIDIA GPU: no NVIDIA driver")
        }
    }

    func testGPURecordsItsProperties() throws {
        for choice in [DeviceChoice.auto, .cuda] {
            let r = try DeviceSelection.resolve(choice, availability: .usable(h200))
            XCTAssertEqual(r.kind, .cuda)
            XCTAssertEqual(r.runRecord["gpu_name"] as? String, "NVIDIA H200")
            XCTAssertEqual(r.runRecord["gpu_compute_capability"] as? String, "9.0")
            XCTAssertEqual(r.runRecord["cuda_driver_version"] as? String, "12.4")
            XCTAssertNotNil(r.runRecord["gpu_peak_memory_bytes"])
        }
        XCTAssertEqual(h200.virtualArchitecture, "compute_90")
    }

    /// Commands without a CUDA path: a usable GPU is named and not used; `cuda` is one error line.
    func testCommandsWithoutCUDAPathStayOnTheCPU() throws {
        let r = try DeviceSelection.resolve(.auto, availability: .usable(h200), cudaPath: false)
        XCTAssertEqual(r.kind, .cpu)
        XCTAssertTrue(r.notice?.contains("NVIDIA H200 found, but this command does not run on the CUDA backend yet") == true, r.notice ?? "")
        XCTAssertThrowsError(try DeviceSelection.resolve(.cuda, availability: .usable(h200), cudaPath: false)) { error in
            XCTAssertTrue("\(error)".hasPrefix("--device cuda: NVIDIA H200 is usable, but"), "\(error)")
        }
        XCTAssertThrowsError(try DeviceSelection.resolve(.cuda, availability: .unavailable("no NVIDIA driver"), cudaPath: false))
    }

    /// On this machine (no GPU): the real probe says why, auto falls back, cuda fails.
    func testRealProbeOnThisMachine() throws {
        let availability = GPUAvailability.probe()
        if case .usable(let info) = availability {
            throw XCTSkip("a GPU is present (\(info.summary)); the fallback is tested with injected availability")
        }
        let r = try DeviceSelection.resolve(.auto)
        XCTAssertEqual(r.kind, .cpu)
        print("auto → \(r.notice ?? "")")
        XCTAssertThrowsError(try DeviceSelection.resolve(.cuda))
        print(CUDARuntime.shared.report.joined(separator: "\n"))
    }
}
