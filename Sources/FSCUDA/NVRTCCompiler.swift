import CCUDA
import Foundation
import FSTensor

/// CUDA C → PTX with NVRTC, for one virtual architecture ("compute_90"); results cached per process.
public final class NVRTCCompiler: @unchecked Sendable {
    let runtime: CUDARuntime
    let lock = NSLock()
    var cache: [String: String] = [:]

    public init(runtime: CUDARuntime = .shared) throws {
        guard runtime.nvrtc != nil else { throw FSError("NVRTC is not available: \(runtime.nvrtcProbe)") }
        self.runtime = runtime
    }

    /// The options every kernel is compiled with.
    public static func options(architecture: String) -> [String] {
        ["--gpu-architecture=\(architecture)", "--std=c++17", "-default-device", "--fmad=true", "-lineinfo"]
    }

    /// PTX of `source` for `architecture`; throws the compile log on error.
    public func ptx(source: String, name: String, architecture: String) throws -> String {
        let key = "\(architecture)|\(name)|\(source.hashValue)"
        lock.lock()
        if let hit = cache[key] { lock.unlock(); return hit }
        lock.unlock()
        let api = runtime.nvrtc!
        var program: nvrtcProgram? = nil
        try CUDACheck.nvrtc(api.nvrtcCreateProgram!(&program, source, name + ".cu", 0, nil, nil), "create \(name)", runtime)
        defer { _ = api.nvrtcDestroyProgram!(&program) }
        let opts = Self.options(architecture: architecture).map { strdup($0) }
        defer { opts.forEach { free($0) } }
        let constOpts: [UnsafePointer<CChar>?] = opts.map { UnsafePointer($0) }
        let result = constOpts.withUnsafeBufferPointer { api.nvrtcCompileProgram!(program, Int32($0.count), $0.baseAddress) }
        if result != 0 {
            var logSize = 0
            _ = api.nvrtcGetProgramLogSize!(program, &logSize)
            var log = [CChar](repeating: 0, count: Swift.max(logSize, 1))
            _ = api.nvrtcGetProgramLog!(program, &log)
            let text = String(cString: log).trimmingCharacters(in: .whitespacesAndNewlines)
            throw FSError("NVRTC: \(name) for \(architecture) does not compile:\n\(text)")
        }
        var size = 0
        try CUDACheck.nvrtc(api.nvrtcGetPTXSize!(program, &size), "PTX size of \(name)", runtime)
        var buffer = [CChar](repeating: 0, count: size)
        try CUDACheck.nvrtc(api.nvrtcGetPTX!(program, &buffer), "PTX of \(name)", runtime)
        let ptx = String(cString: buffer)
        lock.lock(); cache[key] = ptx; lock.unlock()
        return ptx
    }
}
