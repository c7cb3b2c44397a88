import Foundation
import FSCompute
import FSTensor

/// Device-only timings at the 16×640×1024 generation's sizes (latents 80×128, 10240 tokens per frame), where a
/// CPU reference would take minutes: the per-op figures behind the "under a minute on one H200" target.
/// Run on the GPU only (`--device cuda|auto` with a GPU); no parity, the op-parity cases cover correctness.
enum OpBenchmarks {
    struct Result {
        let name: String
        let milliseconds: Double
        let tflops: Double?
        let error: String?
        var record: [String: Any] {
            var r: [String: Any] = ["op": name, "device_ms": milliseconds]
            if let tflops { r["tflops"] = tflops }
            if let error { r["error"] = error }
            return r
        }
    }

    /// `small`: toy shapes, so the CPU rehearsal exercises this code too.
    static func run(device: ComputeBackend, small: Bool, log: CheckLog) -> [Result] {
        let (t, c, h, w, heads) = small ? (2, 16, 6, 8, 2) : (16, 320, 80, 128, 5)
        let tokens = h * w
        func filled(_ shape: [Int]) -> Tensor {
            Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { Float(($0 * 7919) % 1000) / 1000 - 0.5 })
        }
        let cases: [(String, Double, () throws -> () throws -> DeviceTensor)] = [
            ("self-attention \(t)×\(tokens) tokens \(heads)×\(c / heads)", 4.0 * Double(t) * Double(tokens) * Double(tokens) * Double(c), {
                let q = try device.upload(filled([t, tokens, c]))
                return { try device.attention(q: q, k: q, v: q, heads: heads, scale: 1 / Float(c / heads).squareRoot()) }
            }),
            ("conv2d 3x3 \(c)ch \(h)x\(w) ×\(t)", 2.0 * Double(t * c * c * 9 * tokens), {
                let x = try device.upload(filled([t, c, h, w])), wt = try device.uploadWeight(filled([c, c, 3, 3]))
                return { try device.conv2d(x, weight: wt, bias: nil, stride: 1, padding: 1) }
            }),
            ("temporal conv k3 \(c)ch \(h)x\(w) ×\(t)", 2.0 * Double(t * c * c * 3 * tokens), {
                let x = try device.upload(filled([1, c, t, h, w])), wt = try device.uploadWeight(filled([c, c, 3, 1, 1]))
                return { try device.temporalConv(x, weight: wt, bias: nil, padding: 1) }
            }),
            ("linear \(t * tokens)x\(c)→\(8 * c) (GEGLU proj)", 2.0 * Double(t * tokens) * Double(c) * Double(8 * c), {
                let x = try device.upload(filled([t * tokens, c])), wt = try device.uploadWeight(filled([8 * c, c]))
                return { try device.linear(x, weight: wt, bias: nil) }
            }),
            ("group norm 32 over 1×\(c)×\(t)×\(h)×\(w)", 0, {
                let x = try device.upload(filled([1, c, t, h, w]))
                return { try device.groupNorm(x, groups: Swift.min(32, c), weight: nil, bias: nil, eps: 1e-6) }
            }),
        ]
        return cases.map { name, flops, make in
            do {
                let op = try make()
                _ = try op(); try device.synchronize()
                let start = DispatchTime.now().uptimeNanoseconds
                for _ in 0..<3 { _ = try op() }
                try device.synchronize()
                let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 3e6
                let tf = flops > 0 ? flops / (ms * 1e9) : nil
                log(String(format: "bench %@ %.3f ms%@", name.padding(toLength: 40, withPad: " ", startingAt: 0) as NSString, ms,
                           tf.map { String(format: "  %.1f TFLOP/s", $0) } ?? ""))
                return Result(name: name, milliseconds: ms, tflops: tf, error: nil)
            } catch {
                log("bench \(name) ERROR \(error)")
                return Result(name: name, milliseconds: 0, tflops: nil, error: "\(error)")
            }
        }
    }
}
