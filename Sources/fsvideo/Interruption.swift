import Dispatch
import Foundation

/// SIGINT / SIGTERM / SIGHUP handling: the temporaries of the item in progress are removed, everything
/// already published stays, and the process exits 130 (SIGINT) or 128 + signal. Temporaries register
/// themselves here while they exist; the signal is taken on a dispatch queue, not in a signal handler, so
/// the cleanup may use the file system freely.
enum Interruption {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var paths: [Int: String] = [:]
    nonisolated(unsafe) private static var nextToken = 0
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    /// Installs the handlers once (idempotent).
    static func install() {
        lock.lock(); defer { lock.unlock() }
        guard sources.isEmpty else { return }
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global(qos: .userInteractive))
            source.setEventHandler { interrupted(by: sig) }
            source.resume()
            sources.append(source)
        }
    }

    /// Registers a temporary file or directory to remove on interruption; returns a token for `unregister`.
    static func register(_ path: String) -> Int {
        lock.lock(); defer { lock.unlock() }
        nextToken += 1
        paths[nextToken] = path
        return nextToken
    }

    /// Creates something with `body` and registers `path` in one step that a signal cannot split: the
    /// handler holds the same lock from its start to the exit, so either the path is created and registered
    /// before the handler looks, or the main thread stops here before creating it. `body` returns whether
    /// the path is now this process's to clean up.
    static func creating(_ path: String, _ body: () throws -> Bool) rethrows -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard try body() else { return nil }
        nextToken += 1
        paths[nextToken] = path
        return nextToken
    }

    static func unregister(_ token: Int) {
        lock.lock(); defer { lock.unlock() }
        paths[token] = nil
    }

    /// Exit status for a run stopped by `signal` (the shell convention: 128 + signal number).
    static func exitStatus(for sig: Int32) -> Int32 { 128 + sig }

    private static func interrupted(by sig: Int32) {
        // Held until the exit: the main thread blocks at its next register/creating call instead of
        // creating files the cleanup would miss.
        lock.lock()
        let pending = Array(paths.values)
        // The main thread may still be writing into a temporary: retry a removal that races with it.
        for p in pending {
            for _ in 0..<5 where FileManager.default.fileExists(atPath: p) {
                try? FileManager.default.removeItem(atPath: p)
            }
        }
        let name = sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP"
        let note = pending.isEmpty ? "" : " (removed \(pending.count) unfinished temporar\(pending.count == 1 ? "y" : "ies"); finished outputs are kept"
            + ")"
        FileHandle.standardError.write(Data("\nfsvideo: interrupted by \(name)\(note)\n".utf8))
        _exit(exitStatus(for: sig))
    }
}
