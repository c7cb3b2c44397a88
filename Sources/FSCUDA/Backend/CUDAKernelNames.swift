/// The kernel entry points CUDABackend launches (each must be defined in KernelLibrary; a test checks).
enum CUDAKernelNames {
    static let all: [String] = ElementwiseKernels.entryPoints + NormKernels.entryPoints + AttentionKernels.entryPoints
        + ResampleKernels.entryPoints + LayoutKernels.entryPoints
}
