import Foundation
import FSTensor

/// No command writes over one of its own inputs: an output file may not be an input, nor lie inside an
/// input folder (it would become one of the frames next time); an output directory may not hold an input
/// (replacing the directory would delete it). Checked before any work.
enum InputOutputGuard {
    static func check(output: String, isDirectory: Bool, inputs: [String?], flag: String = "--out") throws {
        let out = resolved(output)
        for case let input? in inputs where !input.isEmpty {
            guard FileManager.default.fileExists(atPath: input) else { continue }
            let inp = resolved(input)
            var inputIsDir: ObjCBool = false
            FileManager.default.fileExists(atPath: input, isDirectory: &inputIsDir)
            if out == inp || sameFile(output, input) {
                throw FSError("\(flag) \(output) is also an input (\(input)): fsvideo never writes over its inputs")
            }
            if isDirectory, inside(inp, out) {
                throw FSError("\(flag) \(output) holds the input \(input): choose an output directory that does not contain it")
            }
            if inputIsDir.boolValue, inside(out, inp) {
                throw FSError("\(flag) \(output) is inside the input folder \(input): choose an output outside it")
            }
        }
    }

    /// Refuses an output file whose extension says another format than the one written.
    static func requireExtension(_ path: String, _ allowed: [String], writes what: String, flag: String = "--out") throws {
        let ext = (path as NSString).pathExtension.lowercased()
        guard allowed.contains(ext) else {
            throw FSError("\(flag) \(path): this command writes \(what); give a file name ending in \(allowed.map { "." + $0 }.joined(separator: " or "))")
        }
    }

    /// Absolute, symlink-free path (the missing tail of a path that does not exist yet is kept as given).
    static func resolved(_ path: String) -> String {
        var url = URL(fileURLWithPath: path).standardized
        var tail: [String] = []
        while !FileManager.default.fileExists(atPath: url.path) && url.path != "/" {
            tail.insert(url.lastPathComponent, at: 0)
            url.deleteLastPathComponent()
        }
        var base = url.resolvingSymlinksInPath().standardized.path
        for t in tail { base = (base as NSString).appendingPathComponent(t) }
        return base
    }

    static func inside(_ path: String, _ dir: String) -> Bool {
        path.hasPrefix(dir.hasSuffix("/") ? dir : dir + "/")
    }

    static func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        guard stat(a, &sa) == 0, stat(b, &sb) == 0 else { return false }
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
    }
}

/// Creates and removes a scratch file beside an output, so a read-only or full file system, or a missing
/// or unwritable folder, fails before the work.
enum OutputProbe {
    static func probe(_ path: String) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw FSError("\(path): directory \(dir) does not exist")
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
            throw FSError("\(path): is a directory")
        }
        let probe = (dir as NSString).appendingPathComponent(".\(url.lastPathComponent).probe-\(getpid())")
        let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FSError("\(path): cannot write in \(dir) (\(String(cString: strerror(errno))))") }
        let ok = write(fd, "x", 1) == 1
        let reason = String(cString: strerror(errno))
        close(fd)
        unlink(probe)
        guard ok else { throw FSError("\(path): cannot write in \(dir) (\(reason))") }
        try DiskSpace.require(0, at: dir, for: path)
    }
}
