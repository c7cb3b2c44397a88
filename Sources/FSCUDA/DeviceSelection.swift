import Foundation
import FSCompute
import FSTensor

/// `--device`: where a command runs.
public enum DeviceChoice: String, CaseIterable, Sendable {
    case cpu, cuda, auto
}

/// Whether a usable GPU is at hand: its properties, or why not (one line).
public enum GPUAvailability: Sendable {
    case usable(GPUInfo)
    case unavailable(String)

    /// Looks at the process's CUDA libraries and device 0: the driver, a GPU, cuBLASLt and NVRTC must all work.
    public static func probe(_ rt: CUDARuntime = .shared) -> GPUAvailability {
        guard rt.driver != nil else {
            return .unavailable(rt.driverProbe.loaded ? rt.bindErrors.joined(separator: "; ")
                                                      : "no NVIDIA driver (\(rt.driverProbe))")
        }
        let info: GPUInfo
        do { info = try GPUInfo.query(rt) } catch { return .unavailable("\(error)") }
        guard rt.cublasLt != nil else { return .unavailable("\(info.name) found, but not cuBLASLt (\(rt.cublasLtProbe))") }
        guard rt.nvrtc != nil else { return .unavailable("\(info.name) found, but not NVRTC (\(rt.nvrtcProbe))") }
        return .usable(info)
    }
}

/// The device a command will use, the line to print about it, and what run.json records.
public struct ResolvedDevice: @unchecked Sendable {
    public let choice: DeviceChoice
    public let kind: DeviceKind
    /// Set when the GPU is used.
    public let gpu: GPUInfo?
    /// The one informative line for `auto` falling back to the CPU (nil otherwise).
    public let notice: String?

    /// run.json fields: device, device_choice, and for the GPU its name, capability, versions, memory, peak use.
    public var runRecord: [String: Any] {
        var r: [String: Any] = ["device": kind.rawValue, "device_choice": choice.rawValue]
        if let notice { r["device_note"] = notice }
        if let gpu {
            r["gpu_name"] = gpu.name
            r["gpu_compute_capability"] = "\(gpu.computeCapability.major).\(gpu.computeCapability.minor)"
            r["gpu_memory_bytes"] = gpu.totalMemoryBytes
            r["cuda_driver_version"] = gpu.driverVersion
            r["cublaslt_version"] = gpu.cublasLtVersion
            r["nvrtc_version"] = gpu.nvrtcVersion
            r["gpu_peak_memory_bytes"] = DeviceMemoryPool.processPeakBytes
        }
        return r
    }
}

/// `--device cpu|cuda|auto` → the device, following the rules:
/// cpu → cpu; auto → cuda when a usable GPU is found, else cpu with one informative line;
/// cuda → cuda, or one clear error line.
///
/// `cudaPath` false: the command has no CUDA path yet (the models run through FSTensor's CPU ops; docs/gpu.md,
/// "What remains"), so a usable GPU is reported and not used: `auto` stays on the CPU with one line saying so,
/// `cuda` is one clear error instead of a run that would silently use the CPU.
public enum DeviceSelection {
    public static func resolve(_ choice: DeviceChoice, cudaPath: Bool = true) throws -> ResolvedDevice {
        try resolve(choice, availability: choice == .cpu ? .unavailable("not probed") : GPUAvailability.probe(), cudaPath: cudaPath)
    }

    public static func resolve(_ choice: DeviceChoice, availability: GPUAvailability, cudaPath: Bool = true) throws -> ResolvedDevice {
        switch (choice, availability) {
        case (.cpu, _):
            return ResolvedDevice(choice: choice, kind: .cpu, gpu: nil, notice: nil)
        case (.cuda, .usable(let info)) where !cudaPath:
            throw FSError("--device cuda: \(info.name) is usable, but this command does not run on the CUDA backend yet (docs/gpu.md); use --device cpu")
        case (.auto, .usable(let info)) where !cudaPath:
            return ResolvedDevice(choice: choice, kind: .cpu, gpu: nil,
                                  notice: "fsvideo: --device auto: \(info.name) found, but this command does not run on the CUDA backend yet (docs/gpu.md); running on the CPU")
        case (_, .usable(let info)):
            return ResolvedDevice(choice: choice, kind: .cuda, gpu: info, notice: nil)
        case (.auto, .unavailable(let why)):
            return ResolvedDevice(choice: choice, kind: .cpu, gpu: nil,
                                  notice: "fsvideo: --device auto: no usable NVIDIA GPU (\(why)); running on the CPU")
        case (.cuda, .unavailable(let why)):
            throw FSError("--device cuda: no usable NVIDIA GPU: \(why)")
        }
    }
}
