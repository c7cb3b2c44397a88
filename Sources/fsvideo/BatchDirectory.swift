import Foundation
import FSTensor

/// The output folder of a batch: one published entry per item (a sub-directory, or a flat video with its
/// record), each published on its own as soon as it is finished. The folder is claimed for the whole batch by
/// each shard (`.NAME.lock`, or `.NAME.shard-I-of-N.lock` so the shards of one batch can share the folder);
/// re-running the same command on it resumes — finished items are kept and skipped, only missing ones run.
/// A different request on an existing batch folder is refused unless `overwrite`.
final class BatchDirectory {
    let path: String
    let request: String
    private let lock: OutputLock

    init(path given: String, overwrite: Bool, request: String, shard: ShardSpec = .single) throws {
        guard !given.isEmpty else { throw FSError("output path is empty") }
        let fm = FileManager.default
        path = URL(fileURLWithPath: given).standardized.path
        self.request = request
        _ = try OutputDirectory.prepareParent(of: path, given: given)
        lock = try OutputLock(for: shard.isSharded ? path + ".shard-\(shard.index)-of-\(shard.count)" : path)
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
        } else if mkdir(path, 0o755) != 0 && !(errno == EEXIST && shard.isSharded) {   // another shard may have made it
            throw FSError("\(given): cannot create the output directory (\(String(cString: strerror(errno))))")
        }
        TemporaryName.removeStale(in: path)
        try OwnedDirectory.writeMarker(.init(kind: "batch", files: Self.ownFiles, request: request), in: path)
    }

    /// The batch's own top-level entries besides the items.
    static let ownFiles = [BatchRecord.fileName, ShardManifest.folder, "records", "manifest.jsonl"]

    /// The item's own output directory (claimed and published on its own).
    func item(_ name: String, expectedBytes: Int) throws -> OutputDirectory {
        try OutputDirectory(path: (path as NSString).appendingPathComponent(name), overwrite: true, expectedBytes: expectedBytes)
    }

    func release() { lock.release() }
}
