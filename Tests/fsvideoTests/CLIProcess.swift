import Foundation
import XCTest

/// Runs the fsvideo binary as a user does: the release build when it exists (`FSVIDEO_BIN`, else
/// `.build/release/fsvideo` of this package, which Tools/test.sh builds), else the debug one beside the tests.
enum CLIProcess {
    struct Result {
        var status: Int32
        var signalled: Bool
        var timedOut: Bool
        var out: String
        var err: String
        var seconds: Double
    }

    static func binary() throws -> String { try binary(named: "fsvideo", environment: "FSVIDEO_BIN") }

    /// The `fsvideo-bench` binary, found the same way (`FSVIDEO_BENCH_BIN`, the release build, the debug one).
    static func benchBinary() throws -> String { try binary(named: "fsvideo-bench", environment: "FSVIDEO_BENCH_BIN") }

    static func binary(named name: String, environment variable: String) throws -> String {
        if let env = ProcessInfo.processInfo.environment[variable], FileManager.default.isExecutableFile(atPath: env) { return env }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let release = packageRoot.appendingPathComponent(".build/release/" + name).path
        let runner = URL(fileURLWithPath: Bundle.main.executablePath ?? CommandLine.arguments[0]).resolvingSymlinksInPath()
        let debug = runner.deletingLastPathComponent().appendingPathComponent(name).path
        let bundled = Bundle(for: Marker.self).bundleURL.deletingLastPathComponent().appendingPathComponent(name).path
        // The release binary only when it is at least as new as the debug one (a stale release build would test old code).
        func mtime(_ p: String) -> Date { ((try? FileManager.default.attributesOfItem(atPath: p))?[.modificationDate] as? Date) ?? .distantPast }
        let built = [debug, bundled].first { FileManager.default.isExecutableFile(atPath: $0) }
        if FileManager.default.isExecutableFile(atPath: release), built == nil || mtime(release) >= mtime(built!) { return release }
        guard let built else { throw XCTSkip("\(name) binary not found (set \(variable))") }
        return built
    }

    private final class Marker {}

    /// Runs with a time limit (the process is killed past it); `cwd` defaults to the current directory.
    static func run(_ args: [String], cwd: String? = nil, timeout: Double = 60, environment: [String: String]? = nil,
                    program: String? = nil) throws -> Result {
        let p = try start(args, cwd: cwd, environment: environment, program: program)
        return finish(p, timeout: timeout)
    }

    struct Running {
        let process: Process
        let out: Pipe
        let err: Pipe
        let started: Date
        var outData = Data()
        var errData = Data()
    }

    /// `program`: the binary to run (default: fsvideo).
    static func start(_ args: [String], cwd: String? = nil, environment: [String: String]? = nil,
                      program: String? = nil) throws -> Running {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try program ?? binary())
        p.arguments = args
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        if let environment { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        return Running(process: p, out: out, err: err, started: Date())
    }

    static func finish(_ r: Running, timeout: Double) -> Result {
        // Drain both pipes on their own threads so a chatty process never blocks on a full pipe.
        final class Box: @unchecked Sendable { var data = Data() }
        let group = DispatchGroup()
        let o = Box(), e = Box()
        let outHandle = r.out.fileHandleForReading, errHandle = r.err.fileHandleForReading
        DispatchQueue.global().async(group: group) { o.data = outHandle.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { e.data = errHandle.readDataToEndOfFile() }
        var timedOut = false
        while r.process.isRunning {
            if Date().timeIntervalSince(r.started) > timeout {
                timedOut = true
                kill(r.process.processIdentifier, SIGKILL)
                break
            }
            usleep(5_000)
        }
        r.process.waitUntilExit()
        group.wait()
        return Result(status: r.process.terminationStatus, signalled: r.process.terminationReason == .uncaughtSignal,
                      timedOut: timedOut, out: String(decoding: o.data, as: UTF8.self), err: String(decoding: e.data, as: UTF8.self),
                      seconds: Date().timeIntervalSince(r.started))
    }

    /// A fingerprint of every entry under `dir` (path, type, size, mtime; content hash of files under 1 MB),
    /// to prove a command changed nothing.
    static func snapshot(_ dir: String) -> [String: String] {
        var out: [String: String] = [:]
        guard let e = FileManager.default.enumerator(atPath: dir) else { return out }
        while let rel = e.nextObject() as? String {
            let path = (dir as NSString).appendingPathComponent(rel)
            var st = stat()
            guard lstat(path, &st) == 0 else { continue }
            var desc = "\(st.st_mode) \(st.st_size) \(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)"
            if (st.st_mode & S_IFMT) == S_IFREG, st.st_size < 1 << 20, let d = FileManager.default.contents(atPath: path) {
                desc += " \(d.hashValue)"
            }
            out[rel] = desc
        }
        return out
    }
}
