import Foundation
import FSCompute
import FSTensor

/// Runs every OpCase on the device backend and on the CPU reference, compares, and times the device op.
struct OpResult {
    let name: String
    let maxAbs: Double
    let relative: Double
    let tolerance: Double
    let milliseconds: Double
    let gflops: Double?
    let error: String?
    var passed: Bool { error == nil && relative <= tolerance }

    var record: [String: Any] {
        var r: [String: Any] = ["op": name, "passed": passed, "max_abs": finite(maxAbs), "relative": finite(relative),
                                "tolerance": tolerance, "device_ms": milliseconds]
        if let gflops { r["device_gflops"] = gflops }
        if let error { r["error"] = error }
        return r
    }

    func finite(_ v: Double) -> Any { v.isFinite ? v : "inf" }
}

enum OpParity {
    static func run(cases: [OpCase], device: ComputeBackend, log: CheckLog) -> [OpResult] {
        let reference = CPUBackend()
        return cases.map { c in
            do {
                let refIn = try c.inputs.map(reference.upload), refW = try c.weights.map(reference.uploadWeight)
                let expected = try reference.download(try c.run(reference, refIn, refW))
                let devIn = try c.inputs.map(device.upload), devW = try c.weights.map(device.uploadWeight)
                _ = try c.run(device, devIn, devW)          // warm-up (NVRTC compile, cuBLASLt heuristics)
                try device.synchronize()
                let repeats = device.device == .cpu ? 1 : 5
                let start = DispatchTime.now().uptimeNanoseconds
                var out: DeviceTensor? = nil
                for _ in 0..<repeats { out = try c.run(device, devIn, devW) }
                try device.synchronize()
                let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / Double(repeats)
                let got = try device.download(out!)
                let cmp = Comparison(got, expected)
                let r = OpResult(name: c.name, maxAbs: cmp.maxAbs, relative: cmp.relative, tolerance: c.tolerance,
                                 milliseconds: ms, gflops: c.flops > 0 ? c.flops / (ms * 1e6) : nil, error: nil)
                log(String(format: "op %@ %@  rel %.2e (tol %.0e)  %.3f ms%@", c.name.padding(toLength: 44, withPad: " ", startingAt: 0) as NSString,
                           r.passed ? "PASS" : "FAIL", r.relative, r.tolerance, ms,
                           r.gflops.map { String(format: "  %.0f GFLOP/s", $0) } ?? ""))
                return r
            } catch {
                log("op \(c.name) ERROR \(error)")
                return OpResult(name: c.name, maxAbs: .infinity, relative: .infinity, tolerance: c.tolerance,
                                milliseconds: 0, gflops: nil, error: "\(error)")
            }
        }
    }
}
