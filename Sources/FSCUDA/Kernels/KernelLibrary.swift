/// Every CUDA C kernel source fsvideo compiles with NVRTC: one module per source, each with its entry points.
public enum KernelLibrary {
    public struct Module: Sendable {
        public let name: String
        public let source: String
        public let entryPoints: [String]
    }

    public static let modules: [Module] = [
        Module(name: "elementwise", source: KernelPrelude.source + "\n" + ElementwiseKernels.source, entryPoints: ElementwiseKernels.entryPoints),
        Module(name: "norms", source: KernelPrelude.source + "\n" + NormKernels.source, entryPoints: NormKernels.entryPoints),
        Module(name: "attention", source: KernelPrelude.source + "\n" + AttentionKernels.source, entryPoints: AttentionKernels.entryPoints),
        Module(name: "resample", source: KernelPrelude.source + "\n" + ResampleKernels.source, entryPoints: ResampleKernels.entryPoints),
        Module(name: "layout", source: KernelPrelude.source + "\n" + LayoutKernels.source, entryPoints: LayoutKernels.entryPoints),
    ]

    /// The module that defines `entryPoint`.
    public static func module(defining entryPoint: String) -> Module? {
        modules.first { $0.entryPoints.contains(entryPoint) }
    }
}
