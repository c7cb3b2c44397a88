import Foundation
import FSTensor

/// The output folder of a `--prompt-file` batch: one sub-directory per item, each published on its own
/// (an `OutputDirectory` inside this one) as soon as it is finished. The folder is claimed for the whole
/// batch; re-running the same command on it resumes — finished items are kept and skipped, only missing
/// ones run. A different request on an existing batch folder is refused unless `overwrite`.
final class BatchDirectory {
    let path: String
    let request: String
    private let lock: OutputLock

    init(path given: String, overwrite: Bool, request: String) throws {
        guard !given.isEmpty else { throw FSError("output path is empty") }
        let fm = FileManager.default
        path = URL(fileURLWithPath: given).standardized.path
        self.request = request
        try OwnedDirectory.refuseProtected(path, given: given)
        let parent = (path as NSString).deletingLastPathComponent
        do { try fm.createDirectory(atPath: parent, withIntermediateDirectories: true) } catch {
            throw FSError("\(parent): cannot create the output's parent directory (\(OutputDirectory.reason(error)))")
        }
        guard access(parent, W_OK | X_OK) == 0 else { throw FSError("\(parent): directory is not writable") }
        lock = try OutputLock(for: path)
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDir) {
            guard isDir.boolValue else { throw FSError("\(given): exists and is not a directory") }
            let existing = OwnedDirectory.marker(in: path)
            let sameBatch = existing?.kind == "batch" && existing?.request == request
            if !sameBatch {
                try OutputDirectory.checkReplaceable(path, given: given, overwrite: overwrite)
                // An earlier fsvideo output the user asked to replace: clear it (only fsvideo's entries remain).
                for name in (try? fm.contentsOfDirectory(atPath: path)) ?? [] {
                    try? fm.removeItem(atPath: (path as NSString).appendingPathComponent(name))
                }
            }
            guard access(path, W_OK | X_OK) == 0 else { throw FSError("\(given): directory is not writable") }
        } else if mkdir(path, 0o755) != 0 {
            throw FSError("\(given): cannot create the output directory (\(String(cString: strerror(errno))))")
        }
        TemporaryName.removeStale(in: path)
        try OwnedDirectory.writeMarker(.init(kind: "batch", files: [], request: request), in: path)
    }

    /// True when `name` was published by an earlier run: its marker, run.json and a non-empty video.mp4.
    func isComplete(_ name: String) -> Bool {
        let dir = (path as NSString).appendingPathComponent(name)
        guard OwnedDirectory.marker(in: dir) != nil,
              let run = FileManager.default.contents(atPath: (dir as NSString).appendingPathComponent("run.json")),
              (try? JSONSerialization.jsonObject(with: run)) != nil,
              let size = (try? FileManager.default.attributesOfItem(atPath: (dir as NSString).appendingPathComponent("video.mp4")))?[.size] as? Int,
              size > 0 else { return false }
        return true
    }

    /// The item's own output directory (claimed and published on its own).
    func item(_ name: String, expectedBytes: Int) throws -> OutputDirectory {
        try OutputDirectory(path: (path as NSString).appendingPathComponent(name), overwrite: true, expectedBytes: expectedBytes)
    }

    func release() { lock.release() }
}
