/// The three CUDA libraries fsvideo opens at run time (plus NVRTC's builtins, found beside NVRTC).
public enum CUDALibraryKind: String, CaseIterable, Sendable {
    case driver, cublasLt, nvrtc

    /// File names tried in each folder, newest major first.
    public var fileNames: [String] {
        switch self {
        case .driver: return ["libcuda.so.1", "libcuda.so"]
        case .cublasLt: return ["libcublasLt.so.12", "libcublasLt.so.11"]
        case .nvrtc: return ["libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so.11.1", "libnvrtc.so.11.0"]
        }
    }

    /// The library's folder inside a pip-installed CUDA wheel (site-packages/nvidia/<folder>/lib);
    /// nil for the driver, which no wheel carries.
    public var wheelFolder: String? {
        switch self {
        case .driver: return nil
        case .cublasLt: return "cublas"
        case .nvrtc: return "cuda_nvrtc"
        }
    }
}
