import CCUDA
import Foundation
import FSTensor

/// The CUDA libraries of this process, found and bound once: each table is nil when its library is missing.
public final class CUDARuntime: @unchecked Sendable {
    public let driverProbe: LibraryProbe
    public let cublasLtProbe: LibraryProbe
    public let nvrtcProbe: LibraryProbe
    /// NVRTC's builtins library, opened from NVRTC's folder before NVRTC needs it (pip wheels ship it there).
    public let nvrtcBuiltins: String?

    public let driver: ccuda_driver?
    public let cublasLt: ccuda_cublaslt?
    public let nvrtc: ccuda_nvrtc?
    /// Symbol problems ("libcuda.so.1 lacks cuMemAlloc_v2"), one per library that loaded but did not bind.
    public let bindErrors: [String]

    /// The process-wide runtime, searched with the process environment.
    public static let shared = CUDARuntime(search: LibrarySearch())

    public init(search: LibrarySearch, kinds: Set<CUDALibraryKind> = Set(CUDALibraryKind.allCases)) {
        var errors: [String] = []
        func skipped(_ k: CUDALibraryKind) -> LibraryProbe {
            LibraryProbe(kind: k, path: nil, origin: nil, handle: nil, rejected: [], foldersSearched: 0)
        }
        driverProbe = kinds.contains(.driver) ? search.locate(.driver) : skipped(.driver)
        cublasLtProbe = kinds.contains(.cublasLt) ? search.locate(.cublasLt) : skipped(.cublasLt)
        // NVRTC loads its builtins by soname: open them first, by full path, from the folder NVRTC would use.
        var builtins: String? = nil
        var nvrtcProbeFound: LibraryProbe = skipped(.nvrtc)
        if kinds.contains(.nvrtc) {
            for folder in search.folders(for: .nvrtc) {
                if let b = CUDARuntime.builtinsFile(in: folder.path), LibraryLoader.open(b).handle != nil { builtins = b; break }
            }
            nvrtcProbeFound = search.locate(.nvrtc)
        }
        nvrtcProbe = nvrtcProbeFound
        nvrtcBuiltins = builtins

        func bind<T>(_ probe: LibraryProbe, _ empty: T, _ binder: (UnsafeMutableRawPointer, UnsafeMutablePointer<T>) -> UnsafePointer<CChar>?) -> T? {
            guard let h = probe.handle else { return nil }
            var table = empty
            if let missing = binder(h, &table) {
                errors.append("\(probe.path ?? probe.kind.rawValue) lacks \(String(cString: missing))")
                return nil
            }
            return table
        }
        driver = bind(driverProbe, ccuda_driver()) { ccuda_bind_driver($0, $1) }
        cublasLt = bind(cublasLtProbe, ccuda_cublaslt()) { ccuda_bind_cublaslt($0, $1) }
        nvrtc = bind(nvrtcProbe, ccuda_nvrtc()) { ccuda_bind_nvrtc($0, $1) }
        bindErrors = errors
    }

    /// `libnvrtc-builtins.so.12.x` in `folder` (the plain one before `.alt`), if any.
    static func builtinsFile(in folder: String) -> String? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let b = names.filter { $0.hasPrefix("libnvrtc-builtins.so") }.sorted()
        return b.first.map { folder + "/" + $0 }
    }

    /// One line per library: where it was found or why not.
    public var report: [String] {
        [driverProbe, cublasLtProbe, nvrtcProbe].map(\.description) + bindErrors
    }

    /// NVRTC's version, "12.9".
    public var nvrtcVersion: String? {
        guard let f = nvrtc?.nvrtcVersion else { return nil }
        var major: Int32 = 0, minor: Int32 = 0
        return f(&major, &minor) == 0 ? "\(major).\(minor)" : nil
    }

    /// cuBLASLt's version, "12.4.5".
    public var cublasLtVersion: String? {
        guard let f = cublasLt?.cublasLtGetVersion else { return nil }
        let v = f()
        return "\(v / 10000).\((v / 100) % 100).\(v % 100)"
    }

    /// The driver's CUDA version, "12.4".
    public var driverVersion: String? {
        guard let f = driver?.cuDriverGetVersion else { return nil }
        var v: Int32 = 0
        return f(&v) == 0 ? "\(v / 1000).\((v % 1000) / 10)" : nil
    }
}
