import ArgumentParser
import Foundation
import FSCheckpoint
import FSTensor

/// `fsvideo inspect FILE [--manifest]`: what a checkpoint holds, per component, and optionally how it
/// compares with the VideoCrafter2 key manifest.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "List what a checkpoint holds; --manifest checks it against VideoCrafter2.",
        discussion: "FILE is a PyTorch checkpoint (.ckpt/.pt/.pth, zip format) or a .safetensors file.")

    @Argument(help: "Checkpoint file (.ckpt, .pt, .pth or .safetensors).")
    var file: String

    @Flag(help: "Check keys and shapes against the VideoCrafter2 manifest (lists missing, unexpected, mis-shaped keys).")
    var manifest = false

    @Flag(help: "Also list every tensor (key, dtype, shape).")
    var tensors = false

    func run() throws {
        let sd = try Checkpoint.load(path: file)
        print("\(file): \(sd.keys.count) tensors")
        print(Self.summary(sd), terminator: "")
        if !sd.metadata.isEmpty {
            print("metadata: " + sd.metadata.keys.sorted().map { "\($0) (\(sd.metadata[$0]!.count) chars)" }.joined(separator: ", "))
        }
        if tensors {
            for k in sd.keys { let t = sd[k]!; print("  \(k)  \(t.dtype.rawValue)  \(t.shape)") }
        }
        if manifest {
            let check = try VC2Manifest.load().check(sd)
            if check.ok {
                print("manifest: OK — every VideoCrafter2 key present with its shape")
            } else {
                print("manifest: \(check.missing.count) missing, \(check.unexpected.count) unexpected, \(check.misShaped.count) mis-shaped")
                for k in check.missing.prefix(50) { print("  missing     \(k)") }
                if check.missing.count > 50 { print("  … \(check.missing.count - 50) more missing") }
                for k in check.unexpected.prefix(50) { print("  unexpected  \(k)") }
                if check.unexpected.count > 50 { print("  … \(check.unexpected.count - 50) more unexpected") }
                for m in check.misShaped.prefix(50) { print("  mis-shaped  \(m.key): expected \(m.expected), found \(m.found)") }
                if check.misShaped.count > 50 { print("  … \(check.misShaped.count - 50) more mis-shaped") }
                throw ExitCode(1)
            }
        }
    }

    static func summary(_ sd: StateDict) -> String {
        struct Acc { var tensors = 0; var params = 0; var bytes = 0; var dtypes: [String: Int] = [:] }
        var acc: [CheckpointComponent: Acc] = [:]
        for k in sd.keys {
            let t = sd[k]!
            var a = acc[CheckpointComponent.of(key: k), default: Acc()]
            a.tensors += 1; a.params += t.elementCount; a.bytes += t.bytes.count
            a.dtypes[t.dtype.rawValue, default: 0] += 1
            acc[CheckpointComponent.of(key: k)] = a
        }
        func row(_ cols: [String]) -> String {
            let widths = [14, 9, 15, 11]
            var line = "  "
            for (i, c) in cols.enumerated() {
                if i == 0 { line += c.padding(toLength: widths[0], withPad: " ", startingAt: 0) }
                else if i < widths.count { line += String(repeating: " ", count: Swift.max(1, widths[i] - c.count)) + c }
                else { line += "  " + c }
            }
            return line + "\n"
        }
        var s = row(["component", "tensors", "parameters", "bytes", "dtypes"])
        for c in CheckpointComponent.allCases {
            guard let a = acc[c] else { continue }
            let dt = a.dtypes.keys.sorted().map { "\($0)×\(a.dtypes[$0]!)" }.joined(separator: " ")
            s += row([c.rawValue, String(a.tensors), grouped(a.params), byteString(a.bytes), dt])
        }
        return s
    }

    static func grouped(_ n: Int) -> String {
        let s = String(n)
        var out = ""
        for (i, ch) in s.reversed().enumerated() { if i > 0 && i % 3 == 0 { out.append(",") }; out.append(ch) }
        return String(out.reversed())
    }

    static func byteString(_ b: Int) -> String {
        b >= 1 << 30 ? String(format: "%.2f GB", Double(b) / 1e9) : b >= 1 << 20 ? String(format: "%.1f MB", Double(b) / 1e6)
            : String(format: "%.1f kB", Double(b) / 1e3)
    }
}
