import CBF16Kernels

/// Arithmetic of the GEMM-shaped layers (linears, convolutions, attention products).
/// `bf16`: weights stored once in bf16 (round to nearest even), GEMM inputs converted to bf16, products
/// accumulated in fp32, outputs fp32. Everything else (norms, softmax, embeddings, sampler) stays fp32.
public enum Precision: String, Sendable, CaseIterable {
    case fp32
    case bf16
}

/// What the user asked for: a precision, or `auto` (bf16 where the CPU has AVX512-BF16, else fp32).
public enum PrecisionChoice: String, Sendable, CaseIterable {
    case fp32, bf16, auto

    /// The precision this choice runs with on this CPU.
    public func resolved() -> Precision {
        switch self {
        case .fp32: return .fp32
        case .bf16: return .bf16
        case .auto: return BF16Support.hasFastBF16 ? .bf16 : .fp32
        }
    }
}

/// Runtime CPU support for bf16 arithmetic (cpuid + OS state, see CBF16Kernels/cpu_features.c).
public enum BF16Support {
    /// AVX512-BF16 usable now (false when `forceDisabled`). Without it bf16 runs on a portable C kernel
    /// (same numbers, a few times slower than fp32), so nothing ever executes an unsupported instruction.
    public static var hasFastBF16: Bool { fsbf16_cpu_has_avx512bf16() != 0 }
    /// What cpuid reports, whatever the override.
    public static var cpuReportsAVX512BF16: Bool { fsbf16_cpu_reports_avx512bf16() != 0 }
    public static var cpuReportsAMXBF16: Bool { fsbf16_cpu_reports_amx_bf16() != 0 }

    /// Hides AVX512-BF16 from every dispatch (tests use it to run the paths a CPU without it takes;
    /// `FSVIDEO_NO_BF16=1` sets it at start-up).
    public static var forceDisabled: Bool {
        get { fsbf16_cpu_has_avx512bf16() == 0 && fsbf16_cpu_reports_avx512bf16() != 0 }
        set { fsbf16_set_disabled(newValue ? 1 : 0) }
    }

    /// One line for logs and run.json: the kernel bf16 GEMMs use on this CPU.
    public static var description: String {
        hasFastBF16 ? "avx512-bf16" : (cpuReportsAVX512BF16 ? "portable (avx512-bf16 disabled)" : "portable (no avx512-bf16)")
    }
}
