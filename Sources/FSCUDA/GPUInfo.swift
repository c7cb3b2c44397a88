import CCUDA
import FSTensor

/// What run.json and the logs say about the GPU.
public struct GPUInfo: Equatable, Sendable {
    public var ordinal: Int
    public var name: String
    public var computeCapability: (major: Int, minor: Int)
    public var multiprocessors: Int
    public var totalMemoryBytes: Int
    public var driverVersion: String
    public var cublasLtVersion: String
    public var nvrtcVersion: String

    public init(ordinal: Int, name: String, computeCapability: (major: Int, minor: Int), multiprocessors: Int,
                totalMemoryBytes: Int, driverVersion: String, cublasLtVersion: String, nvrtcVersion: String) {
        self.ordinal = ordinal; self.name = name; self.computeCapability = computeCapability
        self.multiprocessors = multiprocessors; self.totalMemoryBytes = totalMemoryBytes
        self.driverVersion = driverVersion; self.cublasLtVersion = cublasLtVersion; self.nvrtcVersion = nvrtcVersion
    }

    public static func == (a: GPUInfo, b: GPUInfo) -> Bool {
        a.ordinal == b.ordinal && a.name == b.name && a.computeCapability == b.computeCapability
            && a.totalMemoryBytes == b.totalMemoryBytes && a.driverVersion == b.driverVersion
    }

    /// NVRTC's virtual architecture for this GPU, "compute_90".
    public var virtualArchitecture: String { "compute_\(computeCapability.major)\(computeCapability.minor)" }

    /// NVRTC's real architecture (CUBIN), "sm_90".
    public var realArchitecture: String { "sm_\(computeCapability.major)\(computeCapability.minor)" }

    /// "NVIDIA H200 (sm_90, 139.8 GiB, driver CUDA 12.4)".
    public var summary: String {
        let gib = Double(totalMemoryBytes) / Double(1 << 30)
        return "\(name) (sm_\(computeCapability.major)\(computeCapability.minor), \(String(format: "%.1f", gib)) GiB, driver CUDA \(driverVersion))"
    }

    /// Device 0's properties; throws one line when the driver or the device is unusable.
    public static func query(_ rt: CUDARuntime, ordinal: Int = 0) throws -> GPUInfo {
        guard let d = rt.driver else {
            throw FSError(rt.bindErrors.first ?? "the CUDA driver (libcuda.so.1) was not found: \(rt.driverProbe)")
        }
        try CUDACheck.driver(d.cuInit!(0), "cuInit", rt)
        var count: Int32 = 0
        try CUDACheck.driver(d.cuDeviceGetCount!(&count), "cuDeviceGetCount", rt)
        guard count > ordinal else { throw FSError("the CUDA driver sees \(count) GPUs") }
        var dev: CUdevice = 0
        try CUDACheck.driver(d.cuDeviceGet!(&dev, Int32(ordinal)), "cuDeviceGet", rt)
        var name = [CChar](repeating: 0, count: 256)
        try CUDACheck.driver(d.cuDeviceGetName!(&name, Int32(name.count), dev), "cuDeviceGetName", rt)
        func attribute(_ a: Int32) throws -> Int {
            var v: Int32 = 0
            try CUDACheck.driver(d.cuDeviceGetAttribute!(&v, a, dev), "cuDeviceGetAttribute", rt)
            return Int(v)
        }
        var bytes = 0
        try CUDACheck.driver(d.cuDeviceTotalMem!(&bytes, dev), "cuDeviceTotalMem", rt)
        return GPUInfo(ordinal: ordinal, name: String(cString: name),
                       computeCapability: (try attribute(Int32(CCUDA_ATTR_COMPUTE_CAPABILITY_MAJOR)),
                                           try attribute(Int32(CCUDA_ATTR_COMPUTE_CAPABILITY_MINOR))),
                       multiprocessors: try attribute(Int32(CCUDA_ATTR_MULTIPROCESSOR_COUNT)),
                       totalMemoryBytes: bytes, driverVersion: rt.driverVersion ?? "?",
                       cublasLtVersion: rt.cublasLtVersion ?? "?", nvrtcVersion: rt.nvrtcVersion ?? "?")
    }
}
