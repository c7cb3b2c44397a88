import ArgumentParser
import Foundation
import FSCUDA
import FSTensor

extension PrecisionChoice: @retroactive ExpressibleByArgument {}
extension DeviceChoice: @retroactive ExpressibleByArgument {}

/// `--device`, `--precision` and `--threads`, shared by generate, upscale, eval and the benches.
public struct ComputeOptions: ParsableArguments {
    @Option(help: "Arithmetic of convolutions, linears and attention products: fp32, bf16 (weights stored in bf16, fp32 accumulation) or auto (bf16 where the CPU has AVX512-BF16, else fp32).")
    public var precision: PrecisionChoice = .auto
    @Option(help: "Worker threads (default: FSVIDEO_THREADS, else all cores).")
    public var threads: Int?
    @Option(help: "Where to compute: cpu, cuda (an NVIDIA GPU; one error line when none is usable) or auto (cuda when a usable GPU is found, else cpu). The models run on the CPU in this version (docs/gpu.md).")
    public var device: DeviceChoice = .auto

    public init() {}

    nonisolated(unsafe) private static var noticePrinted = false

    /// Resolves `--device` (`--device cuda` without a usable GPU throws here, before any work); the result goes
    /// into run.json. `cudaPath`: whether the command can run on the CUDA backend. Prints nothing: the line
    /// about an `auto` fallback comes with `announce`, when the work starts.
    public func resolveDevice(cudaPath: Bool = false) throws -> ResolvedDevice {
        try DeviceSelection.resolve(device, cudaPath: cudaPath)
    }

    /// The one informative line of an `auto` fallback, once per process (not once per batch item), on stderr.
    public static func announce(_ device: ResolvedDevice) {
        guard let notice = device.notice, !noticePrinted else { return }
        noticePrinted = true
        FileHandle.standardError.write(Data((notice + "\n").utf8))
    }

    /// Applies `--threads`, resolves the device (unless given, already resolved) and the precision, and prints
    /// the choice (stderr unless `toStdout`).
    @discardableResult
    public func apply(toStdout: Bool = false, device resolved: ResolvedDevice? = nil) throws -> Precision {
        let device = try resolved ?? resolveDevice()
        Self.announce(device)
        if let threads {
            try FlagCheck.int(threads, "--threads", 1...4096)
            ParallelFor.threadCount = threads
        }
        let p = precision.resolved()
        let line = "device: \(device.kind.rawValue), precision: \(p.rawValue) (--precision \(precision.rawValue); bf16 kernel: \(BF16Support.description)), element-wise: \(ElementwiseISA.name), threads: \(ParallelFor.threadCount)"
        if toStdout { print(line) } else { FileHandle.standardError.write(Data((line + "\n").utf8)) }
        return p
    }
}
