import Foundation
import XCTest
@testable import FSCUDA

/// Every CUDA C kernel source compiles to PTX with NVRTC for Hopper and Ampere, and the PTX defines every
/// entry point the backend launches. NVRTC needs no GPU: PyPI's nvidia-cuda-nvrtc-cu12 wheel provides it
/// (Tools/install-deps.sh puts it in ~/.cache/fsvideo/cuda-wheels; FSVIDEO_CUDA_LIBS or a venv also work).
final class KernelCompileTests: XCTestCase {
    static let runtime = CUDARuntime(search: LibrarySearch(), kinds: [.nvrtc])

    func compiler() throws -> NVRTCCompiler {
        let rt = Self.runtime
        guard rt.nvrtc != nil else {
            let reason = "NVRTC not available (\(rt.nvrtcProbe)); run Tools/install-deps.sh or pip install nvidia-cuda-nvrtc-cu12"
            print("KernelCompileTests skipped: \(reason)")
            throw XCTSkip(reason)
        }
        print("NVRTC \(rt.nvrtcVersion ?? "?"): \(rt.nvrtcProbe)")
        return try NVRTCCompiler(runtime: rt)
    }

    func testEveryKernelCompilesForSm90AndSm80() throws {
        let nvrtc = try compiler()
        for arch in ["compute_90", "compute_80"] {
            for module in KernelLibrary.modules {
                let ptx = try nvrtc.ptx(source: module.source, name: module.name, architecture: arch)
                XCTAssertTrue(ptx.contains(".target sm_\(arch.dropFirst(8))"), "\(module.name): PTX for the wrong target")
                for entry in module.entryPoints {
                    XCTAssertTrue(ptx.contains(".entry \(entry)("), "\(module.name) for \(arch): no entry \(entry)")
                }
            }
        }
    }

    /// The backend loads CUBIN: this runs NVRTC's ptxas stage too (register and shared-memory limits per kernel).
    func testEveryKernelAssemblesToCubinForSm90AndSm80() throws {
        let nvrtc = try compiler()
        for arch in ["sm_90", "sm_80"] {
            for module in KernelLibrary.modules {
                let image = try nvrtc.cubin(source: module.source, name: module.name, architecture: arch)
                XCTAssertEqual(Array(image.prefix(4)), [0x7f, 0x45, 0x4c, 0x46], "\(module.name) for \(arch): not an ELF image")
            }
        }
    }

    func testCompileErrorsCarryTheLog() throws {
        let nvrtc = try compiler()
        XCTAssertThrowsError(try nvrtc.ptx(source: "extern \"C\" __global__ void k() { undefined_thing(); }",
                                           name: "broken", architecture: "compute_90")) { error in
            XCTAssertTrue("\(error)".contains("undefined_thing"), "\(error)")
        }
    }

    func testEveryLaunchedKernelIsInTheLibrary() {
        for entry in CUDAKernelNames.all {
            XCTAssertNotNil(KernelLibrary.module(defining: entry), "\(entry) is launched but defined nowhere")
        }
    }
}
