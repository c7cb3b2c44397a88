import Foundation
import FSTensor

/// An exclusive claim on an output name: `flock` on `.NAME.lock` beside it, held for the whole run. Two
/// fsvideo processes can never write the same output at once; the kernel drops the claim when a process
/// dies, so a crashed run never blocks the next one. The lock file is removed on release.
final class OutputLock {
    let path: String
    private var fd: Int32
    private var interruptToken: Int?

    /// Takes the claim or throws naming the run that holds it.
    init(for target: String) throws {
        let url = URL(fileURLWithPath: target)
        let path = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).lock").path
        self.path = path
        while true {
            var f: Int32 = -1
            var failure: FSError?
            // open + flock + registration in one step a signal cannot split (see Interruption.creating).
            let token = Interruption.creating(path) {
                f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
                guard f >= 0 else {
                    failure = FSError("\(target): cannot create the lock file \(path) (\(String(cString: strerror(errno))))")
                    return false
                }
                if flock(f, LOCK_EX | LOCK_NB) != 0 {
                    let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                    close(f)
                    failure = FSError("\(target): another fsvideo run is writing this output\(holder.isEmpty ? "" : " (\(holder))"); "
                                      + "wait for it or choose another --out")
                    return false
                }
                return true
            }
            if let failure { throw failure }
            // The file may have been unlinked by its previous holder between our open and flock: then the
            // lock is on a dead inode and the claim must be taken again on the current file.
            var a = stat(), b = stat()
            if fstat(f, &a) == 0, stat(path, &b) == 0, a.st_ino == b.st_ino, a.st_dev == b.st_dev {
                fd = f
                interruptToken = token
                break
            }
            if let token { Interruption.unregister(token) }
            close(f)
        }
        let note = "pid \(getpid()) on \(Self.hostName)\n"
        _ = ftruncate(fd, 0)
        _ = note.withCString { write(fd, $0, strlen($0)) }
    }

    func release() {
        guard fd >= 0 else { return }
        unlink(path)
        if let t = interruptToken { Interruption.unregister(t) }
        close(fd)
        fd = -1
    }

    deinit { release() }

    static var hostName: String {
        var buf = [CChar](repeating: 0, count: 256)
        guard gethostname(&buf, buf.count - 1) == 0 else { return "localhost" }
        let name = String(cString: buf)
        return name.isEmpty ? "localhost" : name
    }
}
