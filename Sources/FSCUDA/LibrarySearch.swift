import Foundation

/// Where the CUDA libraries may be, in search order, and what was found in each place.
///
/// Order: `FSVIDEO_CUDA_LIBS` (colon-separated folders), `LD_LIBRARY_PATH`, `/usr/local/cuda/lib64`,
/// `/usr/local/cuda-*/lib64` (newest first), the distribution's and the NVIDIA container's folders, then the
/// `nvidia/*/lib` folders of pip-installed CUDA wheels (site-packages from `FSVIDEO_PYTHON_SITE`,
/// `VIRTUAL_ENV`, `/usr/lib/python3*`, `/usr/local/lib/python3*`, `~/.local/lib/python3*`, and the
/// wheel cache that Tools/install-deps.sh fills). Last, the dynamic loader's own search by soname.
public struct LibrarySearch: Sendable {
    /// One folder to look in, and why it is on the list.
    public struct Folder: Equatable, Sendable {
        public let path: String
        public let origin: String
    }

    public var environment: [String: String]
    /// Fixed system folders (tests replace them with an empty list).
    public var systemFolders: [String]
    /// Folders whose `python3*/{site,dist}-packages` are scanned for CUDA wheels.
    public var pythonLibRoots: [String]
    /// Folders used directly as site-packages (pip --target caches).
    public var wheelCaches: [String]
    /// Whether to fall back to dlopen by bare soname (the loader's ld.so.cache search).
    public var useLoaderSearch: Bool

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
        let cudaVersions = LibrarySearch.versionedCUDAFolders(in: "/usr/local")
        systemFolders = ["/usr/local/cuda/lib64"] + cudaVersions + [
            "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/local/nvidia/lib64", "/usr/local/nvidia/lib",
            "/usr/lib/wsl/lib",
        ]
        let home = environment["HOME"] ?? NSHomeDirectory()
        pythonLibRoots = ["/usr/lib", "/usr/local/lib", home + "/.local/lib"]
        let cache = environment["XDG_CACHE_HOME"].map { $0 + "/fsvideo/cuda-wheels" } ?? home + "/.cache/fsvideo/cuda-wheels"
        wheelCaches = [cache]
        useLoaderSearch = true
    }

    /// A search with only the given environment and no system folders (for tests).
    public static func isolated(environment: [String: String]) -> LibrarySearch {
        var s = LibrarySearch(environment: environment)
        s.systemFolders = []; s.pythonLibRoots = []; s.wheelCaches = []; s.useLoaderSearch = false
        return s
    }

    /// `/usr/local/cuda-12.4/lib64`-style folders, newest version first.
    static func versionedCUDAFolders(in root: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        let versions = names.filter { $0.hasPrefix("cuda-") }
        return versions.sorted { versionKey($1).lexicographicallyPrecedes(versionKey($0)) }.map { "\(root)/\($0)/lib64" }
    }

    /// "cuda-12.10" → [12, 10] for ordering.
    static func versionKey(_ name: String) -> [Int] {
        name.dropFirst(5).split(separator: ".").map { Int($0) ?? 0 }
    }

    /// site-packages folders, in order: FSVIDEO_PYTHON_SITE, VIRTUAL_ENV, the scanned roots, wheel caches.
    public func sitePackages() -> [Folder] {
        var out: [Folder] = []
        for p in split(environment["FSVIDEO_PYTHON_SITE"]) { out.append(Folder(path: p, origin: "FSVIDEO_PYTHON_SITE")) }
        if let venv = environment["VIRTUAL_ENV"], !venv.isEmpty {
            for p in pythonSites(under: venv + "/lib") { out.append(Folder(path: p, origin: "VIRTUAL_ENV")) }
        }
        for root in pythonLibRoots {
            for p in pythonSites(under: root) { out.append(Folder(path: p, origin: "python \(root)")) }
        }
        for c in wheelCaches { out.append(Folder(path: c, origin: "fsvideo wheel cache")) }
        return out
    }

    /// `root/python3*/{site,dist}-packages`, newest Python first.
    func pythonSites(under root: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return names.filter { $0.hasPrefix("python3") }.sorted(by: >).flatMap { py in
            ["site-packages", "dist-packages"].map { "\(root)/\(py)/\($0)" }
        }.filter { FileManager.default.fileExists(atPath: $0) }
    }

    /// Every folder searched for `kind`, in order, without duplicates.
    public func folders(for kind: CUDALibraryKind) -> [Folder] {
        var out: [Folder] = []
        for p in split(environment["FSVIDEO_CUDA_LIBS"]) { out.append(Folder(path: p, origin: "FSVIDEO_CUDA_LIBS")) }
        for p in split(environment["LD_LIBRARY_PATH"]) { out.append(Folder(path: p, origin: "LD_LIBRARY_PATH")) }
        for p in systemFolders { out.append(Folder(path: p, origin: "system")) }
        if let wheel = kind.wheelFolder {
            for site in sitePackages() {
                out.append(Folder(path: "\(site.path)/nvidia/\(wheel)/lib", origin: "pip wheel (\(site.origin))"))
            }
        }
        var seen = Set<String>()
        return out.filter { seen.insert($0.path).inserted }
    }

    func split(_ value: String?) -> [String] {
        (value ?? "").split(separator: ":").map(String.init).filter { !$0.isEmpty }
    }

    /// Looks for `kind` and opens the first loadable file. `open` returns nil and an error text on failure.
    public func locate(_ kind: CUDALibraryKind,
                       open: (String) -> (handle: UnsafeMutableRawPointer?, error: String?) = LibraryLoader.open)
        -> LibraryProbe {
        var rejected: [LibraryProbe.Rejected] = []
        var tried = 0
        for folder in folders(for: kind) {
            for name in kind.fileNames {
                let path = folder.path + "/" + name
                guard FileManager.default.fileExists(atPath: path) else { continue }
                tried += 1
                let (handle, error) = open(path)
                if let handle {
                    return LibraryProbe(kind: kind, path: path, origin: folder.origin, handle: handle, rejected: rejected,
                                        foldersSearched: tried)
                }
                rejected.append(.init(path: path, error: error ?? "not loadable"))
            }
        }
        if useLoaderSearch {
            for name in kind.fileNames {
                let (handle, error) = open(name)
                if let handle {
                    return LibraryProbe(kind: kind, path: name, origin: "dynamic loader", handle: handle, rejected: rejected,
                                        foldersSearched: tried)
                }
                _ = error
            }
        }
        return LibraryProbe(kind: kind, path: nil, origin: nil, handle: nil, rejected: rejected,
                            foldersSearched: folders(for: kind).count)
    }
}
