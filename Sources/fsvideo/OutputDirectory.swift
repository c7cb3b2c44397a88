import Foundation
import FSTensor

/// The output directory of a run, filled in a hidden temporary sibling and renamed into place at the end,
/// so nothing half-written is ever left at the output path.
final class OutputDirectory {
    let finalPath: String
    let tempPath: String
    private var committed = false

    /// `outputs/<timestamp>-<slug>` under the current directory.
    static func defaultPath(prompt: String, date: Date = Date()) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd-HHmmss"
        return "outputs/\(f.string(from: date))-\(slug(prompt))"
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

    /// Refuses an existing non-empty directory unless `overwrite`, a path that is a file, or an
    /// unwritable parent — before any compute.
    init(path: String, overwrite: Bool) throws {
        let fm = FileManager.default
        let url = URL(fileURLWithPath: path).standardized
        finalPath = url.path
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: finalPath, isDirectory: &isDir) {
            guard isDir.boolValue else { throw FSError("\(path): exists and is not a directory") }
            let contents = (try? fm.contentsOfDirectory(atPath: finalPath)) ?? []
            if !contents.isEmpty && !overwrite {
                throw FSError("\(path): output directory exists and is not empty (use --overwrite to replace it)")
            }
        }
        let parent = url.deletingLastPathComponent().path
        do { try fm.createDirectory(atPath: parent, withIntermediateDirectories: true) } catch {
            throw FSError("\(parent): cannot create the output's parent directory (\(Self.reason(error)))")
        }
        guard fm.isWritableFile(atPath: parent) else { throw FSError("\(parent): directory is not writable") }
        tempPath = URL(fileURLWithPath: parent)
            .appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())").path
        try? fm.removeItem(atPath: tempPath)
        do { try fm.createDirectory(atPath: tempPath, withIntermediateDirectories: false) } catch {
            throw FSError("\(parent): cannot create a temporary output directory (\(Self.reason(error)))")
        }
    }

    /// Path inside the temporary directory.
    func file(_ name: String) -> String { (tempPath as NSString).appendingPathComponent(name) }
    /// Path the file will have after `commit()`.
    func finalFile(_ name: String) -> String { (finalPath as NSString).appendingPathComponent(name) }

    /// Writes data into the temporary directory, with a clear error on failure (e.g. a full disk).
    func write(_ data: Data, to name: String) throws {
        do { try data.write(to: URL(fileURLWithPath: file(name))) } catch {
            throw FSError("\(finalFile(name)): cannot write (\(Self.reason(error)))")
        }
    }

    /// Moves the finished directory into place (replacing an old one when overwriting).
    func commit() throws {
        let fm = FileManager.default
        var trash: String?
        if fm.fileExists(atPath: finalPath) {
            let t = finalPath + ".old-\(getpid())"
            do { try fm.moveItem(atPath: finalPath, toPath: t) } catch {
                throw FSError("\(finalPath): cannot replace the existing directory (\(Self.reason(error)))")
            }
            trash = t
        }
        do { try fm.moveItem(atPath: tempPath, toPath: finalPath) } catch {
            if let trash { try? fm.moveItem(atPath: trash, toPath: finalPath) }
            throw FSError("\(finalPath): cannot move the output into place (\(Self.reason(error)))")
        }
        if let trash { try? fm.removeItem(atPath: trash) }
        committed = true
    }

    /// Removes the temporary directory (on failure).
    func discard() {
        if !committed { try? FileManager.default.removeItem(atPath: tempPath) }
    }

    deinit { discard() }

    static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let u = ns.userInfo[NSUnderlyingErrorKey] as? NSError, u.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(u.code)))
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        return ns.localizedDescription
    }
}
