import ArgumentParser
import Foundation
import FSTensor

extension PrecisionChoice: @retroactive ExpressibleByArgument {}

/// `--precision` and `--threads`, shared by generate, upscale and the benches.
public struct ComputeOptions: ParsableArguments {
    @Option(help: "Arithmetic of convolutions, linears and attention products: fp32, bf16 (weights stored in bf16, fp32 accumulation) or auto (bf16 where the CPU has AVX512-BF16, else fp32).")
    public var precision: PrecisionChoice = .auto
    @Option(help: "Worker threads (default: FSVIDEO_THREADS, else all cores).")
    public var threads: Int?

    public init() {}

    /// Applies `--threads`, resolves the precision and prints the choice (stderr unless `toStdout`).
    public func apply(toStdout: Bool = false) throws -> Precision {
        if let threads {
            try FlagCheck.int(threads, "--threads", 1...4096)
            ParallelFor.threadCount = threads
        }
        let p = precision.resolved()
        let line = "precision: \(p.rawValue) (--precision \(precision.rawValue); bf16 kernel: \(BF16Support.description)), element-wise: \(ElementwiseISA.name), threads: \(ParallelFor.threadCount)"
        if toStdout { print(line) } else { FileHandle.standardError.write(Data((line + "\n").utf8)) }
        return p
    }
}
