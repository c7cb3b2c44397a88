import Foundation
import FSTensor

/// A file written under a temporary name in its target directory and renamed into place on success,
/// so the final path never holds a partial file.
public struct OutputFile {
    public let finalPath: String
    public let tempPath: String

    public init(_ path: String) throws {
        guard !path.isEmpty else { throw FSError("output path is empty") }
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw FSError("\(path): directory \(dir) does not exist")
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
            throw FSError("\(path): is a directory")
        }
        guard access(dir, W_OK | X_OK) == 0 else {
            throw FSError("\(path): directory \(dir) is not writable")
        }
        finalPath = path
        let token = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        tempPath = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid())-\(token).partial").path
    }

    /// Moves the finished temporary onto the final path (atomic within one file system).
    public func commit() throws {
        if rename(tempPath, finalPath) != 0 {
            let reason = String(cString: strerror(errno))
            discard()
            throw FSError("\(finalPath): cannot move the finished file into place: \(reason)")
        }
    }

    /// Removes the temporary (ignoring a missing file).
    public func discard() { unlink(tempPath) }

    /// Writes `data` to the path through a temporary.
    public static func write(_ data: Data, to path: String) throws {
        let file = try OutputFile(path)
        guard FileManager.default.createFile(atPath: file.tempPath, contents: nil) else {
            throw FSError("\(path): cannot create \(file.tempPath): \(String(cString: strerror(errno)))")
        }
        do {
            let fd = open(file.tempPath, O_WRONLY | O_TRUNC | O_CLOEXEC)
            guard fd >= 0 else { throw FSError("\(path): cannot open for writing: \(String(cString: strerror(errno)))") }
            var failure: String? = nil
            data.withUnsafeBytes { raw in
                var off = 0
                while off < raw.count {
                    let n = Foundation.write(fd, raw.baseAddress! + off, raw.count - off)
                    if n < 0 {
                        if errno == EINTR { continue }
                        failure = String(cString: strerror(errno))
                        return
                    }
                    off += n
                }
            }
            // Some file systems (NFS, quotas) report a failed write only at close.
            if close(fd) != 0 && failure == nil { failure = String(cString: strerror(errno)) }
            if let failure { throw FSError("\(path): write failed: \(failure)") }
        } catch {
            file.discard()
            throw error
        }
        try file.commit()
    }
}
