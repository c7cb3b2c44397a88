import CCUDA
import FSTensor

/// Turns driver, NVRTC and cuBLASLt status codes into one-line FSErrors.
enum CUDACheck {
    static func driver(_ result: CUresult, _ what: String, _ rt: CUDARuntime) throws {
        guard result != 0 else { return }
        var text: UnsafePointer<CChar>? = nil
        _ = rt.driver?.cuGetErrorString?(result, &text)
        throw FSError("CUDA: \(what) failed: \(text.map { String(cString: $0) } ?? "error \(result)")")
    }

    static func nvrtc(_ result: nvrtcResult, _ what: String, _ rt: CUDARuntime) throws {
        guard result != 0 else { return }
        let text = rt.nvrtc?.nvrtcGetErrorString?(result).map { String(cString: $0) } ?? "error \(result)"
        throw FSError("NVRTC: \(what) failed: \(text)")
    }

    static func cublas(_ status: cublasStatus_t, _ what: String) throws {
        guard status != 0 else { return }
        throw FSError("cuBLASLt: \(what) failed with status \(status)")
    }
}
