import CCUDA
import Foundation
import FSCompute
import FSTensor

/// One GPU as fsvideo uses it: the primary context, one non-blocking stream (all work is ordered on it),
/// the device memory pool, NVRTC modules compiled once per process for the GPU's architecture, cuBLASLt.
public final class CUDAContext: @unchecked Sendable {
    public let runtime: CUDARuntime
    public let info: GPUInfo
    let driver: ccuda_driver
    let device: CUdevice
    let context: CUcontext
    let stream: CUstream
    public let pool: DeviceMemoryPool
    let compiler: NVRTCCompiler
    let lock = NSLock()
    var modules: [String: CUmodule] = [:]
    var functions: [String: CUfunction] = [:]
    var gemm: CUBLASLtGEMM?

    public init(runtime: CUDARuntime = .shared, ordinal: Int = 0) throws {
        self.runtime = runtime
        info = try GPUInfo.query(runtime, ordinal: ordinal)
        guard let d = runtime.driver else { throw FSError("CUDA driver not loaded") }
        driver = d
        var dev: CUdevice = 0
        try CUDACheck.driver(d.cuDeviceGet!(&dev, Int32(ordinal)), "cuDeviceGet", runtime)
        device = dev
        var ctx: CUcontext? = nil
        try CUDACheck.driver(d.cuDevicePrimaryCtxRetain!(&ctx, dev), "cuDevicePrimaryCtxRetain", runtime)
        guard let ctx else { throw FSError("CUDA: no primary context") }
        context = ctx
        try CUDACheck.driver(d.cuCtxSetCurrent!(ctx), "cuCtxSetCurrent", runtime)
        var s: CUstream? = nil
        try CUDACheck.driver(d.cuStreamCreate!(&s, UInt32(CCUDA_STREAM_NON_BLOCKING)), "cuStreamCreate", runtime)
        guard let s else { throw FSError("CUDA: no stream") }
        stream = s
        compiler = try NVRTCCompiler(runtime: runtime)
        let rt = runtime
        pool = DeviceMemoryPool(allocate: { bytes in
            var p: CUdeviceptr = 0
            try CUDACheck.driver(d.cuMemAlloc!(&p, bytes), "cuMemAlloc(\(bytes) bytes)", rt)
            return p
        }, free: { p in _ = d.cuMemFree!(p) })
        gemm = try CUBLASLtGEMM(context: self)
    }

    deinit {
        _ = driver.cuStreamSynchronize!(stream)
        gemm = nil
        pool.trim()
        for m in modules.values { _ = driver.cuModuleUnload!(m) }
        _ = driver.cuStreamDestroy!(stream)
        _ = driver.cuDevicePrimaryCtxRelease!(device)
    }

    func check(_ r: CUresult, _ what: String) throws { try CUDACheck.driver(r, what, runtime) }

    /// Binds the context to the calling thread (the driver keeps one current context per thread).
    func makeCurrent() throws { try check(driver.cuCtxSetCurrent!(context), "cuCtxSetCurrent") }

    // MARK: memory

    func allocate(_ bytes: Int) throws -> DeviceBuffer { try DeviceBuffer(pool: pool, bytes: Swift.max(bytes, 1)) }

    func copyToDevice(_ src: UnsafeRawPointer, _ dst: UInt64, bytes: Int) throws {
        try check(driver.cuMemcpyHtoDAsync!(dst, src, bytes, stream), "copy to the GPU")
    }

    /// Waits for the stream, then copies (the host buffer is pageable).
    func copyToHost(_ src: UInt64, _ dst: UnsafeMutableRawPointer, bytes: Int) throws {
        try check(driver.cuMemcpyDtoHAsync!(dst, src, bytes, stream), "copy from the GPU")
        try synchronize()
    }

    func synchronize() throws { try check(driver.cuStreamSynchronize!(stream), "cuStreamSynchronize") }

    /// Free and total device memory.
    public func memoryInfo() throws -> (free: Int, total: Int) {
        var free = 0, total = 0
        try check(driver.cuMemGetInfo!(&free, &total), "cuMemGetInfo")
        return (free, total)
    }

    // MARK: kernels

    /// The kernel `name`, compiling its module with NVRTC for this GPU on first use.
    func function(_ name: String) throws -> CUfunction {
        lock.lock(); defer { lock.unlock() }
        if let f = functions[name] { return f }
        guard let spec = KernelLibrary.module(defining: name) else { throw FSError("CUDA: no kernel named \(name)") }
        let module: CUmodule
        if let m = modules[spec.name] {
            module = m
        } else {
            let image = try compiler.cubin(source: spec.source, name: spec.name, architecture: info.realArchitecture)
            var m: CUmodule? = nil
            try image.withUnsafeBytes { try check(driver.cuModuleLoadData!(&m, $0.baseAddress!), "load module \(spec.name)") }
            guard let m else { throw FSError("CUDA: module \(spec.name) did not load") }
            modules[spec.name] = m
            module = m
        }
        var f: CUfunction? = nil
        try check(driver.cuModuleGetFunction!(&f, module, name), "find kernel \(name)")
        guard let f else { throw FSError("CUDA: kernel \(name) missing") }
        functions[name] = f
        return f
    }

    /// Launches `name` on the stream.
    func launch(_ name: String, grid: (Int, Int, Int), block: Int, sharedBytes: Int = 0, _ args: [KernelArgument]) throws {
        try makeCurrent()
        let f = try function(name)
        try KernelArgument.withPacked(args) { params in
            try check(driver.cuLaunchKernel!(f, UInt32(grid.0), UInt32(grid.1), UInt32(grid.2), UInt32(block), 1, 1,
                                             UInt32(sharedBytes), stream, params, nil), "launch \(name)")
        }
    }

    /// A 1-D launch of a grid-stride kernel over `count` items.
    func launch1D(_ name: String, count: Int, _ args: [KernelArgument]) throws {
        let threads = 256
        let blocks = Swift.max(1, Swift.min((count + threads - 1) / threads, 1 << 20))
        try launch(name, grid: (blocks, 1, 1), block: threads, args)
    }
}
