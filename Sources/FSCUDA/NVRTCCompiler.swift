import CCUDA
import Foundation
import FSTensor

/// CUDA C → PTX (for a virtual architecture, "compute_90") or CUBIN (for a real one, "sm_90") with NVRTC;
/// results cached per process. The backend loads CUBIN: SASS from a newer NVRTC runs on an older driver of the
/// same CUDA major version, where PTX of a newer ISA would not JIT.
public final class NVRTCCompiler: @unchecked Sendable {
    let runtime: CUDARuntime
    let lock = NSLock()

    public init(runtime: CUDARuntime = .shared) throws {
        guard runtime.nvrtc != nil else { throw FSError("NVRTC is not available: \(runtime.nvrtcProbe)") }
        self.runtime = runtime
    }

    /// The options every kernel is compiled with.
    public static func options(architecture: String) -> [String] {
        ["--gpu-architecture=\(architecture)", "--std=c++17", "-default-device", "--fmad=true", "-lineinfo"]
    }

    /// PTX of `source` for a virtual `architecture` ("compute_90"); throws the compile log on error.
    public func ptx(source: String, name: String, architecture: String) throws -> String {
        let bytes = try compile(source: source, name: name, architecture: architecture, cubin: false)
        return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// CUBIN (an ELF image) of `source` for a real `architecture` ("sm_90").
    public func cubin(source: String, name: String, architecture: String) throws -> [UInt8] {
        try compile(source: source, name: name, architecture: architecture, cubin: true)
    }

    var images: [String: [UInt8]] = [:]

    func compile(source: String, name: String, architecture: String, cubin: Bool) throws -> [UInt8] {
        let key = "\(architecture)|\(cubin)|\(name)|\(source.hashValue)"
        lock.lock()
        if let hit = images[key] { lock.unlock(); return hit }
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
        let what = cubin ? "CUBIN" : "PTX"
        try CUDACheck.nvrtc((cubin ? api.nvrtcGetCUBINSize! : api.nvrtcGetPTXSize!)(program, &size), "\(what) size of \(name)", runtime)
        var buffer = [CChar](repeating: 0, count: size)
        try CUDACheck.nvrtc((cubin ? api.nvrtcGetCUBIN! : api.nvrtcGetPTX!)(program, &buffer), "\(what) of \(name)", runtime)
        let image = buffer.map { UInt8(bitPattern: $0) }
        lock.lock(); images[key] = image; lock.unlock()
        return image
    }
}
