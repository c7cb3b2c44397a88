import Foundation
import FSTensor
import FSCommandLine

/// The output directory of a run, filled in a hidden temporary sibling and renamed into place at the end,
/// so nothing half-written is ever left at the output path.
///
/// - The output name is claimed for the whole run (`OutputLock`): a second run given the same path is
///   refused before it starts work.
/// - An existing non-empty directory is replaced only with `overwrite`, and only when fsvideo made it and
///   nothing foreign has been put into it (`OwnedDirectory`); `/`, the home and current directories never.
/// - If the path was taken meanwhile by something outside fsvideo, the result is published under the
///   first free `NAME-2`, `NAME-3`, … (never lost, never deleted) and `publishedPath` says where.
/// - The temporary is removed on failure or interruption (SIGINT/SIGTERM); stale temporaries of dead runs
///   on this host are removed when the next run starts.
final class OutputDirectory {
    let finalPath: String
    let tempPath: String
    let kind: String
    /// Where the result went (differs from `finalPath` only when that was taken meanwhile).
    private(set) var publishedPath: String
    private let lock: OutputLock
    private let overwrite: Bool
    private var interruptToken: Int?
    private var committed = false

    /// `outputs/<timestamp>-<slug>-s<seed>-<random>` under the current directory: the random tail makes
    /// names made in the same second by concurrent runs distinct.
    static func defaultPath(prompt: String, seed: UInt64? = nil, date: Date = Date()) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd-HHmmss"
        let token = String(UInt32.random(in: 0..<(36 * 36 * 36 * 36)), radix: 36)
        let tail = String(repeating: "0", count: 4 - token.count) + token
        return "outputs/\(f.string(from: date))-\(slug(prompt))\(seed.map { "-s\($0)" } ?? "")-\(tail)"
    }

    static func slug(_ text: String, maxLength: Int = 40) -> String {
        var s = ""
        var dash = false
        for ch in text.lowercased().unicodeScalars {
            if CharacterSet.alphanumerics.contains(ch) && ch.isASCII { s.unicodeScalars.append(ch); dash = false }
            else if !dash && !s.isEmpty { s += "-"; dash = true }
        }
        while s.hasSuffix("-") { s.removeLast() }
        if s.isEmpty { s = "video" }
        return String(s.prefix(maxLength)).trimmingCharacters(in: CharacterSet(charactersIn: "-"))
    }

    /// Claims the path and creates the temporary — before any compute. Refuses a path that is a file, an
    /// existing non-empty directory (unless `overwrite` and fsvideo's own), protected directories, an
    /// unwritable parent, and a file system with less than `expectedBytes` free.
    init(path: String, overwrite: Bool, kind: String = "run", expectedBytes: Int = 0) throws {
        guard !path.isEmpty else { throw FSError("output path is empty") }
        let fm = FileManager.default
        let url = URL(fileURLWithPath: path).standardized
        finalPath = url.path
        publishedPath = finalPath
        self.kind = kind
        self.overwrite = overwrite
        let parent = try Self.prepareParent(of: finalPath, given: path)
        lock = try OutputLock(for: finalPath)
        try Self.checkReplaceable(finalPath, given: path, overwrite: overwrite)
        TemporaryName.removeStale(in: parent)
        tempPath = URL(fileURLWithPath: parent).appendingPathComponent(TemporaryName.temporary(for: url.lastPathComponent)).path
        try? fm.removeItem(atPath: tempPath)
        var failure = ""
        interruptToken = Interruption.creating(tempPath) {
            if mkdir(tempPath, 0o755) == 0 { return true }
            failure = String(cString: strerror(errno))
            return false
        }
        guard interruptToken != nil else {
            lock.release()
            throw FSError("\(parent): cannot create a temporary output directory (\(failure))")
        }
        do { try DiskSpace.require(expectedBytes, at: tempPath, for: path) } catch { discard(); throw error }
    }

    /// The checks every output folder (a run's or a batch's) passes before it is claimed: not a protected
    /// directory, a parent that is a directory (created when missing) and writable. Returns the parent.
    static func prepareParent(of path: String, given: String) throws -> String {
        try OwnedDirectory.refuseProtected(path, given: given)
        let parent = (path as NSString).deletingLastPathComponent
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: parent, isDirectory: &isDir), !isDir.boolValue {
            throw FSError("\(given): \(parent) is not a directory")
        }
        do { try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true) } catch {
            throw FSError("\(parent): cannot create the output's parent directory (\(reason(error)))")
        }
        guard access(parent, W_OK | X_OK) == 0 else {
            throw FSError("\(parent): directory is not writable (\(String(cString: strerror(errno))))")
        }
        return parent
    }

    /// Throws unless `path` is absent, an empty directory, or (with `overwrite`) a directory fsvideo made.
    static func checkReplaceable(_ path: String, given: String, overwrite: Bool) throws {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDir) else { return }
        guard isDir.boolValue else { throw FSError("\(given): exists and is not a directory") }
        let contents = (try? fm.contentsOfDirectory(atPath: path)) ?? []
        if contents.isEmpty { return }
        guard overwrite else {
            throw FSError("\(given): output directory exists and is not empty (use --overwrite to replace an earlier fsvideo output)")
        }
        guard let foreign = OwnedDirectory.foreignEntries(in: path) else {
            throw FSError("\(given): --overwrite replaces only a directory fsvideo wrote, and this one has no \(OwnedDirectory.markerName)")
        }
        guard foreign.isEmpty else {
            let names = foreign.prefix(3).joined(separator: ", ") + (foreign.count > 3 ? ", …" : "")
            throw FSError("\(given): --overwrite refused: the directory holds files fsvideo did not write (\(names))")
        }
    }

    /// Path inside the temporary directory.
    func file(_ name: String) -> String { (tempPath as NSString).appendingPathComponent(name) }
    /// Path the file will have after `commit()`.
    func finalFile(_ name: String) -> String { (publishedPath as NSString).appendingPathComponent(name) }

    /// Writes data into the temporary directory, with a clear error on failure (e.g. a full disk).
    func write(_ data: Data, to name: String) throws {
        do { try data.write(to: URL(fileURLWithPath: file(name))) } catch {
            throw FSError("\(finalFile(name)): cannot write (\(Self.reason(error)))")
        }
    }

    /// Marks the directory as fsvideo's and moves it into place; an earlier fsvideo output at the path is
    /// replaced only with `overwrite`. If the path was taken meanwhile, publishes under a fresh name.
    func commit(request: String? = nil) throws {
        let fm = FileManager.default
        let entries = ((try? fm.contentsOfDirectory(atPath: tempPath)) ?? []).filter { $0 != OwnedDirectory.markerName }.sorted()
        try OwnedDirectory.writeMarker(.init(kind: kind, files: entries, request: request), in: tempPath)
        var target = finalPath
        var trash: String?
        if (try? Self.checkReplaceable(finalPath, given: finalPath, overwrite: overwrite)) != nil,
           !((try? fm.contentsOfDirectory(atPath: finalPath)) ?? []).isEmpty {
            let t = (URL(fileURLWithPath: finalPath).deletingLastPathComponent().path as NSString)
                .appendingPathComponent(TemporaryName.trash(for: (finalPath as NSString).lastPathComponent))
            if rename(finalPath, t) == 0 { trash = t }
        }
        var attempt = 1
        while rename(tempPath, target) != 0 {
            let e = errno
            guard e == EEXIST || e == ENOTEMPTY || e == ENOTDIR || e == EISDIR, attempt < 1000 else {
                if let trash { rename(trash, finalPath) }
                throw FSError("\(target): cannot move the output into place (\(String(cString: strerror(e))))")
            }
            attempt += 1
            target = "\(finalPath)-\(attempt)"
        }
        if let trash { try? fm.removeItem(atPath: trash) }
        publishedPath = target
        if target != finalPath {
            FileHandle.standardError.write(Data("fsvideo: warning: \(finalPath) was taken while this run worked; the result is in \(target)\n".utf8))
        }
        committed = true
        finish()
    }

    /// Removes the temporary directory (on failure) and gives up the claim.
    func discard() {
        if !committed { try? FileManager.default.removeItem(atPath: tempPath) }
        finish()
    }

    private func finish() {
        if let t = interruptToken { Interruption.unregister(t); interruptToken = nil }
        lock.release()
    }

    deinit { discard() }

    static func reason(_ error: Error) -> String { ErrorReason.text(error) }
}

/// Free-space check of the file system an output goes to (a full disk fails before the work, not after).
enum DiskSpace {
    static func require(_ bytes: Int, at path: String, for given: String) throws {
        var s = statvfs()
        guard statvfs(path, &s) == 0 else { return }
        let free = Double(s.f_bavail) * Double(s.f_frsize)
        let need = Double(max(bytes, 0)) + 1_000_000
        if free < need {
            throw FSError(String(format: "%@: not enough free space (%.1f MB free, about %.1f MB needed)", given, free / 1e6, need / 1e6))
        }
    }
}
