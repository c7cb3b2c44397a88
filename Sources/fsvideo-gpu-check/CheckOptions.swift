import Foundation
import FSCUDA
import FSTensor

/// Command line of fsvideo-gpu-check (no ArgumentParser: this binary links only what it needs).
struct CheckOptions {
    var device = DeviceChoice.auto
    /// `real`: the models' sizes at 16×640×1024; `small`: seconds on a CPU (the test suite's rehearsal).
    var sizes = "real"
    var fixtures = "../shared/fixtures/lvdm"
    var output = "gpu-check-results"
    var seed: UInt64 = 19

    static let usage = """
    usage: fsvideo-gpu-check [--device cpu|cuda|auto] [--sizes real|small] [--fixtures DIR] [--out DIR] [--seed N]
    Op-by-op parity of the device backend against the CPU ops, the lvdm fixtures, per-op timings;
    writes DIR/results.json and DIR/log.txt and prints one summary line.
    """

    static func parse(_ args: [String]) throws -> CheckOptions {
        var o = CheckOptions()
        var i = 0
        func value() throws -> String {
            i += 1
            guard i < args.count else { throw FSError("\(args[i - 1]) needs a value") }
            return args[i]
        }
        while i < args.count {
            switch args[i] {
            case "--device":
                let v = try value()
                guard let d = DeviceChoice(rawValue: v) else { throw FSError("--device: '\(v)' is not cpu, cuda or auto") }
                o.device = d
            case "--sizes":
                o.sizes = try value()
                guard ["real", "small"].contains(o.sizes) else { throw FSError("--sizes: '\(o.sizes)' is not real or small") }
            case "--fixtures": o.fixtures = try value()
            case "--out": o.output = try value()
            case "--seed":
                let v = try value()
                guard let s = UInt64(v) else { throw FSError("--seed: '\(v)' is not a number") }
                o.seed = s
            case "-h", "--help": print(usage); exit(0)
            default: throw FSError("unknown argument '\(args[i])'\n\(usage)")
            }
            i += 1
        }
        if let env = ProcessInfo.processInfo.environment["FSVIDEO_GPU_CHECK_SIZES"], !env.isEmpty { o.sizes = env }
        return o
    }
}
