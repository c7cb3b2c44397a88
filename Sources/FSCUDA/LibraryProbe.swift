/// The outcome of looking for one CUDA library: the file that loaded, or why none did.
public struct LibraryProbe: @unchecked Sendable, CustomStringConvertible {
    /// A file that was found but could not be opened (wrong architecture, missing dependency, not a library).
    public struct Rejected: Equatable, Sendable {
        public let path: String
        public let error: String
    }

    public let kind: CUDALibraryKind
    /// The path (or bare soname, when the dynamic loader found it) that loaded.
    public let path: String?
    /// Which search entry found it (FSVIDEO_CUDA_LIBS, LD_LIBRARY_PATH, system, pip wheel …).
    public let origin: String?
    /// The dlopen handle (kept open for the process).
    public let handle: UnsafeMutableRawPointer?
    public let rejected: [Rejected]
    let foldersSearched: Int

    public var loaded: Bool { handle != nil }

    /// One line: "nvrtc: /x/libnvrtc.so.12 (pip wheel)", or why not.
    public var description: String {
        if let path { return "\(kind.rawValue): \(path) (\(origin ?? "?"))" }
        if let r = rejected.first {
            return "\(kind.rawValue): found \(r.path) but it does not load: \(r.error)"
        }
        return "\(kind.rawValue): not found (\(kind.fileNames.joined(separator: ", ")) in none of \(foldersSearched) folders)"
    }
}
