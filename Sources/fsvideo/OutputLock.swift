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
        path = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).lock").path
        while true {
            let f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard f >= 0 else {
                throw FSError("\(target): cannot create the lock file \(path) (\(String(cString: strerror(errno))))")
            }
            if flock(f, LOCK_EX | LOCK_NB) != 0 {
                let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                close(f)
                throw FSError("\(target): another fsvideo run is writing this output\(holder.isEmpty ? "" : " (\(holder))"); "
                              + "wait for it or choose another --out")
            }
            // The file may have been unlinked by its previous holder between our open and flock: then the
            // lock is on a dead inode and the claim must be taken again on the current file.
            var a = stat(), b = stat()
            if fstat(f, &a) == 0, stat(path, &b) == 0, a.st_ino == b.st_ino, a.st_dev == b.st_dev {
                fd = f
                break
            }
            close(f)
        }
        interruptToken = Interruption.register(path)
        let note = "pid \(getpid()) on \(Self.hostName)\n"
        _ = ftruncate(fd, 0)
        _ = note.withCString { write(fd, $0, strlen($0)) }
    }

    func release() {
        guard fd >= 0 else { return }
        if let t = interruptToken { Interruption.unregister(t) }
        unlink(path)
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
