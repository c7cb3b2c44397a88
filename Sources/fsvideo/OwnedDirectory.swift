import Foundation
import FSTensor

/// The marker that says fsvideo made a directory: `.fsvideo-output.json` listing what it wrote there.
/// `--overwrite` replaces only such a directory, and only when nothing else has been put into it since.
enum OwnedDirectory {
    static let markerName = ".fsvideo-output.json"

    struct Marker: Codable {
        var tool = "fsvideo"
        /// "run" (one generation or upscale), "batch" (one entry per video), "frames".
        var kind: String
        /// Top-level entries fsvideo wrote (the marker itself excluded).
        var files: [String]
        /// For batches: a digest of the request, so a re-run of the same command resumes.
        var request: String?
    }

    static func marker(in dir: String) -> Marker? {
        guard let data = FileManager.default.contents(atPath: (dir as NSString).appendingPathComponent(markerName)) else { return nil }
        return try? JSONDecoder().decode(Marker.self, from: data)
    }

    static func writeMarker(_ m: Marker, in dir: String) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        let path = (dir as NSString).appendingPathComponent(markerName)
        do { try enc.encode(m).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw FSError("\(path): cannot write (\(OutputDirectory.reason(error)))")
        }
    }

    /// Names of entries in `dir` that fsvideo did not write (empty when the directory is fully fsvideo's).
    /// Sub-directories with their own marker (the items of a batch) and fsvideo's own temporaries and
    /// locks count as fsvideo's.
    static func foreignEntries(in dir: String) -> [String]? {
        guard let m = marker(in: dir) else { return nil }
        let listed = Set(m.files)
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return entries.filter { name in
            if name == markerName || listed.contains(name) || TemporaryName.isFsvideoTemporary(name) { return false }
            // A flat batch video (`--layout vbench`) with its run record in records/ is fsvideo's.
            if m.kind == "batch", name.hasSuffix(".mp4"),
               FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent("records/" + name.dropLast(4) + ".json")) { return false }
            var isDir: ObjCBool = false
            let p = (dir as NSString).appendingPathComponent(name)
            return !(FileManager.default.fileExists(atPath: p, isDirectory: &isDir) && isDir.boolValue && marker(in: p) != nil)
        }.sorted()
    }

    /// Refuses paths no output may replace: `/`, the home directory, the current directory or any of its
    /// ancestors.
    static func refuseProtected(_ path: String, given: String) throws {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().standardized.path
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).resolvingSymlinksInPath().standardized.path
        let home = URL(fileURLWithPath: NSHomeDirectory()).resolvingSymlinksInPath().standardized.path
        let isAncestorOfCwd = cwd == resolved || cwd.hasPrefix(resolved.hasSuffix("/") ? resolved : resolved + "/")
        if resolved == "/" || resolved == home || isAncestorOfCwd {
            throw FSError("\(given): refusing to use \(resolved == "/" ? "/" : resolved == home ? "the home directory" : "the current directory or one of its parents") as an output directory")
        }
    }
}

/// Names of fsvideo's temporaries: `.NAME.tmp-HOST-PID`, `.NAME.old-HOST-PID`, `.NAME.lock`.
enum TemporaryName {
    static func temporary(for name: String) -> String { ".\(name).tmp-\(OutputLock.hostName)-\(getpid())" }
    static func trash(for name: String) -> String { ".\(name).old-\(OutputLock.hostName)-\(getpid())" }

    static func isFsvideoTemporary(_ name: String) -> Bool {
        name.hasPrefix(".") && (name.hasSuffix(".lock") || name.range(of: #"\.(tmp|old)-"#, options: .regularExpression) != nil)
    }

    /// Removes temporaries in `dir` left by fsvideo processes of this host that no longer run (an earlier
    /// run killed with SIGKILL or by a power loss). Temporaries of live processes, or of other hosts sharing
    /// the file system, are left alone.
    static func removeStale(in dir: String) {
        let host = NSRegularExpression.escapedPattern(for: OutputLock.hostName)
        guard let re = try? NSRegularExpression(pattern: #"^\..+\.(tmp|old)-(?:"# + host + #"-)?([0-9]+)$"#) else { return }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where name.hasPrefix(".") {
            let ns = name as NSString
            guard let m = re.firstMatch(in: name, range: NSRange(location: 0, length: ns.length)),
                  let pid = Int32(ns.substring(with: m.range(at: 2))) else { continue }
            if pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(atPath: (dir as NSString).appendingPathComponent(name))
            }
        }
    }
}
